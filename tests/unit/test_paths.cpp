// Where the regimen and the history live (app/paths.hpp): the XDG variables, their
// defaults under $HOME, and the command line's overrides.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "app/paths.hpp"
#include "scoped_env.hpp"

using regimend::resolve_paths;
using regimend::testing::ScopedEnv;

TEST_CASE("the XDG directories, else their defaults under $HOME", "[paths]") {
    ScopedEnv home("HOME", "/home/ada");
    SECTION("set: used as they are") {
        ScopedEnv config("XDG_CONFIG_HOME", "/xdg/config");
        ScopedEnv state("XDG_STATE_HOME", "/xdg/state");
        const auto paths = resolve_paths({}, {});
        CHECK(paths.config_file == "/xdg/config/regimend/regimen.yaml");
        CHECK(paths.state_dir == "/xdg/state/regimend");
        CHECK(paths.database() == "/xdg/state/regimend/history.db");
    }
    SECTION("unset: ~/.config and ~/.local/state") {
        ScopedEnv config("XDG_CONFIG_HOME", nullptr);
        ScopedEnv state("XDG_STATE_HOME", nullptr);
        const auto paths = resolve_paths({}, {});
        CHECK(paths.config_file == "/home/ada/.config/regimend/regimen.yaml");
        CHECK(paths.state_dir == "/home/ada/.local/state/regimend");
    }
    SECTION("empty or relative values are invalid (XDG) and ignored") {
        ScopedEnv config("XDG_CONFIG_HOME", "");
        ScopedEnv state("XDG_STATE_HOME", "relative/state");
        const auto paths = resolve_paths({}, {});
        CHECK(paths.config_file == "/home/ada/.config/regimend/regimen.yaml");
        CHECK(paths.state_dir == "/home/ada/.local/state/regimend");
    }
}

TEST_CASE("the overrides (--config, --state-dir) win, made absolute", "[paths]") {
    ScopedEnv config("XDG_CONFIG_HOME", "/xdg/config");
    ScopedEnv state("XDG_STATE_HOME", "/xdg/state");
    SECTION("absolute overrides are kept, normalised") {
        const auto paths = resolve_paths("/etc/../srv/regimen.yaml", "/var/lib/./regimend");
        CHECK(paths.config_file == "/srv/regimen.yaml");
        CHECK(paths.state_dir == "/var/lib/regimend");
        CHECK(paths.database() == "/var/lib/regimend/history.db");
    }
    SECTION("relative overrides are taken from the working directory") {
        const auto cwd = std::filesystem::current_path();
        const auto paths = resolve_paths("my.yaml", "state");
        CHECK(paths.config_file == (cwd / "my.yaml").string());
        CHECK(paths.state_dir == (cwd / "state").string());
    }
    SECTION("one override leaves the other to XDG") {
        const auto paths = resolve_paths({}, "/tmp/s");
        CHECK(paths.config_file == "/xdg/config/regimend/regimen.yaml");
        CHECK(paths.state_dir == "/tmp/s");
    }
}
