// The regimen's small value syntaxes, text in, value or reason out: amounts ("144 mg"),
// times of day ("08:00", "1h before bedtime"), frequencies ("2 days"), day names, ids.
// No YAML here: parse_item.cpp places the reasons in the file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace regimend {

// A value, or the message that says why there is none.
template <class T>
struct Checked {
    std::optional<T> value;
    std::string error;

    static Checked fail(std::string message) { return Checked{std::nullopt, std::move(message)}; }
};

// "<number> <unit>": "144 mg", "0.5 g", "400 IU", "2 capsules". Unit lowercased. The error
// is phrased to follow the key's name: "'amount' " + error.
Checked<Amount> parse_amount(std::string_view text);

// One entry of `at`. Times relative to bedtime are accepted here; the caller checks that
// the file has a bedtime.
Checked<TimeOfDay> parse_time_of_day(std::string_view text);

struct Every {
    Frequency frequency = Frequency::Daily;
    int interval = 1;
};

// "day", "week", "N days", "N hours".
Checked<Every> parse_every(std::string_view text);

// "mon".."sun" (any case): the bit for that day in Schedule::weekdays.
std::optional<std::uint8_t> parse_weekday(std::string_view text);

// Lowercase letters, digits and dashes: safe on a command line and in a database.
bool is_valid_id(std::string_view id);

// A symptom kind, typed on the command line: lowercase letters, digits, '-' and '_'.
bool is_valid_symptom_kind(std::string_view kind);

}  // namespace regimend
