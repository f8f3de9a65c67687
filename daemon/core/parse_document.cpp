#include "core/parse_document.hpp"
#include "core/i18n.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace regimend {
namespace {
struct BuiltRoot {};  // tags the specialization below
}  // namespace
}  // namespace regimend

// yaml-cpp 0.7 keeps Node's constructor from a detail::node private and befriends its
// NodeBuilder (not installed) and every as_if<T, S>: this specialization is the door to
// the constructor that YAML::Load's own builder uses.
template <>
struct YAML::as_if<regimend::BuiltRoot, void> {
    static Node root(detail::node& node, const detail::shared_memory_holder& memory) {
        return Node(node, memory);
    }
};

namespace regimend {
namespace {

constexpr SourcePos kFileStart{1, 1};

// Notes where each further document starts and ignores the rest.
class DocumentStarts : public YAML::EventHandler {
  public:
    std::vector<YAML::Mark> starts;

    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// Builds the first document's nodes from the parser's events, as YAML::Load does with
// yaml-cpp's NodeBuilder (which the library does not install). Having the parser in hand
// lets the same pass go on to look for a second document instead of parsing the text twice.
class DocumentBuilder : public YAML::EventHandler {
  public:
    DocumentBuilder() : memory_(new YAML::detail::memory_holder) { anchors_.push_back(nullptr); }

    std::vector<YAML::Mark> starts;

    YAML::Node root() const {
        return root_ == nullptr ? YAML::Node()
                                : YAML::as_if<BuiltRoot, void>::root(*root_, memory_);
    }

    void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
        push(mark, anchor).set_null();
        pop();
    }
    void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
        // The parser refuses an alias to an unknown anchor before calling this.
        push(*anchors_.at(anchor));
        pop();
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override {
        YAML::detail::node& node = push(mark, anchor);
        node.set_scalar(value);
        node.set_tag(tag);
        pop();
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value style) override {
        YAML::detail::node& node = push(mark, anchor);
        node.set_tag(tag);
        node.set_type(YAML::NodeType::Sequence);
        node.set_style(style);
    }
    void OnSequenceEnd() override { pop(); }
    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value style) override {
        YAML::detail::node& node = push(mark, anchor);
        node.set_type(YAML::NodeType::Map);
        node.set_tag(tag);
        node.set_style(style);
        ++map_depth_;
    }
    void OnMapEnd() override {
        --map_depth_;
        pop();
    }

  private:
    YAML::detail::node& push(const YAML::Mark& mark, YAML::anchor_t anchor) {
        YAML::detail::node& node = memory_->create_node();
        node.set_mark(mark);
        if (anchor != YAML::NullAnchor) {
            anchors_.resize(std::max<std::size_t>(anchors_.size(), anchor + 1));
            anchors_[anchor] = &node;
        }
        push(node);
        return node;
    }

    void push(YAML::detail::node& node) {
        const bool needs_key = !stack_.empty() && stack_.back()->type() == YAML::NodeType::Map &&
                               keys_.size() < map_depth_;
        stack_.push_back(&node);
        if (needs_key) {
            keys_.emplace_back(&node, false);
        }
    }

    void pop() {
        if (stack_.size() == 1) {
            root_ = stack_.front();
            stack_.pop_back();
            return;
        }
        YAML::detail::node& node = *stack_.back();
        stack_.pop_back();
        YAML::detail::node& collection = *stack_.back();
        if (collection.type() == YAML::NodeType::Sequence) {
            collection.push_back(node, memory_);
        } else if (collection.type() == YAML::NodeType::Map) {
            auto& [key, has_value] = keys_.back();
            if (has_value) {
                collection.insert(*key, node, memory_);
                keys_.pop_back();
            } else {
                has_value = true;
            }
        }
    }

    YAML::detail::shared_memory_holder memory_;
    YAML::detail::node* root_ = nullptr;
    std::vector<YAML::detail::node*> stack_;
    std::vector<YAML::detail::node*> anchors_;
    std::vector<std::pair<YAML::detail::node*, bool>> keys_;
    std::size_t map_depth_ = 0;
};

// Turns what yaml-cpp could not parse into one diagnostic. A tab in the indentation is the
// usual cause of its less helpful messages, so it is named when there is one.
// Line `index` (0-based) of the text, without its line break; empty past the end.
std::string_view line_at(std::string_view text, int index) {
    std::size_t start = 0;
    for (int i = 0; i < index; ++i) {
        start = text.find('\n', start);
        if (start == std::string_view::npos) {
            return {};
        }
        ++start;
    }
    std::string_view line = text.substr(start, text.find('\n', start) - start);
    return line.ends_with('\r') ? line.substr(0, line.size() - 1) : line;
}

// A line without its comment (a '#' at its start or after a space; quotes are not
// followed: this only reads the lines around a syntax error) and trailing spaces.
std::string_view without_comment(std::string_view line) {
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '#' && (i == 0 || line[i - 1] == ' ')) {
            line = line.substr(0, i);
            break;
        }
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        line.remove_suffix(1);
    }
    return line;
}

