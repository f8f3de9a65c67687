#include "core/doses.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace regimend {
namespace {

constexpr Seconds kSecond{1};
// A confirmation stamped slightly ahead of the daemon's clock (another machine's CLI, a
// rounding) is still believed; further ahead it is a mistake.
constexpr Seconds kFutureTolerance{60};
constexpr Seconds kLongestSnooze{24 * 3600};

constexpr std::array<std::pair<DoseState, std::string_view>, 6> kStateNames{{
    {DoseState::Upcoming, "upcoming"},
    {DoseState::Due, "due"},
    {DoseState::Snoozed, "snoozed"},
    {DoseState::Taken, "taken"},
    {DoseState::Skipped, "skipped"},
    {DoseState::Missed, "missed"},
}};

const date::time_zone& zone_of(const Regimen& regimen) {
    return regimen.zone ? *regimen.zone : *date::locate_zone("UTC");
}

std::string local_text(const Regimen& regimen, Instant instant) {
    return date::format("%Y-%m-%d %H:%M", to_local(zone_of(regimen), instant));
}

HistoryEvent make_event(const DoseKey& key, EventKind kind, Instant at, std::string note = {},
                        std::string amount = {}) {
    HistoryEvent event;
    event.item = key.item_id;
    event.kind = kind;
    event.planned = key.planned;
    event.at = at;
    event.note = std::move(note);
    event.amount = std::move(amount);
    return event;
}

std::string amount_text(const std::optional<Amount>& amount) {
    return amount ? amount->text : std::string{};
}

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

// next_planned() for one item, with the same growing windows.
std::optional<PlannedDose> next_item_dose(const Regimen& regimen, const Item& item, Instant from) {
    const Instant limit = from + Seconds{400LL * 86400};
    Seconds window{86400};
    for (Instant begin = from; begin < limit; begin += window, window *= 4) {
        auto doses = plan_item(regimen, item, begin, std::min(limit, begin + window));
        if (!doses.empty()) {
            return doses.front();
        }
    }
    return std::nullopt;
}

DoseFailure nothing_due(std::string message) {
    return DoseFailure{DoseError::NothingDue, std::move(message)};
}

DoseFailure invalid_argument(std::string message) {
    return DoseFailure{DoseError::InvalidArgument, std::move(message)};
}

}  // namespace

std::string_view to_string(DoseState state) {
    for (const auto& [candidate, name] : kStateNames) {
        if (candidate == state) {
            return name;
        }
    }
    return "unknown";
}

DoseTracker::DoseTracker(RegimenPtr regimen) : regimen_(std::move(regimen)) {}

std::map<DoseKey, DoseTracker::Resolved> DoseTracker::outcomes_of(
    const std::vector<HistoryEvent>& events) {
    std::map<DoseKey, Resolved> outcomes;
    for (const auto& event : events) {
        if (!event.planned) {
            continue;
        }
        DoseState state;
        if (event.kind == EventKind::Taken) {
            state = DoseState::Taken;
        } else if (event.kind == EventKind::Skipped) {
            state = DoseState::Skipped;
        } else if (event.kind == EventKind::Missed) {
            state = DoseState::Missed;
        } else {
            continue;
        }
        DoseKey key{event.item, *event.planned};
        auto found = outcomes.find(key);
        if (found == outcomes.end()) {
            outcomes.emplace(key, Resolved{state, event.at});
            continue;
        }
        // An answer outranks a missed record (a late confirmation keeps both events).
        bool new_is_answer = state != DoseState::Missed;
        bool old_is_answer = found->second.state != DoseState::Missed;
        if (new_is_answer > old_is_answer ||
            (new_is_answer == old_is_answer && event.at >= found->second.at)) {
            found->second = Resolved{state, event.at};
        }
    }
    return outcomes;
}

