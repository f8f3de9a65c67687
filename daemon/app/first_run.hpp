// The first run: a new user has no regimen yet, so the daemon writes the commented example
// (config/regimen.yaml, compiled in) where the regimen belongs, inactive (its items
// commented out: core/first_run_text.hpp), and runs it: nothing is reminded or recorded
// until the user makes it theirs with `regimenctl edit`.
#pragma once

#include <string>

namespace regimend {

enum class FirstRun { AlreadyThere, Written, Failed };

// Writes the example to `path` when nothing is there (creating its directory), atomically:
// a crash halfway never leaves a half-written regimen behind.
FirstRun write_example_regimen_if_missing(const std::string& path);

}  // namespace regimend
