// The system's time zone, looked up afresh on every call: after `timedatectl
// set-timezone` the daemon re-plans with the new zone without a restart. regimend and
// regimenctl both link this (regimen_host), so they always agree on the zone.
#pragma once

#include <string>

#include "core/time.hpp"

namespace regimend {

// $TZ when set (a zone name, ":Name" or a path under a zoneinfo directory), else the
// target of the /etc/localtime symlink, else /etc/timezone, else UTC. Never null.
// `problem`, when given, receives why $TZ was not used ("TZ='x' is not ...") or is cleared.
const regimend::TimeZone* system_zone(std::string* problem = nullptr);

}  // namespace regimend
