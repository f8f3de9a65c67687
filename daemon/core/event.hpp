// A history event: what the SQLite store keeps, what D-Bus `History` returns, what the
// report counts. Pure data, shared by the core, the store and the CLI.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace regimend {

enum class EventKind {
    Due,
    Taken,
    Skipped,
    Missed,
    Snoozed,
    AsNeeded,
    Symptom,
    Undone,
    Refill,  // units added to an item's stock (`quantity`)
    Stock,   // the count on hand set to `quantity`
};

// The spec's names: "due", "taken", "skipped", "missed", "snoozed", "as_needed", "symptom",
// "undone" (an answer taken back: its `note` names the event it cancelled), "refill",
// "stock".
std::string_view to_string(EventKind kind);
std::optional<EventKind> event_kind_from_string(std::string_view text);

struct HistoryEvent {
    std::string item;  // item id, or the symptom kind for Symptom
    EventKind kind = EventKind::Due;
    std::optional<Instant> planned;  // the dose's planned instant; none for as-needed/symptom
    Instant at;                      // when it happened (or was said to have happened)
    std::string note;
    int severity = -1;   // 0..10 for symptoms, -1 otherwise
    std::string amount;  // amount text of a taken / as-needed dose ("300 mg"), may be empty
    std::optional<double> quantity;  // units of a refill, or the count of a stock event

    friend bool operator==(const HistoryEvent&, const HistoryEvent&) = default;
};

}  // namespace regimend
