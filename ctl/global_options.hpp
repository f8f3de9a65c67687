// What every verb may read, and the exit codes: without CLI11, so the helpers shared by the
// verbs (bus client, time arguments, regimen file...) do not include it (ctl/command.hpp
// says why).
#pragma once

#include <string>

namespace regimenctl {

// Options every verb may read, filled in by main.cpp before the verb runs.
struct GlobalOptions {
    std::string config_path;  // --config, or $XDG_CONFIG_HOME/regimend/regimen.yaml
    bool json = false;        // --json (on verbs that read)
};

// Exit codes of ../shared/SPEC.md: 0 done, 1 refused or failed, 2 bad usage, 3 no daemon.
enum ExitCode { kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitNoDaemon = 3 };

}  // namespace regimenctl
