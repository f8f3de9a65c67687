// The name regimend::system_zone() tries first, without reading its zone file: enough to
// tell that a zone is the system's one (status's zone note) without loading the system's.
#pragma once

#include <string>

namespace regimend {

// $TZ's zone name (":Name" and zoneinfo paths as system_zone() reads them), else the
// /etc/localtime symlink's, else /etc/timezone's, else "UTC". Whenever this name is a zone,
// system_zone() returns that zone.
std::string system_zone_first_choice();

}  // namespace regimend
