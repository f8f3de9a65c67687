#include "core/doses.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/doses_detail.hpp"
#include "core/name_table.hpp"

namespace regimend {

namespace doses_detail {

std::string local_text(const Regimen& regimen, Instant instant) {
    return format_reader_date_hh_mm(to_local(zone_of(regimen), instant));
}

HistoryEvent make_event(const DoseKey& key, EventKind kind, Instant at, std::string note,
                        std::string amount) {
    HistoryEvent event;
    event.item = key.item_id;
    event.kind = kind;
    event.planned = key.planned;
    event.at = at;
    event.note = std::move(note);
    event.amount = std::move(amount);
    return event;
}

}  // namespace doses_detail

namespace {

using doses_detail::kSecond;
using doses_detail::make_event;

constexpr NameTable<DoseState, 6> kStateNames{{
    {DoseState::Upcoming, "upcoming"},
    {DoseState::Due, "due"},
    {DoseState::Snoozed, "snoozed"},
    {DoseState::Taken, "taken"},
    {DoseState::Skipped, "skipped"},
    {DoseState::Missed, "missed"},
}};
// The first instant of the cadence `from + k * step` (k >= 1) strictly after `now`: a
// restarted daemon keeps the rhythm the user already saw instead of reminding at once.
Instant next_in_cadence(Instant from, Seconds step, Instant now) {
    if (step <= Seconds{0}) {
        return now + kSecond;
    }
    if (from + step > now) {
        return from + step;
    }
    return from + ((now - from) / step + 1) * step;
}
}  // namespace

std::string_view to_string(DoseState state) {
    return name_of(kStateNames, state).value_or("unknown");
}

std::optional<DoseState> dose_state_from_string(std::string_view name) {
    return value_named(kStateNames, name);
}

std::optional<Instant> snoozed_until(const std::vector<HistoryEvent>& events, const DoseKey& dose) {
    std::optional<Instant> until;
    for (const auto& event : events) {
        if (event.kind == EventKind::Snoozed && event.item == dose.item_id &&
            event.planned == dose.planned) {
            if (auto length = parse_duration(event.note)) {
                until = event.at + *length;
            }
        }
    }
    return until;
}

DoseTracker::DoseTracker(RegimenPtr regimen) : regimen_(std::move(regimen)) {}

std::map<DoseKey, DoseTracker::Resolved> DoseTracker::outcomes_of(
    const std::vector<HistoryEvent>& events) {
    // Events come in the order they were written: an `undone` takes back the answer
    // written before it, and a later answer replaces an earlier one.
    struct Record {
        std::optional<Resolved> answer;
        std::optional<Instant> missed_at;
    };
    std::map<DoseKey, Record> records;
    std::uint64_t order = 0;
    for (const auto& event : events) {
        if (!event.planned) {
            continue;
        }
        DoseKey key{event.item, *event.planned};
        switch (event.kind) {
            case EventKind::Taken:
                records[key].answer = Resolved{DoseState::Taken, event.at, false, ++order};
                break;
            case EventKind::Skipped:
                records[key].answer = Resolved{DoseState::Skipped, event.at, false, ++order};
                break;
            case EventKind::Missed:
                records[key].missed_at = event.at;
                break;
            case EventKind::Undone:
                records[key].answer.reset();
                break;
            default:
                break;
        }
    }
    std::map<DoseKey, Resolved> outcomes;
    for (auto& [key, record] : records) {
        if (record.answer) {
            record.answer->missed_recorded = record.missed_at.has_value();
            outcomes.emplace(key, *record.answer);
        } else if (record.missed_at) {
            outcomes.emplace(key, Resolved{DoseState::Missed, *record.missed_at, true, 0});
        }
    }
    return outcomes;
}

void DoseTracker::restore(const std::vector<HistoryEvent>& recent, std::optional<Instant> horizon,
                          Instant now, std::optional<Instant> tracking_since) {
    restored_ = true;
    open_.clear();
    resolved_ = outcomes_of(recent);
    answers_ = 0;
    for (const auto& [key, outcome] : resolved_) {
        answers_ = std::max(answers_, outcome.order);
    }
    if (tracking_since) {
        tracking_since_ = *tracking_since;
    } else if (!horizon) {
        tracking_since_ = now;  // the first run: a dose planned exactly now counts
    } else {
        tracking_since_ = *horizon + kSecond;
        for (const auto& event : recent) {
            if (event.planned) {
                tracking_since_ = std::min(tracking_since_, *event.planned);
            }
        }
    }

    // For each unresolved dose, the last event that showed or snoozed its reminder.
    std::map<DoseKey, const HistoryEvent*> last_shown;
    for (const auto& event : recent) {
        if (!event.planned || (event.kind != EventKind::Due && event.kind != EventKind::Snoozed)) {
            continue;
        }
        DoseKey key{event.item, *event.planned};
        if (resolved_.contains(key) || key.planned < tracking_since_) {
            continue;
        }
        auto& last = last_shown[key];
        if (!last || event.at >= last->at) {
            last = &event;
        }
    }
    for (const auto& [key, event] : last_shown) {
        const Item* item = regimen_->find(key.item_id);
        if (!item || item->as_needed || item->schedule.paused_at(key.planned)) {
            continue;  // the regimen changed while the daemon was away, or it was paused
        }
        const auto& policy = item->reminders;
        OpenDose open;
        open.amount = planned_amount(key);
        open.escalated = now >= key.planned + policy.escalate_after;
        Instant cadence_start = event->at;
        if (event->kind == EventKind::Snoozed) {
            Seconds length = parse_duration(event->note).value_or(policy.snooze);
            cadence_start = event->at + length;
            open.snoozed = cadence_start > now;
        }
        open.next_reminder =
            open.snoozed ? cadence_start : next_in_cadence(cadence_start, policy.repeat_every, now);
        open_.emplace(key, open);
    }

    // On the very first run nothing before `now` counts, but a dose planned exactly now does.
    horizon_ = horizon.value_or(now - kSecond);
    horizon_ = std::max(horizon_, now - kMaxCatchUp);
}

Effects DoseTracker::set_regimen(RegimenPtr regimen, Instant now) {
    Effects effects;
    for (auto it = open_.begin(); it != open_.end();) {
        const Item* item = regimen->find(it->first.item_id);
        // A pause over an open dose ends its reminders: it is neither taken nor missed.
        if (!item || item->as_needed || item->schedule.paused_at(it->first.planned)) {
            effects.closed.push_back(it->first);
            it = open_.erase(it);
        } else {
            ++it;
        }
    }
    regimen_ = std::move(regimen);
    prune(now);
    return effects;
}

Effects DoseTracker::advance(Instant now) {
    if (!restored_) {
        restore({}, std::nullopt, now);
    }
    Effects effects;
    // Open doses first: their events are older than those of doses coming due now.
    remind_open(now, effects);
    catch_up(now, effects);
    horizon_ = std::max(horizon_, now);
    prune(now);
    return effects;
}

void DoseTracker::remind_open(Instant now, Effects& effects) {
    std::vector<std::map<DoseKey, OpenDose>::iterator> by_time;
    for (auto it = open_.begin(); it != open_.end(); ++it) {
        by_time.push_back(it);
    }
    std::stable_sort(by_time.begin(), by_time.end(), [](const auto& a, const auto& b) {
        return a->first.planned < b->first.planned;
    });

    for (auto it : by_time) {
        const DoseKey key = it->first;
        OpenDose& open = it->second;
        const Item* item = regimen_->find(key.item_id);
        if (!item) {  // cannot happen after set_regimen(); closed without an event if it does
            effects.closed.push_back(key);
            open_.erase(it);
            continue;
        }
        const auto& policy = item->reminders;
        Instant missed_at = key.planned + policy.missed_after;
        if (now >= missed_at) {
            effects.events.push_back(make_event(key, EventKind::Missed, missed_at));
            effects.closed.push_back(key);
            effects.missed.push_back(key);
            resolved_[key] = Resolved{DoseState::Missed, missed_at, true};
            open_.erase(it);
            continue;
        }
        // After the clock went back, a due dose waits one repeat_every, not that plus the jump.
        if (!open.snoozed && open.next_reminder > now + policy.repeat_every) {
            open.next_reminder = now + policy.repeat_every;
        }
        // A snooze is the user's explicit wish: escalation waits until it ends.
        bool escalation_due =
            !open.escalated && !open.snoozed && now >= key.planned + policy.escalate_after;
        if (now < open.next_reminder && !escalation_due) {
            continue;
        }
        bool critical = now >= key.planned + policy.escalate_after;
        effects.reminders.push_back(
            Reminder{key, critical ? Urgency::Critical : Urgency::Normal, open.shown});
        if (critical && !open.escalated) {
            effects.escalated.push_back(key);
        }
        open.escalated = open.escalated || critical;
        open.snoozed = false;
        open.shown = true;
        // From now, not from the missed deadline: after a long sleep this is one reminder.
        open.next_reminder = now + policy.repeat_every;
    }
}

void DoseTracker::catch_up(Instant now, Effects& effects) {
    Instant from = std::max(horizon_, now - kMaxCatchUp) + kSecond;
    if (from > now) {
        return;  // nothing new, or the clock went back: never process a span twice
    }
    for (const auto& dose : plan(*regimen_, from, now + kSecond)) {
        DoseKey key{dose.item_id, dose.planned};
        if (resolved_.contains(key) || open_.contains(key)) {
            continue;  // answered early, or already known from the history
        }
        if (covering_answer(key)) {
            continue;  // answered before a change of zone (the travel rule): nothing to do
        }
        const Item* item = regimen_->find(key.item_id);
        const auto& policy = item->reminders;
        Instant missed_at = key.planned + policy.missed_after;
        if (now >= missed_at) {
            effects.events.push_back(make_event(key, EventKind::Missed, missed_at));
            effects.missed.push_back(key);
            resolved_[key] = Resolved{DoseState::Missed, missed_at, true};
            continue;
        }
        bool critical = now >= key.planned + policy.escalate_after;
        effects.events.push_back(make_event(key, EventKind::Due, now));
        effects.became_due.push_back(key);
        effects.reminders.push_back(
            Reminder{key, critical ? Urgency::Critical : Urgency::Normal, false});
        if (critical) {
            effects.escalated.push_back(key);  // came due after its escalation (a wake-up)
        }
        OpenDose open;
        open.next_reminder = now + policy.repeat_every;
        open.escalated = critical;
        open.shown = true;
        open.amount = dose.amount;
        open_.emplace(key, open);
    }
}

void DoseTracker::prune(Instant now) {
    Instant oldest_kept = now - kRetention - regimen_->longest_missed_after();
    std::erase_if(resolved_, [&](const auto& entry) { return entry.first.planned < oldest_kept; });
}

std::optional<Instant> DoseTracker::next_deadline() const {
    std::optional<Instant> deadline;
    auto consider = [&](Instant instant) {
        if (!deadline || instant < *deadline) {
            deadline = instant;
        }
    };
    for (const auto& [key, open] : open_) {
        const Item* item = regimen_->find(key.item_id);
        if (!item) {
            continue;
        }
        const auto& policy = item->reminders;
        consider(open.next_reminder);
        consider(key.planned + policy.missed_after);
        if (!open.escalated && !open.snoozed) {
            consider(key.planned + policy.escalate_after);
        }
    }
    if (auto dose = next_unresolved(horizon_ + kSecond, true)) {
        consider(dose->planned);
    }
    return deadline;
}

std::optional<PlannedDose> DoseTracker::next_unresolved(Instant from, bool skip_open) const {
    // Early answers are rare; the bound only guards against a pathological history.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        auto next = next_planned(*regimen_, from);
        if (!next) {
            return std::nullopt;
        }
        for (auto& dose : plan(*regimen_, next->planned, next->planned + kSecond)) {
            DoseKey key{dose.item_id, dose.planned};
            if (!resolved_.contains(key) && !(skip_open && open_.contains(key)) &&
                !covering_answer(key)) {
                return dose;
            }
        }
        from = next->planned + kSecond;
    }
    return std::nullopt;
}

