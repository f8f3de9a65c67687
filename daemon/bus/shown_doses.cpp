#include "bus/shown_doses.hpp"

#include <algorithm>

namespace regimend {

std::uint32_t ShownDoses::id_of(const DoseKey& dose) const {
    const auto found = id_by_dose_.find(dose);
    return found != id_by_dose_.end() ? found->second : 0;
}

const std::vector<DoseKey>& ShownDoses::doses_of(std::uint32_t id) const {
    static const std::vector<DoseKey> kNone;
    const auto found = doses_by_id_.find(id);
    return found != doses_by_id_.end() ? found->second : kNone;
}

std::uint32_t ShownDoses::id_for(const std::vector<ReminderText>& group) const {
    for (const auto& reminder : group) {
        if (const std::uint32_t id = id_of(reminder.dose); id != 0) {
            return id;
        }
    }
    for (const auto& [id, doses] : doses_by_id_) {
        if (!group.empty() && doses.front().planned == group.front().dose.planned) {
            return id;
        }
    }
    return 0;
}

const ReminderText* ShownDoses::text_of(const DoseKey& dose) const {
    const auto found = texts_.find(dose);
    return found != texts_.end() ? &found->second : nullptr;
}

void ShownDoses::sending(const std::vector<ReminderText>& members) {
    for (const auto& member : members) {
        texts_[member.dose] = member;
        in_flight_.insert(member.dose);
    }
}

std::vector<DoseKey> ShownDoses::replied(const std::vector<DoseKey>& doses, std::uint32_t id) {
    std::vector<DoseKey> to_close;
    for (const auto& dose : doses) {
        in_flight_.erase(dose);
        if (close_when_shown_.erase(dose) > 0 && id != 0) {
            to_close.push_back(dose);
        }
    }
    if (id == 0 || doses.empty()) {
        return to_close;
    }
    // Doses the notification showed before and no longer lists are not on it now; doses
    // another notification showed are on this one now.
    for (const auto& old : doses_of(id)) {
        if (std::find(doses.begin(), doses.end(), old) == doses.end()) {
            id_by_dose_.erase(old);
        }
    }
    doses_by_id_.erase(id);
    for (const auto& dose : doses) {
        std::uint32_t previous = 0;
        detach(dose, &previous);
        id_by_dose_[dose] = id;
    }
    doses_by_id_[id] = doses;
    return to_close;
}

bool ShownDoses::detach(const DoseKey& dose, std::uint32_t* ret_id) {
    const auto known = id_by_dose_.find(dose);
    if (known == id_by_dose_.end()) {
        return false;
    }
    *ret_id = known->second;
    id_by_dose_.erase(known);
    auto members = doses_by_id_.find(*ret_id);
    if (members == doses_by_id_.end()) {
        return false;
    }
    std::erase(members->second, dose);
    if (members->second.empty()) {
        doses_by_id_.erase(members);
        return true;
    }
    return false;
}

std::optional<ShownDoses::Removed> ShownDoses::remove(const DoseKey& dose) {
    texts_.erase(dose);
    std::uint32_t id = 0;
    const bool emptied = detach(dose, &id);
    if (id == 0) {
        if (in_flight_.contains(dose)) {
            close_when_shown_.insert(dose);
        }
        return std::nullopt;
    }
    return Removed{id, emptied};
}

std::size_t ShownDoses::closed(std::uint32_t id) {
    const auto known = doses_by_id_.find(id);
    if (known == doses_by_id_.end()) {
        return 0;
    }
    const std::size_t count = known->second.size();
    for (const auto& dose : known->second) {
        id_by_dose_.erase(dose);
        texts_.erase(dose);
    }
    doses_by_id_.erase(known);
    return count;
}

std::vector<std::uint32_t> ShownDoses::keep_only(const std::set<DoseKey>& open) {
    std::vector<std::uint32_t> emptied;
    for (auto it = doses_by_id_.begin(); it != doses_by_id_.end();) {
        std::erase_if(it->second, [&](const DoseKey& dose) {
            if (open.contains(dose)) {
                return false;
            }
            id_by_dose_.erase(dose);
            return true;
        });
        if (it->second.empty()) {
            emptied.push_back(it->first);
            it = doses_by_id_.erase(it);
        } else {
            ++it;
        }
    }
    return emptied;
}

void ShownDoses::adopt(const Ids& saved) {
    for (const auto& [id, doses] : saved) {
        replied(doses, id);
    }
}

void ShownDoses::clear() {
    id_by_dose_.clear();
    doses_by_id_.clear();
    texts_.clear();
    in_flight_.clear();
    close_when_shown_.clear();
}

}  // namespace regimend
