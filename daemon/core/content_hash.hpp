// A 64-bit FNV-1a hash of bytes: to notice that stored bytes were cut short or changed
// (the compiled-regimen cache, a zone file's identity). Not a defence against anyone who
// chooses the bytes: whoever can write those files can write the regimen itself.
#pragma once

#include <cstdint>
#include <string_view>

namespace regimend {

inline std::uint64_t content_hash(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char byte : bytes) {
        hash = (hash ^ byte) * 0x100000001b3ULL;
    }
    return hash;
}

}  // namespace regimend
