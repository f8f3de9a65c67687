#include "app/stock_keeper.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/diary.hpp"
#include "core/stock_text.hpp"

namespace regimend {
namespace {

// Doses planned after `now` that were answered early (taken or skipped, not undone), by
// item: they never need units from the count. One read serves every item.
Result<std::map<std::string, std::set<Instant>>> answered_ahead(const HistoryStore& store,
                                                                Instant now) {
    auto events = store.events_planned_between(now + Seconds{1}, now + kForecastHorizon);
    if (!events) {
        return events.error();
    }
    // In the order written: an undo reopens the dose.
    std::map<std::string, std::map<Instant, bool>> answered;
    for (const auto& event : *events) {
        if (!event.planned) {
            continue;
        }
        if (event.kind == EventKind::Taken || event.kind == EventKind::Skipped) {
            answered[event.item][*event.planned] = true;
        } else if (event.kind == EventKind::Undone) {
            answered[event.item][*event.planned] = false;
        }
    }
    std::map<std::string, std::set<Instant>> result;
    for (const auto& [item, doses] : answered) {
        for (const auto& [planned, is_answered] : doses) {
            if (is_answered) {
                result[item].insert(planned);
            }
        }
    }
    return result;
}

}  // namespace

std::string stock_notice_key(const std::string& item) {
    return "stock-low:" + item;
}

Result<StockForecast> StockKeeper::forecast(const DoseTracker& tracker, const Item& item,
                                            Instant now) const {
    return forecast_with(tracker, item, now, nullptr);
}

Result<StockKeeper::SharedReads> StockKeeper::read_shared(const DoseTracker& tracker,
                                                          Instant now) const {
    auto events = store_.all_stock_events(now + kFutureTolerance);
    auto ahead = answered_ahead(store_, now);
    auto warned = store_.stock_warned_all();
    if (!events || !ahead || !warned) {
        return !events ? events.error() : !ahead ? ahead.error() : warned.error();
    }
    SharedReads shared;
    shared.events = std::move(*events);
    shared.ahead = std::move(*ahead);
    shared.warned = std::move(*warned);
    for (const auto& open : tracker.open_doses()) {
        shared.open[open.dose.item_id].push_back(open.dose.planned);
    }
    return shared;
}

Result<std::map<std::string, StockForecast>> StockKeeper::forecast_all(const DoseTracker& tracker,
                                                                       Instant now) const {
    const auto snapshot = store_.read_snapshot();
    auto shared = read_shared(tracker, now);
    if (!shared) {
        return shared.error();
    }
    std::map<std::string, StockForecast> forecasts;
    for (const auto& item : tracker.regimen().items) {
        if (!item.stock) {
            continue;
        }
        auto forecast = forecast_with(tracker, item, now, &*shared);
        if (!forecast) {
            return forecast.error();
        }
        forecasts.emplace(item.id, *forecast);
    }
    return forecasts;
}

Result<StockForecast> StockKeeper::forecast_with(const DoseTracker& tracker, const Item& item,
                                                 Instant now, const SharedReads* shared) const {
    const Regimen& regimen = tracker.regimen();
    StockInputs inputs;
    if (shared != nullptr) {
        const auto found = shared->events.find(item.id);
        inputs.on_hand = found == shared->events.end()
                             ? std::nullopt
                             : count_on_hand(regimen, item, found->second, now + kFutureTolerance);
    } else {
        auto events = store_.stock_events(item.id, now + kFutureTolerance);
        if (!events) {
            return events.error();
        }
        inputs.on_hand = count_on_hand(regimen, item, *events, now + kFutureTolerance);
    }
    if (!inputs.on_hand) {
        // Never counted: nothing to forecast, and no reason to read more (a reload of a
        // large regimen checks every stocked item on the loop).
        return forecast_stock(regimen, item, inputs, now);
    }
    if (item.as_needed) {
        inputs.use_window_start = std::max(now - kUseRateWindow, tracker.tracking_since());
        auto recent =
            store_.events_between(inputs.use_window_start, now + kFutureTolerance, item.id);
        if (!recent) {
            return recent.error();
        }
        // Uses taken back (`undo`) are no uses.
        for (const auto& event : standing_events(*recent)) {
            if (event.kind == EventKind::AsNeeded) {
                inputs.as_needed_uses.push_back(event.at);
            }
        }
    } else if (shared != nullptr) {
        if (auto open = shared->open.find(item.id); open != shared->open.end()) {
            inputs.open_doses = open->second;
        }
        if (auto ahead = shared->ahead.find(item.id); ahead != shared->ahead.end()) {
            inputs.answered_ahead = ahead->second;
        }
    } else {
        for (const auto& open : tracker.open_doses()) {
            if (open.dose.item_id == item.id) {
                inputs.open_doses.push_back(open.dose.planned);
            }
        }
        auto ahead = answered_ahead(store_, now);
        if (!ahead) {
            return ahead.error();
        }
        if (auto found = ahead->find(item.id); found != ahead->end()) {
            inputs.answered_ahead = std::move(found->second);
        }
    }
    if (!item.as_needed) {
        // Doses covered by an answer given before a change of zone use no units.
        for (Instant planned : tracker.covered_doses(item, now, now + kForecastHorizon)) {
            inputs.answered_ahead.insert(planned);
        }
    }
    return forecast_stock(regimen, item, inputs, now);
}

std::optional<StockForecast> StockKeeper::check(const DoseTracker& tracker, const Item& item,
                                                StockTrigger trigger, Instant now) {
    if (!item.stock) {
        set_low(item.id, std::nullopt);
        return std::nullopt;
    }
    return act_on(tracker.regimen(), item, forecast(tracker, item, now), trigger, now, nullptr);
}

std::optional<StockForecast> StockKeeper::act_on(const Regimen& regimen, const Item& item,
                                                 Result<StockForecast> result, StockTrigger trigger,
                                                 Instant now,
                                                 const std::optional<Instant>* known_warned) {
    if (!result) {
        spdlog::warn("cannot count the stock of '{}': {}", item.id, result.error().message);
        return std::nullopt;
    }
    const StockForecast& forecast = *result;
    if (!forecast.low) {
        if (low_.count(item.id) != 0) {
            display_.close_notice(stock_notice_key(item.id));
        }
        set_low(item.id, std::nullopt);
        // Out of the window (a refill): the next time it runs low warns again at once.
        if (known_warned != nullptr) {
            if (*known_warned) {
                store_.set_stock_warned(item.id, std::nullopt);
            }
        } else if (auto warned = store_.stock_warned(item.id); warned && *warned) {
            store_.set_stock_warned(item.id, std::nullopt);
        }
        return forecast;
    }
    set_low(item.id, stock_low_line(regimen, item, forecast, now));
    auto warned = known_warned != nullptr ? Result<std::optional<Instant>>{*known_warned}
                                          : store_.stock_warned(item.id);
    if (!warned) {
        spdlog::warn("cannot read when stock was last low: {}", warned.error().message);
        return forecast;
    }
    const auto& zone = zone_of(regimen);
    const bool repeats = trigger == StockTrigger::Reminder || trigger == StockTrigger::Logged;
    const bool due = !*warned || (repeats && local_date(zone, **warned) < local_date(zone, now));
    if (!due) {
        return forecast;
    }
    const NoticeText text = stock_low_notice(regimen, item, forecast, now);
    spdlog::info("low stock: {}", text.summary);
    display_.notice(stock_notice_key(item.id), text.summary, text.body);
    signals_.stock_low(item.id, forecast.on_hand, forecast.runs_out);
    if (on_low_) {
        on_low_(item, now);
    }
    if (auto written = store_.set_stock_warned(item.id, now); !written) {
        spdlog::warn("cannot record the low-stock notice: {}", written.error().message);
    }
    return forecast;
}

void StockKeeper::check_all(const DoseTracker& tracker, StockTrigger trigger, Instant now) {
    const Regimen& regimen = tracker.regimen();
    // Reads first, all in one read transaction and with what every item shares read once;
    // then the notices and writes. Only items ever counted can be low: one query names
    // them, so a reload of a large regimen stays short on the loop.
    std::vector<std::pair<const Item*, Result<StockForecast>>> forecasts;
    SharedReads shared;
    {
        const auto snapshot = store_.read_snapshot();
        auto read = read_shared(tracker, now);
        if (!read) {
            spdlog::warn("cannot read the stock of the items: {}", read.error().message);
            return;
        }
        shared = std::move(*read);
        for (const auto& item : regimen.items) {
            if (item.stock && shared.events.count(item.id) != 0) {
                forecasts.emplace_back(&item, forecast_with(tracker, item, now, &shared));
            }
        }
    }
    std::set<std::string> checked;
    for (auto& [item, result] : forecasts) {
        checked.insert(item->id);
        const auto found = shared.warned.find(item->id);
        const std::optional<Instant> warned =
            found != shared.warned.end() ? std::optional<Instant>{found->second} : std::nullopt;
        act_on(regimen, *item, std::move(result), trigger, now, &warned);
    }
    // Items no longer counted, no longer stocked, or gone from the regimen.
    std::vector<std::string> stale;
    for (const auto& id : low_) {
        if (checked.count(id) == 0) {
            stale.push_back(id);
        }
    }
    for (const auto& id : stale) {
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
