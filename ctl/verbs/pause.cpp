// `regimenctl pause ITEM --until DATE`: plans nothing for the item from now to the end of
// DATE (travel, illness); an open reminder of it ends. Paused days count neither as planned
// nor as missed. The pause is a history event: a restart and the report know it.
#include <iostream>
#include <memory>
#include <variant>

#include "core/i18n.hpp"
#include "core/pause.hpp"
#include "core/placeholders.hpp"
#include "error.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct PauseArgs {
    std::string item;
    std::string until;
};

int run_pause(const PauseArgs& args, const GlobalOptions& options) {
    auto session = open_session(options);
    // Checked here first, in the zone the daemon runs in, so a bad date is a usage error
    // (exit 2); the daemon checks again.
    auto until = regimend::pause_until(*session.zone, args.until, current_instant());
    if (auto* problem = std::get_if<std::string>(&until)) {
        throw CtlError(kExitUsage, *problem);
    }
    const Instant ends =
        session.bus.pause(args.item, regimend::format_date(std::get<regimend::LocalDate>(until)));
    const auto resumes = regimend::local_date(*session.zone, ends);
    std::cout << regimend::fill_in(
                     _("Paused {} until {}: it is planned again from {} {}."),
                     {session.item_name(args.item, ends, options),
                      regimend::format_date(std::get<regimend::LocalDate>(until)),
                      regimend::format_weekday(resumes), regimend::format_date(resumes)})
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"pause", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<PauseArgs>();
         auto command = app.add_subcommand(
             "pause", _("Plan nothing for ITEM until DATE (travel, illness); paused days are "
                        "neither planned nor missed"));
         command.add_option("ITEM", args->item, _("item id (or a unique prefix)")).required();
         command
             .add_option("--until", args->until,
                         _("the last day of the pause, YYYY-MM-DD (today or later)"))
             .required();
         command.on_selected(run, [&options, args] { return run_pause(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
