#include "core/daily_totals.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <cmath>

#include "core/diary.hpp"
#include "core/parse_values.hpp"
#include "core/plan.hpp"

namespace regimend {
namespace {

bool counts_toward(const Item& item, const Limit& limit) {
    return std::any_of(limit.tags.begin(), limit.tags.end(),
                       [&](const std::string& tag) { return item.has_tag(tag); });
}

std::string format_amount(double value, const std::string& unit) {
    const double rounded = std::round(value * 10) / 10;
    std::string number = std::to_string(rounded);
    number.erase(number.find_last_not_of('0') + 1);
    if (!number.empty() && number.back() == '.') {
        number.pop_back();
    }
    return number + " " + unit;
}

}  // namespace

std::vector<LimitTotal> confirmed_totals(const Regimen& regimen, LocalDate day,
                                         const std::vector<DoseKey>& taken,
                                         const std::vector<HistoryEvent>& events) {
    auto planned = plan_days(regimen, day, 1);
    // What was really taken, where `take --amount` said so: it counts instead of the plan.
    for (const auto& event : standing_events(events)) {
        if (event.kind != EventKind::Taken || !event.amount_recorded || !event.planned) {
            continue;
        }
        for (auto& dose : planned) {
            if (dose.item_id == event.item && dose.planned == *event.planned) {
                if (auto said = parse_amount(event.amount).value) {
                    dose.amount = std::move(said);
                }
            }
        }
    }
    std::vector<LimitTotal> totals;
    for (const auto& limit : regimen.limits) {
        const bool in_mg = milligrams(limit.per_day).has_value();
        LimitTotal total{&limit, 0, in_mg ? "mg" : limit.per_day.unit, false};
        for (const auto& dose : planned) {
            const bool was_taken = std::any_of(taken.begin(), taken.end(), [&](const DoseKey& key) {
                return key.item_id == dose.item_id && key.planned == dose.planned;
            });
            const Item* item = regimen.find(dose.item_id);
            if (!was_taken || item == nullptr || !dose.amount || !counts_toward(*item, limit)) {
                continue;
            }
            if (in_mg) {
                total.total += milligrams(*dose.amount).value_or(0);
            } else if (dose.amount->unit == limit.per_day.unit) {
                total.total += dose.amount->value;
            }
        }
        const double limit_value = in_mg ? *milligrams(limit.per_day) : limit.per_day.value;
        total.over = total.total > limit_value;
        totals.push_back(total);
    }
    return totals;
}

std::vector<std::string> limit_warnings(const std::vector<LimitTotal>& totals) {
    std::vector<std::string> warnings;
    for (const auto& total : totals) {
        if (total.over) {
            warnings.push_back(
                fill(_("for information: confirmed {0} today is {1}, above the {2} per_day limit"),
                     {total.limit->name, format_amount(total.total, total.unit),
                      total.limit->per_day.text}));
        }
    }
    return warnings;
}

std::vector<std::string> day_warnings(const Regimen& regimen, LocalDate day,
                                      const std::vector<DoseKey>& taken,
                                      const std::vector<HistoryEvent>& events) {
    std::map<std::string, int> uses;
    const auto day_start = start_of_day(zone_of(regimen), day);
    for (const auto& item : regimen.items) {
        if (item.as_needed && item.max_per_day) {
            uses[item.id] = as_needed_uses_on_day(regimen, events, item.id, day_start);
        }
    }
    return day_warnings(regimen, day, taken, events, uses);
}

std::vector<std::string> day_warnings(const Regimen& regimen, LocalDate day,
                                      const std::vector<DoseKey>& taken,
                                      const std::vector<HistoryEvent>& events,
                                      const std::map<std::string, int>& as_needed_uses) {
    std::vector<std::string> warnings =
        limit_warnings(confirmed_totals(regimen, day, taken, events));
    for (const auto& item : regimen.items) {
        if (!item.as_needed || !item.max_per_day) {
            continue;
        }
        const auto found = as_needed_uses.find(item.id);
        const int uses = found == as_needed_uses.end() ? 0 : found->second;
        if (auto note = max_per_day_note(item, uses, day)) {
            warnings.push_back(std::move(*note));
        }
    }
    return warnings;
}

}  // namespace regimend
