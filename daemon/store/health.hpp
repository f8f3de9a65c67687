// The history database is checked before the daemon writes to it (SPEC "Limits that keep
// the daemon responsive"): a page damaged behind an intact header used to be found only by
// the first failing confirmation, and an unrelated SQLite file with user_version 0 was
// adopted (its schema created beside the other program's tables). check_history only reads
// and probes: it never leaves a change in the file.
#pragma once

#include <string>
#include <vector>

namespace regimend {

enum class HistoryProblem {
    None,        // ours, or absent/empty (created on open)
    Damaged,     // quick_check fails, or SQLite says it is not a database / corrupt
    Foreign,     // tables that are not regimend's
    Unwritable,  // a write in a rolled-back transaction fails (permissions, read-only, full)
    Untrusted,   // a state file is a symlink, another user's or writable by others
};

struct HistoryHealth {
    HistoryProblem problem = HistoryProblem::None;
    std::string detail;  // SQLite's words: "database disk image is malformed", table names

    explicit operator bool() const { return problem == HistoryProblem::None; }
    // One sentence on what is wrong and one on what to do, naming `path`.
    std::string summary(const std::string& path) const;
    std::string advice(const std::string& path) const;
};

// First the files themselves (host/regular_file.hpp, check_state_file): the database, its
// -wal, -shm and -journal files and `other_state_files` (notification-ids, the last valid
// regimen) must each be missing or a regular file of the user's own that no one else can
// write, never a symlink (the state directory may be shared: --state-dir /tmp). Then
// integrity (PRAGMA quick_check), ownership (only the events and meta tables) and a write
// probe (a table created and rolled back). Another process holding the write lock is not a
// problem: that is contention, which each write already survives.
HistoryHealth check_history(const std::string& path,
                            const std::vector<std::string>& other_state_files = {});

}  // namespace regimend
