#include "core/parse_reader.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <unordered_map>

namespace regimend {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string unknown_key_message(std::string_view key, std::string_view what,
                                std::initializer_list<std::string_view> allowed) {
    std::string_view closest;
    std::size_t closest_distance = 3;  // suggest only near misses: "as-needed", "atx"
    for (std::string_view candidate : allowed) {
        std::size_t distance = edit_distance(key, candidate);
        if (distance < closest_distance) {
            closest = candidate;
            closest_distance = distance;
        }
    }
    std::string keys;
    for (std::string_view candidate : allowed) {
        keys += (keys.empty() ? "" : ", ") + std::string(candidate);
    }
    if (!closest.empty()) {
        return fill(_("unknown key {0} in {1} (did you mean '{2}'?); allowed keys: {3}"),
                    {quoted(key), translated(what), closest, keys});
    }
    return fill(_("unknown key {0} in {1}; allowed keys: {2}"),
                {quoted(key), translated(what), keys});
}

// The code point at `i` (valid UTF-8 is checked before yaml-cpp sees the text; an escape
// such as "\\x80" in a double-quoted scalar still yields valid UTF-8). Advances `i`.
char32_t next_code_point(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t at) {
        return at < text.size() ? static_cast<unsigned char>(text[at]) : 0x80;
    };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    char32_t code = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) {
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    i += length;
    return code;
}

bool is_bidi_control(char32_t code) {
    // Embeddings and overrides (U+202A..U+202E) and isolates (U+2066..U+2069): they reorder
    // the text around them, so a name could be shown as something else.
    return (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

std::string code_point_name(char32_t code) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(code));
    return buffer;
}

}  // namespace

std::string quoted(std::string_view value) {
    constexpr std::size_t kLongest = 60;
    std::string text = "\"";
    if (value.size() > kLongest) {
        std::size_t cut = kLongest;
        while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) {
            --cut;  // never split a UTF-8 sequence
        }
        text += std::string(value.substr(0, cut)) + "...";
    } else {
        text += std::string(value);
    }
    return text + "\"";
}

Diagnostics::Diagnostics(std::string file, const SourceText& source)
    : file_(std::move(file)), source_(source) {}

void Diagnostics::error(SourcePos pos, std::string message) {
    if (errors_.size() == kMaxErrors) {
        truncated_ = true;
        return;
    }
    errors_.push_back(Diagnostic{file_, pos.line, pos.column, Severity::Error, std::move(message)});
}

std::vector<Diagnostic> Diagnostics::take() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
        return std::pair{a.line, a.column} < std::pair{b.line, b.column};
    });
    if (truncated_) {
        Diagnostic last = errors_.back();
        last.message = fill(_("too many errors; stopped after {}"), {std::to_string(kMaxErrors)});
        errors_.push_back(std::move(last));
        truncated_ = false;
    }
    return std::move(errors_);
}

SourcePos Diagnostics::position(const YAML::Mark& mark) const {
    return source_.position(mark.line, mark.column);
}

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence:
            return _("a list");
        case YAML::NodeType::Map:
            return _("a mapping");
        case YAML::NodeType::Scalar:
            return quoted(node.Scalar());
        default:
            return _("nothing");
    }
}

std::optional<Mapping> Mapping::read(Diagnostics& diagnostics, const YAML::Node& node,
                                     SourcePos where, std::string_view what,
                                     std::initializer_list<std::string_view> allowed) {
    if (!node.IsMap()) {
        diagnostics.error(where, fill(_("{0} must be a mapping of keys to values, got {1}"),
                                      {translated(what), describe(node)}));
        return std::nullopt;
    }
    Mapping mapping;
    mapping.pos_ = where;
    // Where each key was first seen: a mapping may have many keys, all of them unknown.
    std::unordered_map<std::string, SourcePos> seen;
    for (const auto& entry : node) {
        // Copies: the iterator hands out a temporary pair.
        const YAML::Node key = entry.first;
        SourcePos key_pos = diagnostics.position(key.Mark());
        if (!key.IsScalar()) {
            diagnostics.error(key_pos, fill(_("a key in {0} must be a name, got {1}"),
                                            {translated(what), describe(key)}));
            continue;
        }
        const std::string& name = key.Scalar();
        auto [first, inserted] = seen.emplace(name, key_pos);
        if (!inserted) {
            diagnostics.error(key_pos, fill(_("duplicate key {0} in {1} (first at line {2})"),
                                            {quoted(name), translated(what),
                                             std::to_string(first->second.line)}));
            continue;
        }
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            diagnostics.error(key_pos, unknown_key_message(name, what, allowed));
            continue;
        }
        const YAML::Node value = entry.second;
        SourcePos value_pos = value.IsNull() ? key_pos : diagnostics.position(value.Mark());
        mapping.fields_.push_back(Field{name, key_pos, value, value_pos});
    }
    return mapping;
}

const Field* Mapping::get(std::string_view key) const {
    for (const auto& field : fields_) {
        if (field.key == key) {
            return &field;
        }
    }
    return nullptr;
}

