#include "core/first_run_text.hpp"

namespace regimend {

std::string inactive_example(std::string_view example) {
    std::string out;
    bool in_items = false;
    while (!example.empty()) {
        const auto end = example.find('\n');
        std::string_view line = example.substr(0, end);
        example.remove_prefix(end == std::string_view::npos ? example.size() : end + 1);
        if (!in_items && line.starts_with("items:")) {
            in_items = true;
            out +=
                "# Nothing is reminded yet: the example items below are commented out. Uncomment\n"
                "# the ones you take (or write your own) with `regimenctl edit`, and remove the\n"
                "# `[]` after `items:`.\n"
                "items: []\n";
            continue;
        }
        if (in_items && !line.empty()) {
            out += "#";
            if (!line.starts_with("#")) {
                out += " ";
            }
            out += line;
            out += '\n';
            continue;
        }
        out += line;
        out += '\n';
    }
    return out;
}

}  // namespace regimend
