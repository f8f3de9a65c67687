#include "core/diary.hpp"

#include <algorithm>

#include "core/parse_reader.hpp"
#include "core/parse_values.hpp"

namespace regimend {
namespace {

Error invalid_argument(std::string message) {
    return Error{ErrorKind::InvalidArgument, std::move(message)};
}

}  // namespace

std::optional<Error> note_failure(std::string_view note, std::string_view what) {
    if (auto problem = text_problem(note, kMaxNoteCharacters, /*newlines=*/true)) {
        return invalid_argument("The " + std::string(what) + " " + *problem);
    }
    return std::nullopt;
}

std::optional<Error> future_time_failure(const Regimen& regimen, Instant at, Instant now) {
    if (at <= now + kFutureTolerance) {
        return std::nullopt;
    }
    const auto& zone = zone_of(regimen);
    return invalid_argument(
        "The time cannot be in the future: " + format_date_hh_mm(to_local(zone, at)) + " (" +
        zone.name() + ") is after now, " + format_hh_mm(to_local(zone, now)));
}

Result<const Item*> as_needed_item(const Regimen& regimen, std::string_view item_text) {
    std::string why;
    const Item* item = regimen.resolve(item_text, &why);
    if (item == nullptr) {
        return Error{ErrorKind::UnknownItem,
                     why.empty() ? "No item '" + std::string(item_text) + "'" : why};
    }
    if (!item->as_needed) {
        return invalid_argument("'" + item->id +
                                "' is a scheduled item: confirm its dose with `regimenctl take " +
                                item->id + "`; `regimenctl log` records as-needed items only");
    }
    return item;
}

std::optional<Error> symptom_failure(const Regimen& regimen, std::string_view kind, int severity) {
    const auto& kinds = regimen.symptoms;
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        std::string known;
        for (const auto& name : kinds) {
            known += (known.empty() ? "" : ", ") + name;
        }
        return invalid_argument("'" + std::string(kind) + "' is not a symptom kind of " +
                                regimen.file +
                                (known.empty() ? " (it lists none: add `symptoms: [...]`)"
                                               : " (known: " + known + ")"));
    }
    if (severity < 0 || severity > kMaxSeverity) {
        return invalid_argument("The severity is a whole number from 0 to " +
                                std::to_string(kMaxSeverity) + ", not " + std::to_string(severity));
    }
    return std::nullopt;
}

int as_needed_uses_on_day(const Regimen& regimen, const std::vector<HistoryEvent>& events,
                          const std::string& item_id, Instant day_of) {
    const auto& zone = zone_of(regimen);
    const LocalDate day = local_date(zone, day_of);
    const auto standing = standing_events(events);
    return static_cast<int>(std::count_if(standing.begin(), standing.end(), [&](const auto& event) {
        return event.kind == EventKind::AsNeeded && event.item == item_id &&
               local_date(zone, event.at) == day;
    }));
}

Result<Amount> taken_amount(const Item& item, std::string_view text) {
    auto parsed = parse_amount(text);
    if (!parsed.value) {
        return invalid_argument("The amount " + parsed.error);
    }
    Amount amount = std::move(*parsed.value);
    const auto first = amount.text.find_first_not_of(" \t");
    amount.text = amount.text.substr(first, amount.text.find_last_not_of(" \t") + 1 - first);
    if (!item.amount) {
        return invalid_argument("'" + item.id +
                                "' has no `amount` in the regimen to measure what was taken "
                                "against: add one (\"amount: 300 mg\") or leave out --amount");
    }
    const bool both_masses = milligrams(amount).has_value() && milligrams(*item.amount).has_value();
    if (!both_masses && amount.unit != item.amount->unit) {
        return invalid_argument("The amount \"" + amount.text + "\" is not in the unit of '" +
                                item.id + "' (" + item.amount->text + "): give it in " +
                                (milligrams(*item.amount) ? "mg, g, mcg, ..." : item.amount->unit));
    }
    return amount;
}

