// What the engine drives, as interfaces, so the engine knows nothing of sd-bus: the
// notification client shows reminders, the bus service emits signals, the loop's wakeup
// timer sleeps until the next deadline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/doses.hpp"
#include "core/hooks.hpp"        // HookCall
#include "core/notice_text.hpp"  // ReminderText

namespace regimend {

class ReminderDisplay {
  public:
    virtual ~ReminderDisplay() = default;
    // Shows the reminder, replacing the dose's notification when one is open.
    virtual void show(const ReminderText& reminder) = 0;
    // Doses that became due at the same instant: one notification that lists them, whose
    // buttons answer all of them. A display that cannot group shows each on its own.
    virtual void show_group(const std::vector<ReminderText>& group) {
        for (const auto& reminder : group) {
            show(reminder);
        }
    }
    virtual void close(const DoseKey& dose) = 0;
    // A one-off notice (missed doses, a regimen that failed to load); `key` names the kind
    // so a second notice of the same kind replaces the first.
    virtual void notice(const std::string& key, const std::string& summary,
                        const std::string& body) = 0;
    // Takes the notice of this kind off the screen (what it said no longer holds).
    virtual void close_notice(const std::string& /*key*/) {}
};

class DoseSignals {
  public:
    virtual ~DoseSignals() = default;
    virtual void dose_due(const DoseKey& dose) = 0;
    virtual void dose_taken(const DoseKey& dose, Instant at) = 0;
    virtual void dose_skipped(const DoseKey& dose) = 0;
    virtual void dose_missed(const DoseKey& dose) = 0;
    virtual void dose_undone(const DoseKey& dose) = 0;
    virtual void regimen_reloaded(std::uint32_t items) = 0;
    virtual void reload_failed(const std::string& message) = 0;
    // NextDue (and TimeZone after a reload) changed.
    virtual void properties_changed() = 0;
    // An item's stock runs out within its warn_before (StockLow); on_hand is never
    // nullopt then, runs_out may be (an as-needed item not used lately).
    virtual void stock_low(const std::string& /*item*/, std::optional<double> /*on_hand*/,
                           std::optional<Instant> /*runs_out*/) {}
    // The set of low items, or what their warnings say, changed (LowStock, Warnings).
    virtual void stock_changed() {}
};

class WakeupScheduler {
  public:
    virtual ~WakeupScheduler() = default;
    // The next instant the engine has work; nullopt: sleep until something else happens.
    virtual void schedule(std::optional<Instant> deadline) = 0;
};

// Starts hooks' commands (loop/hook_runner.hpp) without waiting for them: a hook never
// delays a reminder or a caller.
class HookLauncher {
  public:
    virtual ~HookLauncher() = default;
    virtual void launch(HookCall call) = 0;
};

}  // namespace regimend
