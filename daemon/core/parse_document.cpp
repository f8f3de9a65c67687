#include "core/parse_document.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <vector>

namespace regimend {
namespace {

constexpr SourcePos file_start{1, 1};

// Notes where each document starts and ignores the rest.
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

// Turns what yaml-cpp could not parse into one diagnostic. A tab in the indentation is the
// usual cause of its less helpful messages, so it is named when there is one.
void report_syntax_error(Diagnostics& diagnostics, const SourceText& source, const YAML::Mark& mark,
                         const std::string& message) {
    SourcePos where = source.position(mark.line, mark.column);
    if (auto tab = source.first_indenting_tab(mark.line)) {
        diagnostics.error(*tab,
                          "a tab indents this line: YAML allows only spaces for "
                          "indentation (the parser stopped at line " +
                              std::to_string(where.line) + ": " + message + ")");
        return;
    }
    diagnostics.error(where, "YAML syntax error: " + message);
}

// Whether the text holds a second document. yaml-cpp's LoadAll is not used because a
// stray top-level ',' (", a" or "[a], b") makes it produce empty documents at the same
// place forever; here such a place is a syntax error.
bool check_single_document(Diagnostics& diagnostics, const SourceText& source) {
    std::istringstream stream{std::string(source.text())};
    YAML::Parser parser(stream);
    DocumentStarts documents;
    const auto& starts = documents.starts;
    while (starts.size() < 3 && parser.HandleNextDocument(documents)) {
        if (starts.size() >= 2 && starts.back().pos == starts[starts.size() - 2].pos) {
            const YAML::Mark& stuck = starts.back();
            char found = source.text()[static_cast<std::size_t>(stuck.pos)];
            report_syntax_error(diagnostics, source, stuck,
                                std::string("unexpected '") + found + "' outside any list");
            return false;
        }
    }
    if (starts.size() > 1) {
        diagnostics.error(source.position(starts[1].line, starts[1].column),
                          "the file holds more than one YAML document; a regimen is one");
        return false;
    }
    return true;
}

}  // namespace

std::optional<YAML::Node> load_document(Diagnostics& diagnostics, const SourceText& source) {
    YAML::Node root;
    try {
        if (!check_single_document(diagnostics, source)) {
            return std::nullopt;
        }
        root = YAML::Load(std::string(source.text()));
    } catch (const YAML::DeepRecursion& exception) {
        diagnostics.error(source.position(exception.mark.line, exception.mark.column),
                          "the YAML is nested too deeply");
        return std::nullopt;
    } catch (const YAML::ParserException& exception) {
        report_syntax_error(diagnostics, source, exception.mark, exception.msg);
        return std::nullopt;
    }
    if (root.IsNull()) {
        diagnostics.error(file_start,
                          "the file is empty: expected a mapping with 'version' and 'items'");
        return std::nullopt;
    }
    return root;
}

}  // namespace regimend
