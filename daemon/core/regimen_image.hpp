// A parsed and linted regimen as bytes, and back: what the daemon keeps so that a restart on
// an unchanged regimen does not parse it again (app/regimen_cache.hpp, issue 17). Pure: the
// caller reads and writes the file and says which build it is.
//
// An image answers for exactly one input. It holds the build that made it (another build
// may parse or lint differently), the file name (it is in every message), the whole text
// (compared byte for byte, not by a hash) and the fingerprint of the zone the regimen plans
// in (lint's warnings depend on the zone's rules). decode_regimen_image gives nothing unless
// all of these match and every byte is accounted for, and never trusts a count or an enum
// before checking it against what is left.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/model.hpp"

namespace regimend {

struct RegimenImage {
    Regimen regimen;                      // indexed, with its zone found again
    std::vector<Diagnostic> diagnostics;  // the parser's and lint's warnings, in order
};

// `regimen` must come from parse_regimen(text, regimen.file, ...) and `diagnostics` from
// the same parse and lint; `build` names the program that ran them.
std::string encode_regimen_image(std::string_view build, std::string_view text,
                                 const Regimen& regimen,
                                 const std::vector<Diagnostic>& diagnostics);

// The image's regimen when `bytes` is a whole, unchanged image that `build` made from
// exactly `text` read as `file_name`, and the zone it plans in (its `timezone`, else
// `default_zone`) is the same zone with the same rules; nullopt otherwise.
std::optional<RegimenImage> decode_regimen_image(std::string_view bytes, std::string_view build,
                                                 std::string_view text,
                                                 const std::string& file_name,
                                                 const regimend::TimeZone* default_zone,
                                                 const FindZone& find_zone);

}  // namespace regimend
