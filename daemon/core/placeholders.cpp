#include "core/placeholders.hpp"

namespace regimend {

std::string fill_in(std::string_view pattern, std::initializer_list<std::string_view> values) {
    std::string text;
    text.reserve(pattern.size());
    auto next = values.begin();
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
            text += c;
            ++i;
        } else if (c == '{' && i + 1 < pattern.size() && pattern[i + 1] == '}') {
            if (next != values.end()) {
                text += *next++;
            }
            ++i;
        } else {
            text += c;
        }
    }
    return text;
}

}  // namespace regimend
