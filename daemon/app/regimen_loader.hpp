// Reads, parses and lints a regimen file. A regimen comes back only when it has no errors;
// the caller keeps the running one otherwise (parse into a new value, swap when valid).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/model.hpp"
#include "host/regular_file.hpp"

namespace regimend {

struct LoadedRegimen {
    RegimenPtr regimen;                   // null when there are errors
    std::vector<Diagnostic> diagnostics;  // every error, or the lint warnings
    std::string text;                     // the file's content as read
    bool missing = false;                 // the file is not there at all (removed)

    std::size_t error_count() const;
    // One line per error, "file:line:column: error: ..." (for ReloadFailed / InvalidRegimen).
    std::string errors_text() const;
};

// Parses with `default_zone` when the text names no `timezone` (the daemon passes
// system_zone()); lints when the parse succeeded.
LoadedRegimen check_regimen_text(std::string_view text, const std::string& file_name,
                                 const regimend::TimeZone* default_zone);

// Reads the file (a regular file only, opened without blocking, at most 1 MiB; anything
// else is one error without a position), then check_regimen_text with system_zone().
// Where the daemon learns the system's zone (host/system_zone.hpp); a test passes its own.
using ZoneLookup = std::function<const regimend::TimeZone*(std::string* problem)>;
const regimend::TimeZone* lookup_system_zone(std::string* problem);

LoadedRegimen load_regimen_file(const std::string& path,
                                const ZoneLookup& zone_lookup = lookup_system_zone);

// Logs each diagnostic, file:line:column first.
void log_diagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace regimend
