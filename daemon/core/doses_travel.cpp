// The dose tracker's side of the travel rule (core/travel.hpp): which answer covers a dose.
#include <utility>

#include "core/doses.hpp"
#include "core/plan.hpp"
#include "core/travel.hpp"

namespace regimend {

std::optional<std::pair<DoseKey, DoseTracker::Resolved>> DoseTracker::last_answer(
    const std::string& item_id) const {
    std::optional<std::pair<DoseKey, Resolved>> last;
    for (auto it = resolved_.lower_bound(DoseKey{item_id, Instant::min()});
         it != resolved_.end() && it->first.item_id == item_id; ++it) {
        const Resolved& outcome = it->second;
        if (outcome.state == DoseState::Missed) {
            continue;
        }
        if (!last || outcome.at > last->second.at ||
            (outcome.at == last->second.at && outcome.order > last->second.order)) {
            last.emplace(it->first, outcome);
        }
    }
    return last;
}

std::optional<DoseTracker::Resolved> DoseTracker::covering_answer(const DoseKey& key) const {
    const Item* item = regimen_->find(key.item_id);
    if (!item || item->as_needed) {
        return std::nullopt;
    }
    auto last = last_answer(key.item_id);
    if (!last || last->first.planned == key.planned ||
        !covers(*regimen_, *item, LastAnswer{last->first.planned, last->second.at}, key.planned)) {
        return std::nullopt;
    }
    return last->second;
}

std::vector<Instant> DoseTracker::covered_doses(const Item& item, Instant from, Instant to) const {
    std::vector<Instant> covered;
    auto last = last_answer(item.id);
    if (!last || item.as_needed) {
        return covered;
    }
    // Only doses less than half an interval after the answer can be covered.
    to = std::min(to, last->second.at + dose_interval(*regimen_, item) / 2);
    for (const auto& dose : plan_item(*regimen_, item, from, to)) {
        const DoseKey key{item.id, dose.planned};
        if (!resolved_.contains(key) && !open_.contains(key) && covering_answer(key)) {
            covered.push_back(dose.planned);
        }
    }
    return covered;
}

}  // namespace regimend
