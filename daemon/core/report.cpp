#include "core/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/plan.hpp"

namespace regimend {
namespace {

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
    bool other_amount = false;  // taken at an amount said with `take --amount`
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
                record.other_amount = event.amount_recorded;
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
    int skipped = 0;
    int missed = 0;
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
    std::map<LocalDate, DayCounts> item_days;
    for (Instant planned : doses) {
        auto found = records.find({item.id, planned});
        DoseRecord record = found == records.end() ? DoseRecord{} : found->second;
        if (item.schedule.paused_at(planned) && !record.taken && !record.skipped) {
            continue;  // paused (core/pause.hpp): neither planned nor missed
        }
        bool answered = record.taken || record.skipped || record.missed;
        if (!answered && planned + item.reminders.missed_after > window.to) {
            ++result.pending;  // still due or upcoming: neither kept nor missed yet
            continue;
        }
        auto local_day = local_date(zone, planned);
        auto& day = days[local_day];
        auto& own_day = item_days[local_day];
        ++result.planned;
        ++day.planned;
        ++own_day.planned;
        if (record.taken) {  // a late confirmation wins over the missed it follows
            ++result.taken;
            ++day.taken;
            ++own_day.taken;
            late_minutes.push_back((record.taken_at - planned).count() / 60.0);
            result.taken_other_amount += record.other_amount ? 1 : 0;
        } else if (record.skipped) {
            ++result.skipped;
            ++day.skipped;
            ++own_day.skipped;
        } else {
            ++result.missed;  // recorded missed, or never answered while nobody tracked it
            ++day.missed;
            ++own_day.missed;
        }
    }
    for (const auto& [day, counts] : item_days) {
        result.days.push_back({.day = day,
                               .planned = counts.planned,
                               .taken = counts.taken,
                               .skipped = counts.skipped,
                               .missed = counts.missed});
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
    // Per week of tracked time, so a fresh install is not diluted by days nobody logged;
    // logging counts from its first entry when that is earlier (a paper diary copied in),
    // or 3 uses in 14 days would read as 21 a week.
    ReportSpan tracked = input.window;
    if (input.tracking_since) {
        Instant counted_from = *input.tracking_since;
        for (const auto& event : input.events) {
            if (event.kind == EventKind::AsNeeded && event.item == item.id &&
                within(input.window, event.at)) {
                counted_from = std::min(counted_from, event.at);
            }
        }
        tracked.from = std::max(tracked.from, counted_from);
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

SymptomFigures symptom_figures(const regimend::TimeZone& zone, const std::string& kind,
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

int days_in(const regimend::TimeZone& zone, const ReportSpan& span) {
    if (span.to <= span.from) {
        return 0;
    }
    auto first = local_date(zone, span.from);
    auto last = local_date(zone, span.to - Seconds{1});
    return static_cast<int>((date::sys_days{last} - date::sys_days{first}).count()) + 1;
}

// Where the diary covers: from the local day of its first entry of any kind on, up to the
// end of yesterday, or of today once today has an entry or has ended (an unfinished day
// with nothing written is not yet a day without symptoms).
struct DiaryCoverage {
    std::optional<Instant> from;  // the start of the first entry's day; none: no diary
    Instant until{};              // exclusive
};

DiaryCoverage diary_coverage(const regimend::TimeZone& zone, const ReportInput& input) {
    const auto& window = input.window;
    std::optional<Instant> first = input.first_diary_entry;
    bool entry_today = false;
    const LocalDate today = local_date(zone, window.to - Seconds{1});
    const Instant today_starts = start_of_day(zone, today);
    const Instant tomorrow_starts = start_of_day(zone, add_days(today, 1));
    for (const auto* events : {&input.events, &input.before_events}) {
        for (const auto& event : *events) {
            if (event.kind != EventKind::Symptom || event.at >= window.to) {
                continue;
            }
            first = first ? std::min(*first, event.at) : event.at;
            entry_today = entry_today || event.at >= today_starts;
        }
    }
    DiaryCoverage coverage;
    if (first) {
        coverage.from = start_of_day(zone, local_date(zone, *first));
    }
    coverage.until = entry_today || window.to >= tomorrow_starts ? tomorrow_starts : today_starts;
    return coverage;
}

// The part of `span` the diary covers, whole local days; none when it covers none of it.
std::optional<ReportSpan> covered_part(const DiaryCoverage& coverage,
                                       const std::optional<ReportSpan>& span) {
    if (!span || !coverage.from) {
        return std::nullopt;
    }
    ReportSpan part{std::max(span->from, *coverage.from), std::min(span->to, coverage.until)};
    if (part.to <= part.from) {
        return std::nullopt;
    }
    return part;
}

// The diary of one kind in a span, one entry per local day with an entry.
std::map<LocalDate, SymptomDay> symptom_diary(const regimend::TimeZone& zone,
                                              const std::string& kind,
                                              const std::vector<HistoryEvent>& events,
                                              const ReportSpan& span) {
    std::map<LocalDate, SymptomDay> days;
    for (const auto& event : events) {
        if (event.kind != EventKind::Symptom || event.item != kind || !within(span, event.at)) {
            continue;
        }
        auto local_day = local_date(zone, event.at);
        auto& day = days[local_day];
        day.day = local_day;
        ++day.entries;
        if (event.severity >= 0) {
            ++day.rated;
            day.severity_sum += event.severity;
        }
    }
    return days;
}

std::string one_decimal(double value) {
    if (std::abs(value) < 0.05) {
        value = 0;  // no "-0.0"
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", std::abs(value));
    return (value < 0 ? "\u2212" : "") + std::string(text);  // a real minus sign
}

std::string signed_decimal(double value) {
    return (value >= 0.05 ? "+" : "") + one_decimal(value);
}

std::string interval_text(const DifferenceEstimate& estimate) {
    return "(difference " + signed_decimal(estimate.difference) + ", 95% interval " +
           one_decimal(estimate.low) + " to " + one_decimal(estimate.high) + ")";
}

std::string cannot_tell_text(const ComparedFigure& figure) {
    const auto& estimate = *figure.estimate;
    if (estimate.low > 0 || estimate.high < 0) {
        return "";
    }
    std::string text = ": the data cannot tell yet";
    if (std::abs(estimate.difference) < 1e-9) {
        return text + " (no difference so far)";
    }
    auto more_days = more_days_to_tell(estimate, figure.after_days);
    if (!more_days) {
        return text +
               "; more entries after the start alone would not narrow the interval "
               "enough, the days before it are too few or too varied";
    }
    if (*more_days / std::max(figure.days_a_week, 0.1) > 5 * 52.0) {
        return text +
               "; if the difference stays as it is, only years more entries would "
               "narrow the interval enough to tell";
    }
    double weeks_needed = *more_days / std::max(figure.days_a_week, 0.1);
    long weeks = std::max(1L, std::lround(std::ceil(weeks_needed)));
    return text + "; if the difference stays as it is, about " + std::to_string(weeks) +
           (weeks == 1 ? " more week" : " more weeks") +
           " of entries would narrow the interval enough to tell";
}

std::string days_text(int count) {
    return std::to_string(count) + (count == 1 ? " day" : " days");
}

// "13 more after the start", "4 more before the start and 13 more after it".
std::string more_needed(int before, int after, int needed) {
    std::string text;
    if (before < needed) {
        text = std::to_string(needed - before) + " more before the start";
    }
    if (after < needed) {
        text += text.empty() ? std::to_string(needed - after) + " more after the start"
                             : " and " + std::to_string(needed - after) + " more after it";
    }
    return text;
}

std::string too_early_text(const ComparedFigure& figure) {
    std::string text = "too early to tell: the diary covers " + days_text(figure.before_covered) +
                       " before the start and " + days_text(figure.after_covered) + " after it";
    if (figure.before_covered < kMinCoveredDays || figure.after_covered < kMinCoveredDays) {
        return text + "; each side needs " + std::to_string(kMinCoveredDays) + " (" +
               more_needed(figure.before_covered, figure.after_covered, kMinCoveredDays) + ")";
    }
    const int before = figure.before_rated.value_or(0);
    const int after = figure.after_rated.value_or(0);
    return text + ", with a rating on " + std::to_string(before) + " and " + std::to_string(after) +
           " of them; each side needs " + std::to_string(kMinRatedDays) + " days with a rating (" +
           more_needed(before, after, kMinRatedDays) + ")";
}

// What a difference the interval excludes 0 for means: "better" or "worse" when the kind
// says which way is better, else only which way it went.
std::string direction_text(const ComparedFigure& figure, const char* up, const char* down) {
    const auto& estimate = *figure.estimate;
    if (estimate.low <= 0 && estimate.high >= 0) {
        return "";
    }
    const bool higher = estimate.low > 0;
    switch (figure.better) {
        case Better::Higher:
            return higher ? ": better" : ": worse";
        case Better::Lower:
            return higher ? ": worse" : ": better";
        case Better::Unstated:
            break;
    }
    return std::string(": ") + (higher ? up : down);
}

std::string reading(const std::string& subject, const std::string& unit,
                    const ComparedFigure& figure, const char* up, const char* down) {
    if (!figure.started) {
        return subject +
               ": the regimen has not started yet (no item has a `start:` that has come and no "
               "dose has been taken), so nothing is \"after\" to compare";
    }
    if (!figure.before && !figure.after) {
        return subject + ": no data before or after the start";
    }
    if (figure.too_early()) {
        return subject + ": " + too_early_text(figure);
    }
    if (!figure.before) {
        return subject + ": " + one_decimal(*figure.after) + unit +
               " after the start, no data before it to compare with";
    }
    if (!figure.after || !figure.estimate) {
        return subject + ": " + one_decimal(*figure.before) + unit +
               " before the start, no data after it yet";
    }
    return subject + ": " + one_decimal(*figure.before) + " \u2192 " + one_decimal(*figure.after) +
           unit + " " + interval_text(*figure.estimate) + direction_text(figure, up, down) +
           cannot_tell_text(figure);
}

LocalDate day_after(LocalDate day) {
    return add_days(day, 1);
}

void add_change(std::map<LocalDate, std::vector<std::string>>& changes, LocalDate day,
                LocalDate first, LocalDate last, std::string text) {
    if (day >= first && day <= last) {
        changes[day].push_back(std::move(text));
    }
}

// Changes of one day are separated by "; ": a comma already sits inside "starts at 200 mg, ...".
std::string join(const std::vector<std::string>& parts) {
    std::string text;
    for (const auto& part : parts) {
        text += (text.empty() ? "" : "; ") + part;
    }
    return text;
}

std::vector<Phase> split_phases(const Regimen& regimen, const ReportInput& input,
                                const ReportSpan& after, const DiaryCoverage& coverage,
                                const std::vector<CalendarDay>& days,
                                const std::vector<std::string>& kinds) {
    const auto& zone = zone_of(regimen);
    std::vector<Phase> phases;
    if (after.to <= after.from) {
        return phases;
    }
    auto first = local_date(zone, after.from);
    auto last = local_date(zone, after.to - Seconds{1});
    auto changes = plan_changes(regimen, first, last);
    std::vector<LocalDate> starts{first};
    for (const auto& [day, text] : changes) {
        if (day > first) {
            starts.push_back(day);
        }
    }
    for (size_t index = 0; index < starts.size(); ++index) {
        Phase phase;
        phase.first_day = starts[index];
        phase.last_day = index + 1 < starts.size() ? add_days(starts[index + 1], -1) : last;
        phase.span = {std::max(after.from, start_of_day(zone, phase.first_day)),
                      std::min(after.to, start_of_day(zone, day_after(phase.last_day)))};
        std::string what;
        if (!changes.empty() && changes.front().first == phase.first_day) {
            what = changes.front().second;
            changes.erase(changes.begin());
        } else {
            std::vector<std::string> amounts;  // a plan without a change that day
            for (const auto& item : regimen.items) {
                if (!item.ramp.empty()) {
                    if (auto amount = item.amount_on(phase.first_day)) {
                        amounts.push_back(item.id + " at " + amount->text);
                    }
                }
            }
            what = amounts.empty() ? "the regimen" : join(amounts);
        }
        phase.label = "from " + format_date(LocalDate{phase.first_day}) + ": " + what;
        for (const auto& day : days) {
            if (day.day >= phase.first_day && day.day <= phase.last_day) {
                phase.planned += day.planned;
                phase.taken += day.taken;
                phase.skipped += day.skipped;
                phase.missed += day.missed;
            }
        }
        if (phase.planned > 0) {
            phase.adherence = static_cast<double>(phase.taken) / phase.planned;
        }
        // Per day the diary covers, as the comparison counts.
        auto phase_covered = covered_part(coverage, phase.span);
        int phase_days = phase_covered ? days_in(zone, *phase_covered) : 0;
        for (const auto& kind : kinds) {
            auto figures = symptom_figures(zone, kind, input.events, phase.span);
            phase.symptoms.push_back(
                {.kind = kind,
                 .days = figures.days,
                 .entries = figures.entries,
                 .mean_severity = figures.mean_severity,
                 .days_per_week = phase_days > 0 ? figures.days * 7.0 / phase_days : 0.0});
        }
        phases.push_back(std::move(phase));
    }
    return phases;
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

ReportSpan last_days(const regimend::TimeZone& zone, Instant now, int days) {
    LocalDate first = add_days(local_date(zone, now), 1 - std::max(days, 1));
    // To the end of the current second: an entry made in the same second is in the report.
    return {start_of_day(zone, first), now + Seconds{1}};
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

Report build_report(const Regimen& regimen, const ReportInput& given, int days) {
    // Entries taken back (`undo`) count nowhere: core/event.hpp standing_events.
    ReportInput input = given;
    input.events = standing_events(given.events);
    input.before_events = standing_events(given.before_events);
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
    // overlap, so no entry counts on both sides. Without a start nothing is "after": its
    // figures are then the window's, and the readings say the regimen has not started.
    ReportSpan after = window;
    if (before) {
        after.from = std::min(std::max(after.from, before->to), after.to);
    }
    const bool started = before && after.from < after.to;
    const auto coverage = diary_coverage(zone, input);
    const auto after_covered = covered_part(coverage, after);
    const auto before_covered = covered_part(coverage, before);
    const int after_covered_days = after_covered ? days_in(zone, *after_covered) : 0;
    const int before_covered_days = before_covered ? days_in(zone, *before_covered) : 0;
    std::set<LocalDate> symptom_days;
    const auto kinds = symptom_kinds(regimen, input);
    for (const auto& kind : kinds) {
        SymptomSummary summary{.kind = kind,
                               .during = symptom_figures(zone, kind, input.events, after),
                               .before = symptom_figures(zone, kind, input.before_events, before),
                               .comparison = {},
                               .series = {}};
        summary.during.covered = after_covered;
        summary.during.covered_days = after_covered_days;
        summary.before.covered = before_covered;
        summary.before.covered_days = before_covered_days;
        DiarySide before_side{.series = {}, .covered_days = before_covered_days};
        if (before_covered) {
            for (const auto& [day, entry] :
                 symptom_diary(zone, kind, input.before_events, *before_covered)) {
                before_side.series.push_back(entry);
            }
        }
        DiarySide after_side{.series = {}, .covered_days = after_covered_days};
        if (after_covered) {
            for (const auto& [day, entry] :
                 symptom_diary(zone, kind, input.events, *after_covered)) {
                after_side.series.push_back(entry);
            }
        }
        summary.comparison = compare_symptom(before_side, after_side, regimen.better_of(kind));
        summary.comparison.days_per_week.started = started;
        summary.comparison.mean_severity.started = started;
        summary.series = before_side.series;
        summary.series.insert(summary.series.end(), after_side.series.begin(),
                              after_side.series.end());
        report.symptoms.push_back(std::move(summary));
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
                                   .skipped = counts.skipped,
                                   .missed = counts.missed,
                                   .symptom = symptom_days.count(day) > 0,
                                   .acute = acute_days.count(day) > 0});
        }
    }
    if (started) {
        report.after = after;
        report.phases = split_phases(regimen, input, after, coverage, report.days, kinds);
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

bool ComparedFigure::too_early() const {
    if (before_covered < kMinCoveredDays || after_covered < kMinCoveredDays) {
        return true;
    }
    return before_rated && after_rated &&
           (*before_rated < kMinRatedDays || *after_rated < kMinRatedDays);
}

SymptomComparison compare_symptom(const DiarySide& before, const DiarySide& after, Better better) {
    // Days with an entry: every covered day of the side is a unit, 1 with an entry, else 0.
    auto presence = [](const DiarySide& side) {
        std::vector<DayValue> values(static_cast<size_t>(std::max(side.covered_days, 0)),
                                     DayValue{0, 1});
        for (size_t index = 0; index < side.series.size() && index < values.size(); ++index) {
            values[index].total = 1;  // which days hold the 1s does not change the statistic
        }
        return values;
    };
    // Severity: the days with a rated entry, each weighing as many entries as it has.
    auto severity = [](const std::vector<SymptomDay>& series) {
        std::vector<DayValue> values;
        for (const auto& day : series) {
            if (day.rated > 0) {
                values.push_back({day.severity_sum, static_cast<double>(day.rated)});
            }
        }
        return values;
    };
    SymptomComparison comparison;
    auto& per_week = comparison.days_per_week;
    auto before_presence = presence(before);
    auto after_presence = presence(after);
    // A side without a covered day has no figure: nobody kept the diary there, which is
    // not "0 a week".
    if (before.covered_days > 0) {
        per_week.before = ratio_statistic(before_presence, 7.0);
    }
    if (after.covered_days > 0) {
        per_week.after = ratio_statistic(after_presence, 7.0);
    }
    per_week.after_days = after.covered_days;
    per_week.before_covered = before.covered_days;
    per_week.after_covered = after.covered_days;
    // More days with an entry are worse only for a kind whose lower ratings are better; a
    // daily sleep rating is a diary kept, not a symptom suffered.
    per_week.better = better == Better::Lower ? Better::Lower : Better::Unstated;
    if (per_week.before && per_week.after && !per_week.too_early()) {
        per_week.estimate = bootstrap_difference(before_presence, after_presence, 7.0);
    }
    auto& mean = comparison.mean_severity;
    auto before_severity = severity(before.series);
    auto after_severity = severity(after.series);
    mean.before = ratio_statistic(before_severity, 1.0);
    mean.after = ratio_statistic(after_severity, 1.0);
    mean.after_days = static_cast<int>(after_severity.size());
    mean.before_covered = before.covered_days;
    mean.after_covered = after.covered_days;
    mean.before_rated = static_cast<int>(before_severity.size());
    mean.after_rated = static_cast<int>(after_severity.size());
    mean.better = better;
    // New rated days come at the rate they came so far, not one a day.
    if (after.covered_days > 0) {
        mean.days_a_week = 7.0 * mean.after_days / after.covered_days;
    }
    if (mean.before && mean.after && !mean.too_early()) {
        mean.estimate = bootstrap_difference(before_severity, after_severity, 1.0);
    }
    return comparison;
}

std::string days_reading(const std::string& kind, const ComparedFigure& figure) {
    return reading(kind + " days", " a week", figure, "more days", "fewer days");
}

// A kind whose higher ratings are better (sleep) is rated, not suffered: "sleep rating".
std::string severity_reading(const std::string& kind, const ComparedFigure& figure) {
    const char* measure = figure.better == Better::Higher ? " rating" : " severity";
    return reading(kind + measure, " mean", figure, "higher", "lower");
}

std::vector<std::pair<LocalDate, std::string>> plan_changes(const Regimen& regimen, LocalDate first,
                                                            LocalDate last) {
    std::map<LocalDate, std::vector<std::string>> changes;
    for (const auto& item : regimen.items) {
        const auto& schedule = item.schedule;
        if (schedule.start) {
            auto amount = item.amount_on(*schedule.start);
            add_change(changes, *schedule.start, first, last,
                       item.id + " starts" + (amount ? " at " + amount->text : ""));
            for (const auto& step : item.ramp) {
                add_change(changes, add_days(*schedule.start, static_cast<int>(step.after.count())),
                           first, last, item.id + " goes to " + step.amount.text);
            }
        }
        if (schedule.end) {
            add_change(changes, day_after(*schedule.end), first, last, item.id + " ends");
        }
    }
    std::vector<std::pair<LocalDate, std::string>> result;
    for (const auto& [day, texts] : changes) {
        result.emplace_back(day, join(texts));
    }
    return result;
}

}  // namespace regimend
