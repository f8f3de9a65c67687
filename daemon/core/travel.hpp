// The travel rule (../shared/SPEC.md "Dose life cycle", Travel). Pure: the regimen carries
// the zone, the caller passes the answer and the planned instant.
//
// After a change of time zone the plan moves under the doses already answered: a daily
// dose taken at 07:55 in Berlin is planned again at 06:40 in New York, 4 h 45 min later.
// A planned dose is covered, never reminded, missed or counted against the stock, when
// the item's last answer (taken or skipped) is for a dose the current plan no longer holds
// and the dose falls less than half the item's interval after that answer. Only for a
// regimen without `timezone:` (one with it never moves with the system's zone). While the
// last answer is for a dose the plan still holds, nothing is covered, so late and early
// answers on an unchanged plan never hide the next dose.
#pragma once

#include <optional>

#include "core/model.hpp"

namespace regimend {

// The spacing of the item's doses: `N hours`, else the days between two run days (1,
// N, or the smallest gap between a weekly item's days), or less when the item has
// several times a day (the smallest gap between two of them).
Seconds dose_interval(const Regimen& regimen, const Item& item);

// An item's answer the travel rule looks at.
struct LastAnswer {
    Instant planned;  // the dose it answered
    Instant at;       // when it was taken or skipped
};

// Whether the plan still holds a dose of `item` at `planned`.
bool planned_now(const Regimen& regimen, const Item& item, Instant planned);

// Whether `last` (the item's most recent answer) covers the item's dose planned at
// `planned`: the regimen has no `timezone:`, `planned` is after the answered dose, less than
// half the item's interval after the answer, and the plan no longer holds the answered dose.
bool covers(const Regimen& regimen, const Item& item, const LastAnswer& last, Instant planned);

}  // namespace regimend
