#include "core/diagnostic.hpp"
#include "core/i18n.hpp"

namespace regimend {

std::string format_diagnostic(const Diagnostic& diagnostic) {
    std::string text = diagnostic.file;
    if (diagnostic.line > 0) {
        text += ":" + std::to_string(diagnostic.line);
        if (diagnostic.column > 0) {
            text += ":" + std::to_string(diagnostic.column);
        }
    }
    // TRANSLATORS: file:line:column, then the message, as compilers write them.
    return fill(
        diagnostic.severity == Severity::Error ? _("{0}: error: {1}") : _("{0}: warning: {1}"),
        {text, diagnostic.message});
}

}  // namespace regimend
