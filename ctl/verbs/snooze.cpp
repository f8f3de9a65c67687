// `regimenctl snooze ITEM [DURATION]`: pushes the next reminder of a due dose later.
#include <algorithm>
#include <iostream>
#include <memory>

#include "core/doses.hpp"
#include "core/i18n.hpp"
#include "error.hpp"
#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct SnoozeArgs {
    std::string item;
    std::optional<std::string> duration;
};

int run_snooze(const SnoozeArgs& args, const GlobalOptions& options) {
    // Read the duration before connecting: bad usage is exit 2 even with no daemon.
    std::optional<regimend::Seconds> length;
    if (args.duration) {
        // "0s", "0m": a duration, but none; say the range rather than "cannot read".
        const bool zero = std::none_of(args.duration->begin(), args.duration->end(),
                                       [](char c) { return c >= '1' && c <= '9'; });
        if (!zero) {
            length = duration_argument(*args.duration, _("snooze length"));
        }
        if (zero || *length < regimend::Seconds{1} || *length > regimend::kLongestSnooze) {
            throw CtlError(kExitUsage,
                           regimend::fill(_("a snooze lasts from 1s to {0}, not {1}"),
                                          {regimend::format_duration(regimend::kLongestSnooze),
                                           *args.duration}));
        }
    }
    auto session = open_session(options);
    const auto now = current_instant();
    auto until = session.bus.snooze(args.item, length);
    std::cout << regimend::fill(
                     _("Snoozed: {0} until {1}"),
                     {session.item_name(args.item, now, options),
                      format_when(*session.zone, until, regimend::local_date(*session.zone, now))})
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"snooze", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<SnoozeArgs>();
         auto command = app.add_subcommand("snooze", _("Remind again later about a due dose"));
         command.add_option("ITEM", args->item, _("item id (or a unique prefix)")).required();
         command.add_option("DURATION", args->duration,
                            _("how long, e.g. 15m or 1h30m (default: the item's snooze)"));
         command.on_selected(run, [&options, args] { return run_snooze(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
