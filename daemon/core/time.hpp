// Time vocabulary of the core. Instants are UTC (sys_seconds); wall-clock values are
// converted only at the edges, always with an explicit time zone passed in, never the
// process's global one, so tests can plan for several zones in one process.
#pragma once

#include <date/date.h>
#include "core/time_zone.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace regimend {

using Instant = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;
using LocalTime = date::local_seconds;
using LocalDate = date::year_month_day;

// Parses the spec's durations: "90s", "15m", "2h", "1h30m", "3d", "2w". Components must be
// in decreasing order of size and each appear once. Returns nullopt when malformed or zero.
std::optional<Seconds> parse_duration(std::string_view text);

// "HH:MM" or "HH:MM:SS", 24-hour. Returns the offset from midnight.
std::optional<Seconds> parse_clock_time(std::string_view text);

// "YYYY-MM-DD", a real calendar date.
std::optional<LocalDate> parse_date(std::string_view text);

// The spec's daylight-saving rule in one place: a wall-clock time that does not exist
// (spring forward) maps to the first instant after the gap; one that occurs twice (fall
// back) maps to its first occurrence.
Instant to_instant(const regimend::TimeZone& zone, LocalTime local);

LocalTime to_local(const regimend::TimeZone& zone, Instant instant);
LocalDate local_date(const regimend::TimeZone& zone, Instant instant);

// The instant at which the local date begins (00:00, or the first instant after a gap).
Instant start_of_day(const regimend::TimeZone& zone, LocalDate day);

// A local day's diary entry, recorded from a date alone (`symptom KIND N --at 2026-11-15`):
// the day's local noon. A diary entry or as-needed dose at exactly that instant reads back
// as the day's entry (history shows the date without a time).
inline constexpr Seconds kDayEntryTime{12 * 3600};
Instant day_entry_instant(const regimend::TimeZone& zone, LocalDate day);
bool is_day_entry(const regimend::TimeZone& zone, Instant at);

// The one date and time formatter: every date regimend and regimenctl print or write goes
// through these, so a year is written one way everywhere: four digits for 0 to 9999, else
// at least four digits after its sign, if negative ("-0001", "10000").
std::string format_date(LocalDate day);  // "2026-11-22"
// The day's short name in the reader's language: "Sun", "So" (translated, core/i18n.hpp).
std::string format_weekday(LocalDate day);
// A date as a reader of the current language writes it, in human output only: the pattern
// is the translation of "%Y-%m-%d" (German "%d.%m.%Y": "22.11.2026"), with %Y the year as
// format_date writes it, %m and %d two digits and %a format_weekday. Text a user types back
// (--at "2026-11-22 21:30"), files and JSON keep format_date, format_date_hh_mm and RFC 3339.
std::string format_reader_date(LocalDate day);
std::string format_reader_date_hh_mm(LocalTime local);  // "22.11.2026 21:30"
std::string format_reader_day_month(LocalDate day);     // "30 Nov", "30.11."
std::string format_reader_month(LocalDate day);         // "November 2026" (day's month)
std::string format_long_weekday(LocalDate day);         // "Sunday", "Sonntag"
std::string format_hh_mm(LocalTime local);              // "21:30"
// "21:30", or "21:30:15" when the seconds are not zero.
std::string format_clock(LocalTime local);
std::string format_date_hh_mm(LocalTime local);  // "2026-11-22 21:30"
// RFC 3339 in the zone, with its offset: "2026-03-29T03:00:00+02:00".
std::string format_rfc3339(const regimend::TimeZone& zone, Instant instant);
// The same text for `instant` shown at `offset` from UTC, for a caller that holds the offset.
std::string format_rfc3339_at_offset(Instant instant, Seconds offset);

// "2h", "1h30m", "15m", "90s" — the inverse of parse_duration, for messages.
std::string format_duration(Seconds duration);

}  // namespace regimend
