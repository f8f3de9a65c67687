#include "core/parse_values.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace regimend {
namespace {

// Units a dose is measured in. Mass units convert to mg for limits (model.cpp); the others
// are counted as they are.
constexpr std::array kKnownUnits = {
    "mg",        "g",          "mcg",         "µg",           "ug",      "ml",       "l",
    "iu",        "mmol",       "meq",         "unit",         "units",   "capsule",  "capsules",
    "tablet",    "tablets",    "pill",        "pills",        "softgel", "softgels", "drop",
    "drops",     "scoop",      "scoops",      "sachet",       "sachets", "spray",    "sprays",
    "puff",      "puffs",      "patch",       "patches",      "tsp",     "tbsp",     "teaspoon",
    "teaspoons", "tablespoon", "tablespoons", "cup",          "cups",    "piece",    "pieces",
    "dose",      "doses",      "application", "applications", "pump",    "pumps",    "gummy",
    "gummies",   "lozenge",    "lozenges",    "ampoule",      "ampoules"};

constexpr std::string_view kMicroSign = "\xC2\xB5";  // U+00B5, as model.cpp spells it
constexpr std::string_view kGreekMu = "\xCE\xBC";    // U+03BC, looks the same

std::string lowercase_ascii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Digits with an optional fraction: "144", "0.5". No signs, exponents or hex.
std::size_t decimal_number_length(std::string_view text) {
    std::size_t end = 0;
    while (end < text.size() && is_digit(text[end])) {
        ++end;
    }
    if (end == 0) {
        return 0;
    }
    if (end < text.size() && text[end] == '.') {
        std::size_t fraction = end + 1;
        while (fraction < text.size() && is_digit(text[fraction])) {
            ++fraction;
        }
        if (fraction == end + 1) {
            return 0;
        }
        end = fraction;
    }
    return end;
}

std::optional<int> parse_count(std::string_view text, int max) {
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value < 1 || value > max) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

Checked<Amount> parse_amount(std::string_view text) {
    const std::string expected =
        fill(_("must be \"<number> <unit>\" such as \"144 mg\", got \"{}\""), {text});
    std::string_view rest = trim(text);
    std::size_t number_length = decimal_number_length(rest);
    if (number_length == 0) {
        return Checked<Amount>::fail(expected);
    }
    double value = 0;
    std::from_chars(rest.data(), rest.data() + number_length, value);
    std::string unit = lowercase_ascii(trim(rest.substr(number_length)));
    if (unit.starts_with(kGreekMu)) {
        unit.replace(0, kGreekMu.size(), kMicroSign);
    }
    // "300-400 mg", "300 to 400 mg", "300mg-400mg": a second number after a dash or "to".
    std::string_view after_number = rest.substr(number_length);
    for (std::string_view dash : {"-", "\xE2\x80\x93", "to "}) {
        std::size_t at = after_number.find(dash);
        if (at != std::string_view::npos &&
            decimal_number_length(trim(after_number.substr(at + dash.size()))) > 0) {
            return Checked<Amount>::fail(fill(_("is a range, not an amount: pick one amount, or "
                                                "use a 'ramp' to change it over time, got \"{}\""),
                                              {text}));
        }
    }
    if (unit.empty()) {
        return Checked<Amount>::fail(
            fill(_("must be \"<number> <unit>\" such as \"144 mg\", got \"{}\" (the unit is "
                   "missing)"),
                 {text}));
    }
    if (std::find(kKnownUnits.begin(), kKnownUnits.end(), unit) == kKnownUnits.end()) {
        return Checked<Amount>::fail(
            fill(_("has an unknown unit \"{0}\" in \"{1}\"; known units: mg, g, mcg, µg, ml, iu, "
                   "mmol, capsules, tablets, drops, scoops, ... (see regimen.yaml(5))"),
                 {unit, text}));
    }
    if (!(value > 0) || value > 1e9) {
        return Checked<Amount>::fail(fill(_("must be more than 0, got \"{}\""), {text}));
    }
    return Checked<Amount>{Amount{value, unit, std::string(text)}, {}};
}

Checked<TimeOfDay> parse_time_of_day(std::string_view text) {
    const auto fail = [&] {
        return Checked<TimeOfDay>::fail(
            fill(_("'at' must be \"HH:MM\", \"HH:MM:SS\", \"<duration> before bedtime\" or "
                   "\"<duration> after bedtime\", got \"{}\""),
                 {text}));
    };
    TimeOfDay time;
    time.text = std::string(text);
    std::string_view trimmed = trim(text);
    // "8:30" is what people write; "HH:MM" is what the clock parser reads.
    std::string padded = trimmed.size() == 4 && trimmed[1] == ':' ? "0" + std::string(trimmed)
                                                                  : std::string(trimmed);
    if (auto offset = parse_clock_time(padded)) {
        time.offset = *offset;
        return Checked<TimeOfDay>{time, {}};
    }
    std::string lower = lowercase_ascii(trimmed);
    if (lower == "bedtime") {
        time.base = TimeOfDay::Base::Bedtime;
        return Checked<TimeOfDay>{time, {}};
    }
    for (auto [suffix, sign] : {std::pair{std::string_view{" before bedtime"}, -1},
                                std::pair{std::string_view{" after bedtime"}, 1}}) {
        if (!lower.ends_with(suffix)) {
            continue;
        }
        std::string_view duration_text =
            trim(std::string_view(lower).substr(0, lower.size() - suffix.size()));
        auto duration = parse_duration(duration_text);
        if (!duration) {
            return Checked<TimeOfDay>::fail(
                fill(_("'at' counts from bedtime with a duration written as 1h, 30m or 1h30m "
                       "(such as \"1h{0}\"), got \"{1}\""),
                     {suffix, text}));
        }
        if (*duration >= Seconds{86400}) {
            return Checked<TimeOfDay>::fail(
                fill(_("'at' must be less than 24h from bedtime, got \"{}\""), {text}));
        }
        time.base = TimeOfDay::Base::Bedtime;
        time.offset = *duration * sign;
        return Checked<TimeOfDay>{time, {}};
    }
    return fail();
}

Checked<Every> parse_every(std::string_view text) {
    std::string lower = lowercase_ascii(trim(text));
    if (lower == "day") {
        return Checked<Every>{Every{Frequency::Daily, 1}, {}};
    }
    if (lower == "week") {
        return Checked<Every>{Every{Frequency::Weekly, 1}, {}};
    }
    auto space = lower.find(' ');
    if (space != std::string::npos) {
        std::string_view number = std::string_view(lower).substr(0, space);
        std::string_view unit = trim(std::string_view(lower).substr(space + 1));
        if (unit == "day" || unit == "days") {
            if (auto days = parse_count(number, 3660)) {
                return Checked<Every>{Every{Frequency::EveryNDays, *days}, {}};
            }
        } else if (unit == "hour" || unit == "hours") {
            if (auto hours = parse_count(number, 24 * 366)) {
                return Checked<Every>{Every{Frequency::EveryNHours, *hours}, {}};
            }
        }
    }
    return Checked<Every>::fail(fill(_("'every' must be \"day\", \"week\", \"N days\" or \"N "
                                       "hours\" (N a whole number from 1), got \"{}\""),
                                     {text}));
}

std::optional<std::uint8_t> parse_weekday(std::string_view text) {
    // "sun" or "Sunday", in any case, as the command line reads days.
    static constexpr std::array<std::string_view, 7> kDayNames = {
        "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
    std::string lower = lowercase_ascii(trim(text));
    for (unsigned index = 0; index < kDayNames.size(); ++index) {
        if (lower == kDayNames[index] ||
            (lower.size() == 3 && kDayNames[index].starts_with(lower))) {
            // Indexed by date::weekday's c_encoding, as model.hpp documents.
            return static_cast<std::uint8_t>(1u << date::weekday{index}.c_encoding());
        }
    }
    return std::nullopt;
}

bool is_valid_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
    });
}

bool is_valid_symptom_kind(std::string_view kind) {
    return !kind.empty() && kind.size() <= 64 && std::all_of(kind.begin(), kind.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
    });
}

}  // namespace regimend
