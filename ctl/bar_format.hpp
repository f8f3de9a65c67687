// `regimenctl bar`: what a status bar shows, as a pure function of a snapshot of the
// daemon's state and `now` (no bus, no clock), so every format is unit-tested with literal
// instants (tests/unit/test_ctl_bar_format.cpp). ctl/verbs/bar.cpp takes the snapshots.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace regimenctl {

enum class BarFormat { Waybar, I3blocks, Plain };

struct BarDose {
    std::string item;
    std::string name;
    regimend::Instant planned;
    std::string state;  // upcoming, due, snoozed, taken, skipped, missed
    std::optional<regimend::Instant> acted_at;
};

struct BarSnapshot {
    bool online = false;
    std::string offline_reason;  // why, when !online
    // The dose that matters now: the oldest due (or snoozed) one, else the next upcoming
    // one; nullopt when nothing is planned.
    std::optional<BarDose> focus;
    // Further doses due with the focus one (the text says "+N").
    int more_due = 0;
    // When the focus dose's reminder turns critical (planned + escalate_after), if known.
    std::optional<regimend::Instant> escalates_at;
    // When another due dose's reminder turns critical (then the bar shows that one).
    std::optional<regimend::Instant> other_escalates_at;
    std::vector<BarDose> today;          // the tooltip's list, in time order
    std::vector<std::string> low_stock;  // item ids (LowStock)
};

// The primary class: due, critical, upcoming, none or offline.
std::string bar_class(const BarSnapshot& snapshot, regimend::Instant now);

// One line, without the newline, in `format` ("glycinate-pm 21:30" for an upcoming dose in
// plain; a JSON object for waybar and i3blocks). Times are absolute, in `zone`, with the
// weekday when not on now's local date, so the line never needs a countdown.
std::string render_bar(const BarSnapshot& snapshot, regimend::Instant now,
                       const regimend::TimeZone& zone, BarFormat format);

// The next instant after `now` at which render_bar would change by itself, without any
// event from the daemon: the focus dose's escalation, or the next local midnight (the
// weekday in the text and the tooltip's "today"). nullopt when offline: then only the
// daemon's return changes anything.
std::optional<regimend::Instant> bar_next_change(const BarSnapshot& snapshot, regimend::Instant now,
                                                 const regimend::TimeZone& zone);

}  // namespace regimenctl
