// The engine: owns the running regimen and the dose tracker, and carries out what the
// tracker decides, in a fixed order: the history write first (nothing is acknowledged
// before it is durable), then notifications, then signals. Every call that acts or answers
// for "now" takes the current time as an argument; the engine never reads a clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/clock.hpp"
#include "app/outputs.hpp"
#include "app/regimen_loader.hpp"
#include "app/stock_keeper.hpp"
#include "core/diary.hpp"
#include "core/doses.hpp"
#include "core/pause.hpp"
#include "store/history.hpp"

namespace regimend {

// What `regimenctl status` shows, worked out by the daemon in one call: the local day's
// doses in the regimen's zone, the next dose, when each snoozed dose comes back, and the
// warnings about the running regimen (its lint, a file that no longer loads, today's
// amounts over a limit).
struct TodayView {
    Instant from{};
    Instant to{};
    std::vector<DoseView> doses;
    std::optional<DoseKey> next;  // DoseTracker::next_due
    std::vector<std::pair<DoseKey, Instant>> snoozed_until;
    std::vector<std::string> warnings;
};

// Why a reload happens: an explicit request always reloads and always answers; a file
// change that leaves the text as it was (editors write several times) does nothing.
enum class ReloadTrigger { Request, FileChanged, ZoneChanged };

class Engine {
  public:
    // `zone_lookup` is where a reload learns the system's zone (a test injects its own
    // instead of setting $TZ).
    Engine(std::string config_path, LoadedRegimen loaded, HistoryStore& store,
           ReminderDisplay& display, DoseSignals& signals, WakeupScheduler& scheduler,
           ZoneLookup zone_lookup = lookup_system_zone);
    // The stock keeper's low-stock callback holds `this`.
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Once at start: the recent history and the horizon from the store. False when the
    // store cannot be read (the daemon cannot know what was already answered).
    bool restore(Micros now);

    // Everything due by `now`; then re-arms the wakeup.
    void advance(Micros now);

    // `amount`: what was really taken (`take --amount`, ConfirmAmount), "<number> <unit>" in
    // the unit family of the item's `amount`; InvalidArgument otherwise.
    Result<Instant> confirm(std::string_view item, std::optional<Instant> at, Micros now,
                            const std::optional<std::string>& amount = std::nullopt);
    Result<Instant> skip(std::string_view item, const std::string& reason, Micros now);
    // Returns when the reminder comes back.
    Result<Instant> snooze(std::string_view item, std::optional<Seconds> length, Micros now);
    // Takes back the item's last taken/skipped answer; returns the dose's planned instant.
    // For an as-needed item, its last logged dose, and for a symptom kind, its last entry
    // (core/diary.hpp undo_target, undo_entry): returns that entry's instant.
    Result<Instant> undo(std::string_view item, Micros now);
    // Returns the warning to show (empty when none): a use sooner than the item's
    // min_interval recorded because of `force`. Without `force` such a use is refused
    // (InvalidArgument, saying when the next use is allowed).
    Result<std::string> log_dose(std::string_view item, Instant at, const std::string& note,
                                 Micros now, bool force = false);
    Result<std::monostate> log_symptom(std::string_view kind, int severity, Instant at,
                                       const std::string& note, Micros now);
    // Adds `quantity` units to the item's stock, or sets the count when `absolute`;
    // returns the count on hand after it.
    Result<double> refill(std::string_view item, double quantity, bool absolute, Micros now);
    struct StockRow {
        const Item* item;
        StockForecast forecast;
    };
    // Every stocked item, in file order.
    Result<std::vector<StockRow>> stock(Micros now) const;
    // LowStock and the low-stock lines of Warnings.
    const std::set<std::string>& low_stock() const { return stock_.low_items(); }
    std::vector<std::string> stock_warnings() const { return stock_.warnings(); }

    // `pause ITEM --until DATE` (core/pause.hpp): nothing of the item is planned from now (or
    // from its oldest open dose, whose reminder ends) to the end of `until`, a date
    // "YYYY-MM-DD" from today on. Returns the instant the pause ends.
    Result<Instant> pause(std::string_view item, std::string_view until, Micros now);
    // Ends the item's pause now; InvalidArgument when it is not paused.
    Result<std::monostate> resume(std::string_view item, Micros now);
    // The pauses in force at `now`, one per item.
    std::vector<Pause> pauses(Micros now) const;

    Result<std::vector<DoseView>> list_doses(Instant from, Instant to, Micros now) const;
    // Without `with_due`, the `due` events are left out (HistoryAnswers).
    Result<std::vector<HistoryEvent>> history(Instant from, Instant to, bool with_due = true) const;
    // Today's view for `regimenctl status` in one call (the Today method, an addition).
    Result<TodayView> today(Micros now) const;
    Result<std::monostate> reload(ReloadTrigger trigger, Micros now);
    // The second half of reload(): swaps in a regimen read and checked elsewhere (the
    // RegimenWorker thread), on the loop thread.
    Result<std::monostate> apply_reload(LoadedRegimen loaded, ReloadTrigger trigger, Micros now);

    // At start, when the regimen file had errors (or could not be read) and the engine was
    // built on the last valid regimen or on none: says so as a failed reload does (the
    // errors notice, ReloadFailed, the errors under Today's warnings) until the file loads.
    void start_despite(const LoadedRegimen& failed, bool on_last_valid);
    // Called with the text of every regimen applied after start (a reload), e.g. to keep
    // the last valid regimen in the state directory (app/last_regimen.hpp).
    void on_applied(std::function<void(const std::string& text)> applied) {
        applied_ = std::move(applied);
    }

