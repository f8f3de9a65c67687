// `regimenctl __complete items|scheduled|as-needed|stocked|symptoms`: the words the shell
// completions (ctl/completion/) offer, read from the regimen with the real parser rather
// than a sed guess at YAML. Hidden from --help; silent and exit 0 when the file is unusable,
// so a broken regimen never breaks a shell's completion.
#include <iostream>
#include <memory>

#include "core/i18n.hpp"
#include "regimen_file.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct CompleteArgs {
    std::string what;
};

int run_complete(const CompleteArgs& args, const GlobalOptions& options) {
    auto parsed = try_load_regimen(options.config_path);
    if (!parsed || !parsed->regimen) {
        return kExitOk;
    }
    if (args.what == "symptoms") {
        for (const auto& kind : parsed->regimen->symptoms) {
            std::cout << kind << '\n';
        }
        return kExitOk;
    }
    for (const auto& item : parsed->regimen->items) {
        const bool wanted = args.what == "items" || (args.what == "scheduled" && !item.as_needed) ||
                            (args.what == "as-needed" && item.as_needed) ||
                            (args.what == "stocked" && item.stock.has_value());
        if (wanted) {
            std::cout << item.id << '\n';
        }
    }
    return kExitOk;
}

const RegisterVerb registration{
    {"__complete", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<CompleteArgs>();
         // An empty group hides it from --help: it is for the completion scripts.
         auto command = app.add_subcommand("__complete", _("Words for shell completion"));
         command.group("");
         command
             .add_option("WHAT", args->what, _("items, scheduled, as-needed, stocked or symptoms"))
             .required()
             .one_of({"items", "scheduled", "as-needed", "stocked", "symptoms"});
         command.on_selected(run, [&options, args] { return run_complete(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
