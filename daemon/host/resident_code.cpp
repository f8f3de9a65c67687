#include "host/resident_code.hpp"

#include <sys/mman.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace regimend {
namespace {

struct Mapping {
    unsigned long begin = 0;
    unsigned long end = 0;
    bool releasable = false;  // a private, read-only mapping of a file
    std::size_t resident_kb = 0;
    std::size_t anonymous_kb = 0;
};

// The mappings of /proc/self/smaps with their range, permissions, Rss and Anonymous.
std::vector<Mapping> mappings() {
    std::vector<Mapping> found;
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    while (std::getline(smaps, line)) {
        unsigned long begin = 0;
        unsigned long end = 0;
        char permissions[5] = {};
        int path_at = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx %4s %*s %*s %*s %n", &begin, &end, permissions,
                        &path_at) == 3) {
            const bool file = path_at > 0 && static_cast<std::size_t>(path_at) < line.size() &&
                              line[static_cast<std::size_t>(path_at)] == '/';
            found.push_back(
                {begin, end, file && permissions[1] != 'w' && permissions[3] == 'p', 0, 0});
            continue;
        }
        if (found.empty()) {
            continue;
        }
        std::size_t kb = 0;
        if (std::sscanf(line.c_str(), "Rss: %zu kB", &kb) == 1) {
            found.back().resident_kb = kb;
        } else if (std::sscanf(line.c_str(), "Anonymous: %zu kB", &kb) == 1) {
            found.back().anonymous_kb = kb;
        }
    }
    return found;
}

}  // namespace

std::size_t release_code_pages() {
    std::size_t released = 0;
    for (const auto& mapping : mappings()) {
        // A page written since it was mapped (relocated tables made read-only afterwards)
        // is the process's own copy, counted as Anonymous: MADV_DONTNEED would throw it
        // away. Only mappings with none are released.
        if (!mapping.releasable || mapping.anonymous_kb != 0 || mapping.resident_kb == 0) {
            continue;
        }
        if (madvise(reinterpret_cast<void*>(mapping.begin), mapping.end - mapping.begin,
                    MADV_DONTNEED) == 0) {
            released += mapping.resident_kb * 1024;
        }
    }
    return released;
}

}  // namespace regimend
