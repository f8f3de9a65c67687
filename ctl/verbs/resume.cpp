// `regimenctl resume ITEM`: ends the item's pause now; its doses are planned again from
// this moment (one may be due at once).
#include <iostream>
#include <memory>

#include "core/i18n.hpp"
#include "core/placeholders.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct ResumeArgs {
    std::string item;
};

int run_resume(const ResumeArgs& args, const GlobalOptions& options) {
    auto session = open_session(options);
    session.bus.resume(args.item);
    std::cout << regimend::fill_in(_("Resumed {}: its doses are planned again from now."),
                                   {session.item_name(args.item, current_instant(), options)})
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"resume", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<ResumeArgs>();
         auto command = app.add_subcommand("resume", _("End ITEM's pause now (regimenctl pause)"));
         command.add_option("ITEM", args->item, _("item id (or a unique prefix)")).required();
         command.on_selected(run, [&options, args] { return run_resume(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
