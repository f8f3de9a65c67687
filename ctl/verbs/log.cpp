// `regimenctl log ITEM [--at TIME] [--note TEXT] [--force]`: records an as-needed dose;
// --at may be a date alone (that day's entry), --force records a use sooner than the item's
// min_interval, with a warning.
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

struct LogArgs {
    std::string item;
    std::optional<std::string> at;
    std::string note;
    bool force = false;
};

// The Nth use that day against the item's max_per_day, as information.
void print_max_per_day_note(DaemonSession& session, const std::string& item_text, Instant when,
                            const GlobalOptions& options) {
    auto parsed = try_load_regimen(session.config_path(options));
    if (!parsed || !parsed->regimen) {
        return;
    }
    const regimend::Item* item = parsed->regimen->resolve(item_text);
    if (item == nullptr || !item->max_per_day) {
        return;
    }
    const auto& zone = *session.zone;
    const auto day = regimend::local_date(zone, when);
    const regimend::LocalDate next_day{date::sys_days{day} + date::days{1}};
    const auto events = session.bus.history(regimend::start_of_day(zone, day),
                                            regimend::start_of_day(zone, next_day));
    const int uses = regimend::as_needed_uses_on_day(*parsed->regimen, events, item->id, when);
    if (auto note = regimend::max_per_day_note(*item, uses, day)) {
        std::cout << *note << '\n';
    }
}

int run_log(const LogArgs& args, const GlobalOptions& options) {
    auto [session, now, at] = open_entry_session(args.note, args.at, options);
    // LogDoseWith (an addition) only when --force needs it: LogDose refuses a use sooner
    // than min_interval all the same.
    std::string warning;
    if (args.force) {
        warning = session.bus.log_dose_with(args.item, at, args.note, true);
    } else {
        session.bus.log_dose(args.item, at, args.note);
    }
    const Instant when = at.value_or(now);
    std::cout << regimend::fill(_("Logged: {0} at {1}"),
                                {session.item_name(args.item, when, options),
                                 format_entry_when(*session.zone, when,
                                                   regimend::local_date(*session.zone, now))})
              << '\n';
    if (!warning.empty()) {
        std::cout << regimend::fill(_("warning: {}"), {warning}) << '\n';
    }
    print_max_per_day_note(session, args.item, when, options);
    return kExitOk;
}

const RegisterVerb registration{
    {"log", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<LogArgs>();
         auto command = app.add_subcommand("log", _("Record an as-needed dose"));
         command.add_option("ITEM", args->item, _("item id (or a unique prefix)")).required();
         command.add_option("--at", args->at,
                            _("when it was taken (default now): \"21:10\", \"2026-11-22 21:10\", "
                              "or a date alone, \"2026-11-22\" (that day's entry)"));
         command.add_option("--note", args->note, _("free text kept in the history"));
         command.add_flag("--force", args->force,
                          _("record it even when it is sooner than the item's min_interval "
                            "(a warning is printed)"));
         command.on_selected(run, [&options, args] { return run_log(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
