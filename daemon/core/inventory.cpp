#include "core/inventory.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/parse_values.hpp"
#include "core/plan.hpp"

namespace regimend {
namespace {

// How many times the item's base `amount` `amount` is: 2 for a 200 mg ramp step of a
// 100 mg item. 1 when either is missing or they cannot be compared.
double ramp_factor(const Item& item, const std::optional<Amount>& amount) {
    if (!item.amount || !amount || item.amount->value <= 0) {
        return 1;
    }
    if (auto base = milligrams(*item.amount)) {
        if (auto scaled = milligrams(*amount); scaled && *base > 0) {
            return *scaled / *base;
        }
    }
    if (amount->unit == item.amount->unit) {
        return amount->value / item.amount->value;
    }
    return 1;
}

double units_at(const Item& item, const std::optional<Amount>& amount) {
    return item.stock ? item.stock->per_dose * ramp_factor(item, amount) : 1;
}

// At least the units the plan can ask for within kForecastHorizon: the most doses the
// schedule can place there, each at the largest amount it ever has. A count above it
// cannot run out within the horizon, so the forecast need not plan a year to say so (a
// year of an hourly item is 8,760 doses, and a reload recounts every counted item).
double most_units_within_horizon(const Item& item) {
    const auto days = static_cast<double>(kForecastHorizon.count()) / 86400.0 + 2;
    const double doses = item.schedule.frequency == Frequency::EveryNHours
                             ? days * 24.0 / std::max(1, item.schedule.interval) + 1
                             : days * static_cast<double>(item.schedule.times.size());
    double largest = units_at(item, item.amount);
    for (const auto& step : item.ramp) {
        largest = std::max(largest, units_at(item, step.amount));
    }
    return doses * largest;
}

// Doses whose units the count has to cover, in order: the open ones first, then the plan.
// Calls `visit(planned, units)` until it returns false or the horizon is reached.
template <class Visit>
void walk_needed_doses(const Regimen& regimen, const Item& item, const StockInputs& inputs,
                       Instant now, Visit visit) {
    auto open = inputs.open_doses;
    std::sort(open.begin(), open.end());
    for (Instant planned : open) {
        if (!visit(planned, units_per_dose(regimen, item, planned))) {
            return;
        }
    }
    // Planned in chunks that grow from a day to a month, so a count that runs out next
    // week does not plan a year, and a count with plenty left (which the caller sees at
    // the first dose) plans a day.
    constexpr Seconds kLargestChunk{31LL * 86400};
    const Instant horizon = now + kForecastHorizon;
    Seconds chunk{86400};
    for (Instant from = now; from < horizon;
         from += chunk, chunk = std::min(chunk * 2, kLargestChunk)) {
        const Instant to = std::min(from + chunk, horizon);
        for (const auto& dose : plan_item(regimen, item, from, to)) {
            if (std::binary_search(open.begin(), open.end(), dose.planned) ||
                inputs.answered_ahead.count(dose.planned) != 0) {
                continue;
            }
            if (!visit(dose.planned, units_at(item, dose.amount))) {
                return;
            }
        }
    }
}

}  // namespace

std::optional<std::string> quantity_problem(double quantity, bool absolute) {
    if (std::isnan(quantity)) {
        return std::string(_("the quantity is not a number"));
    }
    if (std::isinf(quantity)) {
        return std::string(_("the quantity must be a finite number"));
    }
    if (quantity == 0 && !absolute) {
        return std::string(
            _("a refill of 0 adds nothing (to record that none are left, set the "
              "count with --set 0)"));
    }
    if (quantity < 0) {
        return std::string(
            _("the quantity must not be negative (a refill adds; to correct the "
              "count, set it with --set)"));
    }
    if (quantity > kMaxStockQuantity) {
        return std::string(_("the quantity must be at most 1000000"));
    }
    return std::nullopt;
}

std::string quantity_note(double quantity) {
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, quantity);
    return error == std::errc{} ? std::string(buffer, end) : std::string{};
}

std::string reply_note(const HistoryEvent& event) {
    if (event.quantity) {
        return quantity_note(*event.quantity);
    }
    if (event.kind == EventKind::Taken) {
        return event.amount_recorded ? event.amount : std::string{};
    }
    return event.note;
}

void read_reply_note(HistoryEvent& event) {
    if (event.kind == EventKind::Refill || event.kind == EventKind::Stock) {
        double quantity = 0;
        const std::string_view text(event.note);
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), quantity);
        if (error == std::errc{} && end == text.data() + text.size()) {
            event.quantity = quantity;
            event.note.clear();
        }
    } else if (event.kind == EventKind::Taken && !event.note.empty()) {
        event.amount = std::move(event.note);
        event.amount_recorded = true;
        event.note.clear();
    }
}

std::string no_stock_message(const Item& item) {
    return fill(_("'{}' keeps no stock: add to it in the regimen file\n"
                  "    stock:\n"
                  "      per_dose: 1        # units one dose uses\n"
                  "      unit: capsules\n"
                  "then run regimenctl reload and refill again"),
                {item.id});
}

double units_per_dose(const Regimen& regimen, const Item& item, std::optional<Instant> planned) {
    if (!item.stock) {
        return 1;
    }
    if (!planned || item.as_needed) {
        return item.stock->per_dose;
    }
    return units_at(item, item.amount_on(local_date(zone_of(regimen), *planned)));
}

