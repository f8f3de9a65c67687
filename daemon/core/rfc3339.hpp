// RFC 3339 text of an instant whose UTC offset is already known: time.hpp's format_rfc3339
// looks the offset up in a zone; callers that already hold the offset format with it.
#pragma once

#include <string>

#include "core/time.hpp"

namespace regimend {

// "2026-03-29T03:00:00+02:00" for `instant` shown at `offset` from UTC.
std::string format_rfc3339_at_offset(Instant instant, Seconds offset);

}  // namespace regimend
