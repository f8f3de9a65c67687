// Helpers shared by the dose state machine's two source files (doses.cpp: the life cycle,
// doses_answer.cpp: confirm, skip and snooze). Internal to the core; not for other modules.
#pragma once

#include <optional>
#include <string>

#include "core/doses.hpp"

namespace regimend::doses_detail {

inline constexpr Seconds kSecond{1};

// "2026-11-20 21:30" in the regimen's zone, for messages.
std::string local_text(const Regimen& regimen, Instant instant);
HistoryEvent make_event(const DoseKey& key, EventKind kind, Instant at, std::string note = {},
                        std::string amount = {});

}  // namespace regimend::doses_detail
