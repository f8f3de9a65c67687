// Reading the regimen file offline (plan, check, edit, report, export, the warnings of
// status, the words of the completions): the CLI's only file access to the regimen, kept
// apart from the pure parser.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/parse.hpp"
#include "core/time_zone.hpp"
#include "host/zoneinfo.hpp"

namespace regimenctl {

// $XDG_CONFIG_HOME/regimend/regimen.yaml, else ~/.config/regimend/regimen.yaml.
std::string default_config_path();

// The whole file: a regular file of at most 1 MiB, opened without blocking. Throws
// CtlError (exit 1) "cannot read PATH: why" ("No such file or directory", "it is a FIFO,
// not a regular file").
std::string read_text_file(const std::string& path);

// The system's zone by the lookup regimend uses (regimend::system_zone: $TZ, then
// /etc/localtime, then /etc/timezone, then UTC), but in regimenctl's environment: a $TZ set
// in the shell and not in the user manager's (where regimend runs) names a zone the daemon
// does not use. Verbs that talk to the daemon show its TimeZone instead (session.hpp).
const regimend::TimeZone* system_zone();

// A zone by IANA name, nullptr when unknown.
using regimend::find_zone;

// Reads and parses `path` (messages name `path`). Throws CtlError (exit 1) when the file
// cannot be read; a file with errors comes back as a ParseResult without a regimen.
regimend::ParseResult load_regimen(const std::string& path);

// For the offline verbs that need a valid regimen (plan, report, export): reads and parses
// `path`; when the file has errors, prints them on stderr and throws CtlError (exit 1)
// saying `consequence`, a whole sentence (e.g. _("the regimen has errors; nothing to plan")).
regimend::Regimen load_valid_regimen(const std::string& path, std::string_view consequence);

// The same as load_regimen, but nullopt when the file cannot be read: for verbs to which
// the regimen only adds detail (names, the zone), so a missing file is no failure.
std::optional<regimend::ParseResult> try_load_regimen(const std::string& path);

}  // namespace regimenctl
