#include "core/report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/plan.hpp"

namespace regimend {
namespace {

const date::time_zone& zone_of(const Regimen& regimen) {
    return regimen.zone ? *regimen.zone : *date::locate_zone("UTC");
}

bool within(const ReportSpan& span, Instant instant) {
    return instant >= span.from && instant < span.to;
}

LocalDate add_days(LocalDate day, int count) {
    return LocalDate{date::sys_days{day} + date::days{count}};
}

std::optional<double> median(std::vector<double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    std::sort(values.begin(), values.end());
    size_t middle = values.size() / 2;
    if (values.size() % 2 == 1) {
        return values[middle];
    }
    return (values[middle - 1] + values[middle]) / 2.0;
}

// What the history says about one planned dose.
struct DoseRecord {
    bool recorded = false;  // any event at all: the daemon tracked this dose
    bool taken = false;
    bool skipped = false;
    bool missed = false;
    Instant taken_at{};
};

using DoseRecords = std::map<std::pair<std::string, Instant>, DoseRecord>;

DoseRecords dose_records(const std::vector<HistoryEvent>& events, const ReportSpan& window) {
    DoseRecords records;
    for (const auto& event : events) {
        if (!event.planned || !within(window, *event.planned)) {
            continue;
        }
        auto& record = records[{event.item, *event.planned}];
        record.recorded = true;
        switch (event.kind) {
            case EventKind::Taken:
                record.taken = true;
                record.taken_at = event.at;
                break;
            case EventKind::Skipped:
                record.skipped = true;
                break;
            case EventKind::Missed:
                record.missed = true;
                break;
            default:
                break;
        }
    }
    return records;
}

struct DayCounts {
    int planned = 0;
    int taken = 0;
};

// One scheduled item: its doses are the current plan after tracking started, plus every
// dose the history recorded for it in the window (so a dose the daemon tracked before an
// edit of the regimen still counts).
ItemAdherence item_adherence(const Regimen& regimen, const Item& item, const ReportInput& input,
                             const DoseRecords& records, std::map<LocalDate, DayCounts>& days) {
    const auto& zone = zone_of(regimen);
    const auto& window = input.window;
    ItemAdherence result;
    result.item = item.id;
    result.name = item.name;

    std::set<Instant> doses;
    if (input.tracking_since) {
        for (const auto& dose : plan_item(regimen, item, window.from, window.to)) {
            if (dose.planned >= *input.tracking_since) {
                doses.insert(dose.planned);
            }
        }
    }
    for (auto it = records.lower_bound({item.id, Instant::min()});
         it != records.end() && it->first.first == item.id; ++it) {
        doses.insert(it->first.second);
    }

    std::vector<double> late_minutes;
    for (Instant planned : doses) {
        auto found = records.find({item.id, planned});
        DoseRecord record = found == records.end() ? DoseRecord{} : found->second;
        bool answered = record.taken || record.skipped || record.missed;
        if (!answered && planned + item.reminders.missed_after > window.to) {
            ++result.pending;  // still due or upcoming: neither kept nor missed yet
            continue;
        }
        auto& day = days[local_date(zone, planned)];
        ++result.planned;
        ++day.planned;
        if (record.taken) {  // a late confirmation wins over the missed it follows
            ++result.taken;
            ++day.taken;
            late_minutes.push_back((record.taken_at - planned).count() / 60.0);
        } else if (record.skipped) {
            ++result.skipped;
        } else {
            ++result.missed;  // recorded missed, or never answered while nobody tracked it
        }
    }
    if (result.planned > 0) {
        result.adherence = static_cast<double>(result.taken) / result.planned;
    }
    result.late_median = median(std::move(late_minutes));
    return result;
}

double span_days(const ReportSpan& span) {
    return std::max(1.0, (span.to - span.from).count() / 86400.0);
}

AsNeededUse as_needed_use(const Regimen& regimen, const Item& item, const ReportInput& input) {
    const auto& zone = zone_of(regimen);
    AsNeededUse result;
    result.item = item.id;
    result.name = item.name;
    result.max_per_day = item.max_per_day;
    std::map<LocalDate, int> per_day;
    for (const auto& event : input.events) {
        if (event.kind == EventKind::AsNeeded && event.item == item.id &&
            within(input.window, event.at)) {
            ++result.uses;
            ++per_day[local_date(zone, event.at)];
        }
    }
    // Per week of tracked time, so a fresh install is not diluted by days nobody logged.
    ReportSpan tracked = input.window;
    if (input.tracking_since) {
        tracked.from = std::max(tracked.from, *input.tracking_since);
    }
    result.uses_per_week = result.uses * 7.0 / span_days(tracked);
    if (item.max_per_day) {
        for (const auto& [day, uses] : per_day) {
            if (uses > *item.max_per_day) {
                ++result.days_over_max;
            }
        }
    }
    return result;
}

SymptomFigures symptom_figures(const date::time_zone& zone, const std::string& kind,
                               const std::vector<HistoryEvent>& events,
                               std::optional<ReportSpan> span) {
    SymptomFigures figures;
    figures.span = span;
    if (!span) {
        return figures;
    }
    std::set<LocalDate> days;
    double severity_sum = 0;
    int rated = 0;
    for (const auto& event : events) {
        if (event.kind != EventKind::Symptom || event.item != kind || !within(*span, event.at)) {
            continue;
        }
        ++figures.entries;
        days.insert(local_date(zone, event.at));
        if (event.severity >= 0) {
            severity_sum += event.severity;
            ++rated;
        }
    }
    figures.days = static_cast<int>(days.size());
    if (rated > 0) {
        figures.mean_severity = severity_sum / rated;
    }
    return figures;
}

// The regimen's kinds in file order, then any other kind the history holds, by name.
std::vector<std::string> symptom_kinds(const Regimen& regimen, const ReportInput& input) {
    std::vector<std::string> kinds = regimen.symptoms;
    std::set<std::string> others;
    for (const auto* events : {&input.events, &input.before_events}) {
        for (const auto& event : *events) {
            if (event.kind == EventKind::Symptom &&
                std::find(kinds.begin(), kinds.end(), event.item) == kinds.end()) {
                others.insert(event.item);
            }
        }
    }
    kinds.insert(kinds.end(), others.begin(), others.end());
    return kinds;
}

bool is_acute_event(const Regimen& regimen, const HistoryEvent& event) {
    if (event.kind != EventKind::AsNeeded) {
        return false;
    }
    // Logged doses of items that are gone from the regimen still count as acute use.
    const Item* item = regimen.find(event.item);
    return item == nullptr || item->as_needed;
}

}  // namespace

DayAdherence CalendarDay::adherence() const {
    if (planned == 0) {
        return DayAdherence::NothingPlanned;
    }
    if (taken >= planned) {
        return DayAdherence::AllTaken;
    }
    return taken > 0 ? DayAdherence::SomeTaken : DayAdherence::NoneTaken;
}

ReportSpan last_days(const date::time_zone& zone, Instant now, int days) {
    LocalDate first = add_days(local_date(zone, now), 1 - std::max(days, 1));
    return {start_of_day(zone, first), now};
}

Instant events_needed_from(const Regimen& regimen, const ReportSpan& window) {
    const auto& zone = zone_of(regimen);
    auto first_day = local_date(zone, window.from);
    Instant month_start =
        start_of_day(zone, LocalDate{first_day.year(), first_day.month(), date::day{1}});
    // A dose may be confirmed up to missed_after before its planned time.
    return std::min(month_start, window.from - regimen.longest_missed_after());
}

std::optional<LocalDate> regimen_start(const Regimen& regimen, std::optional<Instant> first_dose) {
    std::optional<LocalDate> earliest;
    for (const auto& item : regimen.items) {
        if (item.schedule.start && (!earliest || *item.schedule.start < *earliest)) {
            earliest = item.schedule.start;
        }
    }
    if (!earliest && first_dose) {
        earliest = local_date(zone_of(regimen), *first_dose);
    }
    return earliest;
}

std::optional<ReportSpan> before_span(const Regimen& regimen, std::optional<Instant> first_dose,
                                      int days) {
    auto start = regimen_start(regimen, first_dose);
    if (!start) {
        return std::nullopt;
    }
    const auto& zone = zone_of(regimen);
    return ReportSpan{start_of_day(zone, add_days(*start, -std::max(days, 1))),
                      start_of_day(zone, *start)};
}

Report build_report(const Regimen& regimen, const ReportInput& input, int days) {
    const auto& zone = zone_of(regimen);
    const auto& window = input.window;
    Report report;
    report.window = window;
    report.regimen_start = regimen_start(regimen, input.first_dose);
    if (input.tracking_since) {
        report.counted_from = std::max(window.from, *input.tracking_since);
    }

    std::map<LocalDate, DayCounts> day_counts;
    auto records = dose_records(input.events, window);
    for (const auto& item : regimen.items) {
        if (item.as_needed) {
            report.as_needed.push_back(as_needed_use(regimen, item, input));
        } else {
            report.items.push_back(item_adherence(regimen, item, input, records, day_counts));
        }
    }

    auto before = before_span(regimen, input.first_dose, days);
    // "After" never starts before the regimen did, where "before" ends: the two never
    // overlap, so no entry counts on both sides.
    ReportSpan after = window;
    if (before) {
        after.from = std::min(std::max(after.from, before->to), after.to);
    }
    std::set<LocalDate> symptom_days;
    for (const auto& kind : symptom_kinds(regimen, input)) {
        report.symptoms.push_back(
            {.kind = kind,
             .during = symptom_figures(zone, kind, input.events, after),
             .before = symptom_figures(zone, kind, input.before_events, before)});
    }
    for (const auto& event : input.events) {
        if (event.kind == EventKind::Symptom && within(window, event.at)) {
            symptom_days.insert(local_date(zone, event.at));
        }
    }

    // Acute days per calendar month: whole months, so the first month of the window is
    // counted from its 1st even when the window starts later.
    std::set<LocalDate> acute_days;
    for (const auto& event : input.events) {
        if (is_acute_event(regimen, event) && event.at < window.to) {
            acute_days.insert(local_date(zone, event.at));
        }
    }
    auto first_day = local_date(zone, window.from);
    auto last_day = local_date(zone, window.to - Seconds{1});
    std::map<date::year_month, int> acute_per_month;
    for (auto day : acute_days) {
        date::year_month month{day.year(), day.month()};
        if (month >= date::year_month{first_day.year(), first_day.month()} &&
            month <= date::year_month{last_day.year(), last_day.month()}) {
            ++acute_per_month[month];
        }
        if (day >= first_day && day <= last_day) {
            ++report.acute_days;
        }
    }
    for (const auto& [month, count] : acute_per_month) {
        if (count >= kOveruseThresholdDays) {
            report.overuse.push_back({month, count});
        }
    }

    if (window.from < window.to) {
        for (auto day = first_day; day <= last_day; day = add_days(day, 1)) {
            const auto counts = day_counts[day];
            report.days.push_back({.day = day,
                                   .planned = counts.planned,
                                   .taken = counts.taken,
                                   .symptom = symptom_days.count(day) > 0,
                                   .acute = acute_days.count(day) > 0});
        }
    }
    return report;
}

std::string overuse_note(const MonthOveruse& month) {
    return "for information: acute (as-needed) doses were logged on " +
           std::to_string(month.acute_days) + " days in " +
           date::format("%B %Y", date::year_month_day{month.month / date::day{1}}) +
           ". The ICHD-3 criteria for medication-overuse headache count 10 or more days a "
           "month for triptans and combination analgesics (15 for simple analgesics). If "
           "this applies to you, talk to your clinician.";
}

}  // namespace regimend
