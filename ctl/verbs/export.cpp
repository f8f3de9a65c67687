// `regimenctl export --format ics|csv`: the plan as iCalendar for other calendar programs,
// or the history as CSV for a clinician. Offline: the regimen file and the history
// database (read-only) are read directly.
#include <iostream>
#include <map>
#include <memory>

#include "core/csv.hpp"
#include "core/i18n.hpp"
#include "core/ics.hpp"
#include "error.hpp"
#include "history_file.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct ExportArgs {
    std::string format;
    std::optional<std::string> since;
    std::optional<std::string> state_dir;
    int expand_days = 90;
};

int export_ics(const ExportArgs& args, const GlobalOptions& options) {
    if (args.since) {
        throw usage_error(_("--since applies to --format csv; the calendar is the whole plan"));
    }
    const auto regimen =
        load_valid_regimen(options.config_path, _("the regimen has errors; nothing to export"));
    regimend::IcsOptions ics_options;
    ics_options.expand_days = args.expand_days;
    // Written as it is made, in pieces of about 64 KiB: memory stays flat in --expand-days.
    std::string buffer;
    constexpr std::size_t kFlushBytes = 64 * 1024;
    regimend::write_regimen_ics(regimen, current_instant(), ics_options,
                                [&buffer](std::string_view piece) {
                                    buffer += piece;
                                    if (buffer.size() >= kFlushBytes) {
                                        std::cout << buffer;
                                        buffer.clear();
                                    }
                                });
    std::cout << buffer << std::flush;
    return kExitOk;
}

int export_csv(const ExportArgs& args, const GlobalOptions& options) {
    // The history stays readable when the regimen file is broken: times then use the
    // system's zone.
    const auto& zone = *offline_zone(options.config_path);
    const auto now = current_instant();
    const Instant from = args.since ? since_argument(*args.since, zone, now) : Instant{};
    std::vector<regimend::HistoryEvent> events;
    if (auto store = open_history(args.state_dir.value_or(default_state_dir()))) {
        events = value_or_fail(store->events_between(from, now + regimend::Seconds{60}));
    }
    std::map<std::string, std::string> names;
    if (auto parsed = try_load_regimen(options.config_path); parsed && parsed->regimen) {
        for (const auto& item : parsed->regimen->items) {
            names.emplace(item.id, item.name);
        }
    }
    std::cout << regimend::history_csv(events, zone, names);
    return kExitOk;
}

const RegisterVerb registration{
    {"export", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<ExportArgs>();
         auto command = app.add_subcommand(
             "export", _("The plan as iCalendar (ics) or the history as CSV (csv), on stdout"));
         command.add_option("--format", args->format, _("ics or csv"))
             .required()
             .one_of({"ics", "csv"});
         command.add_option("--since", args->since,
                            _("csv: a duration back from now (30d) or a date (2026-11-01); "
                              "default: all of the history"));
         command.add_option("--state-dir", args->state_dir,
                            _("csv: directory of history.db (default $XDG_STATE_HOME/regimend)"));
         command
             .add_option("--expand-days", args->expand_days,
                         _("ics: how many days `every: N hours` items are written out for"))
             .default_str("90")
             .range(1, 3660);
         command.add_option("--config", options.config_path, _("regimen file"));
         command.on_selected(run, [&options, args] {
             return args->format == "ics" ? export_ics(*args, options) : export_csv(*args, options);
         });
     }}};

}  // namespace
}  // namespace regimenctl
