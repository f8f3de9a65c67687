// The system's time zone, looked up afresh on every call: after `timedatectl
// set-timezone` the daemon re-plans with the new zone without a restart.
#pragma once

#include "core/time.hpp"

namespace regimend {

// $TZ when set (a zone name, ":Name" or a path under a zoneinfo directory), else the
// target of the /etc/localtime symlink, else /etc/timezone, else UTC. Never null.
const date::time_zone* system_zone();

}  // namespace regimend
