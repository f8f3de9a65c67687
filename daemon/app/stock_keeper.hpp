// Inventory in the daemon: recounts a stocked item from the history when something that
// changes its count or its forecast happens (a take, an undo, a logged dose, a refill, a
// reminder, a reload), and shows the low-stock notice once, then at most once a day at
// the item's first reminder (or logged dose), until a refill moves the run-out out of the
// item's warn_before. No timer of its own: it rides on the engine's events.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/outputs.hpp"
#include "core/doses.hpp"
#include "core/inventory.hpp"
#include "store/history.hpp"

namespace regimend {

// What happened to make the keeper look: only a reminder (or a logged as-needed dose)
// repeats the notice on a later day; the others show it only the first time.
enum class StockTrigger { Start, Reload, Reminder, Taken, Undone, Logged, Refilled };

class StockKeeper {
  public:
    StockKeeper(HistoryStore& store, ReminderDisplay& display, DoseSignals& signals)
        : store_(store), display_(display), signals_(signals) {}

    // The item's forecast now; the store's error when it cannot read the history.
    Result<StockForecast> forecast(const DoseTracker& tracker, const Item& item, Instant now) const;

    // forecast() of every item with `stock:`, by id, reading the history once for all.
    Result<std::map<std::string, StockForecast>> forecast_all(const DoseTracker& tracker,
                                                              Instant now) const;

    // Recounts `item` and notifies as the rules above say; returns the forecast it made
    // (nullopt when the item keeps no stock or the history could not be read).
    std::optional<StockForecast> check(const DoseTracker& tracker, const Item& item,
                                       StockTrigger trigger, Instant now);
    // Every stocked item of the tracker's regimen; forgets items that left it.
    void check_all(const DoseTracker& tracker, StockTrigger trigger, Instant now);

    // Called with each low-stock notice as it is shown (the engine's low_stock hooks).
    void on_low(std::function<void(const Item& item, Instant now)> low) {
        on_low_ = std::move(low);
    }

    // Ids of the items whose stock runs out within their warn_before (LowStock).
    const std::set<std::string>& low_items() const { return low_; }
    // One line per low item, for the Warnings property and `regimenctl status`.
    std::vector<std::string> warnings() const;

  private:
    // What check_all reads once for every item instead of once per item.
    struct SharedReads {
        std::map<std::string, std::vector<HistoryEvent>> events;  // stock_events, by item
        std::map<std::string, std::vector<Instant>> open;         // due or snoozed, by item
        std::map<std::string, std::set<Instant>> ahead;           // answered early, by item
        std::map<std::string, Instant> warned;                    // stock_warned, by item
    };
    Result<SharedReads> read_shared(const DoseTracker& tracker, Instant now) const;
    Result<StockForecast> forecast_with(const DoseTracker& tracker, const Item& item, Instant now,
                                        const SharedReads* shared) const;
    // Shows, clears and records what `result` means for the item (check's second half).
    // `warned` is the item's stock_warned when already read (check_all), else null.
    std::optional<StockForecast> act_on(const Regimen& regimen, const Item& item,
                                        Result<StockForecast> result, StockTrigger trigger,
                                        Instant now, const std::optional<Instant>* warned);
    void set_low(const std::string& item, std::optional<std::string> line);

    HistoryStore& store_;
    ReminderDisplay& display_;
    DoseSignals& signals_;
    std::set<std::string> low_;
    std::map<std::string, std::string> lines_;  // item -> its warning line
    std::function<void(const Item&, Instant)> on_low_;
};

// The notice key of an item's low-stock notification.
std::string stock_notice_key(const std::string& item);

}  // namespace regimend
