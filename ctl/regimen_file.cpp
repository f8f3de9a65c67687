#include "regimen_file.hpp"
#include "core/i18n.hpp"

#include <filesystem>
#include <iostream>

#include "app/paths.hpp"
#include "error.hpp"
#include "host/regular_file.hpp"
#include "host/system_zone.hpp"

namespace regimenctl {

std::string default_config_path() {
    return regimend::resolve_paths({}, {}).config_file;
}

std::string read_text_file(const std::string& path) {
    std::string why;
    auto text = regimend::read_regular_file(path, why);
    if (!text) {
        throw CtlError(kExitFailed, regimend::fill(_("cannot read {0}: {1}"), {path, why}));
    }
    return std::move(*text);
}

const regimend::TimeZone* system_zone() {
    return regimend::system_zone();
}

std::optional<regimend::ParseResult> try_load_regimen(const std::string& path) {
    std::string ignored;
    auto text = regimend::read_regular_file(path, ignored);
    if (!text) {
        return std::nullopt;
    }
    return regimend::parse_regimen(*text, path, system_zone(), regimend::find_zone);
}

regimend::ParseResult load_regimen(const std::string& path) {
    std::string text;
    try {
        text = read_text_file(path);
    } catch (const CtlError& error) {
        std::error_code ignored;
        const bool missing = !std::filesystem::exists(path, ignored);
        if (!missing) {
            throw;
        }
        // `edit` creates the default file: for any other, the hint would send the person to
        // a different file than the one they named.
        const auto normal = [&](const std::string& file) {
            return std::filesystem::absolute(file, ignored).lexically_normal();
        };
        const bool is_default = normal(path) == normal(default_config_path());
        throw CtlError(kExitFailed,
                       is_default
                           ? regimend::fill(_("{}; `regimenctl edit` creates one"), {error.what()})
                           : std::string(error.what()));
    }
    return regimend::parse_regimen(text, path, system_zone(), regimend::find_zone);
}

regimend::Regimen load_valid_regimen(const std::string& path, std::string_view consequence) {
    auto parsed = load_regimen(path);
    if (!parsed.ok()) {
        for (const auto& diagnostic : parsed.diagnostics) {
            std::cerr << regimend::format_diagnostic(diagnostic) << '\n';
        }
        throw CtlError(kExitFailed, std::string(consequence));
    }
    return std::move(*parsed.regimen);
}

}  // namespace regimenctl
