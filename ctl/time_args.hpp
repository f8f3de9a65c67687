// Reading the times people type on the command line. Pure: `now` and the zone are passed in
// (tests use literal instants); wall-clock forms are read in the regimen's zone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace regimenctl {

using regimend::Instant;

// --at: "21:10" or "21:10:05" (today), "<day> 21:10" with any day parse_day reads
// looking back ("yesterday 21:10", "mon 08:00"),
// "2026-11-22 21:10", "2026-11-22T21:10[:SS]", an RFC 3339 instant with offset
// ("2026-11-22T21:10:00+01:00", "...Z"), or "now". A time in the future is returned as is:
// the daemon decides whether it makes sense. Nonexistent local times follow the spec's
// daylight-saving rule (core/time.hpp to_instant).
std::optional<Instant> parse_at(std::string_view text, const regimend::TimeZone& zone, Instant now);

// A day as people type it: "today", "tomorrow", "yesterday", a weekday ("mon", "Monday":
// the nearest such day in `direction`, today included) or "YYYY-MM-DD". The same words
// for every verb: --since looks back (Past), plan --from looks ahead (Future).
enum class DayDirection { Past, Future };
std::optional<regimend::LocalDate> parse_day(std::string_view text, regimend::LocalDate today,
                                             DayDirection direction);

// --since: a duration back from now ("7d", "1h30m"), a date ("2026-11-01", from its local
// midnight), or anything parse_at reads.
std::optional<Instant> parse_since(std::string_view text, const regimend::TimeZone& zone,
                                   Instant now);

// The earliest --at accepted: on the bus 0 means now, and the daemon keeps no time before
// the second day of 1970, so an earlier one is a usage error (exit 2) and is never sent.
inline constexpr Instant kEarliestAt{regimend::Seconds{86'400}};

// The same, throwing a usage error (exit 2) that quotes the accepted forms; at_argument
// also refuses a time before kEarliestAt.
Instant at_argument(std::string_view text, const regimend::TimeZone& zone, Instant now);
Instant since_argument(std::string_view text, const regimend::TimeZone& zone, Instant now);

// --at of a diary entry or an as-needed dose (`symptom`, `log`): anything parse_at reads,
// or a day alone ("2026-11-15", "yesterday"): that local day's entry, at its noon
// (core/time.hpp day_entry_instant; today before noon: now). `take --at` needs a time: at_argument
// says so.
std::optional<Instant> parse_entry_at(std::string_view text, const regimend::TimeZone& zone,
                                      Instant now);
Instant entry_at_argument(std::string_view text, const regimend::TimeZone& zone, Instant now);
void check_entry_at_form(std::string_view text);
std::optional<Instant> optional_entry_at_argument(const std::optional<std::string>& text,
                                                  const regimend::TimeZone& zone, Instant now);

// Checks only the form of an --at / --since value, before regimend is asked for the zone,
// so bad usage is exit 2 even when the daemon cannot be reached.
void check_at_form(std::string_view text);

// An optional --at read in the zone: nullopt when the option was not given.
std::optional<Instant> optional_at_argument(const std::optional<std::string>& text,
                                            const regimend::TimeZone& zone, Instant now);
void check_since_form(std::string_view text);

// A duration argument ("15m"), throwing a usage error when malformed.
regimend::Seconds duration_argument(std::string_view text, std::string_view what);

// The process's clock, truncated to seconds: the one place the CLI reads it.
Instant current_instant();

// Microseconds since the epoch, the D-Bus `t` of ../shared/SPEC.md.
std::uint64_t to_bus_time(Instant instant);
Instant from_bus_time(std::uint64_t microseconds);

// "--at was read as 2026-11-22 21:10 Europe/Berlin": added to the daemon's refusal of an
// --at time, so the user sees which zone the wall-clock time was read in.
std::string at_read_as(const regimend::TimeZone& zone, Instant at);

}  // namespace regimenctl
