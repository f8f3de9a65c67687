// `regimenctl reload`: asks regimend to re-read its regimen file. On InvalidRegimen the
// daemon's message, with every error, is printed and the running regimen stays.
#include <iostream>

#include "core/i18n.hpp"
#include "session.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

int run_reload(const GlobalOptions& options) {
    auto session = open_session(options);
    session.bus.reload();
    std::cout << regimend::fill(_("Reloaded {}"), {session.config_path(options)}) << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"reload", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto command = app.add_subcommand("reload", _("Make regimend re-read the regimen file"));
         command.on_selected(run, [&options] { return run_reload(options); });
     }}};

}  // namespace
}  // namespace regimenctl
