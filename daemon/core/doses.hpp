// The dose state machine (../shared/SPEC.md "Dose life cycle"). Pure: every call takes
// `now`; nothing here reads a clock, touches D-Bus or SQLite. Each call returns Effects
// that the daemon carries out in order: write `events` durably first, then notify,
// close notifications and emit signals.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/event.hpp"
#include "core/model.hpp"
#include "core/plan.hpp"
#include "core/result.hpp"

namespace regimend {

enum class DoseState { Upcoming, Due, Snoozed, Taken, Skipped, Missed };
std::string_view to_string(DoseState state);  // "upcoming", "due", ...
// The state named by to_string's text; nullopt for any other text.
std::optional<DoseState> dose_state_from_string(std::string_view name);

struct DoseKey {
    std::string item_id;
    Instant planned;
    auto operator<=>(const DoseKey&) const = default;
};

enum class Urgency { Normal, Critical };

// Show (or re-show, replacing the same notification) the reminder for a due dose.
struct Reminder {
    DoseKey dose;
    Urgency urgency = Urgency::Normal;
    bool repeat = false;  // false the first time the dose is shown in this process
};

struct Effects {
    std::vector<HistoryEvent> events;  // to write durably before anything else
    std::vector<DoseKey> became_due;   // DoseDue signals
    std::vector<Reminder> reminders;   // notifications to show or re-show
    std::vector<DoseKey> closed;       // notifications to close (answered, missed, removed)
    std::vector<DoseKey> missed;       // DoseMissed signals; shown as one "missed" notice
    // Doses whose reminder became critical now (escalate_after passed): `escalated` hooks.
    std::vector<DoseKey> escalated;

    bool empty() const {
        return events.empty() && became_due.empty() && reminders.empty() && closed.empty() &&
               missed.empty() && escalated.empty();
    }
};

struct Answer {
    DoseKey dose;     // the dose that was confirmed, skipped or snoozed
    Instant until{};  // snooze only: when the reminder comes back
    Effects effects;
};

using AnswerResult = Result<Answer>;

// A dose as ListDoses and `status` show it.
struct DoseView {
    DoseKey dose;
    DoseState state = DoseState::Upcoming;
    std::optional<Instant> acted_at;  // taken/skipped/missed time
    std::optional<Amount> amount;
};

// When a snoozed dose's reminder comes back: its last `snoozed` event in `events` plus the
// length that event records; nullopt when there is none.
std::optional<Instant> snoozed_until(const std::vector<HistoryEvent>& events, const DoseKey& dose);

// The next dose among listed rows, for a reader that holds NextDue's instant and a
// listing rather than the tracker: of the rows planned at `next`, a due or snoozed one
// before an upcoming one, never one answered or missed (DoseTracker::next_due picks by the
// same rule). `planned_of` and `state_of` read a row's planned instant and its DoseState.
template <class Row, class PlannedOf, class StateOf>
const Row* next_dose_row(const std::vector<Row>& rows, Instant next, PlannedOf planned_of,
                         StateOf state_of) {
    const auto is_open = [](std::optional<DoseState> state) {
        return state == DoseState::Due || state == DoseState::Snoozed;
    };
    const Row* found = nullptr;
    for (const auto& row : rows) {
        const std::optional<DoseState> state = state_of(row);
        if (planned_of(row) != next || (!is_open(state) && state != DoseState::Upcoming)) {
            continue;
        }
        if (found == nullptr || (is_open(state) && !is_open(state_of(*found)))) {
            found = &row;
        }
    }
    return found;
}

// A snooze lasts from 1s to this (a default `snooze` setting too). The one limit: the bus
// service and regimenctl check against it as well.
inline constexpr Seconds kLongestSnooze{24 * 3600};

class DoseTracker {
  public:
    // How far back a confirmation may be backdated, and how much history restore() needs.
    static constexpr Seconds kRetention{8LL * 86400};
    // Catch-up after a long absence looks back no further than this.
    static constexpr Seconds kMaxCatchUp{31LL * 86400};

    explicit DoseTracker(RegimenPtr regimen);

    // Once, before the first advance(): the history of doses planned in the last
    // kRetention, and the persisted horizon (the instant up to which the plan was already
    // processed; nullopt on the very first run, when nothing before `now` counts).
    // Open (due/snoozed) doses resume their repeat cadence from their last event, so a
    // restart does not re-remind at once.
    // `tracking_since` is the first instant the daemon ever tracked (HistoryStore keeps it);
    // nullopt: now on a first run, else the oldest dose the history knows.
    void restore(const std::vector<HistoryEvent>& recent, std::optional<Instant> horizon,
                 Instant now, std::optional<Instant> tracking_since = std::nullopt);

    // A new regimen. Open doses whose item remains stay open with the item's new policy;
    // those whose item is gone are closed (no event). The horizon is kept, so nothing
    // already processed is reminded again.
    Effects set_regimen(RegimenPtr regimen, Instant now);

    // Processes everything due by `now`: planned doses between the horizon and now become
    // due (or missed, when already older than missed_after: catch-up), open doses repeat,
    // escalate or go missed. One reminder per dose per call, never a burst. If the clock
    // went back, the horizon stays where it was: nothing is processed twice.
    Effects advance(Instant now);

    // The next instant at which advance() has something to do; nullopt if never.
    std::optional<Instant> next_deadline() const;

