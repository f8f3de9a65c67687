// A verb's connection to regimend, with the zone its instants are shown in: the daemon's
// TimeZone property, else the zone of the regimen file, else the system's.
#pragma once

#include <optional>
#include <string>

#include "bus_client.hpp"
#include "global_options.hpp"

namespace regimenctl {

struct DaemonSession {
    BusClient bus;
    const regimend::TimeZone* zone = nullptr;

    // The regimen file the daemon runs (ConfigPath), else the --config one.
    std::string config_path(const GlobalOptions& options);

    // What to call an item in messages: the name ListDoses gives for a dose of `item` (an
    // id or unique prefix) planned near `around`, else the name in the regimen file, else
    // `item` as typed.
    std::string item_name(const std::string& item, Instant around, const GlobalOptions& options);
};

// Throws CtlError(exit 3) when regimend cannot be reached.
DaemonSession open_session(const GlobalOptions& options);

// A diary entry or an as-needed dose about to be written (`symptom`, `log`): --note and
// the form of --at are checked before regimend is asked (bad usage is exit 2 even when it
// cannot be reached), then --at is read in the session's zone (nullopt: not given).
struct EntrySession {
    DaemonSession session;
    Instant now;
    std::optional<Instant> at;
};
EntrySession open_entry_session(const std::string& note, const std::optional<std::string>& at,
                                const GlobalOptions& options);

// The zone of the regimen file at `path`, or the system zone when it cannot be parsed.
const regimend::TimeZone* offline_zone(const std::string& path);

}  // namespace regimenctl
