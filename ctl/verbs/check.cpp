// `regimenctl check [FILE]`: validates and lints a regimen file offline. Exit 0 when clean
// or with warnings only, 1 on errors (or when the file cannot be read).
#include <algorithm>
#include <iostream>
#include <memory>

#include "core/lint.hpp"
#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"

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
    auto parsed = load_regimen(path);
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
        std::cout << path << ": OK, " << parsed.regimen->items.size() << " items\n";
    } else {
        std::cout << path << ": " << errors << (errors == 1 ? " error, " : " errors, ") << warnings
                  << (warnings == 1 ? " warning" : " warnings") << '\n';
    }
    return failed ? kExitFailed : kExitOk;
}

const RegisterVerb registration{
    {100, [](CLI::App& app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<CheckArgs>();
         auto* command = app.add_subcommand("check", "Validate and lint a regimen file (offline)");
         command->add_option("FILE", args->file, "the file (default: --config)");
         command->add_flag("--json", options.json, "print one JSON document");
         on_selected(command, run, [&options, args] { return run_check(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
