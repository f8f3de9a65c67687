// The regimen parser: YAML text in, a validated Regimen or every error found out.
// Pure: no file or clock access; the caller reads the file and names the default zone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/model.hpp"

namespace regimend {

struct ParseResult {
    std::optional<Regimen> regimen;       // set only when there are no errors
    std::vector<Diagnostic> diagnostics;  // errors (and nothing else: lint adds warnings)

    bool ok() const { return regimen.has_value(); }
};

// `file_name` is used in messages only. `default_zone` applies when the file names no
// `timezone` (the daemon passes the system zone, tests pass a named one; null means UTC).
// `find_zone` looks up the zone a `timezone` names (host/zoneinfo.hpp's find_zone).
ParseResult parse_regimen(std::string_view yaml_text, const std::string& file_name,
                          const regimend::TimeZone* default_zone, const FindZone& find_zone);

}  // namespace regimend
