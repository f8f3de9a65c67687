#include "host/resident_code.hpp"

#include <sys/mman.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
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

// "Rss:          1234 kB" -> 1234 when `line` starts with `key`.
std::optional<std::size_t> field_kb(std::string_view line, std::string_view key) {
    if (!line.starts_with(key)) {
        return std::nullopt;
    }
    line.remove_prefix(key.size());
    while (!line.empty() && line.front() == ' ') {
        line.remove_prefix(1);
    }
    std::size_t kb = 0;
    std::from_chars(line.data(), line.data() + line.size(), kb);
    return kb;
}

// The mappings of /proc/self/smaps with their range, permissions, Rss and Anonymous, read
// field by field: the file has some 1,500 lines and is read at every release.
std::vector<Mapping> mappings() {
    std::vector<Mapping> found;
    std::ifstream smaps("/proc/self/smaps");
    std::string text;
    while (std::getline(smaps, text)) {
        const std::string_view line = text;
        // A mapping's first line: "begin-end perms offset dev inode [path]"; its fields'
        // lines start with a capitalised name ("Rss:"), never with a hex digit and a '-'.
        const auto dash = line.find('-');
        const auto space = line.find(' ');
        if (dash != line.npos && space != line.npos && dash < space &&
            std::isxdigit(static_cast<unsigned char>(line.front())) &&
            !std::isupper(static_cast<unsigned char>(line.front()))) {
            Mapping mapping;
            std::from_chars(line.data(), line.data() + dash, mapping.begin, 16);
            std::from_chars(line.data() + dash + 1, line.data() + space, mapping.end, 16);
            const auto permissions = line.substr(space + 1, 4);
            const auto path = line.find(" /");
            mapping.releasable = permissions.size() == 4 && permissions[1] != 'w' &&
                                 permissions[3] == 'p' && path != line.npos;
            found.push_back(mapping);
            continue;
        }
        if (found.empty()) {
            continue;
        }
        if (auto kb = field_kb(line, "Rss:")) {
            found.back().resident_kb = *kb;
        } else if (auto kb = field_kb(line, "Anonymous:")) {
            found.back().anonymous_kb = *kb;
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
