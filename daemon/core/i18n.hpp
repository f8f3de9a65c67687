// Texts a person reads go through gettext (catalogues in po/, see docs/DESIGN.md,
// "Languages"). The core may call these: a catalogue lookup is not a file read in its
// logic, and the programs bind the domain once at start (host/locale.hpp).
//
//   _("No doses planned.")                       a text shown now
//   N_("Mon")                                    a constant, translated where it is shown
//   P_("{} dose", "{} doses", n)                 a plural, chosen for n
//   fill(_("{} was taken at {}"), {name, time})   a whole sentence with its placeholders
//
// Placeholders are "{}" (in order) or "{0}", "{1}"... (by position, so a translation may
// reorder them). Never glue a sentence from translated pieces.
#pragma once

#include <libintl.h>

#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

#define _(text) dgettext("regimend", text)
#define N_(text) text
#define P_(singular, plural, n) dngettext("regimend", singular, plural, n)

namespace regimend {

// `pattern` with its placeholders replaced by `values`: "{}" takes the next value, "{N}"
// the N-th (from 0); "{{" and "}}" are a literal brace. A placeholder without a value is
// left as written, so a translation with a typo shows it rather than crashing.
inline std::string fill(std::string_view pattern, std::initializer_list<std::string_view> values) {
    std::string text;
    text.reserve(pattern.size() + 16 * values.size());
    std::size_t next = 0;
    for (std::size_t at = 0; at < pattern.size(); ++at) {
        const char c = pattern[at];
        if ((c == '{' || c == '}') && at + 1 < pattern.size() && pattern[at + 1] == c) {
            text += c;
            ++at;
            continue;
        }
        if (c == '{') {
            const std::size_t close = pattern.find('}', at);
            const std::string_view inside =
                close == std::string_view::npos ? "x" : pattern.substr(at + 1, close - at - 1);
            std::size_t index = next;
            bool valid = true;
            if (!inside.empty()) {
                index = 0;
                for (char digit : inside) {
                    valid = valid && digit >= '0' && digit <= '9';
                    index = index * 10 + static_cast<std::size_t>(digit - '0');
                }
            } else {
                ++next;
            }
            if (valid && index < values.size()) {
                text += *(values.begin() + index);
                at = close;
                continue;
            }
        }
        text += c;
    }
    return text;
}

// The translation of a text marked with N_() where it was written (or of any other text:
// one the catalogue does not hold comes back as it is).
inline std::string translated(std::string_view text) {
    const std::string copy(text);
    return dgettext("regimend", copy.c_str());
}

// `value` with `decimals` digits after the decimal mark of the reader's language (the
// translation of "."; German ","), for human output. The programs keep LC_NUMERIC at "C"
// (host/locale.hpp), so files and JSON always have a point.
inline std::string format_reader_decimal(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    std::string text = buffer;
    if (const auto point = text.find('.'); point != std::string::npos) {
        // TRANSLATORS: the decimal mark in numbers such as 4.5 (German ",").
        text.replace(point, 1, _("."));
    }
    return text;
}

}  // namespace regimend
