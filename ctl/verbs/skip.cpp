// `regimenctl skip ITEM [--reason TEXT]`: marks the due (or next) dose skipped.
#include <iostream>
#include <memory>

#include "core/i18n.hpp"
#include "note_args.hpp"
#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct SkipArgs {
    std::string item;
    std::string reason;
};

int run_skip(const SkipArgs& args, const GlobalOptions& options) {
    check_note_argument(args.reason, "--reason");
    auto session = open_session(options);
    auto planned = session.bus.skip(args.item, args.reason);
    auto today = regimend::local_date(*session.zone, current_instant());
    std::cout << regimend::fill(_("Skipped: {0} (planned {1})"),
                                {session.item_name(args.item, planned, options),
                                 format_when(*session.zone, planned, today)})
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"skip", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<SkipArgs>();
         auto command = app.add_subcommand("skip", _("Skip a dose"));
         command.add_option("ITEM", args->item, _("item id (or a unique prefix)")).required();
         command.add_option("--reason", args->reason, _("why, kept in the history"));
         command.on_selected(run, [&options, args] { return run_skip(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
