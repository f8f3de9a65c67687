// Every verb of regimenctl lives in its own file under ctl/verbs/ and registers itself
// here, so adding a verb never touches main.cpp.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "command.hpp"
#include "global_options.hpp"

namespace regimenctl {

// How a verb file adds itself (see ctl/verbs/*.cpp, e.g. reload.cpp for the smallest):
//
//   const RegisterVerb registration{{"name", [](Command app, GlobalOptions& options,
//                                            std::function<int()>& run) {
//       auto args = std::make_shared<MyArgs>();       // outlives add(): owned by the lambdas
//       auto command = app.add_subcommand("name", "one line for --help");
//       command.add_option("ITEM", args->item, "...").required();
//       command.on_selected(run, [&options, args] { return run_name(*args, options); });
//   }}};
//
// main.cpp parses the command line; the selected subcommand's callback stores its body in
// `run`, which main then calls. Failures are thrown as CtlError (ctl/error.hpp). Verb files
// declare their options through ctl/command.hpp and do not include CLI11.
struct Verb {
    // The subcommand's name, as `add` names it: --help lists the verbs sorted by it, so no
    // table of positions has to be kept in step with the files.
    std::string_view name;
    // Adds the subcommand; the returned function runs it and gives the exit code.
    std::function<void(Command app, GlobalOptions& options, std::function<int()>& run)> add;
    // Runs the verb when the command line is its name alone (for `status`, also an empty
    // one), where every option keeps its default: main.cpp then builds no parser at all,
    // so the commonest command line starts as quickly as one bus call allows. Empty for
    // verbs that always parse.
    std::function<int(const GlobalOptions& options)> run_alone = {};
};

std::vector<Verb>& verb_registry();

struct RegisterVerb {
    explicit RegisterVerb(Verb verb) { verb_registry().push_back(std::move(verb)); }
};

}  // namespace regimenctl
