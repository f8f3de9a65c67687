#include "core/event.hpp"

#include <array>
#include <utility>

namespace regimend {
namespace {

constexpr std::array<std::pair<EventKind, std::string_view>, 10> kNames{{
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
}};

}  // namespace

std::string_view to_string(EventKind kind) {
    for (const auto& [candidate, name] : kNames) {
        if (candidate == kind) {
            return name;
        }
    }
    return "unknown";
}

std::optional<EventKind> event_kind_from_string(std::string_view text) {
    for (const auto& [kind, name] : kNames) {
        if (name == text) {
            return kind;
        }
    }
    return std::nullopt;
}

}  // namespace regimend
