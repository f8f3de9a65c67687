#include "core/event.hpp"

#include <array>
#include <map>
#include <tuple>
#include <utility>

#include "core/name_table.hpp"

namespace regimend {
namespace {

constexpr NameTable<EventKind, 12> kNames{{
    {EventKind::Due, "due"},
    {EventKind::Taken, "taken"},
    {EventKind::Skipped, "skipped"},
    {EventKind::Missed, "missed"},
    {EventKind::Snoozed, "snoozed"},
    {EventKind::AsNeeded, "as_needed"},
    {EventKind::Symptom, "symptom"},
    {EventKind::Undone, "undone"},
    {EventKind::Refill, "refill"},
    {EventKind::Stock, "stock"},
    {EventKind::Paused, "paused"},
    {EventKind::Resumed, "resumed"},
}};

}  // namespace

std::string_view to_string(EventKind kind) {
    return name_of(kNames, kind).value_or("unknown");
}

std::optional<EventKind> event_kind_from_string(std::string_view text) {
    return value_named(kNames, text);
}

std::vector<bool> standing_mask(const std::vector<const HistoryEvent*>& events) {
    std::vector<bool> stands(events.size(), true);
    // What an `undone` can take back, by what it names: the entry's kind, its item and its
    // instant (the planned one of a dose, `at` of a diary entry); the indices in order.
    using Key = std::tuple<EventKind, std::string_view, Instant>;
    std::map<Key, std::vector<std::size_t>> open;
    for (std::size_t index = 0; index < events.size(); ++index) {
        const HistoryEvent& event = *events[index];
        switch (event.kind) {
            case EventKind::Taken:
            case EventKind::Skipped:
                if (event.planned) {
                    open[Key{event.kind, event.item, *event.planned}].push_back(index);
                }
                break;
            case EventKind::AsNeeded:
            case EventKind::Symptom:
                open[Key{event.kind, event.item, event.at}].push_back(index);
                break;
            case EventKind::Undone: {
                stands[index] = false;
                const auto cancelled = event_kind_from_string(event.note);
                if (!cancelled) {
                    break;
                }
                const bool dose =
                    *cancelled == EventKind::Taken || *cancelled == EventKind::Skipped;
                if (dose && !event.planned) {
                    break;
                }
                auto found =
                    open.find(Key{*cancelled, event.item, dose ? *event.planned : event.at});
                if (found != open.end() && !found->second.empty()) {
                    stands[found->second.back()] = false;
                    found->second.pop_back();
                }
                break;
            }
            default:
                break;
        }
    }
    return stands;
}

std::vector<HistoryEvent> standing_events(const std::vector<HistoryEvent>& events) {
    std::vector<const HistoryEvent*> pointers;
    pointers.reserve(events.size());
    for (const auto& event : events) {
        pointers.push_back(&event);
    }
    const auto stands = standing_mask(pointers);
    std::vector<HistoryEvent> result;
    result.reserve(events.size());
    for (std::size_t index = 0; index < events.size(); ++index) {
        if (stands[index]) {
            result.push_back(events[index]);
        }
    }
    return result;
}

}  // namespace regimend
