// Reading a file without ever blocking on it: only a regular file is read. A FIFO renamed
// over the regimen (or planted as a state file) would otherwise hang open() or read(), and
// with them the daemon's start or its event loop.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace regimend {

// A regimen is a few kilobytes; anything near this is not one, and reading it all would
// let a stray file exhaust memory.
inline constexpr std::size_t kMaxRegimenBytes = 1024 * 1024;

// The whole file, or nullopt with `error` saying why: "No such file or directory",
// "it is a FIFO, not a regular file", "the file is larger than 1 MiB; ...". Opens with
// O_NONBLOCK and checks fstat() before reading; reads at most `max_bytes` + 1 bytes.
std::optional<std::string> read_regular_file(const std::string& path, std::string& error,
                                             std::size_t max_bytes = kMaxRegimenBytes);

// The state directory's files (the history and its -wal, -shm and -journal files,
// notification-ids, the last valid regimen) are used only when they are the user's own:
// the directory may be one others can write to (--state-dir /tmp). A state file is never
// followed through a symlink, must be a regular file owned by the effective user and
// writable by no one else. New ones are created exclusively (O_EXCL, 0600).
enum class StateFileVerdict {
    Usable,
    Missing,     // nothing there: the daemon creates it when it needs it
    Unreadable,  // the user's own, but not a regular file, too large or failing to read
    Untrusted,   // a symlink, another user's, or writable by group or others: never used
};

struct StateFileCheck {
    StateFileVerdict verdict = StateFileVerdict::Usable;
    // Why, for the log and the notice: "it is a symbolic link", "it belongs to uid 999, not
    // to uid 1000", "group or others can write it (mode 0666)", "it is a FIFO, not a regular
    // file".
    std::string why;
};

// Looks at the file itself (lstat), without opening it: for files another library opens
// (SQLite's).
StateFileCheck check_state_file(const std::string& path);

// Opens with O_NOFOLLOW and O_NONBLOCK, checks the open file (fstat) as check_state_file
// does and reads at most `max_bytes`. `text` is set only when the verdict is Usable.
struct StateFileRead {
    std::optional<std::string> text;
    StateFileCheck check;
};
StateFileRead read_state_file(const std::string& path, std::size_t max_bytes);

}  // namespace regimend
