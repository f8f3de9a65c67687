#include "core/parse_reader.hpp"

#include <algorithm>
#include <charconv>
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
    std::string message = "unknown key " + quoted(key) + " in " + std::string(what);
    std::string_view closest;
    std::size_t closest_distance = 3;  // suggest only near misses: "as-needed", "atx"
    for (std::string_view candidate : allowed) {
        std::size_t distance = edit_distance(key, candidate);
        if (distance < closest_distance) {
            closest = candidate;
            closest_distance = distance;
        }
    }
    if (!closest.empty()) {
        message += " (did you mean '" + std::string(closest) + "'?)";
    }
    message += "; allowed keys:";
    const char* separator = " ";
    for (std::string_view candidate : allowed) {
        message += separator + std::string(candidate);
        separator = ", ";
    }
    return message;
}

}  // namespace

std::string quoted(std::string_view value) {
    constexpr std::size_t longest = 60;
    std::string text = "\"";
    if (value.size() > longest) {
        std::size_t cut = longest;
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
    if (errors_.size() == max_errors) {
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
        last.message = "too many errors; stopped after " + std::to_string(max_errors);
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
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Scalar:
            return quoted(node.Scalar());
        default:
            return "nothing";
    }
}

std::optional<Mapping> Mapping::read(Diagnostics& diagnostics, const YAML::Node& node,
                                     SourcePos where, std::string_view what,
                                     std::initializer_list<std::string_view> allowed) {
    if (!node.IsMap()) {
        diagnostics.error(where, std::string(what) + " must be a mapping of keys to values, got " +
                                     describe(node));
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
            diagnostics.error(
                key_pos, "a key in " + std::string(what) + " must be a name, got " + describe(key));
            continue;
        }
        const std::string& name = key.Scalar();
        auto [first, inserted] = seen.emplace(name, key_pos);
        if (!inserted) {
            diagnostics.error(key_pos, "duplicate key " + quoted(name) + " in " +
                                           std::string(what) + " (first at line " +
                                           std::to_string(first->second.line) + ")");
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
                              std::string_view expected) {
    if (!field.value.IsScalar()) {
        diagnostics.error(field.value_pos, "'" + field.key + "' must be " + std::string(expected) +
                                               ", got " + describe(field.value));
        return std::nullopt;
    }
    return Text{field.value.Scalar(), field.value_pos};
}

std::optional<std::vector<Text>> read_text_list(Diagnostics& diagnostics, const Field& field,
                                                std::size_t max_entries) {
    if (field.value.IsScalar()) {
        return std::vector<Text>{Text{field.value.Scalar(), field.value_pos}};
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
            diagnostics.error(
                pos, "each entry of '" + field.key + "' must be a text, got " + describe(node));
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
        diagnostics.error(field.value_pos,
                          "'" + field.key + "' must be a list, got " + describe(field.value));
        return std::nullopt;
    }
    if (field.value.size() > max_entries) {
        diagnostics.error(field.value_pos,
                          "'" + field.key + "' has " + std::to_string(field.value.size()) +
                              " entries; the limit is " + std::to_string(max_entries));
        return std::nullopt;
    }
    std::vector<YAML::Node> nodes;
    for (const auto& node : field.value) {
        nodes.push_back(node);
    }
    return nodes;
}

std::optional<bool> read_bool(Diagnostics& diagnostics, const Field& field) {
    bool value = false;
    if (!field.value.IsScalar() || !YAML::convert<bool>::decode(field.value, value)) {
        diagnostics.error(field.value_pos, "'" + field.key + "' must be true or false, got " +
                                               describe(field.value));
        return std::nullopt;
    }
    return value;
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
        diagnostics.error(field.value_pos, "'" + field.key + "' must be a whole number from " +
                                               std::to_string(min) + " to " + std::to_string(max) +
                                               ", got " + describe(field.value));
        return std::nullopt;
    }
    return value;
}

}  // namespace regimend
