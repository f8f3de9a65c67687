// Reading a regimen without ever blocking on it: only a regular file is read. A FIFO
// renamed over the regimen would otherwise hang open() or read() (and the event loop).
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

}  // namespace regimend
