#include "app/regimen_loader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

#include "app/system_zone.hpp"
#include "core/lint.hpp"
#include "core/parse.hpp"

namespace regimend {
namespace {

LoadedRegimen file_error(const std::string& path, std::string message) {
    LoadedRegimen result;
    result.diagnostics.push_back(Diagnostic{path, 0, 0, Severity::Error, std::move(message)});
    return result;
}

}  // namespace

std::size_t LoadedRegimen::error_count() const {
    return static_cast<std::size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::string LoadedRegimen::errors_text() const {
    std::string text;
    for (const auto& diagnostic : diagnostics) {
        if (diagnostic.severity != Severity::Error) {
            continue;
        }
        if (!text.empty()) {
            text += '\n';
        }
        text += format_diagnostic(diagnostic);
    }
    return text;
}

LoadedRegimen check_regimen_text(std::string_view text, const std::string& file_name,
                                 const date::time_zone* default_zone) {
    LoadedRegimen result;
    result.text = std::string(text);
    ParseResult parsed = parse_regimen(text, file_name, default_zone);
    result.diagnostics = std::move(parsed.diagnostics);
    if (parsed.regimen && !has_errors(result.diagnostics)) {
        auto warnings = lint(*parsed.regimen);
        result.diagnostics.insert(result.diagnostics.end(),
                                  std::make_move_iterator(warnings.begin()),
                                  std::make_move_iterator(warnings.end()));
        result.regimen = std::make_shared<const Regimen>(std::move(*parsed.regimen));
    }
    return result;
}

LoadedRegimen load_regimen_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        return file_error(path, std::string("cannot read the regimen: ") + std::strerror(errno));
    }
    std::string text;
    text.resize(kMaxRegimenBytes + 1);
    file.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (file.bad()) {
        return file_error(path, "cannot read the regimen: read error");
    }
    text.resize(static_cast<std::size_t>(file.gcount()));
    if (text.size() > kMaxRegimenBytes) {
        return file_error(path, "the file is larger than 1 MiB; a regimen is a few kilobytes");
    }
    return check_regimen_text(text, path, system_zone());
}

void log_diagnostics(const std::vector<Diagnostic>& diagnostics) {
    for (const auto& diagnostic : diagnostics) {
        if (diagnostic.severity == Severity::Error) {
            spdlog::error("{}", format_diagnostic(diagnostic));
        } else {
            spdlog::warn("{}", format_diagnostic(diagnostic));
        }
    }
}

}  // namespace regimend
