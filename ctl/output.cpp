#include "output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ostream>

#include "core/rfc3339.hpp"
#include "host/system_zone.hpp"
#include "host/system_zone_name.hpp"

namespace regimenctl {

namespace {
bool colour_switched_off = false;
// Table::print writes its text in pieces of about this size.
constexpr std::size_t kFlushBytes = 64 * 1024;
}  // namespace

bool colour_enabled() {
    static const bool enabled = [] {
        const char* no_colour = std::getenv("NO_COLOR");
        return (no_colour == nullptr || no_colour[0] == '\0') && isatty(STDOUT_FILENO) == 1;
    }();
    return enabled && !colour_switched_off;
}

void switch_colour_off() {
    colour_switched_off = true;
}

std::string paint(std::string_view text, Colour colour) {
    if (colour == Colour::None || !colour_enabled()) {
        return std::string(text);
    }
    const char* code = "";
    switch (colour) {
        case Colour::Red:
            code = "31";
            break;
        case Colour::Green:
            code = "32";
            break;
        case Colour::Yellow:
            code = "33";
            break;
        case Colour::Blue:
            code = "34";
            break;
        case Colour::Cyan:
            code = "36";
            break;
        case Colour::Dim:
            code = "2";
            break;
        case Colour::Bold:
            code = "1";
            break;
        case Colour::None:
            break;
    }
    return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

Colour state_colour(std::string_view state) {
    if (state == "taken" || state == "as_needed") {
        return Colour::Green;
    }
    if (state == "missed") {
        return Colour::Red;
    }
    if (state == "due") {
        return Colour::Bold;
    }
    if (state == "snoozed" || state == "skipped") {
        return Colour::Yellow;
    }
    if (state == "symptom") {
        return Colour::Cyan;
    }
    return Colour::Dim;  // upcoming
}

std::size_t display_width(std::string_view text) {
    // Count every byte that does not continue a UTF-8 sequence.
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

void Table::render(std::string_view indent, const std::function<void(std::string&)>& flush) const {
    std::vector<std::size_t> widths = minimum_widths_;
    for (const auto& row : rows_) {
        if (row.verbatim) {
            continue;
        }
        widths.resize(std::max(widths.size(), row.cells.size()), 0);
        for (std::size_t column = 0; column < row.cells.size(); ++column) {
            widths[column] = std::max(widths[column], display_width(row.cells[column].text));
        }
    }
    // One buffer for the whole table, written at once: `history` prints tens of thousands
    // of rows, and a string and a stream insertion per row were a fifth of its time.
    const bool colour = colour_enabled();
    std::string text;
    for (const auto& row : rows_) {
        if (row.verbatim) {
            text += paint(row.cells[0].text, row.cells[0].colour);
            text += '\n';
            continue;
        }
        text += indent;
        // Trailing empty cells would only add trailing spaces.
        std::size_t used = row.cells.size();
        while (used > 0 && row.cells[used - 1].text.empty()) {
            --used;
        }
        for (std::size_t column = 0; column < used; ++column) {
            const auto& cell = row.cells[column];
            if (colour && cell.colour != Colour::None) {
                text += paint(cell.text, cell.colour);
            } else {
                text += cell.text;
            }
            if (column + 1 < used) {
                text.append(widths[column] - display_width(cell.text) + 2, ' ');
            }
        }
        text += '\n';
        if (text.size() >= kFlushBytes) {
            flush(text);
        }
    }
    flush(text);
}

void Table::print(std::ostream& out, std::string_view indent) const {
    render(indent, [&out](std::string& text) {
        out << text;
        text.clear();
    });
}

void Table::append_to(std::string& out, std::string_view indent) const {
    render(indent, [&out](std::string& text) {
        out += text;
        text.clear();
    });
}

namespace {

// date::format builds and imbues an ostream per call, and snprintf parses its format per
// call: both dominated `history` on a long history. These fixed-width fields need neither.
char* two_digits(char* out, unsigned value) {
    out[0] = static_cast<char>('0' + value / 10 % 10);
    out[1] = static_cast<char>('0' + value % 10);
    return out + 2;
}

// "HH:MM" or "HH:MM:SS" at `out`; returns the end.
char* clock_digits(char* out, regimend::LocalTime local) {
    const date::hh_mm_ss time{local - date::floor<date::days>(local)};
    out = two_digits(out, static_cast<unsigned>(time.hours().count()));
    *out++ = ':';
    out = two_digits(out, static_cast<unsigned>(time.minutes().count()));
    if (time.seconds().count() != 0) {
        *out++ = ':';
        out = two_digits(out, static_cast<unsigned>(time.seconds().count()));
    }
    return out;
}

std::string clock_text(regimend::LocalTime local) {
    char text[8];
    return std::string(text, clock_digits(text, local));
}

}  // namespace

std::string format_clock(const regimend::TimeZone& zone, regimend::Instant instant) {
    return clock_text(regimend::to_local(zone, instant));
}

namespace {

bool four_digit_year(regimend::LocalDate day) {
    const int year = static_cast<int>(day.year());
    return year >= 0 && year <= 9999;
}

// "YYYY-MM-DD" at `out` for a four_digit_year(); returns the end.
char* date_digits(char* out, regimend::LocalDate day) {
    const auto year = static_cast<unsigned>(static_cast<int>(day.year()));
    out = two_digits(out, year / 100);
    out = two_digits(out, year % 100);
    *out++ = '-';
    out = two_digits(out, static_cast<unsigned>(day.month()));
    *out++ = '-';
    return two_digits(out, static_cast<unsigned>(day.day()));
}

std::string when_text(regimend::LocalTime local, regimend::LocalDate today) {
    const regimend::LocalDate day{date::floor<date::days>(local)};
    if (day == today) {
        return clock_text(local);
    }
    if (!four_digit_year(day)) {  // as printf's %04d writes it
        char text[32];
        const int length =
            std::snprintf(text, sizeof text, "%04d-%02u-%02u ", static_cast<int>(day.year()),
                          static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
        return std::string(text, static_cast<std::size_t>(length)) + clock_text(local);
    }
    char text[24];
    char* out = date_digits(text, day);
    *out++ = ' ';
    return std::string(text, clock_digits(out, local));
}

}  // namespace

std::string format_when(const regimend::TimeZone& zone, regimend::Instant instant,
                        regimend::LocalDate today) {
    return when_text(regimend::to_local(zone, instant), today);
}

namespace {

std::string zone_note_text(const std::string& zone, const std::string& system) {
    if (system == zone) {
        return {};
    }
    return "Times are in " + zone + " (this system's zone is " + system + ").\n";
}

}  // namespace

std::string zone_note(const regimend::TimeZone& zone) {
    // The usual case, the regimen in the system's zone, by name alone: the system's zone
    // file is read only when the note may be needed.
    if (regimend::system_zone_first_choice() == zone.name()) {
        return {};
    }
    const auto* system = regimend::system_zone();
    if (system == &zone) {
        return {};
    }
    return zone_note_text(zone.name(), system->name());
}

std::string format_day_heading(regimend::LocalDate day) {
    // What "%a %F" gives in the C locale, without the ostream date::format builds (issue 17:
    // `status` prints this line on every run, and the status front must not link the
    // locale machinery). One string, so no table of pointers to relocate.
    constexpr std::string_view kWeekdays = "SunMonTueWedThuFriSat";
    const date::weekday weekday{date::local_days{day}};
    char text[24];
    kWeekdays.copy(text, 3, 3 * weekday.c_encoding());
    text[3] = ' ';
    if (!four_digit_year(day)) {
        // date's %F writes the year as an ostream does with width 4 and fill '0': the fill
        // goes left of a sign ("00-1" for the year -1).
        char year[16];
        const int digits = std::snprintf(year, sizeof year, "%d", static_cast<int>(day.year()));
        std::string heading(text, 4);
        heading.append(static_cast<std::size_t>(std::max(0, 4 - digits)), '0');
        heading.append(year, static_cast<std::size_t>(digits));
        char rest[8];
        const int length =
            std::snprintf(rest, sizeof rest, "-%02u-%02u", static_cast<unsigned>(day.month()),
                          static_cast<unsigned>(day.day()));
        return heading.append(rest, static_cast<std::size_t>(length));
    }
    return std::string(text, date_digits(text + 4, day));
}

std::string format_diagnostic_line(const regimend::Diagnostic& diagnostic) {
    if (!colour_enabled()) {
        return regimend::format_diagnostic(diagnostic);
    }
    std::string text = diagnostic.file;
    if (diagnostic.line > 0) {
        text += ":" + std::to_string(diagnostic.line);
        if (diagnostic.column > 0) {
            text += ":" + std::to_string(diagnostic.column);
        }
    }
    bool error = diagnostic.severity == regimend::Severity::Error;
    return text + ": " + paint(error ? "error" : "warning", error ? Colour::Red : Colour::Yellow) +
           ": " + diagnostic.message;
}

nlohmann::json instant_json(const regimend::TimeZone& zone,
                            std::optional<regimend::Instant> instant) {
    if (!instant) {
        return nullptr;
    }
    return regimend::format_rfc3339(zone, *instant);
}

nlohmann::json text_or_null(std::string_view text) {
    if (text.empty()) {
        return nullptr;
    }
    return std::string(text);
}

std::string json_text(const nlohmann::json& document) {
    // Item names and notes are user text: replace invalid UTF-8 instead of throwing.
    return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

void print_json(const nlohmann::json& document) {
    // Through stdio, which std::cout is synchronised with: this file includes no <iostream>,
    // whose start-up the status front must not pay for (ctl/front/main.cpp).
    const std::string text = json_text(document);
    std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace regimenctl
