// The history database read offline, read-only (`report`, `export --format csv`): SQLite's
// WAL lets regimenctl read while regimend writes, and the history need not travel over
// D-Bus, so these verbs work without the daemon and on years of history.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/history.hpp"

namespace regimenctl {

// $XDG_STATE_HOME/regimend, else ~/.local/state/regimend (as regimend itself decides).
std::string default_state_dir();

// `state_dir`/history.db opened read-only; nullptr when it does not exist yet (nothing
// recorded). Throws CtlError (exit 1) when it exists but cannot be read.
std::unique_ptr<regimend::HistoryStore> open_history(const std::string& state_dir);

// The value of a store result, or CtlError (exit 1) with the store's message.
template <class T>
T value_or_fail(regimend::Result<T> result);

}  // namespace regimenctl
