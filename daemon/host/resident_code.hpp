// regimend sleeps for hours between reminders, yet start-up (the dynamic linker, reading
// the regimen with yaml-cpp, linting and planning it, opening SQLite) touches much of its
// program file and of its libraries, and those pages stay mapped into the process for as
// long as it runs: most of its resident memory (docs/BENCHMARKS.md has the figure).
// release_code_pages() tells the kernel, with madvise(MADV_DONTNEED), that the process no
// longer needs its mappings of those pages. They stay in the page cache, clean, shared with
// whoever else maps them and reclaimable; what the loop touches again is mapped back by a
// minor fault. Only mappings of files that were never written are released (code,
// read-only data): relocated tables, .data and .bss hold the process's own copies and
// MADV_DONTNEED would throw those away, so they are left alone.
#pragma once

#include <cstddef>

namespace regimend {

// Unmaps the never-written file pages of this process; returns the bytes that were mapped.
std::size_t release_code_pages();

}  // namespace regimend