std::optional<Text> read_text(Diagnostics& diagnostics, const Field& field,
                              std::string_view expected, std::size_t max_characters,
                              bool newlines) {
    if (!field.value.IsScalar()) {
        diagnostics.error(field.value_pos,
                          fill(_("'{0}' must be {1}, got {2}"),
                               {field.key, translated(expected), describe(field.value)}));
        return std::nullopt;
    }
    Text text{field.value.Scalar(), field.value_pos};
    if (auto problem = text_problem(text.value, max_characters, newlines)) {
        // TRANSLATORS: {1} is one of the problems of a text below ("contains ...", "is ...").
        diagnostics.error(text.pos, fill(_("'{0}' {1}"), {field.key, *problem}));
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> text_problem(std::string_view value, std::size_t max_characters,
                                        bool newlines) {
    std::size_t characters = 0;
    for (std::size_t i = 0; i < value.size();) {
        const char32_t code = next_code_point(value, i);
        ++characters;
        const bool control =
            (code < 0x20 && !(newlines && code == '\n')) || (code >= 0x7F && code <= 0x9F);
        if (control) {
            return fill(_("contains the control character {0} at character {1}; a name, dose or "
                          "note is shown to people: write it without one"),
                        {code_point_name(code), std::to_string(characters)});
        }
        if (is_bidi_control(code)) {
            return fill(_("contains the bidirectional control character {0} at character {1}; it "
                          "could make the text show as something else"),
                        {code_point_name(code), std::to_string(characters)});
        }
    }
    if (characters > max_characters) {
        return fill(_("is {0} characters long; at most {1} are allowed"),
                    {std::to_string(characters), std::to_string(max_characters)});
    }
    return std::nullopt;
}

std::optional<std::vector<Text>> read_text_list(Diagnostics& diagnostics, const Field& field,
                                                std::size_t max_entries) {
    if (field.value.IsScalar()) {
        auto text = read_text(diagnostics, field);
        if (!text) {
            return std::nullopt;
        }
        return std::vector<Text>{std::move(*text)};
    }
    auto nodes = read_sequence(diagnostics, field, max_entries);
    if (!nodes) {
        return std::nullopt;
    }
    std::vector<Text> texts;
    bool all_scalars = true;
    for (const auto& node : *nodes) {
        SourcePos pos = diagnostics.position(node.Mark());
        if (!node.IsScalar()) {
            diagnostics.error(pos, fill(_("each entry of '{0}' must be a text, got {1}"),
                                        {field.key, describe(node)}));
            all_scalars = false;
            continue;
        }
        if (auto problem = text_problem(node.Scalar(), kMaxTextCharacters, false)) {
            // TRANSLATORS: {1} is one of the problems of a text ("contains ...", "is ...").
            diagnostics.error(pos, fill(_("an entry of '{0}' {1}"), {field.key, *problem}));
            all_scalars = false;
            continue;
        }
        texts.push_back(Text{node.Scalar(), pos});
    }
    if (!all_scalars) {
        return std::nullopt;
    }
    return texts;
}

std::optional<std::vector<YAML::Node>> read_sequence(Diagnostics& diagnostics, const Field& field,
                                                     std::size_t max_entries) {
    if (!field.value.IsSequence()) {
        diagnostics.error(field.value_pos, fill(_("'{0}' must be a list, got {1}"),
                                                {field.key, describe(field.value)}));
        return std::nullopt;
    }
    if (field.value.size() > max_entries) {
        diagnostics.error(field.value_pos, fill(_("'{0}' has {1} entries; the limit is {2}"),
                                                {field.key, std::to_string(field.value.size()),
                                                 std::to_string(max_entries)}));
        return std::nullopt;
    }
    std::vector<YAML::Node> nodes;
    for (const auto& node : field.value) {
        nodes.push_back(node);
    }
    return nodes;
}

std::optional<bool> read_bool(Diagnostics& diagnostics, const Field& field) {
    // YAML 1.2's core schema: yaml-cpp would also take YAML 1.1's y/yes/on/n/no/off, which
    // is the rule that turns the country code `NO` into false. One rule for every boolean.
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        if (text == "true" || text == "True" || text == "TRUE") {
            return true;
        }
        if (text == "false" || text == "False" || text == "FALSE") {
            return false;
        }
    }
    diagnostics.error(field.value_pos,
                      fill(_("'{0}' must be true or false, got {1} (yes/no and on/off are not "
                             "read as booleans: use true or false)"),
                           {field.key, describe(field.value)}));
    return std::nullopt;
}

std::optional<long long> read_integer(Diagnostics& diagnostics, const Field& field, long long min,
                                      long long max) {
    long long value = 0;
    bool ok = false;
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        ok = error == std::errc{} && end == text.data() + text.size() && value >= min &&
             value <= max;
    }
    if (!ok) {
        diagnostics.error(
            field.value_pos,
            fill(_("'{0}' must be a whole number from {1} to {2}, got {3}"),
                 {field.key, std::to_string(min), std::to_string(max), describe(field.value)}));
        return std::nullopt;
    }
    return value;
}

std::optional<double> read_positive_number(Diagnostics& diagnostics, const Field& field,
                                           double max) {
    std::optional<double> value;
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        const auto digits = [](char c) { return c >= '0' && c <= '9'; };
        const auto dot = text.find('.');
        const std::string_view whole = std::string_view(text).substr(0, dot);
        const std::string_view fraction =
            dot == std::string::npos ? std::string_view{} : std::string_view(text).substr(dot + 1);
        const bool plain =
            !whole.empty() && std::all_of(whole.begin(), whole.end(), digits) &&
            (dot == std::string::npos ||
             (!fraction.empty() && std::all_of(fraction.begin(), fraction.end(), digits)));
        double parsed = 0;
        if (plain) {
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
            if (error == std::errc{} && end == text.data() + text.size() && parsed > 0 &&
                parsed <= max) {
                value = parsed;
            }
        }
    }
    if (!value) {
        char limit[32];
        std::snprintf(limit, sizeof limit, "%.0f", max);
        diagnostics.error(field.value_pos,
                          fill(_("'{0}' must be a number greater than 0 such as 1 or 0.5 (at "
                                 "most {1}), got {2}"),
                               {field.key, limit, describe(field.value)}));
    }
    return value;
}

}  // namespace regimend
