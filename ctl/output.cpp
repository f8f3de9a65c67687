#include "output.hpp"

#include "core/i18n.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ostream>

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

namespace {

// C0, DEL, or the lead byte of a C1 control (U+0080..U+009F is C2 80..C2 9F in UTF-8).
bool is_control(unsigned char byte, unsigned char next) {
    return byte < 0x20 || byte == 0x7F || (byte == 0xC2 && next >= 0x80 && next <= 0x9F);
}

bool has_control(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (is_control(static_cast<unsigned char>(text[i]), next)) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string terminal_text(std::string_view text) {
    if (!has_control(text)) {
        return std::string(text);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (!is_control(byte, next)) {
            out += text[i];
        } else if (byte == '\n') {
            out += "\\n";
        } else if (byte == '\r') {
            out += "\\r";
        } else if (byte == '\t') {
            out += "\\t";
        } else if (byte == 0xC2) {  // a C1 control, U+0080..U+009F
            out += "\\u00";
            out += kHex[next >> 4];
            out += kHex[next & 0xF];
            ++i;
        } else {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        }
    }
    return out;
}

void Table::escape(Cell& cell) {
    if (has_control(cell.text)) {
        cell.text = terminal_text(cell.text);
    }
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

std::string state_label(std::string_view state) {
    // The states and events of ../shared/SPEC.md as a reader sees them in a table; JSON
    // and the history keep the names themselves (and English tables show them as they are).
    // TRANSLATORS: a dose's state or a history event in a table ("as_needed": a dose taken
    // as needed; "stock": a stock count set with refill --set).
    static constexpr std::pair<std::string_view, const char*> kLabels[] = {
        {"upcoming", N_("upcoming")}, {"due", N_("due")},
        {"snoozed", N_("snoozed")},   {"taken", N_("taken")},
        {"skipped", N_("skipped")},   {"missed", N_("missed")},
        {"undone", N_("undone")},     {"as_needed", N_("as_needed")},
        {"refill", N_("refill")},     {"stock", N_("stock")},
        {"symptom", N_("symptom")},
    };
    for (const auto& [name, label] : kLabels) {
        if (name == state) {
            return _(label);
        }
    }
    return std::string(state);
}

std::string format_clock(const regimend::TimeZone& zone, regimend::Instant instant) {
    return regimend::format_clock(regimend::to_local(zone, instant));
}

std::string format_when(const regimend::TimeZone& zone, regimend::Instant instant,
                        regimend::LocalDate today) {
    const auto local = regimend::to_local(zone, instant);
    const regimend::LocalDate day{date::floor<date::days>(local)};
    if (day == today) {
        return regimend::format_clock(local);
    }
    return regimend::format_reader_date(day) + ' ' + regimend::format_clock(local);
}

std::string format_entry_when(const regimend::TimeZone& zone, regimend::Instant instant,
                              regimend::LocalDate today) {
    if (!regimend::is_day_entry(zone, instant)) {
        return format_when(zone, instant, today);
    }
    return regimend::format_reader_date(
        regimend::LocalDate{date::floor<date::days>(regimend::to_local(zone, instant))});
}

namespace {

std::string zone_note_text(const std::string& zone, const std::string& system) {
    if (system == zone) {
        return {};
    }
    return regimend::fill(_("Times are in {0} (this system's zone is {1})."), {zone, system}) +
           '\n';
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
    return regimend::format_weekday(day) + ' ' + regimend::format_reader_date(day);
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
    return text + ": " +
           paint(error ? _("error") : _("warning"), error ? Colour::Red : Colour::Yellow) + ": " +
           diagnostic.message;
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
    // Through stdio, which std::cout is synchronised with.
    const std::string text = json_text(document);
    std::fwrite(text.data(), 1, text.size(), stdout);
}

std::string lateness_text(std::optional<double> minutes) {
    if (!minutes) {
        return "";
    }
    const long rounded = std::lround(*minutes);
    if (rounded == 0) {
        return _("on time");
    }
    // "25 min late", "3h20m late", "2d early": a day late reads as a day, not 1440 min.
    const long size = std::labs(rounded);
    const std::string amount = size < 60 ? regimend::fill(_("{} min"), {std::to_string(size)})
                                         : regimend::format_duration(regimend::Seconds{size * 60});
    return regimend::fill(rounded > 0 ? _("{} late") : _("{} early"), {amount});
}

}  // namespace regimenctl
