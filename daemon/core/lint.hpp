// Lint: warnings about a valid regimen, each with its reason, worded as information
// (not medical advice). `regimenctl check` prints them; the daemon logs them.
#pragma once

#include <cstddef>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/model.hpp"

namespace regimend {

// Rules (../shared/SPEC.md "Lint"): planned daily amount over a limit's per_day; an item
// named or tagged magnesium oxide; magnesium citrate planned after 18:00; a `separate`
// rule broken by the plan (one warning per pair of items, with its first instance);
// `missed_after` shorter than `repeat_every` or `escalate_after`. Checks one representative
// fortnight (or the ramp's days) of plan.
//
// At most kMaxWarnings are returned, in file order; when there were more, one more line
// at the last one's place says "... and N more warnings; stopped after 100".
inline constexpr std::size_t kMaxWarnings = 100;
std::vector<Diagnostic> lint(const Regimen& regimen);

}  // namespace regimend
