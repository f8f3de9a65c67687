// The plan as iCalendar (RFC 5545), for other calendar programs: one VEVENT series per item,
// `at` time and ramp phase, with an RRULE where the schedule has one (a `cycle`: one series
// per active day, repeating every active + rest days); `every: N hours` items, and cycles
// with `every: N days`, expanded dose by dose. Pure: `now` (for DTSTAMP, and as the first
// day of items without `start`) is passed in.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace regimend {

struct IcsOptions {
    int expand_days = 90;           // how far `every: N hours` items are written out
    int timezone_years_ahead = 10;  // VTIMEZONE transitions for open-ended series
};

// Receives the calendar piece by piece (folded content lines, CRLF-terminated), in order.
using IcsSink = std::function<void(std::string_view)>;

// The calendar handed to `sink` as it is made: memory does not grow with the number of
// events (`export --expand-days 3660` with many hourly items).
void write_regimen_ics(const Regimen& regimen, Instant now, const IcsOptions& options,
                       const IcsSink& sink);

// The same calendar as one string.
std::string regimen_ics(const Regimen& regimen, Instant now, const IcsOptions& options = {});

// TEXT value escaping: backslash, semicolon, comma, newline; other control characters go.
std::string ics_escape_text(std::string_view text);

// One content line folded at 75 octets (never inside a UTF-8 sequence), CRLF-terminated.
std::string ics_fold(std::string_view line);

}  // namespace regimend
