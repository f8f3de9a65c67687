#include "history_file.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "error.hpp"

namespace regimenctl {
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

}  // namespace

std::string default_state_dir() {
    // XDG: a relative value is invalid and ignored.
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && state[0] == '/') {
        return std::string(state) + "/regimend";
    }
    return home_directory() + "/.local/state/regimend";
}

std::unique_ptr<regimend::HistoryStore> open_history(const std::string& state_dir) {
    const auto path = std::filesystem::path(state_dir) / "history.db";
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        return nullptr;
    }
    auto opened = regimend::HistoryStore::open(path.string(), /*read_only=*/true);
    if (!opened) {
        throw CtlError(kExitFailed, "cannot read the history: " + opened.error->message);
    }
    return std::move(*opened.value);
}

template <class T>
T value_or_fail(regimend::StoreResult<T> result) {
    if (!result) {
        throw CtlError(kExitFailed, "cannot read the history: " + result.error->message);
    }
    return std::move(*result.value);
}

template std::vector<regimend::HistoryEvent> value_or_fail(
    regimend::StoreResult<std::vector<regimend::HistoryEvent>>);
template std::optional<regimend::Instant> value_or_fail(
    regimend::StoreResult<std::optional<regimend::Instant>>);

}  // namespace regimenctl
