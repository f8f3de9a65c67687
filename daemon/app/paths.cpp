#include "app/paths.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

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

}  // namespace regimend
