// An error or warning about a regimen file, with the place it refers to.
#pragma once

#include <string>
#include <vector>

namespace regimend {

enum class Severity { Error, Warning };

struct Diagnostic {
    std::string file;
    int line = 0;    // 1-based
    int column = 0;  // 1-based
    Severity severity = Severity::Error;
    std::string message;
};

// "regimen.yaml:12:9: error: 'at' must be ..."
std::string format_diagnostic(const Diagnostic& diagnostic);

inline bool has_errors(const std::vector<Diagnostic>& diagnostics) {
    for (const auto& diagnostic : diagnostics) {
        if (diagnostic.severity == Severity::Error) {
            return true;
        }
    }
    return false;
}

}  // namespace regimend