bool DoseTracker::answered(const DoseKey& key) const {
    auto found = resolved_.find(key);
    return found != resolved_.end() && found->second.state != DoseState::Missed;
}

std::optional<Amount> DoseTracker::planned_amount(const DoseKey& key) const {
    const Item* item = regimen_->find(key.item_id);
    if (!item) {
        return std::nullopt;
    }
    for (auto& dose : plan_item(*regimen_, *item, key.planned, key.planned + kSecond)) {
        return dose.amount;
    }
    // No longer in the plan (the item's times changed): the amount for that day still holds.
    return item->amount_on(local_date(zone_of(*regimen_), key.planned));
}

std::vector<DoseView> DoseTracker::doses(Instant from, Instant to, Instant now,
                                         const std::vector<HistoryEvent>& history) const {
    auto stored = outcomes_of(history);
    std::vector<DoseView> views;
    for (auto& dose : plan(*regimen_, from, to)) {
        DoseView view;
        view.dose = DoseKey{dose.item_id, dose.planned};
        view.amount = dose.amount;
        auto open = open_.find(view.dose);
        auto remembered = resolved_.find(view.dose);
        auto recorded = stored.find(view.dose);
        std::optional<Resolved> outcome;
        if (remembered != resolved_.end()) {
            outcome = remembered->second;
        }
        // The store may know better (an answer given before the tracker's memory).
        if (recorded != stored.end() &&
            (!outcome || (outcome->state == DoseState::Missed &&
                          recorded->second.state != DoseState::Missed))) {
            outcome = recorded->second;
        }
        if (open != open_.end()) {
            view.state = open->second.snoozed ? DoseState::Snoozed : DoseState::Due;
        } else if (outcome) {
            view.state = outcome->state;
            view.acted_at = outcome->at;
        } else if (auto cover = covering_answer(view.dose)) {
            // Shown as the answer that covers it, with that answer's time.
            view.state = cover->state;
            view.acted_at = cover->at;
        } else if (dose.planned > horizon_ || dose.planned > now) {
            view.state = DoseState::Upcoming;
        } else {
            continue;  // planned before the daemon ever ran: never tracked, not missed
        }
        views.push_back(std::move(view));
    }
    return views;
}

std::optional<DoseKey> DoseTracker::next_due(Instant now) const {
    std::optional<DoseKey> oldest_open;
    for (const auto& [key, open] : open_) {
        if (!oldest_open || key.planned < oldest_open->planned) {
            oldest_open = key;
        }
    }
    if (oldest_open) {
        return oldest_open;
    }
    if (auto dose = next_unresolved(now, false)) {
        return DoseKey{dose->item_id, dose->planned};
    }
    return std::nullopt;
}

std::vector<DoseView> DoseTracker::open_doses() const {
    std::vector<DoseView> views;
    for (const auto& [key, open] : open_) {
        DoseView view;
        view.dose = key;
        view.state = open.snoozed ? DoseState::Snoozed : DoseState::Due;
        view.amount = open.amount;
        views.push_back(std::move(view));
    }
    std::stable_sort(views.begin(), views.end(), [](const DoseView& a, const DoseView& b) {
        return a.dose.planned < b.dose.planned;
    });
    return views;
}

}  // namespace regimend
