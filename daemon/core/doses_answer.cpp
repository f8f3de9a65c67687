// Answers to a due dose: which dose `take`, `skip` and `snooze` apply to, and the result.
#include <algorithm>

#include "core/doses.hpp"
#include "core/doses_detail.hpp"

namespace regimend {
namespace {

using doses_detail::kSecond;
using doses_detail::local_text;
using doses_detail::make_event;

// A confirmation stamped slightly ahead of the daemon's clock (another machine's CLI, a
// rounding) is still believed; further ahead it is a mistake.
constexpr Seconds kFutureTolerance{60};
constexpr Seconds kLongestSnooze{24 * 3600};

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

DoseFailure nothing_due(std::string message) {
    return DoseFailure{DoseError::NothingDue, std::move(message)};
}

DoseFailure invalid_argument(std::string message) {
    return DoseFailure{DoseError::InvalidArgument, std::move(message)};
}

}  // namespace

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

}  // namespace regimend