bool counts_for_stock(EventKind kind) {
    switch (kind) {
        case EventKind::Taken:
        case EventKind::Undone:
        case EventKind::AsNeeded:
        case EventKind::Refill:
        case EventKind::Stock:
            return true;
        default:
            return false;
    }
}

double units_taken(const Regimen& regimen, const Item& item, const HistoryEvent& event) {
    if (item.stock && event.amount_recorded && !item.as_needed) {
        if (auto said = parse_amount(event.amount).value) {
            return units_at(item, said);
        }
    }
    return units_per_dose(regimen, item, event.planned);
}

std::optional<double> count_on_hand(const Regimen& regimen, const Item& item,
                                    const std::vector<HistoryEvent>& events, Instant at) {
    std::vector<const HistoryEvent*> relevant;
    for (const auto& event : events) {
        if (event.item == item.id && event.at <= at && counts_for_stock(event.kind)) {
            relevant.push_back(&event);
        }
    }
    // By the time each happened; events at the same instant keep the order written.
    std::stable_sort(relevant.begin(), relevant.end(),
                     [](const HistoryEvent* a, const HistoryEvent* b) { return a->at < b->at; });
    // A dose taken back (`undo`) neither uses units nor gives any: it and its `undone`
    // leave the count together.
    const auto stands = standing_mask(relevant);
    std::vector<const HistoryEvent*> standing;
    for (std::size_t index = 0; index < relevant.size(); ++index) {
        if (stands[index]) {
            standing.push_back(relevant[index]);
        }
    }
    auto last_set = std::find_if(standing.rbegin(), standing.rend(),
                                 [](const HistoryEvent* e) { return e->kind == EventKind::Stock; });
    auto first = last_set == standing.rend() ? standing.begin() : std::prev(last_set.base());
    std::optional<double> count;
    for (auto it = first; it != standing.end(); ++it) {
        const HistoryEvent& event = **it;
        const double quantity = event.quantity.value_or(0);
        switch (event.kind) {
            case EventKind::Stock:
                count = quantity;
                break;
            case EventKind::Refill:
                count = count.value_or(0) + quantity;
                break;
            case EventKind::Taken:
            case EventKind::AsNeeded:
                if (count) {
                    *count -= units_taken(regimen, item, event);
                }
                break;
            default:
                break;
        }
    }
    return count;
}

StockForecast forecast_stock(const Regimen& regimen, const Item& item, const StockInputs& inputs,
                             Instant now) {
    StockForecast forecast;
    if (!item.stock) {
        return forecast;
    }
    forecast.on_hand = inputs.on_hand;
    forecast.per_dose = item.stock->per_dose;
    if (item.as_needed) {
        if (inputs.on_hand) {
            forecast.doses_left = std::max(0.0, std::floor(*inputs.on_hand / forecast.per_dose));
            const double days =
                std::max(1.0, std::chrono::duration<double>(now - inputs.use_window_start).count() /
                                  86400.0);
            const double per_day =
                static_cast<double>(inputs.as_needed_uses.size()) * forecast.per_dose / days;
            if (per_day > 0) {
                const double days_left = std::max(0.0, *inputs.on_hand) / per_day;
                if (days_left * 86400 <= static_cast<double>(kForecastHorizon.count())) {
                    forecast.runs_out = now + Seconds{std::llround(days_left * 86400)};
                }
            }
        }
    } else {
        bool first = true;
        double left = inputs.on_hand.value_or(0);
        const double most_planned = most_units_within_horizon(item);
        // From this local day on every dose has the item's last amount (none: from the
        // start), so the doses left from there are the count over that dose's units.
        std::optional<LocalDate> last_change;
        if (!item.ramp.empty() && item.schedule.start) {
            last_change = LocalDate{date::sys_days{*item.schedule.start} + item.ramp.back().after};
        }
        const auto& zone = zone_of(regimen);
        std::optional<double> doses_left;
        double covered = 0;
        double last_units = forecast.per_dose;
        std::size_t visited = 0;
        walk_needed_doses(regimen, item, inputs, now, [&](Instant planned, double units) {
            if (first) {
                forecast.per_dose = units;
                first = false;
            }
            if (!inputs.on_hand) {
                return false;
            }
            const bool is_open = visited++ < inputs.open_doses.size();
            last_units = units;
            if (!doses_left && !is_open &&
                (!last_change || local_date(zone, planned) >= *last_change)) {
                doses_left = covered + std::max(0.0, std::floor(left / units + 1e-9));
            }
            // At a planned dose with the last amount: what is left then cannot run out if
            // it is more than the plan can ever use.
            if (doses_left && left > most_planned) {
                return false;
            }
            // A little slack: 0.1 + 0.2 capsules must cover a 0.3 capsule dose.
            if (left + 1e-9 < units) {
                forecast.runs_out = planned;
                if (!doses_left) {
                    doses_left = covered;
                }
                return false;
            }
            left -= units;
            covered += 1;
            return true;
        });
        if (inputs.on_hand) {
            // The walk ended (the horizon, or an item that ends) before the last amount:
            // the rest at the last dose's units.
            forecast.doses_left =
                doses_left.value_or(covered + std::max(0.0, std::floor(left / last_units + 1e-9)));
        }
    }
    forecast.low = forecast.runs_out && *forecast.runs_out <= now + item.stock->warn_before;
    return forecast;
}

}  // namespace regimend
