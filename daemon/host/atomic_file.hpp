// The one way regimend and regimenctl replace a file: a reader (regimend reloading, a
// restart after a crash or a power cut) sees the old content or the new, never half of it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace regimend {

struct AtomicWrite {
    mode_t mode = 0600;  // the new file's permissions (health data: the user's only)
    // false: the file is written only when nothing is at `path` yet (link() instead of
    // rename(), so a file that appeared meanwhile is never replaced).
    bool replace = true;
};

// Writes `text` to a new temporary file beside `path` (mkstemp: a fresh name, O_EXCL,
// 0600), every byte, fsyncs it, renames (or links) it to `path` and fsyncs the directory.
// `path` itself is replaced, never followed: a caller that means a symlink's target passes
// the target. Nothing is left behind on failure. Returns why it failed, or nullopt.
std::optional<std::string> write_file_atomically(const std::string& path, std::string_view text,
                                                 const AtomicWrite& how = {});

}  // namespace regimend
