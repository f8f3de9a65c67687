#include "core/diary.hpp"
#include "core/i18n.hpp"

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
        // TRANSLATORS: {0} is "note" or "reason"; {1} what is wrong ("contains ...", "is ...").
        return invalid_argument(fill(_("The {0} {1}"), {translated(what), *problem}));
    }
    return std::nullopt;
}

std::optional<Error> future_time_failure(const Regimen& regimen, Instant at, Instant now) {
    if (at <= now + kFutureTolerance) {
        return std::nullopt;
    }
    const auto& zone = zone_of(regimen);
    return invalid_argument(fill(
        _("The time cannot be in the future: {0} ({1}) is after now, {2}"),
        {format_date_hh_mm(to_local(zone, at)), zone.name(), format_hh_mm(to_local(zone, now))}));
}

Result<const Item*> as_needed_item(const Regimen& regimen, std::string_view item_text) {
    std::string why;
    const Item* item = regimen.resolve(item_text, &why);
    if (item == nullptr) {
        return Error{ErrorKind::UnknownItem,
                     why.empty() ? fill(_("No item '{}'"), {item_text}) : why};
    }
    if (!item->as_needed) {
        return invalid_argument(fill(_("'{0}' is a scheduled item: confirm its dose with "
                                       "`regimenctl take {0}`; `regimenctl log` records as-needed "
                                       "items only"),
                                     {item->id}));
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
        return invalid_argument(
            known.empty()
                ? fill(_("'{0}' is not a symptom kind of {1} (it lists none: add `symptoms: "
                         "[...]`)"),
                       {kind, regimen.file})
                : fill(_("'{0}' is not a symptom kind of {1} (known: {2})"),
                       {kind, regimen.file, known}));
    }
    if (severity < 0 || severity > kMaxSeverity) {
        return invalid_argument(fill(_("The severity is a whole number from 0 to {0}, not {1}"),
                                     {std::to_string(kMaxSeverity), std::to_string(severity)}));
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
        // TRANSLATORS: {} is what is wrong with the amount ("must be ...").
        return invalid_argument(fill(_("The amount {}"), {parsed.error}));
    }
    Amount amount = std::move(*parsed.value);
    const auto first = amount.text.find_first_not_of(" \t");
    amount.text = amount.text.substr(first, amount.text.find_last_not_of(" \t") + 1 - first);
    if (!item.amount) {
        return invalid_argument(fill(_("'{}' has no `amount` in the regimen to measure what was "
                                       "taken against: add one (\"amount: 300 mg\") or leave out "
                                       "--amount"),
                                     {item.id}));
    }
    const bool both_masses = milligrams(amount).has_value() && milligrams(*item.amount).has_value();
    if (!both_masses && amount.unit != item.amount->unit) {
        return invalid_argument(
            fill(_("The amount \"{0}\" is not in the unit of '{1}' ({2}): give it in {3}"),
                 {amount.text, item.id, item.amount->text,
                  milligrams(*item.amount) ? "mg, g, mcg, ..." : item.amount->unit}));
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
            return invalid_argument(fill(_("'{}' is not a symptom kind"), {kind}));
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
    const bool no_match = why == fill(_("No item '{0}' in {1}"), {name, regimen.file});
    return Error{
        ErrorKind::UnknownItem,
        no_match ? fill(_("No item or symptom kind '{0}' in {1}"), {name, regimen.file}) : why};
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
        const std::string retention = format_duration(DoseTracker::kRetention);
        return Error{ErrorKind::NothingToUndo,
                     kind == EventKind::Symptom
                         ? fill(_("No '{0}' symptom entry in the last {1} to take back"),
                                {target.name, retention})
                         : fill(_("No logged dose of '{0}' in the last {1} to take back"),
                                {target.name, retention})};
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
        // TRANSLATORS: keep "; `regimenctl log --force` ..." as the last clause: a forced log
        // quotes the message without it.
        return fill(
            _("'{0}' was last used at {1}; its min_interval is {2}, so the next use is "
              "allowed from {3} ({4}); `regimenctl log --force` records it anyway"),
            {item.id, text(before->at), format_duration(gap), text(before->at + gap), zone.name()});
    }
    if (after != nullptr) {
        return fill(_("'{0}' was used at {1}, less than its min_interval of {2} after {3} ({4}); "
                      "`regimenctl log --force` records it anyway"),
                    {item.id, text(after->at), format_duration(gap), text(at), zone.name()});
    }
    return std::nullopt;
}

std::optional<std::string> max_per_day_note(const Item& item, int uses, LocalDate day) {
    if (!item.max_per_day || uses <= *item.max_per_day) {
        return std::nullopt;
    }
    return fill(
        P_("for information: {0} was logged {1} time on {2}, above its max_per_day of {3}",
           "for information: {0} was logged {1} times on {2}, above its max_per_day of {3}", uses),
        {item.id, std::to_string(uses), format_reader_date(day),
         std::to_string(*item.max_per_day)});
}

}  // namespace regimend
