#include "app/paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <vector>

namespace regimend {
namespace {

std::string home_directory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return home;
    }
    if (const passwd* entry = getpwuid(geteuid()); entry != nullptr && entry->pw_dir != nullptr) {
        return entry->pw_dir;
    }
    return "/";
}

// XDG says a relative value is invalid and must be ignored.
std::string xdg_directory(const char* variable, const char* fallback_under_home) {
    if (const char* value = std::getenv(variable); value != nullptr && value[0] == '/') {
        return value;
    }
    return home_directory() + "/" + fallback_under_home;
}

std::string absolute(const std::string& path) {
    std::error_code error;
    const auto result = std::filesystem::absolute(path, error);
    return error ? path : result.lexically_normal().string();
}

}  // namespace

Paths resolve_paths(const std::optional<std::string>& config_override,
                    const std::optional<std::string>& state_dir_override) {
    Paths paths;
    // Absolute, so the directory watch and ConfigPath do not depend on the working directory.
    paths.config_file =
        config_override ? absolute(*config_override)
                        : xdg_directory("XDG_CONFIG_HOME", ".config") + "/regimend/regimen.yaml";
    paths.state_dir = state_dir_override
                          ? absolute(*state_dir_override)
                          : xdg_directory("XDG_STATE_HOME", ".local/state") + "/regimend";
    return paths;
}

UserUnit user_unit_state() {
    constexpr std::string_view kUnit = "regimend.service";
    const std::string user_config = xdg_directory("XDG_CONFIG_HOME", ".config") + "/systemd/user";
    const std::vector<std::string> configured{user_config, "/etc/systemd/user"};
    std::error_code error;
    for (const std::string& directory : configured) {
        for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
            const std::string name = entry.path().filename().string();
            if (name.ends_with(".wants") &&
                std::filesystem::is_symlink(entry.path() / kUnit, error)) {
                return UserUnit::kEnabled;
            }
        }
    }
    std::vector<std::string> unit_directories = configured;
    unit_directories.push_back(xdg_directory("XDG_DATA_HOME", ".local/share") + "/systemd/user");
    const char* data_dirs = std::getenv("XDG_DATA_DIRS");
    std::string_view dirs = data_dirs != nullptr && *data_dirs != '\0'
                                ? std::string_view(data_dirs)
                                : std::string_view("/usr/local/share:/usr/share");
    while (!dirs.empty()) {
        const std::string_view dir = dirs.substr(0, dirs.find(':'));
        if (dir.starts_with('/')) {
            unit_directories.push_back(std::string(dir) + "/systemd/user");
        }
        dirs.remove_prefix(std::min(dirs.size(), dir.size() + 1));
    }
    for (const char* dir :
         {"/usr/local/lib/systemd/user", "/usr/lib/systemd/user", "/lib/systemd/user"}) {
        unit_directories.emplace_back(dir);
    }
    for (const std::string& directory : unit_directories) {
        if (std::filesystem::exists(directory + "/" + std::string(kUnit), error)) {
            return UserUnit::kNotEnabled;
        }
    }
    return UserUnit::kNotInstalled;
}

}  // namespace regimend
