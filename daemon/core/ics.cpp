#include "core/ics.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "core/plan.hpp"

#ifndef REGIMEND_VERSION
#define REGIMEND_VERSION "0"
#endif

namespace regimend {
namespace {

constexpr size_t kMaxLineOctets = 75;
constexpr const char* kWeekdayCodes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

std::string format_local(LocalTime local) {
    return date::format("%Y%m%dT%H%M%S", local);
}
std::string format_utc(Instant instant) {
    return date::format("%Y%m%dT%H%M%SZ", instant);
}

std::string format_offset(Seconds offset) {
    char sign = offset < Seconds{0} ? '-' : '+';
    long long total = std::llabs(offset.count());
    char text[64];
    if (total % 60 != 0) {
        std::snprintf(text, sizeof text, "%c%02lld%02lld%02lld", sign, total / 3600,
                      total / 60 % 60, total % 60);
    } else {
        std::snprintf(text, sizeof text, "%c%02lld%02lld", sign, total / 3600, total / 60 % 60);
    }
    return text;
}

// The calendar being written: its content lines go to `sink` as they are made (none in the
// first pass, which only learns the span its dates reach, so the VTIMEZONE written before
// the events can cover exactly that). Memory stays flat however many events there are.
struct Calendar {
    const IcsSink* sink = nullptr;
    std::optional<Instant> earliest;
    std::optional<Instant> latest;

