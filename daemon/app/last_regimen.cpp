#include "app/last_regimen.hpp"

#include <spdlog/spdlog.h>

#include "host/atomic_file.hpp"
#include "host/regular_file.hpp"

namespace regimend {

std::optional<std::string> LastRegimen::read() {
    if (path_.empty()) {
        return std::nullopt;
    }
    const StateFileRead read = read_state_file(path_, kMaxRegimenBytes);
    if (!read.text) {
        if (read.check.verdict != StateFileVerdict::Missing) {
            spdlog::warn("ignoring {}: {}", path_, read.check.why);
        }
        return std::nullopt;
    }
    known_ = read.text;
    return read.text;
}

void LastRegimen::remember(const std::string& text) {
    if (path_.empty()) {
        return;
    }
    if (!known_) {
        read();
    }
    if (known_ == text) {
        return;
    }
    if (auto failed = write_file_atomically(path_, text)) {
        spdlog::warn("cannot keep the last valid regimen: {}", *failed);
        return;
    }
    known_ = text;
}

}  // namespace regimend
