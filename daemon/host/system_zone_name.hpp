// The name regimend::system_zone() tries first, without looking it up: date's first lookup
// indexes every zone under /usr/share/zoneinfo, which a CLI that only prints can spare.
#pragma once

#include <string>

namespace regimend {

// $TZ's zone name (":Name" and zoneinfo paths as system_zone() reads them), else the
// /etc/localtime symlink's, else /etc/timezone's, else "UTC". Whenever this name is a zone,
// system_zone() returns that zone.
std::string system_zone_first_choice();

}  // namespace regimend
