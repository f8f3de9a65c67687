// Time zones by IANA name, from the system's zoneinfo directory: the file is read and
// decoded (core/time_zone.hpp) once, then the zone is kept for the life of the process,
// like date's tzdb; safe from any thread. UTC is the core's built-in zone.
#pragma once

#include <string>
#include <string_view>

#include "core/time_zone.hpp"

namespace regimend {

// "Europe/Berlin", "UTC", a link such as "US/Eastern"; null when there is no such zone
// (a name that is not a zone's, a file that is not TZif). A core::FindZone.
const TimeZone* find_zone(const std::string& name);

// The same, but throws std::runtime_error, as date::locate_zone does, when there is no
// such zone.
const TimeZone* locate_zone(const std::string& name);

// The bytes of the zone's TZif file under the zoneinfo directory (for tests that decode
// real zones); empty when the name is not a zone's or the file cannot be read.
std::string read_zone_file(std::string_view name);

}  // namespace regimend
