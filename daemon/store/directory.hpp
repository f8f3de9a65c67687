// The history is health data: the directories and the file this creates are private to
// the user (0700 / 0600); existing ones are left as the user set them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace regimend {

// Returns an error message ("cannot create directory /a/b: Not a directory") on failure.
std::optional<std::string> make_private_directories(const std::filesystem::path& directory);

// Creates an empty 0600 file unless something is at that name (O_EXCL, never through a
// symlink): SQLite then gives its -wal and -shm files the same mode. Failures are left for
// the caller's open to report.
void create_private_file(const std::filesystem::path& file);

}  // namespace regimend
