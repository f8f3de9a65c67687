// Pauses (../shared/SPEC.md "Pause"): `regimenctl pause ITEM --until DATE` plans nothing
// for the item from the moment it is paused to the end of DATE (the regimen's local day),
// `resume ITEM` ends it early. They are history events (`paused`, `resumed`), so the
// daemon after a restart and the report over past days read the same pauses; the planner
// sees them as the items' `Schedule::paused` spans on a copy of the regimen (with_pauses).
// Pure: `now` and the events are arguments.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/event.hpp"
#include "core/model.hpp"

namespace regimend {

// The furthest ahead a pause may end: ten years, like a cycle's longest stretch.
inline constexpr int kMaxPauseDays = 3653;

struct Pause {
    std::string item;
    Instant from;     // nothing planned at or after this...
    Instant to;       // ...and before this: the end of `until`, or when it was resumed
    LocalDate until;  // the last paused day, as asked
    bool resumed = false;

    friend bool operator==(const Pause&, const Pause&) = default;
};

// The pauses the events say, in the order they were written (`paused` and `resumed`
// events of any items; other kinds are ignored). A `paused` event ends the item's pause
// before it where it begins; a `resumed` event ends the item's pause that holds its `at`.
std::vector<Pause> pauses_from_events(const Regimen& regimen,
                                      const std::vector<HistoryEvent>& events);

// The pauses still in force at `now` (to > now), one per item at most.
std::vector<Pause> current_pauses(const std::vector<Pause>& pauses, Instant now);

// A copy of `regimen` with each item's `Schedule::paused` set from `pauses` (pauses of items
// not in it are ignored).
Regimen with_pauses(const Regimen& regimen, const std::vector<Pause>& pauses);

// The events of a pause and of a resume.
HistoryEvent pause_event(const std::string& item, Instant from, LocalDate until, Instant now);
HistoryEvent resume_event(const std::string& item, Instant now);

// `until` as given to `pause --until` or the Pause method: a date "YYYY-MM-DD", not before
// today (the regimen's local date at `now`) nor more than kMaxPauseDays ahead. The message
// says what was wrong; it is for a person.
std::variant<LocalDate, std::string> pause_until(const regimend::TimeZone& zone,
                                                 std::string_view text, Instant now);

}  // namespace regimend
