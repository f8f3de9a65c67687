#include "core/model.hpp"

#include <algorithm>

namespace regimend {

std::optional<double> milligrams(const Amount& amount) {
    if (amount.unit == "mg") {
        return amount.value;
    }
    if (amount.unit == "g") {
        return amount.value * 1000.0;
    }
    if (amount.unit == "mcg" || amount.unit == "ug" || amount.unit == "µg") {
        return amount.value / 1000.0;
    }
    return std::nullopt;
}

bool Schedule::cycle_active_on(date::sys_days day) const {
    if (!cycle) {
        return true;
    }
    // The parser requires `start`; without one the cycle counts from the epoch, so the
    // answer is at least stable.
    auto origin = start ? date::sys_days{*start} : date::sys_days{};
    const long long period = (cycle->active + cycle->rest).count();
    if (period <= 0) {
        return true;
    }
    const long long index = (day - origin).count();
    return ((index % period) + period) % period < cycle->active.count();
}

bool Schedule::paused_at(Instant planned) const {
    return std::any_of(paused.begin(), paused.end(), [planned](const PausedSpan& span) {
        return planned >= span.from && planned < span.to;
    });
}

bool Item::has_tag(std::string_view tag) const {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

std::optional<Amount> Item::amount_on(LocalDate day) const {
    if (ramp.empty() || !schedule.start) {
        return amount;
    }
    auto days_since_start = date::sys_days{day} - date::sys_days{*schedule.start};
    std::optional<Amount> current = amount;
    for (const auto& step : ramp) {  // sorted by `after`
        if (days_since_start >= step.after) {
            current = step.amount;
        }
    }
    return current;
}

void Regimen::index_items() {
    item_index.by_id.clear();
    item_index.by_id.reserve(items.size());
    for (std::size_t index = 0; index < items.size(); ++index) {
        item_index.by_id.emplace(items[index].id, index);  // the first of a repeated id wins
    }
    item_index.built_for = items.data();
    item_index.size = items.size();
}

Better Regimen::better_of(std::string_view kind) const {
    for (const auto& [name, better] : symptom_better) {
        if (name == kind) {
            return better;
        }
    }
    return Better::Unstated;
}

const Item* Regimen::find(std::string_view id) const {
    if (!items.empty() && item_index.built_for == items.data() && item_index.size == items.size()) {
        const auto found = item_index.by_id.find(id);
        if (found == item_index.by_id.end()) {
            return nullptr;
        }
        if (const Item& item = items[found->second]; item.id == id) {
            return &item;
        }
        // Renamed since the index was built (only a test does that): search.
    }
    for (const auto& item : items) {
        if (item.id == id) {
            return &item;
        }
    }
    return nullptr;
}

const Item* Regimen::resolve(std::string_view id_or_prefix, std::string* error) const {
    if (const Item* exact = find(id_or_prefix)) {
        return exact;
    }
    std::vector<const Item*> matches;
    if (!id_or_prefix.empty()) {
        for (const auto& item : items) {
            if (item.id.starts_with(id_or_prefix)) {
                matches.push_back(&item);
            }
        }
    }
    if (matches.size() == 1) {
        return matches.front();
    }
    if (error) {
        if (matches.empty()) {
            *error = "No item '" + std::string(id_or_prefix) + "' in " + file;
        } else {
            *error = "'" + std::string(id_or_prefix) + "' is ambiguous: it matches";
            for (const Item* match : matches) {
                *error += " " + match->id;
            }
        }
    }
    return nullptr;
}

Seconds Regimen::longest_missed_after() const {
    Seconds longest = reminders.missed_after;
    for (const auto& item : items) {
        longest = std::max(longest, item.reminders.missed_after);
    }
    return longest;
}

const regimend::TimeZone& zone_of(const Regimen& regimen) {
    return regimen.zone ? *regimen.zone : TimeZone::utc();
}

}  // namespace regimend
