// Answers to a due dose: which dose `take`, `skip` and `snooze` apply to, and the result.
#include <algorithm>

#include "core/diary.hpp"
#include "core/doses.hpp"
#include "core/doses_detail.hpp"
#include "core/i18n.hpp"
#include "core/notice_text.hpp"

namespace regimend {
namespace {

using doses_detail::kSecond;
using doses_detail::local_text;
using doses_detail::make_event;

std::string amount_text(const std::optional<Amount>& amount) {
    return amount ? amount->text : std::string{};
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

Error nothing_due(std::string message) {
    return Error{ErrorKind::NothingDue, std::move(message)};
}

Error invalid_argument(std::string message) {
    return Error{ErrorKind::InvalidArgument, std::move(message)};
}

// "today's 21:30 dose", "yesterday's 21:30 dose", "tomorrow's 07:00 dose", else "the
// 2026-11-20 21:30 dose".
std::string dose_day_and_clock(const Regimen& regimen, Instant planned, Instant now) {
    const auto& zone = zone_of(regimen);
    const auto days_apart =
        (date::sys_days{local_date(zone, planned)} - date::sys_days{local_date(zone, now)}).count();
    const std::string clock = format_hh_mm(to_local(zone, planned));
    switch (days_apart) {
        case 0:
            return fill(_("today's {} dose"), {clock});
        case -1:
            return fill(_("yesterday's {} dose"), {clock});
        case 1:
            return fill(_("tomorrow's {} dose"), {clock});
        default:
            return fill(_("the {} dose"), {local_text(regimen, planned)});
    }
}

std::optional<Error> snooze_length_failure(Seconds length, bool item_setting) {
    if (length >= kSecond && length <= kLongestSnooze) {
        return std::nullopt;
    }
    return invalid_argument(fill(
        item_setting ? _("A snooze lasts from 1s to {0}, not {1} (the item's `snooze` setting)")
                     : _("A snooze lasts from 1s to {0}, not {1}"),
        {format_duration(kLongestSnooze), format_duration(length)}));
}

}  // namespace

DoseTracker::ItemResult DoseTracker::answerable_item(std::string_view item_text) const {
    std::string error;
    const Item* item = regimen_->resolve(item_text, &error);
    if (!item) {
        return Error{ErrorKind::UnknownItem, error};
    }
    if (item->as_needed) {
        return invalid_argument(fill(
            _("'{0}' is taken as needed: record a use with `regimenctl log {0}`"), {item->id}));
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
    std::string message = fill(_("No dose of '{}' is due"), {item.id});
    // The most recent dose went missed: the user most likely took it late.
    std::optional<DoseKey> last_missed;
    for (auto it = resolved_.lower_bound(DoseKey{item.id, Instant::min()});
         it != resolved_.end() && it->first.item_id == item.id; ++it) {
        if (it->second.state == DoseState::Missed && it->first.planned <= now) {
            last_missed = it->first;
        }
    }
    if (last_missed) {
        // TRANSLATORS: continues "No dose of 'x' is due"; {0} is "yesterday's 21:30 dose".
        message += fill(_("; {0} was missed: if you took it, say when, e.g. `{1}`"),
                        {dose_day_and_clock(*regimen_, last_missed->planned, now),
                         take_command(*regimen_, *last_missed, now)});
    }
    auto next = next_item_dose(*regimen_, item, to);
    if (next) {
        // TRANSLATORS: continues "No dose of 'x' is due".
        message += fill(_(", and the next one is at {0} (more than {1} ahead)"),
                        {local_text(*regimen_, next->planned), format_duration(ahead)});
    } else {
        message += _(", and none is planned");
    }
    return nothing_due(message);
}

DoseTracker::TargetResult DoseTracker::nearest_dose(const Item& item, Instant at,
                                                    Instant now) const {
    // Only tracked doses within missed_after of `at`: a dose further away is another day's,
    // and a dose planned before tracking began was never reminded to anyone.
    const Seconds reach = item.reminders.missed_after;
    const Instant from = std::max(at - reach, tracking_since_);
    const Instant to = std::min(at + reach, now + reach) + kSecond;
    std::optional<Target> nearest;
    Seconds nearest_distance{};
    if (from < to) {
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
    }
    if (!nearest) {
        return nothing_due(why_nothing_near(item, at, now));
    }
    return *nearest;
}

std::optional<DoseState> DoseTracker::known_state(const DoseKey& key) const {
    if (auto open = open_.find(key); open != open_.end()) {
        return open->second.snoozed ? DoseState::Snoozed : DoseState::Due;
    }
    if (auto resolved = resolved_.find(key); resolved != resolved_.end()) {
        return resolved->second.state;
    }
    return std::nullopt;
}

std::string DoseTracker::why_nothing_near(const Item& item, Instant at, Instant now) const {
    const Seconds reach = item.reminders.missed_after;
    const std::string message = fill(_("No dose of '{0}' near {1} is left to confirm"),
                                     {item.id, local_text(*regimen_, at)});
    // The nearest planned dose, whatever its state, within two days either side.
    const Seconds look{2LL * 86400};
    std::optional<Instant> nearest;
    for (auto& dose : plan_item(*regimen_, item, at - look, at + look + kSecond)) {
        auto distance = [&](Instant planned) { return planned > at ? planned - at : at - planned; };
        if (!nearest || distance(dose.planned) < distance(*nearest)) {
            nearest = dose.planned;
        }
    }
    if (!nearest) {
        return fill(_("{}: none is planned within two days of it"), {message});
    }
    const DoseKey key{item.id, *nearest};
    const std::string dose = dose_day_and_clock(*regimen_, *nearest, now);
    const Seconds distance = *nearest > at ? *nearest - at : at - *nearest;
    if (distance > reach) {
        return fill(_("{0}: the nearest, {1}, is more than {2} (its missed_after) away"),
                    {message, dose, format_duration(reach)});
    }
    if (*nearest < tracking_since_) {
        return fill(_("{0}: {1} was planned before regimend began tracking ({2}), so it has no "
                      "record to confirm"),
                    {message, dose, local_text(*regimen_, tracking_since_)});
    }
    const auto state = known_state(key);
    if (state == DoseState::Taken) {
        return fill(_("{0}: {1} is already taken (`regimenctl undo {2}` takes that back)"),
                    {message, dose, item.id});
    }
    if (state == DoseState::Skipped) {
        return fill(_("{0}: {1} is already skipped (`regimenctl undo {2}` takes that back)"),
                    {message, dose, item.id});
    }
    if (*nearest > now + reach) {
        return fill(_("{0}: {1} is more than {2} ahead"), {message, dose, format_duration(reach)});
    }
    return message;
}

Answer DoseTracker::resolve_dose(const Target& target, HistoryEvent event, DoseState state) {
    Answer answer;
    answer.dose = target.key;
    auto previous = resolved_.find(target.key);
    const bool missed_recorded = previous != resolved_.end() && previous->second.missed_recorded;
    resolved_[target.key] = Resolved{state, event.at, missed_recorded, ++answers_};
    if (open_.erase(target.key) > 0) {
        answer.effects.closed.push_back(target.key);
    }
    answer.effects.events.push_back(std::move(event));
    return answer;
}

AnswerResult DoseTracker::confirm(std::string_view item_text, std::optional<Instant> at,
                                  Instant now, std::optional<Amount> amount) {
    auto item_result = answerable_item(item_text);
    if (auto* failure = std::get_if<Error>(&item_result)) {
        return *failure;
    }
    const Item& item = *std::get<const Item*>(item_result);
    if (at) {
        if (auto failure = future_time_failure(*regimen_, *at, now)) {
            return *failure;
        }
    }
    if (at && *at < now - kRetention) {
        return invalid_argument(fill(_("A dose can be confirmed at most {0} back, not at {1}"),
                                     {format_duration(kRetention), local_text(*regimen_, *at)}));
    }
    auto target = at ? nearest_dose(item, *at, now) : current_dose(item, now);
    if (auto* failure = std::get_if<Error>(&target)) {
        return *failure;
    }
    const Target& dose = std::get<Target>(target);
    Instant taken_at = at ? std::min(*at, now) : now;
    HistoryEvent event = make_event(dose.key, EventKind::Taken, taken_at, {},
                                    amount ? amount->text : amount_text(dose.amount));
    event.amount_recorded = amount.has_value();
    return resolve_dose(dose, std::move(event), DoseState::Taken);
}

AnswerResult DoseTracker::skip(std::string_view item_text, const std::string& reason, Instant now) {
    auto item_result = answerable_item(item_text);
    if (auto* failure = std::get_if<Error>(&item_result)) {
        return *failure;
    }
    auto target = current_dose(*std::get<const Item*>(item_result), now);
    if (auto* failure = std::get_if<Error>(&target)) {
        return *failure;
    }
    const Target& dose = std::get<Target>(target);
    return resolve_dose(dose, make_event(dose.key, EventKind::Skipped, now, reason),
                        DoseState::Skipped);
}

AnswerResult DoseTracker::snooze(std::string_view item_text, std::optional<Seconds> length,
                                 Instant now) {
    auto item_result = answerable_item(item_text);
    if (auto* failure = std::get_if<Error>(&item_result)) {
        return *failure;
    }
    const Item& item = *std::get<const Item*>(item_result);
    Seconds snooze_length = length.value_or(item.reminders.snooze);
    if (auto failure = snooze_length_failure(snooze_length, !length)) {
        return *failure;
    }
    auto target = oldest_open(item);
    if (!target) {
        return nothing_due(
            fill(_("No dose of '{}' is due: only a due dose can be snoozed"), {item.id}));
    }
    return snooze_target(*target, snooze_length, now);
}

AnswerResult DoseTracker::snooze_target(const Target& target, Seconds length, Instant now) {
    OpenDose& open = open_.at(target.key);
    open.next_reminder = now + length;
    open.snoozed = true;

    Answer answer;
    answer.dose = target.key;
    answer.until = open.next_reminder;
    answer.effects.events.push_back(
        make_event(target.key, EventKind::Snoozed, now, format_duration(length)));
    // The reminder leaves the screen until the snooze ends; it comes back replacing nothing.
    answer.effects.closed.push_back(target.key);
    return answer;
}

DoseTracker::TargetResult DoseTracker::open_target(const DoseKey& dose) const {
    const auto open = open_.find(dose);
    if (open == open_.end() || regimen_->find(dose.item_id) == nullptr) {
        return nothing_due(fill(_("The dose of '{0}' planned {1} is no longer due"),
                                {dose.item_id, local_text(*regimen_, dose.planned)}));
    }
    return Target{open->first, open->second.amount};
}

AnswerResult DoseTracker::confirm_open(const DoseKey& dose, Instant now) {
    auto target = open_target(dose);
    if (auto* failure = std::get_if<Error>(&target)) {
        return *failure;
    }
    const Target& found = std::get<Target>(target);
    return resolve_dose(found,
                        make_event(found.key, EventKind::Taken, now, {}, amount_text(found.amount)),
                        DoseState::Taken);
}

AnswerResult DoseTracker::skip_open(const DoseKey& dose, const std::string& reason, Instant now) {
    auto target = open_target(dose);
    if (auto* failure = std::get_if<Error>(&target)) {
        return *failure;
    }
    const Target& found = std::get<Target>(target);
    return resolve_dose(found, make_event(found.key, EventKind::Skipped, now, reason),
                        DoseState::Skipped);
}

AnswerResult DoseTracker::snooze_open(const DoseKey& dose, Instant now) {
    auto target = open_target(dose);
    if (auto* failure = std::get_if<Error>(&target)) {
        return *failure;
    }
    const Seconds length = regimen_->find(dose.item_id)->reminders.snooze;
    if (auto failure = snooze_length_failure(length, true)) {
        return *failure;
    }
    return snooze_target(std::get<Target>(target), length, now);
}

AnswerResult DoseTracker::undo(std::string_view item_text, Instant now) {
    std::string error;
    const Item* item = regimen_->resolve(item_text, &error);
    if (!item) {
        return Error{ErrorKind::UnknownItem, error};
    }
    // The item's most recent answer still within reach of a confirmation.
    std::optional<DoseKey> last;
    std::uint64_t last_order = 0;
    for (auto it = resolved_.lower_bound(DoseKey{item->id, Instant::min()});
         it != resolved_.end() && it->first.item_id == item->id; ++it) {
        const Resolved& outcome = it->second;
        if (outcome.state == DoseState::Missed || outcome.at < now - kRetention) {
            continue;
        }
        if (!last || outcome.order > last_order) {
            last = it->first;
            last_order = outcome.order;
        }
    }
    if (!last) {
        return Error{ErrorKind::NothingToUndo,
                     fill(_("No taken or skipped dose of '{0}' in the last {1} to take back"),
                          {item->id, format_duration(kRetention)})};
    }
    const DoseKey key = *last;
    const Resolved outcome = resolved_.at(key);
    Answer answer;
    answer.dose = key;
    answer.effects.events.push_back(
        make_event(key, EventKind::Undone, now, std::string(to_string(outcome.state))));
    resolved_.erase(key);

    const auto& policy = item->reminders;
    const Instant missed_at = key.planned + policy.missed_after;
    if (now >= missed_at) {
        resolved_[key] = Resolved{DoseState::Missed, missed_at, true, 0};
        if (!outcome.missed_recorded) {
            answer.effects.events.push_back(make_event(key, EventKind::Missed, missed_at));
        }
    } else if (key.planned <= std::max(now, horizon_)) {
        // Its time has come: due again, reminded at once and then per its policy. The `due`
        // event lets a restart find it open.
        const bool critical = now >= key.planned + policy.escalate_after;
        OpenDose open;
        open.next_reminder = now + policy.repeat_every;
        open.escalated = critical;
        open.shown = true;
        open.amount = planned_amount(key);
        open_.emplace(key, open);
        answer.effects.events.push_back(make_event(key, EventKind::Due, now));
        answer.effects.became_due.push_back(key);
        answer.effects.reminders.push_back(
            Reminder{key, critical ? Urgency::Critical : Urgency::Normal, false});
        if (critical) {
            answer.effects.escalated.push_back(key);
        }
    }
    // Otherwise it was answered early and is upcoming again: advance() reminds it on time.
    return answer;
}

}  // namespace regimend
