// A translated sentence with its "{}" placeholders filled in order, for the core and the
// programs' texts that go through _() (core/i18n.hpp): a translation may move the
// placeholders but keeps their order. Values are inserted as they are (no re-scan).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace regimend {

inline std::string fill_placeholders(std::string_view pattern,
                                     std::initializer_list<std::string_view> values) {
    std::string text(pattern);
    std::size_t from = 0;
    for (std::string_view value : values) {
        const std::size_t at = text.find("{}", from);
        if (at == std::string::npos) {
            break;
        }
        text.replace(at, 2, value);
        from = at + value.size();
    }
    return text;
}

}  // namespace regimend