Result<UndoTarget> undo_target(const Regimen& regimen, std::string_view name) {
    const auto& kinds = regimen.symptoms;
    const auto is_kind = [&](std::string_view kind) {
        return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    };
    constexpr std::string_view kSymptomPrefix = "symptom:";
    if (name.starts_with(kSymptomPrefix)) {
        const auto kind = name.substr(kSymptomPrefix.size());
        if (!is_valid_symptom_kind(kind)) {
            return invalid_argument("'" + std::string(kind) + "' is not a symptom kind");
        }
        return UndoTarget{UndoTarget::Kind::Symptom, std::string(kind)};
    }
    const auto item_target = [](const Item& item) {
        return UndoTarget{item.as_needed ? UndoTarget::Kind::AsNeeded : UndoTarget::Kind::Dose,
                          item.id};
    };
    if (const Item* exact = regimen.find(name)) {
        return item_target(*exact);
    }
    if (is_kind(name)) {
        return UndoTarget{UndoTarget::Kind::Symptom, std::string(name)};
    }
    std::string why;
    if (const Item* prefixed = regimen.resolve(name, &why)) {
        return item_target(*prefixed);
    }
    return Error{ErrorKind::UnknownItem,
                 why.starts_with("No item")
                     ? "No item or symptom kind '" + std::string(name) + "' in " + regimen.file
                     : why};
}

Result<HistoryEvent> undo_entry(const Regimen&, const UndoTarget& target,
                                const std::vector<HistoryEvent>& recent, Instant now) {
    const EventKind kind =
        target.kind == UndoTarget::Kind::Symptom ? EventKind::Symptom : EventKind::AsNeeded;
    const auto standing = standing_events(recent);
    const HistoryEvent* last = nullptr;
    for (const auto& event : standing) {
        if (event.kind == kind && event.item == target.name &&
            event.at >= now - DoseTracker::kRetention && event.at <= now + kFutureTolerance &&
            (last == nullptr || event.at >= last->at)) {
            last = &event;
        }
    }
    if (last == nullptr) {
        const std::string what = kind == EventKind::Symptom
                                     ? "No '" + target.name + "' symptom entry"
                                     : "No logged dose of '" + target.name + "'";
        return Error{
            ErrorKind::NothingToUndo,
            what + " in the last " + format_duration(DoseTracker::kRetention) + " to take back"};
    }
    HistoryEvent undone;
    undone.item = last->item;
    undone.kind = EventKind::Undone;
    undone.at = last->at;
    undone.note = std::string(to_string(kind));
    undone.severity = last->severity;
    undone.amount = last->amount;
    return undone;
}

std::optional<std::string> min_interval_refusal(const Regimen& regimen, const Item& item,
                                                const std::vector<HistoryEvent>& events,
                                                Instant at) {
    if (!item.min_interval) {
        return std::nullopt;
    }
    const Seconds gap = *item.min_interval;
    const HistoryEvent* before = nullptr;  // the latest use at or before `at`, too close
    const HistoryEvent* after = nullptr;   // the earliest use after `at`, too close
    const auto standing = standing_events(events);
    for (const auto& event : standing) {
        if (event.kind != EventKind::AsNeeded || event.item != item.id) {
            continue;
        }
        if (event.at <= at && at - event.at < gap) {
            if (before == nullptr || event.at > before->at) {
                before = &event;
            }
        } else if (event.at > at && event.at - at < gap) {
            if (after == nullptr || event.at < after->at) {
                after = &event;
            }
        }
    }
    const auto& zone = zone_of(regimen);
    const auto text = [&](Instant instant) { return format_date_hh_mm(to_local(zone, instant)); };
    if (before != nullptr) {
        return "'" + item.id + "' was last used at " + text(before->at) + "; its min_interval is " +
               format_duration(gap) + ", so the next use is allowed from " +
               text(before->at + gap) + " (" + zone.name() +
               "); `regimenctl log --force` records it anyway";
    }
    if (after != nullptr) {
        return "'" + item.id + "' was used at " + text(after->at) +
               ", less than its min_interval of " + format_duration(gap) + " after " + text(at) +
               " (" + zone.name() + "); `regimenctl log --force` records it anyway";
    }
    return std::nullopt;
}

std::optional<std::string> max_per_day_note(const Item& item, int uses, LocalDate day) {
    if (!item.max_per_day || uses <= *item.max_per_day) {
        return std::nullopt;
    }
    return "for information: " + item.id + " was logged " + std::to_string(uses) + " times on " +
           format_date(day) + ", above its max_per_day of " + std::to_string(*item.max_per_day);
}

}  // namespace regimend
