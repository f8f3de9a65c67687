#include "core/time.hpp"

#include "core/i18n.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <utility>

namespace regimend {
namespace {

bool all_digits(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    for (char c : text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return false;
        }
    }
    return true;
}

std::optional<long long> to_number(std::string_view text) {
    if (!all_digits(text) || text.size() > 9) {
        return std::nullopt;
    }
    long long value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

}  // namespace

std::optional<Seconds> parse_duration(std::string_view text) {
    struct Unit {
        char suffix;
        long long seconds;
    };
    static constexpr std::array<Unit, 5> kUnits{
        {{'w', 7 * 86400}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};
    if (text.empty()) {
        return std::nullopt;
    }
    long long total = 0;
    size_t next_unit = 0;  // units must come in decreasing order, each once
    size_t pos = 0;
    while (pos < text.size()) {
        size_t digits_end = pos;
        while (digits_end < text.size() &&
               std::isdigit(static_cast<unsigned char>(text[digits_end]))) {
            ++digits_end;
        }
        if (digits_end == pos || digits_end == text.size()) {
            return std::nullopt;
        }
        auto number = to_number(text.substr(pos, digits_end - pos));
        if (!number) {
            return std::nullopt;
        }
        char suffix = text[digits_end];
        size_t unit = next_unit;
        while (unit < kUnits.size() && kUnits[unit].suffix != suffix) {
            ++unit;
        }
        if (unit == kUnits.size()) {
            return std::nullopt;
        }
        total += *number * kUnits[unit].seconds;
        next_unit = unit + 1;
        pos = digits_end + 1;
    }
    if (total <= 0 || total > 366LL * 86400 * 10) {
        return std::nullopt;
    }
    return Seconds{total};
}

std::optional<Seconds> parse_clock_time(std::string_view text) {
    if (text.size() != 5 && text.size() != 8) {
        return std::nullopt;
    }
    if (text[2] != ':' || (text.size() == 8 && text[5] != ':')) {
        return std::nullopt;
    }
    auto hours = to_number(text.substr(0, 2));
    auto minutes = to_number(text.substr(3, 2));
    std::optional<long long> seconds = 0;
    if (text.size() == 8) {
        seconds = to_number(text.substr(6, 2));
    }
    if (!hours || !minutes || !seconds || *hours > 23 || *minutes > 59 || *seconds > 59) {
        return std::nullopt;
    }
    return Seconds{*hours * 3600 + *minutes * 60 + *seconds};
}

std::optional<LocalDate> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    auto year = to_number(text.substr(0, 4));
    auto month = to_number(text.substr(5, 2));
    auto day = to_number(text.substr(8, 2));
    if (!year || !month || !day) {
        return std::nullopt;
    }
    LocalDate date{date::year{static_cast<int>(*year)}, date::month{static_cast<unsigned>(*month)},
                   date::day{static_cast<unsigned>(*day)}};
    if (!date.ok() || *year < 1970) {
        return std::nullopt;
    }
    return date;
}

Instant to_instant(const regimend::TimeZone& zone, LocalTime local) {
    auto info = zone.get_info(local);
    if (info.result == date::local_info::nonexistent) {
        // The first instant after the gap is where the next offset begins.
        return std::chrono::time_point_cast<Seconds>(info.second.begin);
    }
    // Unique or ambiguous: `first` is the offset in force at the first occurrence. Using it
    // directly (rather than zone.to_sys) saves a second lookup, which the planner pays per dose.
    return Instant{local.time_since_epoch() - info.first.offset};
}

LocalTime to_local(const regimend::TimeZone& zone, Instant instant) {
    return std::chrono::time_point_cast<Seconds>(zone.to_local(instant));
}

LocalDate local_date(const regimend::TimeZone& zone, Instant instant) {
    return LocalDate{date::floor<date::days>(to_local(zone, instant))};
}

Instant start_of_day(const regimend::TimeZone& zone, LocalDate day) {
    return to_instant(zone, LocalTime{date::local_days{day}});
}

namespace {

void append_two_digits(std::string& out, long long value) {
    out += static_cast<char>('0' + value / 10 % 10);
    out += static_cast<char>('0' + value % 10);
}

void append_year(std::string& out, int year) {
    if (year < 0) {
        out += '-';
    }
    const std::string digits = std::to_string(year < 0 ? -static_cast<long long>(year) : year);
    out.append(digits.size() < 4 ? 4 - digits.size() : 0, '0');
    out += digits;
}

void append_date(std::string& out, LocalDate day) {
    append_year(out, static_cast<int>(day.year()));
    out += '-';
    append_two_digits(out, static_cast<unsigned>(day.month()));
    out += '-';
    append_two_digits(out, static_cast<unsigned>(day.day()));
}

// "HH:MM", then ":SS" when `seconds` says so.
void append_clock(std::string& out, LocalTime local, bool with_seconds) {
    const date::hh_mm_ss time{local - date::floor<date::days>(local)};
    append_two_digits(out, time.hours().count());
    out += ':';
    append_two_digits(out, time.minutes().count());
    if (with_seconds) {
        out += ':';
        append_two_digits(out, time.seconds().count());
    }
}

bool has_seconds(LocalTime local) {
    return (local - date::floor<std::chrono::minutes>(local)).count() != 0;
}

}  // namespace

std::string format_date(LocalDate day) {
    std::string text;
    append_date(text, day);
    return text;
}

std::string format_weekday(LocalDate day) {
    // TRANSLATORS: the short names of the days of the week, Sunday first.
    static constexpr const char* kWeekdays[] = {N_("Sun"), N_("Mon"), N_("Tue"), N_("Wed"),
                                                N_("Thu"), N_("Fri"), N_("Sat")};
    return _(kWeekdays[date::weekday{date::sys_days{day}}.c_encoding()]);
}

namespace {

// The reader's date pattern: %Y, %m, %d, %a (format_weekday) and %b (the month's short name).
std::string format_with_pattern(std::string_view pattern, LocalDate day) {
    // TRANSLATORS: the short names of the months.
    static constexpr const char* kMonths[] = {N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"),
                                              N_("May"), N_("Jun"), N_("Jul"), N_("Aug"),
                                              N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec")};
    std::string text;
    for (std::size_t at = 0; at < pattern.size(); ++at) {
        if (pattern[at] != '%' || at + 1 == pattern.size()) {
            text += pattern[at];
            continue;
        }
        switch (pattern[++at]) {
            case 'Y':
                append_year(text, static_cast<int>(day.year()));
                break;
            case 'm':
                append_two_digits(text, static_cast<unsigned>(day.month()));
                break;
            case 'd':
                append_two_digits(text, static_cast<unsigned>(day.day()));
                break;
            case 'a':
                text += format_weekday(day);
                break;
            case 'b':
                text += _(kMonths[static_cast<unsigned>(day.month()) - 1]);
                break;
            case 'A':
                text += format_long_weekday(day);
                break;
            case 'B': {
                // TRANSLATORS: the names of the months.
                static constexpr const char* kLongMonths[] = {
                    N_("January"),   N_("February"), N_("March"),    N_("April"),
                    N_("May"),       N_("June"),     N_("July"),     N_("August"),
                    N_("September"), N_("October"),  N_("November"), N_("December")};
                text += _(kLongMonths[static_cast<unsigned>(day.month()) - 1]);
                break;
            }
            default:
                text += '%';
                text += pattern[at];
        }
    }
    return text;
}

}  // namespace

std::string format_long_weekday(LocalDate day) {
    // TRANSLATORS: the names of the days of the week, Sunday first.
    static constexpr const char* kLongWeekdays[] = {N_("Sunday"),    N_("Monday"),   N_("Tuesday"),
                                                    N_("Wednesday"), N_("Thursday"), N_("Friday"),
                                                    N_("Saturday")};
    return _(kLongWeekdays[date::weekday{date::sys_days{day}}.c_encoding()]);
}

std::string format_reader_date(LocalDate day) {
    // TRANSLATORS: how a date is written: %Y the year, %m the month and %d the day (two
    // digits each), %a the short weekday, %b the month's short name. German: "%d.%m.%Y".
    return format_with_pattern(_("%Y-%m-%d"), day);
}

std::string format_reader_month(LocalDate day) {
    // TRANSLATORS: a month of a year ("November 2026"); %B the month's name, %Y the year.
    return format_with_pattern(_("%B %Y"), day);
}

std::string format_reader_day_month(LocalDate day) {
    // TRANSLATORS: a short day and month for a chart's axis ("30 Nov"); the codes as in
    // "%Y-%m-%d". German: "%d.%m.".
    return format_with_pattern(_("%d %b"), day);
}

std::string format_reader_date_hh_mm(LocalTime local) {
    std::string text = format_reader_date(LocalDate{date::floor<date::days>(local)});
    text += ' ';
    append_clock(text, local, false);
    return text;
}

std::string format_hh_mm(LocalTime local) {
    std::string text;
    append_clock(text, local, false);
    return text;
}

std::string format_clock(LocalTime local) {
    std::string text;
    append_clock(text, local, has_seconds(local));
    return text;
}

std::string format_date_hh_mm(LocalTime local) {
    std::string text;
    append_date(text, LocalDate{date::floor<date::days>(local)});
    text += ' ';
    append_clock(text, local, false);
    return text;
}

std::string format_rfc3339(const regimend::TimeZone& zone, Instant instant) {
    return format_rfc3339_at_offset(instant, zone.get_info(instant).offset);
}

std::string format_rfc3339_at_offset(Instant instant, Seconds offset) {
    const LocalTime local{instant.time_since_epoch() + offset};
    std::string text;
    append_date(text, LocalDate{date::floor<date::days>(local)});
    text += 'T';
    append_clock(text, local, true);
    const auto magnitude = offset < Seconds{0} ? -offset : offset;
    text += offset < Seconds{0} ? '-' : '+';
    append_two_digits(text, magnitude.count() / 3600);
    text += ':';
    append_two_digits(text, magnitude.count() / 60 % 60);
    return text;
}

std::string format_duration(Seconds duration) {
    long long total = duration.count();
    if (total <= 0) {
        return "0s";
    }
    std::string text;
    for (auto [suffix, size] : {std::pair{'d', 86400LL}, {'h', 3600LL}, {'m', 60LL}, {'s', 1LL}}) {
        if (total >= size) {
            text += std::to_string(total / size);
            text += suffix;
            total %= size;
        }
    }
    return text;
}

Instant day_entry_instant(const regimend::TimeZone& zone, LocalDate day) {
    return to_instant(zone, date::local_days{day} + kDayEntryTime);
}

bool is_day_entry(const regimend::TimeZone& zone, Instant at) {
    const auto local = to_local(zone, at);
    return local - date::floor<date::days>(local) == kDayEntryTime;
}

}  // namespace regimend
