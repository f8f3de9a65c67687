// What `regimenctl status` shows, and its text. Shared by the status verb (ctl/verbs/status.cpp)
// and the front that answers a bare `regimenctl status` by itself (ctl/front/main.cpp), so both
// print the same bytes. Nothing here includes <iostream> (the front's reason to exist).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bus_client.hpp"
#include "core/time_zone.hpp"

namespace regimenctl {

struct NextDose {
    std::string item;
    std::string name;
    Instant planned;
};

// What status prints, however it was asked for.
struct StatusView {
    const regimend::TimeZone* zone = nullptr;
    std::vector<DoseRow> doses;
    std::optional<NextDose> next;
    std::vector<std::pair<DoseRow, Instant>> snoozed_until;
    std::vector<std::string> warnings;
    // The regimen parses but lists no item (the first run's inactive example): the text
    // says how to add some instead of "No doses planned".
    bool no_items = false;
};

// One round trip: the daemon's Today, which also carries the warnings it found when it
// linted the regimen. nullopt from a daemon without it.
std::optional<StatusView> status_from_today(BusClient& bus);

// The text: a heading, a table of today's doses, the next one and the warnings.
std::string status_text(const StatusView& view);

}  // namespace regimenctl