    // `at` nullopt: the oldest due dose of the item, else its next dose if within
    // missed_after ahead. `at` set (late confirm): the item's dose nearest to `at` that is
    // not taken or skipped, missed ones included, but only a tracked one (planned at or
    // after tracking_since()) within the item's missed_after of `at`: repeating the same
    // `take --at` never walks back into earlier days. Item ids may be unique prefixes.
    // `amount` set: what was really taken (`take --amount`), recorded in the `taken` event's
    // amount (HistoryEvent::amount_recorded) instead of the plan's.
    AnswerResult confirm(std::string_view item, std::optional<Instant> at, Instant now,
                         std::optional<Amount> amount = std::nullopt);
    AnswerResult skip(std::string_view item, const std::string& reason, Instant now);
    // length nullopt: the item's default snooze. Only a due dose can be snoozed.
    AnswerResult snooze(std::string_view item, std::optional<Seconds> length, Instant now);
    // A button on the dose's own notification: answers exactly that dose (not the item's
    // oldest) at `now`, the time of the click; NothingDue when it is no longer open.
    AnswerResult confirm_open(const DoseKey& dose, Instant now);
    AnswerResult skip_open(const DoseKey& dose, const std::string& reason, Instant now);
    AnswerResult snooze_open(const DoseKey& dose, Instant now);
    // Takes back the item's most recent taken or skipped answer (given within kRetention):
    // an `undone` event; the dose is due again while inside missed_after (a reminder at
    // once), upcoming if its time has not come, else missed. NothingToUndo if none.
    AnswerResult undo(std::string_view item, Instant now);

    // Planned doses in [from, to) with their state. `history` holds the stored events of
    // doses planned in that span (so spans older than the tracker's memory are right).
    std::vector<DoseView> doses(Instant from, Instant to, Instant now,
                                const std::vector<HistoryEvent>& history) const;

    // The dose that matters next: the oldest open (due or snoozed) dose, else the next
    // planned instant at or after `now` that is not answered; nullopt if none.
    std::optional<DoseKey> next_due(Instant now) const;

    // Open doses (due or snoozed), oldest first.
    std::vector<DoseView> open_doses() const;

    // The travel rule (core/travel.hpp): the item's doses planned in [from, to) that its
    // last answer covers. They are never reminded nor missed, and the stock does not count
    // them; doses() lists them with the covering answer's state and time.
    std::vector<Instant> covered_doses(const Item& item, Instant from, Instant to) const;

    Instant horizon() const { return horizon_; }
    // Doses planned before this were never tracked: never reminded, confirmed or missed.
    Instant tracking_since() const { return tracking_since_; }
    const Regimen& regimen() const { return *regimen_; }

  private:
    struct OpenDose {
        Instant next_reminder;
        bool escalated = false;
        bool snoozed = false;
        bool shown = false;  // shown at least once in this process
        std::optional<Amount> amount;
    };
    struct Resolved {
        DoseState state;  // Taken, Skipped or Missed (an answer wins over Missed)
        Instant at;
        bool missed_recorded = false;  // a `missed` event exists (kept when answered late)
        std::uint64_t order = 0;       // answers: later answers have larger numbers
    };
    // The dose an answer applies to, with the amount the plan gives it.
    struct Target {
        DoseKey key;
        std::optional<Amount> amount;
    };
    using TargetResult = Result<Target>;
    using ItemResult = Result<const Item*>;

    static std::map<DoseKey, Resolved> outcomes_of(const std::vector<HistoryEvent>& events);
    bool answered(const DoseKey& key) const;  // taken or skipped
    std::optional<Amount> planned_amount(const DoseKey& key) const;
    std::optional<PlannedDose> next_unresolved(Instant from, bool skip_open) const;

    void remind_open(Instant now, Effects& effects);
    void catch_up(Instant now, Effects& effects);
    void prune(Instant now);

    ItemResult answerable_item(std::string_view item) const;
    std::optional<Target> oldest_open(const Item& item) const;
    // The open dose `dose` (its item still in the regimen), else why it cannot be answered.
    TargetResult open_target(const DoseKey& dose) const;
    AnswerResult snooze_target(const Target& target, Seconds length, Instant now);
    TargetResult current_dose(const Item& item, Instant now) const;
    TargetResult nearest_dose(const Item& item, Instant at, Instant now) const;
    Answer resolve_dose(const Target& target, HistoryEvent event, DoseState state);
    // Why no dose near `at` can be confirmed: the nearest planned dose and its state.
    std::string why_nothing_near(const Item& item, Instant at, Instant now) const;
    std::optional<DoseState> known_state(const DoseKey& key) const;
    // The item's most recent answer (taken or skipped, the latest `at`), with its dose.
    std::optional<std::pair<DoseKey, Resolved>> last_answer(const std::string& item_id) const;
    // The answer that covers the dose under the travel rule, nullopt if none does.
    std::optional<Resolved> covering_answer(const DoseKey& key) const;

    RegimenPtr regimen_;
    Instant horizon_{};
    Instant tracking_since_{};
    std::uint64_t answers_ = 0;  // gives each answer its `order`
    bool restored_ = false;      // advance() before restore() starts as a first run
    std::map<DoseKey, OpenDose> open_;
    std::map<DoseKey, Resolved> resolved_;
};

}  // namespace regimend
