#include "app/stock_keeper.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/diary.hpp"
#include "core/stock_text.hpp"

namespace regimend {
namespace {

// Doses planned after `now` that were answered early (taken or skipped, not undone):
// they never need units from the count.
StoreResult<std::set<Instant>> answered_ahead(const HistoryStore& store, const Item& item,
                                              Instant now) {
    auto events = store.events_planned_between(now + Seconds{1}, now + kForecastHorizon);
    if (!events) {
        return {std::nullopt, events.error};
    }
    std::map<Instant, bool> answered;  // in the order written: an undo reopens the dose
    for (const auto& event : *events.value) {
        if (event.item != item.id || !event.planned) {
            continue;
        }
        if (event.kind == EventKind::Taken || event.kind == EventKind::Skipped) {
            answered[*event.planned] = true;
        } else if (event.kind == EventKind::Undone) {
            answered[*event.planned] = false;
        }
    }
    std::set<Instant> result;
    for (const auto& [planned, is_answered] : answered) {
        if (is_answered) {
            result.insert(planned);
        }
    }
    return {std::move(result), std::nullopt};
}

}  // namespace

std::string stock_notice_key(const std::string& item) {
    return "stock-low:" + item;
}

StoreResult<StockForecast> StockKeeper::forecast(const DoseTracker& tracker, const Item& item,
                                                 Instant now) const {
    const Regimen& regimen = tracker.regimen();
    StockInputs inputs;
    auto events = store_.stock_events(item.id, now + kFutureTolerance);
    if (!events) {
        return {std::nullopt, events.error};
    }
    inputs.on_hand = count_on_hand(regimen, item, *events.value, now + kFutureTolerance);
    if (!inputs.on_hand) {
        // Never counted: nothing to forecast, and no reason to read more (a reload of a
        // large regimen checks every stocked item on the loop).
        return {forecast_stock(regimen, item, inputs, now), std::nullopt};
    }
    if (item.as_needed) {
        inputs.use_window_start = std::max(now - kUseRateWindow, tracker.tracking_since());
        auto recent =
            store_.events_between(inputs.use_window_start, now + kFutureTolerance, item.id);
        if (!recent) {
            return {std::nullopt, recent.error};
        }
        for (const auto& event : *recent.value) {
            if (event.kind == EventKind::AsNeeded) {
                inputs.as_needed_uses.push_back(event.at);
            }
        }
    } else {
        for (const auto& open : tracker.open_doses()) {
            if (open.dose.item_id == item.id) {
                inputs.open_doses.push_back(open.dose.planned);
            }
        }
        auto ahead = answered_ahead(store_, item, now);
        if (!ahead) {
            return {std::nullopt, ahead.error};
        }
        inputs.answered_ahead = std::move(*ahead.value);
    }
    return {forecast_stock(regimen, item, inputs, now), std::nullopt};
}

std::optional<StockForecast> StockKeeper::check(const DoseTracker& tracker, const Item& item,
                                                StockTrigger trigger, Instant now) {
    if (!item.stock) {
        set_low(item.id, std::nullopt);
        return std::nullopt;
    }
    auto result = forecast(tracker, item, now);
    if (!result) {
        spdlog::warn("cannot count the stock of '{}': {}", item.id, result.error->message);
        return std::nullopt;
    }
    const StockForecast& forecast = *result.value;
    if (!forecast.low) {
        if (low_.count(item.id) != 0) {
            display_.close_notice(stock_notice_key(item.id));
        }
        set_low(item.id, std::nullopt);
        // Out of the window (a refill): the next time it runs low warns again at once.
        if (auto warned = store_.stock_warned(item.id); warned && *warned.value) {
            store_.set_stock_warned(item.id, std::nullopt);
        }
        return forecast;
    }
    const Regimen& regimen = tracker.regimen();
    set_low(item.id, stock_low_line(regimen, item, forecast, now));
    auto warned = store_.stock_warned(item.id);
    if (!warned) {
        spdlog::warn("cannot read when stock was last low: {}", warned.error->message);
        return forecast;
    }
    const auto& zone = zone_of(regimen);
    const bool repeats = trigger == StockTrigger::Reminder || trigger == StockTrigger::Logged;
    const bool due =
        !*warned.value || (repeats && local_date(zone, **warned.value) < local_date(zone, now));
    if (!due) {
        return forecast;
    }
    const NoticeText text = stock_low_notice(regimen, item, forecast, now);
    spdlog::info("low stock: {}", text.summary);
    display_.notice(stock_notice_key(item.id), text.summary, text.body);
    signals_.stock_low(item.id, forecast.on_hand, forecast.runs_out);
    if (auto written = store_.set_stock_warned(item.id, now); !written) {
        spdlog::warn("cannot record the low-stock notice: {}", written.error->message);
    }
    return forecast;
}

void StockKeeper::check_all(const DoseTracker& tracker, StockTrigger trigger, Instant now) {
    const Regimen& regimen = tracker.regimen();
    // Only items ever counted can be low: one query instead of one per item keeps a reload
    // of a large regimen short on the loop.
    auto counted = store_.counted_items();
    if (!counted) {
        spdlog::warn("cannot read which items keep stock: {}", counted.error->message);
        return;
    }
    for (const auto& item : regimen.items) {
        if (item.stock && counted.value->count(item.id) != 0) {
            check(tracker, item, trigger, now);
        } else if (low_.count(item.id) != 0) {
            display_.close_notice(stock_notice_key(item.id));
            set_low(item.id, std::nullopt);
        }
    }
    std::vector<std::string> gone;
    for (const auto& id : low_) {
        if (regimen.find(id) == nullptr) {
            gone.push_back(id);
        }
    }
    for (const auto& id : gone) {
        display_.close_notice(stock_notice_key(id));
        set_low(id, std::nullopt);
    }
}

std::vector<std::string> StockKeeper::warnings() const {
    std::vector<std::string> result;
    for (const auto& [item, line] : lines_) {
        result.push_back(line);
    }
    return result;
}

void StockKeeper::set_low(const std::string& item, std::optional<std::string> line) {
    bool changed = false;
    if (line) {
        changed = low_.insert(item).second;
        auto& kept = lines_[item];
        changed = changed || kept != *line;
        kept = std::move(*line);
    } else {
        changed = low_.erase(item) != 0;
        lines_.erase(item);
    }
    if (changed) {
        signals_.stock_changed();
    }
}

}  // namespace regimend
