// Readers for the typed values the regimen uses in several places (amounts, durations,
// dates, reminder policies): a Field in, a value or a reported error out.
#pragma once

#include <optional>

#include "core/model.hpp"
#include "core/parse_reader.hpp"

namespace regimend {

std::optional<Amount> read_amount(Diagnostics& diagnostics, const Field& field);
std::optional<Seconds> read_duration(Diagnostics& diagnostics, const Field& field);
std::optional<LocalDate> read_date(Diagnostics& diagnostics, const Field& field);
// "HH:MM" or "HH:MM:SS"; the offset from midnight.
std::optional<Seconds> read_clock_time(Diagnostics& diagnostics, const Field& field);

// A `reminders:` mapping; the keys it leaves out keep their value from `inherited`.
ReminderPolicy read_reminders(Diagnostics& diagnostics, const Field& field,
                              const ReminderPolicy& inherited);

}  // namespace regimend
