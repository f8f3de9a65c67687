// `regimenctl undo ITEM|KIND`: takes back the item's last taken or skipped answer, an
// as-needed item's last logged dose, or a symptom kind's last entry (within 8 days). The
// history keeps both the answer and an `undone` event; a dose is due again (or missed, when
// its missed_after has passed). A name that is both an item id and a symptom kind means the
// item; `undo symptom:KIND` reaches the kind.
#include <iostream>
#include <memory>

#include "core/diary.hpp"
#include "core/i18n.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct UndoArgs {
    std::string item;
};

// What the name meant, from the regimen file when it can be read (the daemon decided by the
// same rule, core/diary.hpp undo_target); nullopt when the file cannot say.
std::optional<regimend::UndoTarget> target_of(const std::string& name, DaemonSession& session,
                                              const GlobalOptions& options) {
    auto file = try_load_regimen(session.config_path(options));
    if (!file || !file->regimen) {
        return std::nullopt;
    }
    auto target = regimend::undo_target(*file->regimen, name);
    if (auto* found = std::get_if<regimend::UndoTarget>(&target)) {
        return *found;
    }
    return std::nullopt;
}

int run_undo(const UndoArgs& args, const GlobalOptions& options) {
    auto session = open_session(options);
    const auto planned = session.bus.undo(args.item);
    const auto now = current_instant();
    const auto today = regimend::local_date(*session.zone, now);
    const auto target = target_of(args.item, session, options);
    if (target && target->kind != regimend::UndoTarget::Kind::Dose) {
        const bool symptom = target->kind == regimend::UndoTarget::Kind::Symptom;
        const bool day_entry = regimend::is_day_entry(*session.zone, planned);
        const char* message =
            symptom ? (day_entry ? _("Undone: the {0} entry for {1}; it no longer counts")
                                 : _("Undone: the {0} entry at {1}; it no longer counts"))
                    : (day_entry ? _("Undone: the {0} dose logged for {1}; it no longer counts")
                                 : _("Undone: the {0} dose logged at {1}; it no longer counts"));
        std::cout << regimend::fill(
                         message, {target->name, format_entry_when(*session.zone, planned, today)})
                  << '\n';
        return kExitOk;
    }
    std::string state;
    for (const auto& row : session.bus.list_doses(planned, planned + regimend::Seconds{1})) {
        if (args.item == row.item || row.item.starts_with(args.item)) {
            state = row.state;
        }
    }
    const std::string name = session.item_name(args.item, planned, options);
    const std::string when = format_when(*session.zone, planned, today);
    if (state.empty()) {
        std::cout << regimend::fill(_("Undone: {0} (planned {1})"), {name, when}) << '\n';
    } else {
        std::cout << regimend::fill(_("Undone: {0} (planned {1}); it is {2} now"),
                                    {name, when, state_label(state)})
                  << '\n';
    }
    return kExitOk;
}

const RegisterVerb registration{
    {"undo", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<UndoArgs>();
         auto command = app.add_subcommand(
             "undo", _("Take back the item's last taken or skipped answer, an as-needed "
                       "item's last logged dose, or a symptom kind's last entry"));
         command
             .add_option("ITEM", args->item,
                         _("item id (or a unique prefix), or a symptom kind (symptom:KIND when "
                           "an item has the same name)"))
             .required();
         command.on_selected(run, [&options, args] { return run_undo(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
