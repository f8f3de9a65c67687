// `regimenctl take ITEM [--at TIME]` (alias `confirm`): marks the due (or early) dose taken;
// --at backdates a late confirmation.
#include <iostream>
#include <memory>

#include "error.hpp"
#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"

namespace regimenctl {
namespace {

struct TakeArgs {
    std::string item;
    std::optional<std::string> at;
};

int run_take(const TakeArgs& args, const GlobalOptions& options) {
    if (args.at) {
        check_at_form(*args.at);
    }
    auto session = open_session(options);
    const auto now = current_instant();
    const std::optional<Instant> at = optional_at_argument(args.at, *session.zone, now);
    Instant planned{};
    try {
        planned = session.bus.confirm(args.item, at);
    } catch (const CtlError& error) {
        if (!at) {
            throw;
        }
        throw CtlError(error.exit_code(),
                       std::string(error.what()) + " (" + at_read_as(*session.zone, *at) + ")");
    }
    auto today = regimend::local_date(*session.zone, now);
    std::cout << "Taken: " << session.item_name(args.item, planned, options) << " (planned "
              << format_when(*session.zone, planned, today);
    if (at) {
        std::cout << ", taken " << format_when(*session.zone, *at, today);
    }
    std::cout << ")\n";
    return kExitOk;
}

const RegisterVerb registration{
    {20, [](CLI::App& app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<TakeArgs>();
         auto* command = app.add_subcommand("take", "Confirm a dose as taken");
         command->alias("confirm");
         command->add_option("ITEM", args->item, "item id (or a unique prefix)")->required();
         command->add_option("--at", args->at,
                             "when it was really taken: \"21:10\", \"yesterday 21:10\", "
                             "\"2026-11-22 21:10\"");
         on_selected(command, run, [&options, args] { return run_take(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
