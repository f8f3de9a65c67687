// Lint: warnings about a valid regimen, each with its reason, worded as information
// (not medical advice). `regimenctl check` prints them; the daemon logs them.
#pragma once

#include <vector>

#include "core/diagnostic.hpp"
#include "core/model.hpp"

namespace regimend {

// Rules (../shared/SPEC.md "Lint"): planned daily amount over a limit's per_day; an item
// named or tagged magnesium oxide; magnesium citrate planned after 18:00; a `separate`
// rule broken by the plan. Checks one representative week (or the ramp's days) of plan.
std::vector<Diagnostic> lint(const Regimen& regimen);

}  // namespace regimend
