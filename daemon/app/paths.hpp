// Where the regimen file and the history database live (../shared/SPEC.md "Names").
#pragma once

#include <optional>
#include <string>

namespace regimend {

struct Paths {
    std::string config_file;  // the regimen
    std::string state_dir;    // holds the history database and the daemon's other state
    std::string database() const { return state_dir + "/history.db"; }
    // Which notification shows which dose (bus/notification_ids.hpp).
    std::string notification_ids() const { return state_dir + "/notification-ids"; }
    // The last valid regimen applied, as its YAML text (app/last_regimen.hpp).
    std::string last_regimen() const { return state_dir + "/last-regimen.yaml"; }
};

// $XDG_CONFIG_HOME/regimend/regimen.yaml and $XDG_STATE_HOME/regimend, with the XDG
// defaults under $HOME; `config_override` / `state_dir_override` win when given.
Paths resolve_paths(const std::optional<std::string>& config_override,
                    const std::optional<std::string>& state_dir_override);

// The systemd user unit regimend.service as this user's manager would see it: installed
// where it looks for units ($XDG_CONFIG_HOME/systemd/user, /etc/systemd/user,
// $XDG_DATA_HOME and $XDG_DATA_DIRS/systemd/user, /usr/local/lib, /usr/lib and /lib
// /systemd/user), and enabled when a *.wants/ directory of the user's or the global
// configuration ($XDG_CONFIG_HOME/systemd/user, /etc/systemd/user) links it. Read from the
// files, so it works without a running user manager (regimenctl's "not running" hint).
enum class UserUnit { kNotInstalled, kNotEnabled, kEnabled };
UserUnit user_unit_state();

}  // namespace regimend