    bool writing() const { return sink != nullptr; }
    void line(std::string_view text) const {
        if (sink != nullptr) {
            (*sink)(ics_fold(text));
        }
    }
    void reach(Instant instant) {
        earliest = earliest ? std::min(*earliest, instant) : instant;
        latest = latest ? std::max(*latest, instant) : instant;
    }
};

// `every: N hours` doses are planned a week at a time: a ten-year window of hourly items
// is never held in memory at once.
constexpr Seconds kExpandChunk{7LL * 86400};

// Where a time of `at` falls relative to the run day: whole days to shift (a dose after a
// late bedtime lands on the next date) and the wall-clock time on the date it lands on.
struct Slot {
    int day_shift = 0;
    Seconds time_of_day{0};
};

std::optional<Slot> slot_of(const Regimen& regimen, const TimeOfDay& time) {
    Seconds offset = time.offset;
    if (time.base == TimeOfDay::Base::Bedtime) {
        if (!regimen.bedtime) {
            return std::nullopt;
        }
        offset += *regimen.bedtime;
    }
    auto shift = date::floor<date::days>(offset);
    return Slot{static_cast<int>(shift.count()), offset - shift};
}

bool runs_on(const Schedule& schedule, date::sys_days day) {
    if (!((schedule.weekdays >> date::weekday{day}.c_encoding()) & 1U) ||
        !schedule.cycle_active_on(day)) {
        return false;
    }
    if (schedule.frequency == Frequency::EveryNDays && schedule.start) {
        auto index = (day - date::sys_days{*schedule.start}).count();
        return index >= 0 && index % std::max(schedule.interval, 1) == 0;
    }
    return true;
}

std::optional<date::sys_days> first_run_day(const Schedule& schedule, date::sys_days from,
                                            std::optional<date::sys_days> last) {
    // Any pattern of weekdays and an interval repeats within interval weeks.
    auto limit = from + date::days{7 * std::max(schedule.interval, 1)};
    for (auto day = from; day <= limit && (!last || day <= *last); day += date::days{1}) {
        if (runs_on(schedule, day)) {
            return day;
        }
    }
    return std::nullopt;
}

struct Phase {
    date::sys_days from;
    std::optional<date::sys_days> last;  // inclusive
    std::optional<Amount> amount;
};

// One phase per ramp step (each with its own amount), or the whole schedule.
std::vector<Phase> phases_of(const Item& item, date::sys_days today) {
    const auto& schedule = item.schedule;
    std::optional<date::sys_days> end;
    if (schedule.end) {
        end = date::sys_days{*schedule.end};
    }
    if (!schedule.start) {
        return {{today, end, item.amount}};
    }
    date::sys_days start{*schedule.start};
    std::vector<date::sys_days> boundaries{start};
    for (const auto& step : item.ramp) {
        boundaries.push_back(start + step.after);
    }
    std::vector<Phase> phases;
    for (size_t i = 0; i < boundaries.size(); ++i) {
        Phase phase{boundaries[i], end, item.amount_on(LocalDate{boundaries[i]})};
        if (i + 1 < boundaries.size()) {
            auto before_next = boundaries[i + 1] - date::days{1};
            phase.last = end ? std::min(*end, before_next) : before_next;
        }
        if (phase.last && *phase.last < phase.from) {
            continue;  // a step at day 0, or a phase entirely after `end`
        }
        phases.push_back(phase);
    }
    return phases;
}

std::string weekday_list(std::uint8_t mask, int shift) {
    std::string list;
    for (int weekday = 1; weekday <= 7; ++weekday) {  // Monday first, as people read it
        int run_weekday = weekday % 7;
        if ((mask >> run_weekday) & 1U) {
            if (!list.empty()) {
                list += ',';
            }
            list += kWeekdayCodes[((run_weekday + shift) % 7 + 7) % 7];
        }
    }
    return list;
}

std::string rrule_of(const Schedule& schedule, int day_shift, std::optional<Instant> until) {
    std::string rule;
    bool every_weekday = schedule.weekdays == 0x7f;
    switch (schedule.frequency) {
        case Frequency::EveryNDays:
            rule = "FREQ=DAILY";
            if (schedule.interval > 1) {
                rule += ";INTERVAL=" + std::to_string(schedule.interval);
            }
            break;
        case Frequency::Daily:
        case Frequency::Weekly:
        case Frequency::EveryNHours:
            rule = every_weekday ? "FREQ=DAILY" : "FREQ=WEEKLY";
            break;
    }
    if (until) {
        rule += ";UNTIL=" + format_utc(*until);
    }
    if (!every_weekday) {
        rule += ";BYDAY=" + weekday_list(schedule.weekdays, day_shift);
    }
    return rule;
}

std::string summary_of(const Item& item, const std::optional<Amount>& amount) {
    std::string details = item.dose;
    if (amount) {
        details += (details.empty() ? "" : ", ") + amount->text;
    }
    return details.empty() ? item.name : item.name + " (" + details + ")";
}

std::string description_of(const Item& item) {
    std::string text = "Confirm with: regimenctl take " + item.id;
    if (!item.notes.empty()) {
        text = item.notes + "\n" + text;
    }
    return text;
}

void add_event(const Calendar& calendar, const std::string& zone_name, const std::string& uid,
               Instant stamp, LocalTime start, const std::string& summary,
               const std::string& description, const std::string& rrule) {
    if (!calendar.writing()) {
        return;
    }
    calendar.line("BEGIN:VEVENT");
    calendar.line("UID:" + uid);
    calendar.line("DTSTAMP:" + format_utc(stamp));
    calendar.line("DTSTART;TZID=" + zone_name + ":" + format_local(start));
    calendar.line("DURATION:PT15M");
    if (!rrule.empty()) {
        calendar.line("RRULE:" + rrule);
    }
    calendar.line("SUMMARY:" + ics_escape_text(summary));
    calendar.line("DESCRIPTION:" + ics_escape_text(description));
    calendar.line("TRANSP:TRANSPARENT");  // a reminder, not a busy slot
    calendar.line("BEGIN:VALARM");
    calendar.line("ACTION:DISPLAY");
    calendar.line("DESCRIPTION:" + ics_escape_text(summary));
    calendar.line("TRIGGER:PT0M");
    calendar.line("END:VALARM");
    calendar.line("END:VEVENT");
}

void add_series(Calendar& calendar, const Regimen& regimen, const Item& item, Instant now) {
    const auto& zone = zone_of(regimen);
    auto today = date::sys_days{local_date(zone, now)};
    int series = 0;
    for (const auto& time : item.schedule.times) {
        auto slot = slot_of(regimen, time);
        if (!slot) {
            continue;
        }
        for (const auto& phase : phases_of(item, today)) {
            auto first = first_run_day(item.schedule, phase.from, phase.last);
            if (!first) {
                continue;
            }
            LocalTime start{(*first + date::days{slot->day_shift}).time_since_epoch()};
            start += slot->time_of_day;
            calendar.reach(to_instant(zone, start));
            std::optional<Instant> until;
            if (phase.last) {
                // The end of the local date the phase's last dose lands on, in UTC as the
                // RFC requires with a zoned DTSTART.
                auto after_last = *phase.last + date::days{slot->day_shift + 1};
                until = start_of_day(zone, LocalDate{after_last}) - Seconds{1};
                calendar.reach(*until);
            }
            add_event(calendar, zone.name(), item.id + "-" + std::to_string(++series) + "@regimend",
                      now, start, summary_of(item, phase.amount), description_of(item),
                      rrule_of(item.schedule, slot->day_shift, until));
        }
    }
}

// A cycle (`active` days on, `rest` off) is no single RRULE: each day of the active stretch
// is its own series that repeats every `active + rest` days (FREQ=DAILY;INTERVAL=period),
// with BYDAY limiting it to `days`. Exact and open-ended, `active` series per time and
// phase. DTSTART is the series' first day that is a run day, so it is in the set.
void add_cycle_series(Calendar& calendar, const Regimen& regimen, const Item& item, Instant now) {
    const auto& zone = zone_of(regimen);
    const auto& schedule = item.schedule;
    const auto today = date::sys_days{local_date(zone, now)};
    const date::sys_days origin = schedule.start ? date::sys_days{*schedule.start} : today;
    const long long period = (schedule.cycle->active + schedule.cycle->rest).count();
    int series = 0;
    for (const auto& time : schedule.times) {
        auto slot = slot_of(regimen, time);
        if (!slot) {
            continue;
        }
        for (const auto& phase : phases_of(item, today)) {
            for (long long day_in_cycle = 0; day_in_cycle < schedule.cycle->active.count();
                 ++day_in_cycle) {
                // The first day of the phase at this place in the cycle, then the first
                // of those that is an allowed weekday (the weekdays repeat within 7 periods).
                const long long since_origin = (phase.from - origin).count();
                long long ahead = ((day_in_cycle - since_origin) % period + period) % period;
                std::optional<date::sys_days> first;
                for (int turn = 0; turn < 7; ++turn) {
                    auto day = phase.from + date::days{ahead + turn * period};
                    if (phase.last && day > *phase.last) {
                        break;
                    }
                    if (runs_on(schedule, day)) {
                        first = day;
                        break;
                    }
                }
                if (!first) {
                    continue;
                }
                LocalTime start{(*first + date::days{slot->day_shift}).time_since_epoch()};
                start += slot->time_of_day;
                calendar.reach(to_instant(zone, start));
                std::string rule = "FREQ=DAILY;INTERVAL=" + std::to_string(period);
                if (phase.last) {
                    auto after_last = *phase.last + date::days{slot->day_shift + 1};
                    Instant until = start_of_day(zone, LocalDate{after_last}) - Seconds{1};
                    calendar.reach(until);
                    rule += ";UNTIL=" + format_utc(until);
                }
                if (schedule.weekdays != 0x7f) {
                    rule += ";BYDAY=" + weekday_list(schedule.weekdays, slot->day_shift);
                }
                add_event(calendar, zone.name(),
                          item.id + "-" + std::to_string(++series) + "@regimend", now, start,
                          summary_of(item, phase.amount), description_of(item), rule);
            }
        }
    }
}

// `every: N hours` counts elapsed time, which no RRULE expresses across a DST change.
void add_expanded(Calendar& calendar, const Regimen& regimen, const Item& item, Instant now,
                  int expand_days) {
    const auto& zone = zone_of(regimen);
    // From today, or from the item's start when that is later: an item starting after
    // the window would otherwise be left out of the calendar without a word.
    LocalDate first_day = local_date(zone, now);
    if (item.schedule.start && *item.schedule.start > first_day) {
        first_day = *item.schedule.start;
    }
    const Instant from = start_of_day(zone, first_day);
    const Instant to = from + date::days{std::max(expand_days, 1)};
    if (!calendar.writing()) {
        // The span only: the first dose and the last one, not every dose in between.
        for (Instant begin = from; begin < to; begin += kExpandChunk) {
            auto doses = plan_item(regimen, item, begin, std::min(to, begin + kExpandChunk));
            if (!doses.empty()) {
                calendar.reach(doses.front().planned);
                break;
            }
        }
        for (Instant end = to; end > from; end -= kExpandChunk) {
            auto doses = plan_item(regimen, item, std::max(from, end - kExpandChunk), end);
            if (!doses.empty()) {
                calendar.reach(doses.back().planned);
                break;
            }
        }
        return;
    }
    const std::string description = description_of(item);
    for (Instant begin = from; begin < to; begin += kExpandChunk) {
        for (const auto& dose :
             plan_item(regimen, item, begin, std::min(to, begin + kExpandChunk))) {
            add_event(calendar, zone.name(), item.id + "-" + format_utc(dose.planned) + "@regimend",
                      now, to_local(zone, dose.planned), summary_of(item, dose.amount), description,
                      "");
        }
    }
}

void add_observance(std::vector<std::string>& lines, const date::sys_info& info,
                    Seconds offset_from, LocalTime onset) {
    const char* kind = info.save != std::chrono::minutes{0} ? "DAYLIGHT" : "STANDARD";
    lines.push_back(std::string("BEGIN:") + kind);
    lines.push_back("DTSTART:" + format_local(onset));
    lines.push_back("TZOFFSETFROM:" + format_offset(offset_from));
    lines.push_back("TZOFFSETTO:" + format_offset(info.offset));
    lines.push_back("TZNAME:" + ics_escape_text(info.abbrev));
    lines.push_back(std::string("END:") + kind);
}

// Every transition of the zone from the first year the calendar touches to the last, each
// as its own observance: exact for whatever rules the zone had, no RRULE guessing.
std::vector<std::string> vtimezone(const regimend::TimeZone& zone, Instant from, Instant to) {
    auto first_year = local_date(zone, from).year();
    Instant range_start = start_of_day(zone, LocalDate{first_year, date::January, date::day{1}});
    std::vector<std::string> lines{"BEGIN:VTIMEZONE", "TZID:" + zone.name()};
    auto info = zone.get_info(range_start);
    add_observance(lines, info, info.offset, to_local(zone, range_start));
    while (info.end <= to) {
        auto transition = std::chrono::time_point_cast<Seconds>(info.end);
        auto next = zone.get_info(transition);
        // The onset is written in the local time in force before the transition.
        add_observance(lines, next, info.offset,
                       LocalTime{transition.time_since_epoch()} + info.offset);
        info = next;
    }
    lines.push_back("END:VTIMEZONE");
    return lines;
}

}  // namespace

std::string ics_escape_text(std::string_view text) {
    std::string escaped;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        switch (c) {
            case '\\':
                escaped += "\\\\";
                break;
            case ';':
                escaped += "\\;";
                break;
            case ',':
                escaped += "\\,";
                break;
            case '\n':
                escaped += "\\n";
                break;
            case '\r':
                if (i + 1 >= text.size() || text[i + 1] != '\n') {
                    escaped += "\\n";  // a lone CR is a line break too
                }
                break;
            default:
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') {
                    escaped += c;
                }
                break;
        }
    }
    return escaped;
}

