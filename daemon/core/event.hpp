// A history event: what the SQLite store keeps, what D-Bus `History` returns, what the
// report counts. Pure data, shared by the core, the store and the CLI.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
    Refill,   // units added to an item's stock (`quantity`)
    Stock,    // the count on hand set to `quantity`
    Paused,   // `pause ITEM --until DATE`: `planned` is where the pause begins, `note` DATE
    Resumed,  // `resume ITEM`: the item's pause ends at `at`
};

// The spec's names: "due", "taken", "skipped", "missed", "snoozed", "as_needed", "symptom",
// "undone" (an answer taken back: its `note` names the event it cancelled), "refill",
// "stock", and the additions "paused", "resumed" (core/pause.hpp).
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
    // `amount` is what the user said was taken (`take --amount`), not the plan's amount.
    bool amount_recorded = false;
    std::optional<double> quantity;  // units of a refill, or the count of a stock event

    friend bool operator==(const HistoryEvent&, const HistoryEvent&) = default;
};

// The events that stand, in their order: every `undone` is left out together with the
// entry it took back. An `undone` whose note is "taken" or "skipped" takes back the last
// such answer before it of the same dose (item and planned instant); one whose note is
// "as_needed" or "symptom" takes back the last such entry before it of the same item (or
// symptom kind) at the same instant `at` (core/diary.hpp undo_entry writes them so). An
// `undone` whose entry is not in `events` is left out alone. `events` are in the order they
// were written within an instant (the store's ORDER BY at, id, or by id). The one place
// where undone entries are removed: the report, the daily counts and the stock read this.
std::vector<HistoryEvent> standing_events(const std::vector<HistoryEvent>& events);

// The same, for events held by pointer: true at the index of each event that stands.
std::vector<bool> standing_mask(const std::vector<const HistoryEvent*>& events);

}  // namespace regimend
