#include "app/regimen_loader.hpp"
#include "core/i18n.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <memory>

#include "core/lint.hpp"
#include "core/parse.hpp"
#include "host/system_zone.hpp"
#include "host/zoneinfo.hpp"

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
                                 const regimend::TimeZone* default_zone) {
    LoadedRegimen result;
    result.text = std::string(text);
    ParseResult parsed = parse_regimen(text, file_name, default_zone, regimend::find_zone);
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

const regimend::TimeZone* lookup_system_zone(std::string* problem) {
    return system_zone(problem);
}

LoadedRegimen load_regimen_file(const std::string& path, const ZoneLookup& zone_lookup) {
    std::string error;
    auto text = read_regular_file(path, error);
    if (!text) {
        LoadedRegimen failed = file_error(path, fill(_("cannot read the regimen: {}"), {error}));
        std::error_code ignored;
        failed.missing = !std::filesystem::exists(std::filesystem::symlink_status(path, ignored));
        return failed;
    }
    std::string zone_problem;
    const auto* zone = zone_lookup(&zone_problem);
    if (!zone_problem.empty()) {
        spdlog::warn("{}", zone_problem);
    }
    return check_regimen_text(*text, path, zone);
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