std::string ics_fold(std::string_view line) {
    std::string folded;
    size_t limit = kMaxLineOctets;  // the first line has no leading space
    while (line.size() > limit) {
        size_t cut = limit;
        // Never split a UTF-8 sequence: back up to the start of the character.
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        folded.append(line.substr(0, cut));
        folded += "\r\n ";
        line.remove_prefix(cut);
        limit = kMaxLineOctets - 1;
    }
    folded.append(line);
    folded += "\r\n";
    return folded;
}

namespace {

void add_items(Calendar& calendar, const Regimen& regimen, Instant now, const IcsOptions& options) {
    for (const auto& item : regimen.items) {
        if (item.as_needed) {
            continue;
        }
        const bool cycle = item.schedule.cycle.has_value();
        if (item.schedule.frequency == Frequency::EveryNHours ||
            (cycle && item.schedule.frequency == Frequency::EveryNDays)) {
            add_expanded(calendar, regimen, item, now, options.expand_days);
        } else if (cycle) {
            add_cycle_series(calendar, regimen, item, now);
        } else {
            add_series(calendar, regimen, item, now);
        }
    }
}

}  // namespace

void write_regimen_ics(const Regimen& regimen, Instant now, const IcsOptions& options,
                       const IcsSink& sink) {
    const auto& zone = zone_of(regimen);
    Calendar span;  // the first pass: where the events reach, nothing written
    add_items(span, regimen, now, options);
    // Open-ended series run on: cover the zone's rules some years past now.
    Instant zone_from = span.earliest.value_or(now);
    Instant zone_to = std::max(span.latest.value_or(now),
                               now + date::years{std::max(options.timezone_years_ahead, 0)});
    zone_to = std::chrono::time_point_cast<Seconds>(zone_to);

    Calendar calendar;
    calendar.sink = &sink;
    for (const char* line :
         {"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//regimend//regimend " REGIMEND_VERSION "//EN",
          "CALSCALE:GREGORIAN", "METHOD:PUBLISH"}) {
        calendar.line(line);
    }
    for (const auto& line : vtimezone(zone, std::min(zone_from, now), zone_to)) {
        calendar.line(line);
    }
    add_items(calendar, regimen, now, options);
    calendar.line("END:VCALENDAR");
}

std::string regimen_ics(const Regimen& regimen, Instant now, const IcsOptions& options) {
    std::string text;
    write_regimen_ics(regimen, now, options, [&text](std::string_view piece) { text += piece; });
    return text;
}

}  // namespace regimend
