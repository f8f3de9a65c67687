// Where the regimen file and the history database live (../shared/SPEC.md "Names").
#pragma once

#include <optional>
#include <string>

namespace regimend {

struct Paths {
    std::string config_file;  // the regimen
    std::string state_dir;    // holds the history database and the regimen cache
    std::string database() const { return state_dir + "/history.db"; }
    // The compiled-regimen cache (app/regimen_cache.hpp): safe to delete at any time.
    std::string regimen_cache() const { return state_dir + "/regimen.cache"; }
};

// $XDG_CONFIG_HOME/regimend/regimen.yaml and $XDG_STATE_HOME/regimend, with the XDG
// defaults under $HOME; `config_override` / `state_dir_override` win when given.
Paths resolve_paths(const std::optional<std::string>& config_override,
                    const std::optional<std::string>& state_dir_override);

}  // namespace regimend
