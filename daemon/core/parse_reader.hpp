// Reading yaml-cpp nodes with positions: the parser's vocabulary for "this key must be a
// list of texts" and "these are the keys allowed here". Every problem becomes a Diagnostic;
// nothing here throws.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/i18n.hpp"
#include "core/model.hpp"
#include "core/parse_source.hpp"

namespace regimend {

// Collects errors, up to a cap: a file of garbage should not produce a million lines.
class Diagnostics {
  public:
    static constexpr std::size_t kMaxErrors = 100;

    Diagnostics(std::string file, const SourceText& source);

    void error(SourcePos pos, std::string message);
    SourcePos position(const YAML::Mark& mark) const;
    bool empty() const { return errors_.empty(); }
    std::size_t count() const { return errors_.size(); }
    const std::string& file() const { return file_; }
    // In the order of the file, which is not the order they were found in.
    std::vector<Diagnostic> take();

  private:
    std::string file_;
    const SourceText& source_;
    std::vector<Diagnostic> errors_;
    bool truncated_ = false;
};

// A scalar with the place it was written.
struct Text {
    std::string value;
    SourcePos pos;
};

// One `key: value` of a mapping.
struct Field {
    std::string key;
    SourcePos key_pos;
    YAML::Node value;
    // Where the value is written; the key's place when there is no value (`key:` alone),
    // because yaml-cpp marks an empty value at whatever token follows it.
    SourcePos value_pos;
};

// A mapping whose keys were checked: scalars, each once, each one of the allowed keys.
class Mapping {
  public:
    // Reports and returns nullopt when `node` is not a mapping. Unknown and duplicate keys
    // are reported and left out; the rest are kept.
    static std::optional<Mapping> read(Diagnostics& diagnostics, const YAML::Node& node,
                                       SourcePos where, std::string_view what,
                                       std::initializer_list<std::string_view> allowed);

    const Field* get(std::string_view key) const;
    SourcePos pos() const { return pos_; }

  private:
    SourcePos pos_;
    std::vector<Field> fields_;
};

// "a list", "a mapping", "nothing" or the text itself quoted: for "got ..." in messages.
std::string describe(const YAML::Node& node);

// Free text is shown to people (a notification, a terminal): these bound it.
inline constexpr std::size_t kMaxTextCharacters = 200;    // names, doses, ids, tags, times
inline constexpr std::size_t kMaxNotesCharacters = 1000;  // notes

// Why `value` cannot be shown as written, or nullopt: a control character (C0, DEL, C1;
// a line feed only when `newlines`), a bidirectional embedding, override or isolate
// (U+202A..U+202E, U+2066..U+2069), or more than `max_characters` code points. The
// message follows the key: "'name' contains the control character U+0000 at character 2...".
std::optional<std::string> text_problem(std::string_view value, std::size_t max_characters,
                                        bool newlines);

// A scalar that passes text_problem; reports "'key' must be TEXT_KIND, got ..." otherwise.
std::optional<Text> read_text(Diagnostics& diagnostics, const Field& field,
                              std::string_view expected = N_("a text"),
                              std::size_t max_characters = kMaxTextCharacters,
                              bool newlines = false);

// A list of scalars, or a single scalar taken as a list of one.
std::optional<std::vector<Text>> read_text_list(Diagnostics& diagnostics, const Field& field,
                                                std::size_t max_entries = 1000);

// A sequence of any nodes, at most `max_entries` long.
std::optional<std::vector<YAML::Node>> read_sequence(Diagnostics& diagnostics, const Field& field,
                                                     std::size_t max_entries);

// true/false (also True/TRUE/False/FALSE, YAML 1.2's core schema); YAML 1.1's yes/no/on/off
// are errors whose message says to use true or false.
std::optional<bool> read_bool(Diagnostics& diagnostics, const Field& field);

// A whole number in [min, max].
std::optional<long long> read_integer(Diagnostics& diagnostics, const Field& field, long long min,
                                      long long max);

// A decimal number written as digits with an optional fraction ("2", "0.5"), greater than
// zero and at most `max`. No exponents, signs, hex, inf or nan: a count of capsules.
std::optional<double> read_positive_number(Diagnostics& diagnostics, const Field& field,
                                           double max);

// `"value"` quoted for a message, cut short when long.
std::string quoted(std::string_view value);

}  // namespace regimend
