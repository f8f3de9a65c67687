// Dates and instants from literals, for every unit test: one definition instead of a copy
// per file. Times of day are whole hours and minutes (and seconds where a test needs them).
#pragma once

#include <chrono>
#include <string>

#include "core/time.hpp"

namespace regimend::test {

inline LocalDate ymd(int year, unsigned month, unsigned day) {
    return LocalDate{date::year{year}, date::month{month}, date::day{day}};
}

// An instant given in UTC.
inline Instant utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
                   int second = 0) {
    return Instant{date::sys_days{ymd(year, month, day)}} + std::chrono::hours{hour} +
           std::chrono::minutes{minute} + std::chrono::seconds{second};
}

inline Instant utc(LocalDate day, Seconds time = Seconds{0}) {
    return Instant{date::sys_days{day}} + time;
}

// A wall-clock time, not yet in any zone.
inline LocalTime local(int year, unsigned month, unsigned day, int hour, int minute = 0) {
    return LocalTime{date::local_days{ymd(year, month, day)}} + std::chrono::hours{hour} +
           std::chrono::minutes{minute};
}

// "2026-11-20 08:00" (or "... 08:00:30") as an instant in `zone`.
inline Instant local_instant(const regimend::TimeZone& zone, const std::string& text) {
    const auto day = *parse_date(text.substr(0, 10));
    const auto time = *parse_clock_time(text.substr(11));
    return to_instant(zone, LocalTime{date::local_days{day}} + time);
}

}  // namespace regimend::test
