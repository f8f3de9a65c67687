#include "time_args.hpp"
#include "core/i18n.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>

#include "error.hpp"

namespace regimenctl {
namespace {

using regimend::Seconds;

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<Instant> on_day(const regimend::TimeZone& zone, regimend::LocalDate day,
                              std::string_view clock) {
    auto offset = regimend::parse_clock_time(trim(clock));
    if (!offset) {
        return std::nullopt;
    }
    return regimend::to_instant(zone, date::local_days{day} + *offset);
}

// "+01:00", "-05:30" or "Z" at the end of an RFC 3339 instant; sets `offset`.
bool split_utc_offset(std::string_view& text, Seconds& offset) {
    if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) {
        text.remove_suffix(1);
        offset = Seconds{0};
        return true;
    }
    if (text.size() < 6) {
        return false;
    }
    std::string_view suffix = text.substr(text.size() - 6);
    if ((suffix[0] != '+' && suffix[0] != '-') || suffix[3] != ':') {
        return false;
    }
    auto clock = regimend::parse_clock_time(suffix.substr(1));
    if (!clock) {
        return false;
    }
    offset = suffix[0] == '-' ? -*clock : *clock;
    text.remove_suffix(6);
    return true;
}

std::string lowercase(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower;
}

std::optional<date::weekday> parse_weekday(std::string_view text) {
    static constexpr std::array<std::string_view, 7> kNames{
        "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
    const std::string lower = lowercase(text);
    for (unsigned index = 0; index < kNames.size(); ++index) {
        if (lower == kNames[index] || (lower.size() == 3 && kNames[index].starts_with(lower))) {
            return date::weekday{index};
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<regimend::LocalDate> parse_day(std::string_view text, regimend::LocalDate today,
                                             DayDirection direction) {
    text = trim(text);
    const std::string lower = lowercase(text);
    const date::sys_days day{today};
    if (lower == "today") {
        return today;
    }
    if (lower == "tomorrow") {
        return regimend::LocalDate{day + date::days{1}};
    }
    if (lower == "yesterday") {
        return regimend::LocalDate{day - date::days{1}};
    }
    if (auto weekday = parse_weekday(text)) {
        const date::weekday current{day};
        const auto ahead = *weekday - current;  // 0..6 days
        const auto back = current - *weekday;
        return regimend::LocalDate{direction == DayDirection::Future ? day + ahead : day - back};
    }
    return regimend::parse_date(text);
}

std::optional<Instant> parse_at(std::string_view text, const regimend::TimeZone& zone,
                                Instant now) {
    text = trim(text);
    if (text == "now") {
        return now;
    }
    const auto today = regimend::local_date(zone, now);
    if (auto clock = regimend::parse_clock_time(text)) {
        return regimend::to_instant(zone, date::local_days{today} + *clock);
    }
    // "<day> HH:MM" with a day word ("yesterday 21:10", "mon 08:00"), looking back.
    if (const auto space = text.find(' '); space != std::string_view::npos) {
        const auto word = text.substr(0, space);
        if (lowercase(word) != "tomorrow" && !regimend::parse_date(word)) {
            if (auto day = parse_day(word, today, DayDirection::Past)) {
                return on_day(zone, *day, text.substr(space + 1));
            }
        }
    }
    // "YYYY-MM-DD" then a space or 'T', then a clock time, optionally an offset.
    if (text.size() < 11 || (text[10] != ' ' && text[10] != 'T' && text[10] != 't')) {
        return std::nullopt;
    }
    auto day = regimend::parse_date(text.substr(0, 10));
    if (!day) {
        return std::nullopt;
    }
    std::string_view clock = text.substr(11);
    Seconds utc_offset{0};
    if (split_utc_offset(clock, utc_offset)) {
        auto offset = regimend::parse_clock_time(clock);
        if (!offset) {
            return std::nullopt;
        }
        return Instant{date::sys_days{*day}.time_since_epoch() + *offset - utc_offset};
    }
    return on_day(zone, *day, clock);
}

std::optional<Instant> parse_since(std::string_view text, const regimend::TimeZone& zone,
                                   Instant now) {
    text = trim(text);
    if (auto duration = regimend::parse_duration(text)) {
        return now - *duration;
    }
    if (auto day = parse_day(text, regimend::local_date(zone, now), DayDirection::Past)) {
        return regimend::start_of_day(zone, *day);
    }
    return parse_at(text, zone, now);
}

namespace {

// The instant, or a usage error: `message` (translated) with the text given ({0}) and the
// forms expected ({1}).
Instant or_usage_error(std::optional<Instant> instant, const char* message, std::string_view text,
                       std::string_view expected) {
    if (!instant) {
        throw usage_error(regimend::fill(message, {text, expected}));
    }
    return *instant;
}

Instant at_form(std::string_view text, const regimend::TimeZone& zone, Instant now) {
    auto at = parse_at(text, zone, now);
    if (!at && parse_day(trim(text), regimend::local_date(zone, now), DayDirection::Past)) {
        throw usage_error(regimend::fill(_("--at \"{0}\" is a date without a time: a time is "
                                           "needed here, e.g. \"{1} 21:10\" (a date alone is "
                                           "accepted by `symptom` and `log`)"),
                                         {text, trim(text)}));
    }
    return or_usage_error(at, _("cannot read the time \"{0}\": expected {1}"), text,
                          _("\"HH:MM\", \"yesterday HH:MM\", \"YYYY-MM-DD HH:MM\" or "
                            "\"YYYY-MM-DDTHH:MM\""));
}

Instant entry_at_form(std::string_view text, const regimend::TimeZone& zone, Instant now) {
    return or_usage_error(parse_entry_at(text, zone, now),
                          _("cannot read the time \"{0}\": expected {1}"), text,
                          _("\"HH:MM\", \"yesterday HH:MM\", \"YYYY-MM-DD HH:MM\", "
                            "\"YYYY-MM-DDTHH:MM\" or a date alone (\"YYYY-MM-DD\", "
                            "\"yesterday\")"));
}

// On the bus 0 means now, and the daemon refuses the rest of the first day: such a time
// must never be sent, or it would be recorded as now (or refused after the fact).
Instant after_epoch(Instant at, std::string_view text) {
    if (at < kEarliestAt) {
        throw usage_error(regimend::fill(_("the time \"{}\" is before 1970-01-02 00:00 UTC; "
                                           "regimend keeps no earlier times"),
                                         {text}));
    }
    return at;
}

}  // namespace

Instant at_argument(std::string_view text, const regimend::TimeZone& zone, Instant now) {
    return after_epoch(at_form(text, zone, now), text);
}

std::optional<Instant> parse_entry_at(std::string_view text, const regimend::TimeZone& zone,
                                      Instant now) {
    if (auto at = parse_at(text, zone, now)) {
        return at;
    }
    const auto today = regimend::local_date(zone, now);
    // "tomorrow" is never when something happened (as for parse_at's "tomorrow 10:00").
    if (lowercase(trim(text)) == "tomorrow") {
        return std::nullopt;
    }
    if (auto day = parse_day(trim(text), today, DayDirection::Past)) {
        const Instant noon = regimend::day_entry_instant(zone, *day);
        // Today before noon: now, which is today's and not in the future.
        return *day == today ? std::min(noon, now) : noon;
    }
    return std::nullopt;
}

Instant entry_at_argument(std::string_view text, const regimend::TimeZone& zone, Instant now) {
    return after_epoch(entry_at_form(text, zone, now), text);
}

Instant since_argument(std::string_view text, const regimend::TimeZone& zone, Instant now) {
    return or_usage_error(parse_since(text, zone, now),
                          _("cannot read --since \"{0}\": expected {1}"), text,
                          _("a duration (\"7d\", \"12h\"), a day (\"yesterday\", \"mon\", "
                            "\"2026-11-01\") or a time (\"YYYY-MM-DD HH:MM\")"));
}

void check_at_form(std::string_view text) {
    // The zone and the day do not change what is well-formed.
    at_form(text, regimend::TimeZone::utc(), Instant{});
}

void check_entry_at_form(std::string_view text) {
    entry_at_form(text, regimend::TimeZone::utc(), Instant{});
}

void check_since_form(std::string_view text) {
    since_argument(text, regimend::TimeZone::utc(), Instant{});
}

regimend::Seconds duration_argument(std::string_view text, std::string_view what) {
    if (auto duration = regimend::parse_duration(trim(text))) {
        return *duration;
    }
    throw usage_error(regimend::fill(_("cannot read the {0} \"{1}\": expected a duration like "
                                       "\"90s\", \"15m\", \"2h\" or \"1h30m\""),
                                     {what, text}));
}

Instant current_instant() {
    return std::chrono::floor<Seconds>(std::chrono::system_clock::now());
}

std::uint64_t to_bus_time(Instant instant) {
    auto count = instant.time_since_epoch().count();
    return count <= 0 ? 0 : static_cast<std::uint64_t>(count) * 1000000ULL;
}

Instant from_bus_time(std::uint64_t microseconds) {
    return Instant{Seconds{static_cast<long long>(microseconds / 1000000ULL)}};
}

std::optional<Instant> optional_at_argument(const std::optional<std::string>& text,
                                            const regimend::TimeZone& zone, Instant now) {
    if (!text) {
        return std::nullopt;
    }
    return at_argument(*text, zone, now);
}

std::optional<Instant> optional_entry_at_argument(const std::optional<std::string>& text,
                                                  const regimend::TimeZone& zone, Instant now) {
    if (!text) {
        return std::nullopt;
    }
    return entry_at_argument(*text, zone, now);
}

std::string at_read_as(const regimend::TimeZone& zone, Instant at) {
    return regimend::fill(_("--at was read as {0} {1}"),
                          {regimend::format_date_hh_mm(regimend::to_local(zone, at)), zone.name()});
}

}  // namespace regimenctl
