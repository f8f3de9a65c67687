// Replacing a file so that a reader (regimend reloading) sees the old content or the new,
// never a half-written one, and the new content survives a crash.
#pragma once

#include <string>

namespace regimenctl {

// Writes `text` to a temporary file in the directory of `path` (following a symlink to its
// target, so dotfile setups keep working), fsyncs it, renames it over the target and
// fsyncs the directory. Keeps the old file's permissions (0600 for a new one: a regimen is
// health data). Creates missing directories (0700). Throws CtlError (exit 1) and leaves the
// target untouched on failure.
void install_atomically(const std::string& path, const std::string& text);

}  // namespace regimenctl
