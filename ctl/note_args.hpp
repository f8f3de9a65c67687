// --note and --reason: refused before anything is sent when the daemon would refuse them
// (core/diary.hpp note_failure: control characters but a line feed, bidirectional overrides).
#pragma once

#include <string>
#include <string_view>

#include "core/diary.hpp"
#include "core/i18n.hpp"
#include "error.hpp"

namespace regimenctl {

// A usage error (exit 2) naming the option when `text` cannot be kept as a note.
inline void check_note_argument(std::string_view text, std::string_view option) {
    if (auto failure =
            regimend::note_failure(text, option == "--reason" ? N_("reason") : N_("note"))) {
        throw usage_error(std::string(option) + ": " + failure->message);
    }
}

}  // namespace regimenctl
