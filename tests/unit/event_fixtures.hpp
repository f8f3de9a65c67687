// History events from literals, for every unit test that builds a history by hand.
#pragma once

#include <string>
#include <utility>

#include "core/event.hpp"

namespace regimend::test {

// An entry without a planned instant: an as-needed use, a symptom (`item` is its kind and
// `severity` 0..10) or an undo.
inline HistoryEvent entry(const std::string& item, EventKind kind, Instant at, int severity = -1) {
    HistoryEvent event;
    event.item = item;
    event.kind = kind;
    event.at = at;
    event.severity = severity;
    return event;
}

// A dose's event: planned for `planned`, written at `at`.
inline HistoryEvent stored(const std::string& item, EventKind kind, Instant planned, Instant at,
                           std::string note = {}) {
    HistoryEvent event = entry(item, kind, at);
    event.planned = planned;
    event.note = std::move(note);
    return event;
}

}  // namespace regimend::test
