#include "core/csv.hpp"

#include "core/inventory.hpp"

namespace regimend {
namespace {

constexpr std::string_view kLineEnd = "\r\n";

// A cell of the row: text a person or the regimen gave (neutralised against formulas), or a
// number regimend wrote itself (kept a number, a negative count included).
struct Cell {
    Cell(std::string_view cell_value, bool is_text = true) : value(cell_value), text(is_text) {}
    Cell(const char* cell_value) : Cell(std::string_view(cell_value)) {}
    Cell(const std::string& cell_value) : Cell(std::string_view(cell_value)) {}

    std::string_view value;
    bool text = true;
};

Cell number(std::string_view value) {
    return Cell{value, false};
}

void append_row(std::string& out, std::initializer_list<Cell> cells) {
    bool first = true;
    for (const auto& cell : cells) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += cell.text ? csv_text_field(cell.value) : csv_field(cell.value);
    }
    out += kLineEnd;
}

}  // namespace

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string csv_text_field(std::string_view text) {
    // OWASP's list of characters that make a spreadsheet read a cell as a formula.
    if (!text.empty() &&
        std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
        return csv_field("'" + std::string(text));
    }
    return csv_field(text);
}

std::string history_csv(const std::vector<HistoryEvent>& events, const regimend::TimeZone& zone,
                        const std::map<std::string, std::string>& names) {
    std::string out;
    append_row(
        out, {"item", "name", "event", "planned", "at", "amount", "severity", "note", "quantity"});
    for (const auto& event : events) {
        const std::string planned = event.planned ? format_rfc3339(zone, *event.planned) : "";
        const std::string severity = event.severity >= 0 ? std::to_string(event.severity) : "";
        const auto name = event.kind == EventKind::Symptom ? names.end() : names.find(event.item);
        const std::string at = format_rfc3339(zone, event.at);
        const std::string quantity = event.quantity ? quantity_note(*event.quantity) : "";
        const std::string_view item_name =
            name == names.end() ? std::string_view{} : std::string_view(name->second);
        append_row(out, {event.item, item_name, to_string(event.kind), number(planned), number(at),
                         event.amount, number(severity), event.note, number(quantity)});
    }
    return out;
}

}  // namespace regimend
