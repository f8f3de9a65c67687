// Inventory (../shared/SPEC.md "Inventory"): the count on hand of a stocked item,
// recomputed from its history, and the instant it runs out, from the plan. Pure: `now`
// and the events are arguments; nothing here reads a clock or a database.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/model.hpp"

namespace regimend {

// The largest count or refill accepted, and the largest `per_dose`: a pharmacy order, not
// a typo's 1e300 that would make every figure meaningless.
inline constexpr double kMaxStockQuantity = 1e6;
// Nothing is forecast further ahead than this.
inline constexpr Seconds kForecastHorizon{365LL * 86400};
// An as-needed item's rate of use is its mean over this long (or since tracking began).
inline constexpr Seconds kUseRateWindow{30LL * 86400};

// Why a Refill quantity cannot be taken (negative, not a number, infinite, over
// kMaxStockQuantity, or 0 for a refill that adds: it would record a refill of nothing);
// nullopt when it can. `absolute`: the count on hand (`refill --set`), where 0 is a count.
std::optional<std::string> quantity_problem(double quantity, bool absolute);

// A quantity as the History reply's note carries it for `refill` and `stock` events: the
// shortest text that reads back as the same double ("30", "12.5").
std::string quantity_note(double quantity);

// The `note` of a History reply row (the spec's row has no column for these): a refill's or
// stock event's quantity_note, a `taken` event's recorded amount (`take --amount`), else
// the event's note. read_reply_note turns a row read back into the event.
std::string reply_note(const HistoryEvent& event);
void read_reply_note(HistoryEvent& event);

// The answer to a refill of an item without `stock:`: how to add it.
std::string no_stock_message(const Item& item);

// The units one dose uses: `per_dose`, scaled by the ramp when the dose's amount differs
// from the item's `amount` (per_dose 1 of a 100 mg capsule is 2 on a 200 mg day).
// `planned` is the dose's planned instant; none (an as-needed dose) uses `per_dose`.
double units_per_dose(const Regimen& regimen, const Item& item, std::optional<Instant> planned);

// The events count_on_hand reads; a store can select these and nothing else.
bool counts_for_stock(EventKind kind);

// The units one taken or logged dose used: for a dose taken at another amount than the plan
// (`take --amount`), per_dose scaled by that amount against the item's `amount` (per_dose 3
// 1 of a 100 mg item taken as 200 mg uses 2 units); else units_per_dose.
double units_taken(const Regimen& regimen, const Item& item, const HistoryEvent& event);

// The count on hand at `at`, from the item's events (any order, any kinds: the others are
// ignored). The last `stock` event at or before `at` sets it; later refills add; each
// `taken` and `as_needed` takes its units_taken; a dose taken back by an `undone`
// (standing_events) takes nothing. With no `stock` event, the first refill starts from
// zero. Never set nor refilled: nullopt. The count may be negative: it is never clamped.
std::optional<double> count_on_hand(const Regimen& regimen, const Item& item,
                                    const std::vector<HistoryEvent>& events, Instant at);

// What the forecast needs beyond the regimen: gathered by the daemon from its tracker and
// history.
struct StockInputs {
    std::optional<double> on_hand;
    std::vector<Instant> open_doses;      // due or snoozed now: the next units go to them
    std::set<Instant> answered_ahead;     // planned after now, answered early: already counted
    std::vector<Instant> as_needed_uses;  // as-needed logs in [use_window_start, now]
    Instant use_window_start{};           // max(now - kUseRateWindow, tracking start)
};

struct StockForecast {
    std::optional<double> on_hand;  // nullopt: never set
    double per_dose = 1;            // units of the next dose
    // Whole doses the count covers (>= 0), each at its planned amount: a ramp to a larger
    // amount uses more units a dose (units_per_dose), so it leaves fewer doses.
    double doses_left = 0;
    std::optional<Instant> runs_out;  // the first dose it cannot cover; none within a year
    bool low = false;                 // runs_out is within the item's warn_before
};

// For a scheduled item, runs_out is the planned instant of the first dose (open doses
// first, then the plan from `now`, ramp and `days` included) that the count cannot cover.
// For an as-needed item, it is now + on_hand / (mean daily use), when there was any use.
// An item without `stock:` gives an empty forecast.
StockForecast forecast_stock(const Regimen& regimen, const Item& item, const StockInputs& inputs,
                             Instant now);

}  // namespace regimend
