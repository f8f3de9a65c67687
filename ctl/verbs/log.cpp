// `regimenctl log ITEM [--at TIME] [--note TEXT]`: records an as-needed dose.
#include <iostream>
#include <memory>

#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"

namespace regimenctl {
namespace {

struct LogArgs {
    std::string item;
    std::optional<std::string> at;
    std::string note;
};

int run_log(const LogArgs& args, const GlobalOptions& options) {
    if (args.at) {
        check_at_form(*args.at);
    }
    auto session = open_session(options);
    const auto now = current_instant();
    const std::optional<Instant> at = optional_at_argument(args.at, *session.zone, now);
    session.bus.log_dose(args.item, at, args.note);
    std::cout << "Logged: " << session.item_name(args.item, at.value_or(now), options) << " at "
              << format_when(*session.zone, at.value_or(now),
                             regimend::local_date(*session.zone, now))
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {50, [](CLI::App& app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<LogArgs>();
         auto* command = app.add_subcommand("log", "Record an as-needed dose");
         command->add_option("ITEM", args->item, "item id (or a unique prefix)")->required();
         command->add_option("--at", args->at,
                             "when it was taken (default now): \"21:10\", \"2026-11-22 21:10\"");
         command->add_option("--note", args->note, "free text kept in the history");
         on_selected(command, run, [&options, args] { return run_log(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
