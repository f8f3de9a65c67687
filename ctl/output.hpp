// What regimenctl prints: aligned tables, colour only on a terminal without NO_COLOR, local
// times in the regimen's zone, and the JSON pieces of ../shared/SPEC.md "Machine-readable
// output". Shared by every verb (status, history, plan, report, export...).
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.hpp"
#include "core/time.hpp"

namespace regimenctl {

enum class Colour { None, Red, Green, Yellow, Blue, Cyan, Dim, Bold };

// True when stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org).
bool colour_enabled();
// For output written to a file rather than the terminal (`report --output`).
void switch_colour_off();

// `text` wrapped in the ANSI codes for `colour` when colour_enabled(), else `text`.
std::string paint(std::string_view text, Colour colour);

// The colour a dose state or history event is shown in ("taken" green, "missed" red...).
Colour state_colour(std::string_view state);

// Columns on a terminal: UTF-8 code points, so "µg" and "é" count as one.
std::size_t display_width(std::string_view text);

// `text` safe to print on a terminal: every control character (C0 with tab, CR and line
// feed, DEL, C1) is shown as an escape (`\n`, `\r`, `\t`, `\x1b`, `\u009b`), so text
// from the history (a note planted in an old row, an item id) can neither send a terminal
// a sequence (OSC 52 writes the clipboard) nor overprint a line. Invalid UTF-8 is kept.
std::string terminal_text(std::string_view text);

struct Cell {
    std::string text;
    Colour colour = Colour::None;
};

// Left-aligned columns separated by two spaces; widths from the plain text, so colour
// codes never break the alignment. The last column is not padded. Cell text goes through
// terminal_text.
class Table {
  public:
    void add_row(std::vector<Cell> row) {
        for (auto& cell : row) {
            escape(cell);
        }
        rows_.push_back({false, std::move(row)});
    }
    // A line printed as is, without the indent, between rows (a heading such as a date);
    // it takes no part in the column widths, so every group lines up with the others.
    void add_line(Cell line) {
        escape(line);
        rows_.push_back({true, {std::move(line)}});
    }
    bool empty() const { return rows_.empty(); }
    // Columns at least this wide: tables printed one after another (a day at a time) line
    // up as one would.
    void set_minimum_widths(std::vector<std::size_t> widths) {
        minimum_widths_ = std::move(widths);
    }
    void print(std::ostream& out, std::string_view indent = "") const;
    // The same text appended to `out`.
    void append_to(std::string& out, std::string_view indent = "") const;

  private:
    static void escape(Cell& cell);
    // The text in pieces of about kFlushBytes, each handed to `flush`, which empties it.
    void render(std::string_view indent, const std::function<void(std::string&)>& flush) const;

    struct Row {
        bool verbatim = false;
        std::vector<Cell> cells;
    };
    std::vector<Row> rows_;
    std::vector<std::size_t> minimum_widths_;
};

// "21:30" (or "21:30:15" when the seconds are not zero).
std::string format_clock(const regimend::TimeZone& zone, regimend::Instant instant);
// "21:30" when on `today`, else "2026-11-22 21:30".
std::string format_when(const regimend::TimeZone& zone, regimend::Instant instant,
                        regimend::LocalDate today);
// format_when, but for a diary entry or as-needed dose recorded for a day (a date alone:
// core/time.hpp is_day_entry, its local noon) the date alone: "2026-11-15".
std::string format_entry_when(const regimend::TimeZone& zone, regimend::Instant instant,
                              regimend::LocalDate today);
// "Times are in Asia/Tokyo (this system's zone is Europe/Berlin).\n" when `zone` (the
// regimen's) is not the system's zone (regimend::system_zone()), else "": human output
// names the zone whenever its clock times are not the ones on the user's clock.
std::string zone_note(const regimend::TimeZone& zone);

// "Sun 2026-11-22".
std::string format_day_heading(regimend::LocalDate day);
// A dose state or history event name ("taken", "as_needed") in the reader's language, for
// tables; JSON keeps the name.
std::string state_label(std::string_view state);

// "file:line:column: error: message", the severity coloured on a terminal.
std::string format_diagnostic_line(const regimend::Diagnostic& diagnostic);

// RFC 3339 in `zone`, or null.
nlohmann::json instant_json(const regimend::TimeZone& zone,
                            std::optional<regimend::Instant> instant);
// The text as written, or null when empty.
nlohmann::json text_or_null(std::string_view text);

// One JSON document, indented, newline-terminated: what print_json prints.
std::string json_text(const nlohmann::json& document);
// One JSON document on stdout, indented, newline-terminated.
void print_json(const nlohmann::json& document);

// The median lateness of a report: "on time", "25 min late", "3h20m late", "2d early".
std::string lateness_text(std::optional<double> minutes);

}  // namespace regimenctl
