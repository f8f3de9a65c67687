// The planner: every planned dose of a regimen in a span of time. Pure and deterministic.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace regimend {

struct PlannedDose {
    std::string item_id;
    Instant planned;
    std::optional<Amount> amount;  // after `ramp`

    friend bool operator==(const PlannedDose&, const PlannedDose&) = default;
};

// Doses with `from <= planned < to`, in time order (ties by item order in the file).
// As-needed items are never planned.
std::vector<PlannedDose> plan(const Regimen& regimen, Instant from, Instant to);

// The same for one item.
std::vector<PlannedDose> plan_item(const Regimen& regimen, const Item& item, Instant from,
                                   Instant to);

// The first planned dose at or after `from`, searching at most `horizon` ahead.
std::optional<PlannedDose> next_planned(const Regimen& regimen, Instant from,
                                        Seconds horizon = Seconds{400LL * 86400});

// Doses whose local date is one of `days` days from `first_day`, as `regimenctl plan` shows.
std::vector<PlannedDose> plan_days(const Regimen& regimen, LocalDate first_day, int days);

}  // namespace regimend
