// `regimenctl check [FILE]`: validates and lints a regimen file offline. Exit 0 when clean
// or with warnings only, 1 on errors (or when the file cannot be read).
#include <algorithm>
#include <iostream>
#include <memory>

#include "core/i18n.hpp"
#include "core/lint.hpp"
#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct CheckArgs {
    std::optional<std::string> file;
};

nlohmann::json diagnostics_json(const std::vector<regimend::Diagnostic>& diagnostics,
                                regimend::Severity severity) {
    auto list = nlohmann::json::array();
    for (const auto& diagnostic : diagnostics) {
        if (diagnostic.severity == severity) {
            list.push_back({{"file", diagnostic.file},
                            {"line", diagnostic.line},
                            {"column", diagnostic.column},
                            {"message", diagnostic.message}});
        }
    }
    return list;
}

int run_check(const CheckArgs& args, const GlobalOptions& options) {
    const auto path = args.file.value_or(options.config_path);
    regimend::ParseResult parsed;
    try {
        parsed = load_regimen(path);
    } catch (const CtlError& error) {
        if (!options.json) {
            throw;
        }
        // --json promises one JSON document, also when the file cannot be read.
        print_json(
            {{"errors",
              nlohmann::json::array(
                  {{{"file", path}, {"line", 1}, {"column", 1}, {"message", error.what()}}})},
             {"warnings", nlohmann::json::array()}});
        return kExitFailed;
    }
    auto diagnostics = parsed.diagnostics;
    if (parsed.regimen) {
        auto warnings = regimend::lint(*parsed.regimen);
        diagnostics.insert(diagnostics.end(), warnings.begin(), warnings.end());
    }
    // In file order, as a reader goes through the file fixing them.
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    const bool failed = regimend::has_errors(diagnostics);

    if (options.json) {
        print_json({{"errors", diagnostics_json(diagnostics, regimend::Severity::Error)},
                    {"warnings", diagnostics_json(diagnostics, regimend::Severity::Warning)}});
        return failed ? kExitFailed : kExitOk;
    }
    std::size_t errors = 0;
    for (const auto& diagnostic : diagnostics) {
        std::cout << format_diagnostic_line(diagnostic) << '\n';
        errors += diagnostic.severity == regimend::Severity::Error ? 1 : 0;
    }
    const std::size_t warnings = diagnostics.size() - errors;
    if (diagnostics.empty()) {
        const auto items = parsed.regimen->items.size();
        std::cout << regimend::fill(P_("{0}: OK, {1} item", "{0}: OK, {1} items", items),
                                    {path, std::to_string(items)})
                  << '\n';
    } else {
        // TRANSLATORS: the file, then "2 errors" and "1 warning" (the two messages below).
        std::cout << regimend::fill(_("{0}: {1}, {2}"),
                                    {path,
                                     regimend::fill(P_("{} error", "{} errors", errors),
                                                    {std::to_string(errors)}),
                                     regimend::fill(P_("{} warning", "{} warnings", warnings),
                                                    {std::to_string(warnings)})})
                  << '\n';
    }
    return failed ? kExitFailed : kExitOk;
}

const RegisterVerb registration{
    {"check", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<CheckArgs>();
         auto command =
             app.add_subcommand("check", _("Validate and lint a regimen file (offline)"));
         command.add_option("FILE", args->file, _("the file (default: --config)"));
         command.add_flag("--json", options.json, _("print one JSON document"));
         command.on_selected(run, [&options, args] { return run_check(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
