#include "history_file.hpp"
#include "core/i18n.hpp"

#include <cstdlib>
#include <filesystem>

#include "app/paths.hpp"
#include "error.hpp"

namespace regimenctl {

std::string default_state_dir() {
    return regimend::resolve_paths({}, {}).state_dir;
}

std::unique_ptr<regimend::HistoryStore> open_history(const std::string& state_dir) {
    const auto path = std::filesystem::path(state_dir) / "history.db";
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        return nullptr;
    }
    auto opened = regimend::HistoryStore::open(path.string(), /*read_only=*/true);
    if (!opened) {
        throw CtlError(kExitFailed,
                       regimend::fill(_("cannot read the history: {}"), {opened.error().message}));
    }
    return std::move(*opened);
}

template <class T>
T value_or_fail(regimend::Result<T> result) {
    if (!result) {
        throw CtlError(kExitFailed,
                       regimend::fill(_("cannot read the history: {}"), {result.error().message}));
    }
    return std::move(*result);
}

template std::vector<regimend::HistoryEvent> value_or_fail(
    regimend::Result<std::vector<regimend::HistoryEvent>>);
template std::optional<regimend::Instant> value_or_fail(
    regimend::Result<std::optional<regimend::Instant>>);

}  // namespace regimenctl