    // An answer given on another device (a CalDAV task, sync/device_sync.hpp) for exactly
    // this dose: taken at `at` (checked by caldav::outcome_of: not ahead, within
    // missed_after), as Confirm with `at` records it; a missed dose through confirm().
    Result<Instant> confirm_dose(const DoseKey& dose, Instant at, Micros now);
    Result<Instant> skip_dose(const DoseKey& dose, const std::string& reason, Micros now);

    // A button pressed on the dose's notification: "taken", "snooze" or "skip".
    void answer_from_notification(const DoseKey& dose, std::string_view action, Micros now);
    // Every open dose that is not snoozed, as its reminder reads now, grouped by planned
    // instant as they are shown: for a notification server that must be given them again
    // (a restart of the daemon or of the server).
    std::vector<std::vector<ReminderText>> open_reminders(Micros now) const;

    // Where the hooks' commands go (loop/hook_runner.hpp); none: hooks are not run.
    void use_hooks(HookLauncher* hooks) { hooks_ = hooks; }

    const Regimen& regimen() const { return tracker_.regimen(); }
    const std::string& config_path() const { return config_path_; }
    // NextDue: the next unanswered planned instant; nullopt if none.
    std::optional<Instant> next_due() const { return next_due_; }

  private:
    // undo() of an as-needed dose or a symptom entry.
    Result<Instant> undo_entry(const UndoTarget& target, Micros now);
    // Writes the held-back events, these and the horizon; the error when the store refuses.
    std::optional<Error> write(const std::vector<HistoryEvent>& events);
    // One answering call of the tracker (confirm, skip, snooze) with its events written;
    // a refused write leaves the tracker as it was before the call.
    Result<Answer> answer(const std::function<AnswerResult(DoseTracker&)>& ask);
    // What confirm, skip, snooze and undo share: answer, then notifications, then `after`
    // (the log line and the signal; it gives the reply), then NextDue and the wakeup.
    using AfterAnswer = std::function<Instant(const Answer& done, Instant now)>;
    Result<Instant> answer_call(const std::function<AnswerResult(DoseTracker&)>& ask, Micros now,
                                const AfterAnswer& after);
    // confirm, skip and snooze with the dose chosen by `ask` (by item, or the dose a
    // notification's button names).
    Result<Instant> confirm_with(const std::function<AnswerResult(DoseTracker&)>& ask, Micros now);
    Result<Instant> skip_with(const std::function<AnswerResult(DoseTracker&)>& ask,
                              const std::string& reason, Micros now);
    Result<Instant> snooze_with(const std::function<AnswerResult(DoseTracker&)>& ask, Micros now);
    // Writes the events; when the store refuses, keeps them for the next write and sets
    // when to try again by itself (reschedule arms the wakeup for it).
    void write_or_hold_back(const std::vector<HistoryEvent>& events, Instant now);
    void carry_out(const Effects& effects, Instant now);
    void show_missed_notice(const std::vector<DoseKey>& missed, Instant now);
    // The stock line of a reminder ("4 capsules left"), empty while the stock is not low.
    std::string stock_note(const Reminder& reminder, Instant now) const;
    // Hands the hooks that `facts` concerns to the launcher; never waits for them.
    void run_hooks(HookFacts facts) const;
    // A dose's event: its item's name and the dose's amount (`amount` when given: what was
    // recorded as taken).
    void run_dose_hooks(HookEvent event, const DoseKey& dose, Instant at,
                        const std::string& amount = {}) const;
    void refresh_next_due(Instant now);
    // Recounts these stocked items (ids not in the regimen, or without stock, are skipped).
    void check_stock(const std::set<std::string>& items, StockTrigger trigger, Instant now);
    void reschedule();
    void report_reload_failure(const LoadedRegimen& loaded, const std::string& consequence);
    // The warnings Today lists while the file on disk does not load: what is wrong, then
    // its errors.
    void set_file_problems(const LoadedRegimen& failed, const std::string& consequence);

    // The regimen the file gives with the history's pauses on it (the tracker runs on
    // this); the regimen itself when nothing was ever paused.
    RegimenPtr paused_regimen(const RegimenPtr& regimen) const;
    // Writes a pause or resume event, then puts the pauses on the running regimen.
    std::optional<Error> record_pause_event(const HistoryEvent& event, Instant now);

    std::string config_path_;
    ZoneLookup zone_lookup_;
    std::string loaded_text_;  // the running regimen's text
    // The running regimen's lint warnings, formatted, and what is wrong with the file on
    // disk when it no longer loads (the running regimen stays): Today reports both.
    std::vector<std::string> lint_warnings_;
    std::vector<std::string> file_problems_;
    // The last text that failed (empty for an unreadable file), so one failure notifies
    // once; none while the file loads.
    std::optional<std::string> failed_text_;
    bool failure_shown_ = false;  // a "reload-failed" notice is on screen
    HistoryStore& store_;
    ReminderDisplay& display_;
    DoseSignals& signals_;
    WakeupScheduler& scheduler_;
    DoseTracker tracker_;
    StockKeeper stock_;
    RegimenPtr file_regimen_;                 // as loaded, without pauses
    std::vector<HistoryEvent> pause_events_;  // every `paused` and `resumed` event
    // Events the tracker produced while the store refused writes; written with the next
    // successful write, so memory runs ahead of disk only until the disk works again.
    std::vector<HistoryEvent> unwritten_;
    std::optional<Instant> next_due_;
    Instant last_advance_{};
    std::function<void(const std::string&)> applied_;
    HookLauncher* hooks_ = nullptr;
    bool regimen_error_hooks_pending_ = false;
    // While events are held back, the wakeup comes at the latest this long after the last
    // try (doubling from kFirstRetry up to kLastRetry while the store keeps refusing), so
    // the history catches up without waiting for a dose or a caller.
    Seconds retry_after_{};
    std::optional<Instant> retry_at_;
};

}  // namespace regimend
