// How much of each limit's tags was confirmed on one day, for `regimenctl status` to flag
// a day over a limit's per_day. Information, never a block: the dose was already taken.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/doses.hpp"
#include "core/event.hpp"
#include "core/model.hpp"

namespace regimend {

struct LimitTotal {
    const Limit* limit = nullptr;
    double total = 0;  // in milligrams when both sides are masses, else in per_day's unit
    std::string unit;  // "mg" or per_day's unit
    bool over = false;
};

// `taken` are the doses confirmed on `day` (item and planned instant); their amounts come
// from the plan of that day (after `ramp`), except where a standing `taken` event among
// `events` recorded what was really taken (`take --amount`): that amount counts.
std::vector<LimitTotal> confirmed_totals(const Regimen& regimen, LocalDate day,
                                         const std::vector<DoseKey>& taken,
                                         const std::vector<HistoryEvent>& events = {});

// "for information: confirmed supplemental magnesium today is 544 mg, above the 350 mg
// per_day limit" for each limit that is over.
std::vector<std::string> limit_warnings(const std::vector<LimitTotal>& totals);

// What `status` says about one day besides the regimen's lint: confirmed amounts over a
// limit, then as-needed items logged more often than their max_per_day. `taken` are the
// day's taken doses, `events` the day's history. The daemon's Today and regimenctl's
// fallback for an older daemon both use it, so the two say the same.
std::vector<std::string> day_warnings(const Regimen& regimen, LocalDate day,
                                      const std::vector<DoseKey>& taken,
                                      const std::vector<HistoryEvent>& events);

// The same from the day's as-needed uses already counted (item id -> uses; an item not
// listed has none): the daemon counts them in the database instead of reading every entry;
// `events` need hold only the day's dose events (for amounts given with `take --amount`).
std::vector<std::string> day_warnings(const Regimen& regimen, LocalDate day,
                                      const std::vector<DoseKey>& taken,
                                      const std::vector<HistoryEvent>& events,
                                      const std::map<std::string, int>& as_needed_uses);

}  // namespace regimend
