// Every verb of regimenctl lives in its own file under ctl/verbs/ and registers itself
// here, so adding a verb never touches main.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace regimenctl {

// Options every verb may read, filled in by main.cpp before the verb runs.
struct GlobalOptions {
    std::string config_path;  // --config, or $XDG_CONFIG_HOME/regimend/regimen.yaml
    bool json = false;        // --json (on verbs that read)
};

// Exit codes of ../shared/SPEC.md: 0 done, 1 refused or failed, 2 bad usage, 3 no daemon.
enum ExitCode { kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitNoDaemon = 3 };

struct Verb {
    int order;  // position in --help
    // Adds the subcommand; the returned function runs it and gives the exit code.
    std::function<void(CLI::App& app, GlobalOptions& options, std::function<int()>& run)> add;
};

std::vector<Verb>& verb_registry();

struct RegisterVerb {
    explicit RegisterVerb(Verb verb) { verb_registry().push_back(std::move(verb)); }
};

}  // namespace regimenctl