std::size_t indentation(std::string_view line) {
    return std::min(line.find_first_not_of(' '), line.size());
}

// The column of a line's key, past its indentation and list dashes ("  - id: x" -> 4).
std::size_t key_column(std::string_view line) {
    std::size_t column = indentation(line);
    while (line.substr(column).starts_with("- ")) {
        column = line.find_first_not_of(' ', column + 1);
        column = std::min(column, line.size());
    }
    return column;
}

// What to do about the two syntax errors a first edit of the example makes, read from the
// line where the parser stopped and the line with content above it; empty for others.
std::string explain_syntax_error(std::string_view text, int error_line,
                                 const std::string& message) {
    if (message != "end of map not found" && message != "illegal map value") {
        return {};
    }
    std::string_view here = without_comment(line_at(text, error_line));
    std::string_view above;
    for (int index = error_line - 1; index >= 0 && above.empty(); --index) {
        above = without_comment(line_at(text, index));
        if (above.find_first_not_of(' ') == std::string_view::npos) {
            above = {};
        }
    }
    if (here.empty() || above.empty()) {
        return {};
    }
    std::size_t colon = above.rfind(':');
    if (above.ends_with("[]") && colon != std::string_view::npos &&
        above.substr(colon + 1).find_first_not_of(' ') == above.size() - colon - 3 &&
        (indentation(here) > indentation(above) ||
         here.substr(indentation(here)).starts_with("- "))) {
        std::string_view key = above.substr(key_column(above), colon - key_column(above));
        return fill(_("`{}:` is followed by `[]`, an empty list: remove `[]` to list items below "
                      "it"),
                    {key});
    }
    if (indentation(here) > key_column(above) && !above.ends_with(':')) {
        return _("this line is indented more than the key above it");
    }
    return {};
}

void report_syntax_error(Diagnostics& diagnostics, const SourceText& source, const YAML::Mark& mark,
                         const std::string& message) {
    SourcePos where = source.position(mark.line, mark.column);
    if (auto tab = source.first_indenting_tab(mark.line)) {
        diagnostics.error(*tab, fill(_("a tab indents this line: YAML allows only spaces for "
                                       "indentation (the parser stopped at line {0}: {1})"),
                                     {std::to_string(where.line), message}));
        return;
    }
    std::string explained = explain_syntax_error(source.text(), mark.line, message);
    diagnostics.error(where,
                      explained.empty() ? fill(_("YAML syntax error: {}"), {message}) : explained);
}

// Whether the rest of the text, after the first document, holds a second one. yaml-cpp's
// LoadAll is not used because a stray top-level ',' (", a" or "[a], b") makes it produce
// empty documents at the same place forever; here such a place is a syntax error.
bool check_single_document(Diagnostics& diagnostics, const SourceText& source, YAML::Parser& parser,
                           std::vector<YAML::Mark> starts) {
    DocumentStarts documents;
    documents.starts = std::move(starts);
    const auto& found = documents.starts;
    while (found.size() < 3 && parser.HandleNextDocument(documents)) {
        if (found.size() >= 2 && found.back().pos == found[found.size() - 2].pos) {
            const YAML::Mark& stuck = found.back();
            char character = source.text()[static_cast<std::size_t>(stuck.pos)];
            report_syntax_error(
                diagnostics, source, stuck,
                fill(_("unexpected '{}' outside any list"), {std::string_view(&character, 1)}));
            return false;
        }
    }
    if (found.size() > 1) {
        diagnostics.error(source.position(found[1].line, found[1].column),
                          _("the file holds more than one YAML document; a regimen is one"));
        return false;
    }
    return true;
}

}  // namespace

std::optional<YAML::Node> load_document(Diagnostics& diagnostics, const SourceText& source) {
    YAML::Node root;
    try {
        // One pass: the first document is built from the parser's events, then the same
        // parser reads on only to see whether another document follows.
        std::istringstream stream{std::string(source.text())};
        YAML::Parser parser(stream);
        DocumentBuilder builder;
        parser.HandleNextDocument(builder);
        if (!check_single_document(diagnostics, source, parser, std::move(builder.starts))) {
            return std::nullopt;
        }
        root = builder.root();
    } catch (const YAML::DeepRecursion& exception) {
        diagnostics.error(source.position(exception.mark.line, exception.mark.column),
                          _("the YAML is nested too deeply"));
        return std::nullopt;
    } catch (const YAML::ParserException& exception) {
        report_syntax_error(diagnostics, source, exception.mark, exception.msg);
        return std::nullopt;
    }
    if (root.IsNull()) {
        diagnostics.error(kFileStart,
                          _("the file is empty: expected a mapping with 'version' and 'items'"));
        return std::nullopt;
    }
    return root;
}

}  // namespace regimend
