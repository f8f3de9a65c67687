// The words of the "missed" notice: pure, so its wording is tested with literal instants.
// Each missed dose carries the exact `regimenctl take ... --at ...` that records it as
// taken late, with the date when it was not today.
#pragma once

#include <string>
#include <vector>

#include "core/doses.hpp"
#include "core/model.hpp"

namespace regimend {

struct NoticeText {
    std::string summary;
    std::string body;
};

// "08:00" on the same local day as `now`, "Sun 08:00" within the week before, else
// "2026-11-20 08:00".
std::string local_clock(const Regimen& regimen, Instant instant, Instant now);

// "regimenctl take ID --at 08:00", dated ("--at \"2026-11-20 08:00\"") when the dose was
// not on the local day of `now`: the command that records the dose as taken late.
std::string take_command(const Regimen& regimen, const DoseKey& dose, Instant now);

// The notice for doses that went missed (one or several; never empty).
NoticeText missed_notice(const Regimen& regimen, const std::vector<DoseKey>& missed, Instant now);

}  // namespace regimend