void DoseTracker::restore(const std::vector<HistoryEvent>& recent, std::optional<Instant> horizon,
                          Instant now) {
    restored_ = true;
    open_.clear();
    resolved_ = outcomes_of(recent);

    // For each unresolved dose, the last event that showed or snoozed its reminder.
    std::map<DoseKey, const HistoryEvent*> last_shown;
    for (const auto& event : recent) {
        if (!event.planned || (event.kind != EventKind::Due && event.kind != EventKind::Snoozed)) {
            continue;
        }
        DoseKey key{event.item, *event.planned};
        if (resolved_.contains(key)) {
            continue;
        }
        auto& last = last_shown[key];
        if (!last || event.at >= last->at) {
            last = &event;
        }
    }
    for (const auto& [key, event] : last_shown) {
        const Item* item = regimen_->find(key.item_id);
        if (!item || item->as_needed) {
            continue;  // the regimen changed while the daemon was away
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
        if (!item || item->as_needed) {
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
            resolved_[key] = Resolved{DoseState::Missed, missed_at};
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
        const Item* item = regimen_->find(key.item_id);
        const auto& policy = item->reminders;
        Instant missed_at = key.planned + policy.missed_after;
        if (now >= missed_at) {
            effects.events.push_back(make_event(key, EventKind::Missed, missed_at));
            effects.missed.push_back(key);
            resolved_[key] = Resolved{DoseState::Missed, missed_at};
            continue;
        }
        bool critical = now >= key.planned + policy.escalate_after;
        effects.events.push_back(make_event(key, EventKind::Due, now));
        effects.became_due.push_back(key);
        effects.reminders.push_back(
            Reminder{key, critical ? Urgency::Critical : Urgency::Normal, false});
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
            if (!resolved_.contains(key) && !(skip_open && open_.contains(key))) {
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

DoseTracker::ItemResult DoseTracker::answerable_item(std::string_view item_text) const {
    std::string error;
    const Item* item = regimen_->resolve(item_text, &error);
    if (!item) {
        return DoseFailure{DoseError::UnknownItem, error};
    }
    if (item->as_needed) {
        return invalid_argument("'" + item->id +
                                "' is taken as needed: use LogDose / regimenctl log");
    }
    return item;
}

std::optional<DoseTracker::Target> DoseTracker::oldest_open(const Item& item) const {
    // Keys sort by item id, then planned: the first of the item's keys is its oldest.
    auto found = open_.lower_bound(DoseKey{item.id, Instant::min()});
    if (found == open_.end() || found->first.item_id != item.id) {
        return std::nullopt;
    }
    return Target{found->first, found->second.amount};
}

DoseTracker::TargetResult DoseTracker::current_dose(const Item& item, Instant now) const {
    if (auto open = oldest_open(item)) {
        return *open;
    }
    const Seconds ahead = item.reminders.missed_after;
    // Everything up to the horizon is known (open or resolved); after it, a dose that has
    // come but not yet been processed is still answerable until it would be missed.
    Instant from = std::max(horizon_ + kSecond, now - ahead + kSecond);
    Instant to = now + ahead + kSecond;
    for (auto& dose : plan_item(*regimen_, item, from, to)) {
        DoseKey key{dose.item_id, dose.planned};
        if (!resolved_.contains(key) && !open_.contains(key)) {
            return Target{key, dose.amount};
        }
    }
    std::string message = "No dose of '" + item.id + "' is due";
    auto next = next_item_dose(*regimen_, item, to);
    if (next) {
        message += ", and the next one is at " + local_text(*regimen_, next->planned) +
                   " (more than " + format_duration(ahead) + " ahead)";
    } else {
        message += ", and none is planned";
    }
    return nothing_due(message);
}

DoseTracker::TargetResult DoseTracker::nearest_dose(const Item& item, Instant at,
                                                    Instant now) const {
    Instant from = std::max(at, now) - kRetention;
    Instant to = now + item.reminders.missed_after + kSecond;
    std::optional<Target> nearest;
    Seconds nearest_distance{};
    for (auto& dose : plan_item(*regimen_, item, from, to)) {
        DoseKey key{dose.item_id, dose.planned};
        if (answered(key)) {
            continue;
        }
        Seconds distance = dose.planned > at ? dose.planned - at : at - dose.planned;
        if (!nearest || distance < nearest_distance) {  // a tie goes to the earlier dose
            nearest = Target{key, dose.amount};
            nearest_distance = distance;
        }
    }
    if (!nearest) {
        return nothing_due("No dose of '" + item.id + "' near " + local_text(*regimen_, at) +
                           " is left to confirm");
    }
    return *nearest;
}

Answer DoseTracker::resolve_dose(const Target& target, HistoryEvent event, DoseState state) {
    Answer answer;
    answer.dose = target.key;
    resolved_[target.key] = Resolved{state, event.at};
    if (open_.erase(target.key) > 0) {
        answer.effects.closed.push_back(target.key);
    }
    answer.effects.events.push_back(std::move(event));
    return answer;
}

AnswerResult DoseTracker::confirm(std::string_view item_text, std::optional<Instant> at,
                                  Instant now) {
    auto item_result = answerable_item(item_text);
    if (auto* failure = std::get_if<DoseFailure>(&item_result)) {
        return *failure;
    }
    const Item& item = *std::get<const Item*>(item_result);
    if (at && *at > now + kFutureTolerance) {
        return invalid_argument("The time a dose was taken cannot be in the future (" +
                                local_text(*regimen_, *at) + ")");
    }
    if (at && *at < now - kRetention) {
        return invalid_argument("A dose can be confirmed at most " + format_duration(kRetention) +
                                " back, not at " + local_text(*regimen_, *at));
    }
    auto target = at ? nearest_dose(item, *at, now) : current_dose(item, now);
    if (auto* failure = std::get_if<DoseFailure>(&target)) {
        return *failure;
    }
    const Target& dose = std::get<Target>(target);
    Instant taken_at = at ? std::min(*at, now) : now;
    return resolve_dose(
        dose, make_event(dose.key, EventKind::Taken, taken_at, {}, amount_text(dose.amount)),
        DoseState::Taken);
}

AnswerResult DoseTracker::skip(std::string_view item_text, const std::string& reason, Instant now) {
    auto item_result = answerable_item(item_text);
    if (auto* failure = std::get_if<DoseFailure>(&item_result)) {
        return *failure;
    }
    auto target = current_dose(*std::get<const Item*>(item_result), now);
    if (auto* failure = std::get_if<DoseFailure>(&target)) {
        return *failure;
    }
    const Target& dose = std::get<Target>(target);
    return resolve_dose(dose, make_event(dose.key, EventKind::Skipped, now, reason),
                        DoseState::Skipped);
}

AnswerResult DoseTracker::snooze(std::string_view item_text, std::optional<Seconds> length,
                                 Instant now) {
    auto item_result = answerable_item(item_text);
    if (auto* failure = std::get_if<DoseFailure>(&item_result)) {
        return *failure;
    }
    const Item& item = *std::get<const Item*>(item_result);
    Seconds snooze_length = length.value_or(item.reminders.snooze);
    if (snooze_length < kSecond || snooze_length > kLongestSnooze) {
        return invalid_argument("A snooze lasts from 1s to " + format_duration(kLongestSnooze) +
                                ", not " + std::to_string(snooze_length.count()) + "s");
    }
    auto target = oldest_open(item);
    if (!target) {
        return nothing_due("No dose of '" + item.id + "' is due: only a due dose can be snoozed");
    }
    OpenDose& open = open_.at(target->key);
    open.next_reminder = now + snooze_length;
    open.snoozed = true;

    Answer answer;
    answer.dose = target->key;
    answer.until = open.next_reminder;
    answer.effects.events.push_back(
        make_event(target->key, EventKind::Snoozed, now, format_duration(snooze_length)));
    // The reminder leaves the screen until the snooze ends; it comes back replacing nothing.
    answer.effects.closed.push_back(target->key);
    return answer;
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
