#include "core/csv.hpp"

#include "core/inventory.hpp"

namespace regimend {
namespace {

constexpr std::string_view kLineEnd = "\r\n";

void append_row(std::string& out, std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (auto field : fields) {
        if (!first) {
            out += ',';
        }
        first = false;
        out += csv_field(field);
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

std::string history_csv(const std::vector<HistoryEvent>& events, const regimend::TimeZone& zone,
                        const std::map<std::string, std::string>& names) {
    std::string out;
    append_row(
        out, {"item", "name", "event", "planned", "at", "amount", "severity", "note", "quantity"});
    for (const auto& event : events) {
        const std::string planned = event.planned ? format_rfc3339(zone, *event.planned) : "";
        const std::string severity = event.severity >= 0 ? std::to_string(event.severity) : "";
        const auto name = event.kind == EventKind::Symptom ? names.end() : names.find(event.item);
        append_row(out, {event.item, name == names.end() ? std::string{} : name->second,
                         to_string(event.kind), planned, format_rfc3339(zone, event.at),
                         event.amount, severity, event.note,
                         event.quantity ? quantity_note(*event.quantity) : std::string{}});
    }
    return out;
}

}  // namespace regimend
