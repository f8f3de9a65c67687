#include "core/diary.hpp"

#include <algorithm>

namespace regimend {
namespace {

DoseFailure invalid_argument(std::string message) {
    return DoseFailure{DoseError::InvalidArgument, std::move(message)};
}

}  // namespace

std::optional<DoseFailure> future_time_failure(const Regimen& regimen, Instant at, Instant now) {
    if (at <= now + kFutureTolerance) {
        return std::nullopt;
    }
    const auto& zone = zone_of(regimen);
    return invalid_argument(
        "The time cannot be in the future: " + format_date_hh_mm(to_local(zone, at)) + " (" +
        zone.name() + ") is after now, " + format_hh_mm(to_local(zone, now)));
}

std::variant<const Item*, DoseFailure> as_needed_item(const Regimen& regimen,
                                                      std::string_view item_text) {
    std::string why;
    const Item* item = regimen.resolve(item_text, &why);
    if (item == nullptr) {
        return DoseFailure{DoseError::UnknownItem,
                           why.empty() ? "No item '" + std::string(item_text) + "'" : why};
    }
    if (!item->as_needed) {
        return invalid_argument("'" + item->id +
                                "' is a scheduled item: confirm its dose with `regimenctl take " +
                                item->id + "`; `regimenctl log` records as-needed items only");
    }
    return item;
}

std::optional<DoseFailure> symptom_failure(const Regimen& regimen, std::string_view kind,
                                           int severity) {
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
    return static_cast<int>(std::count_if(events.begin(), events.end(), [&](const auto& event) {
        return event.kind == EventKind::AsNeeded && event.item == item_id &&
               local_date(zone, event.at) == day;
    }));
}

std::optional<std::string> max_per_day_note(const Item& item, int uses, LocalDate day) {
    if (!item.max_per_day || uses <= *item.max_per_day) {
        return std::nullopt;
    }
    return "for information: " + item.id + " was logged " + std::to_string(uses) + " times on " +
           format_date(day) + ", above its max_per_day of " + std::to_string(*item.max_per_day);
}

}  // namespace regimend
