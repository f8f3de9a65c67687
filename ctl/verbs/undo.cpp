// `regimenctl undo ITEM`: takes back the item's last taken or skipped answer. The history
// keeps both the answer and an `undone` event; the dose is due again (or missed, when its
// missed_after has passed).
#include <iostream>
#include <memory>

#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct UndoArgs {
    std::string item;
};

int run_undo(const UndoArgs& args, const GlobalOptions& options) {
    auto session = open_session(options);
    const auto planned = session.bus.undo(args.item);
    const auto now = current_instant();
    const auto today = regimend::local_date(*session.zone, now);
    std::string state;
    for (const auto& row : session.bus.list_doses(planned, planned + regimend::Seconds{1})) {
        if (args.item == row.item || row.item.starts_with(args.item)) {
            state = row.state;
        }
    }
    std::cout << "Undone: " << session.item_name(args.item, planned, options) << " (planned "
              << format_when(*session.zone, planned, today) << ")";
    if (!state.empty()) {
        std::cout << "; it is " << state << " now";
    }
    std::cout << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"undo", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<UndoArgs>();
         auto command =
             app.add_subcommand("undo", "Take back the item's last taken or skipped answer");
         command.add_option("ITEM", args->item, "item id (or a unique prefix)").required();
         command.on_selected(run, [&options, args] { return run_undo(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
