// `regimenctl status` (the default verb): today's doses, the next due one, and warnings
// about the regimen file the daemon runs. A bare `regimenctl status` is answered by the
// front (ctl/front/main.cpp) from the daemon's Today; this program runs it when the daemon has
// no Today, and for `status --json`.
#include <iostream>
#include <memory>

#include "core/daily_totals.hpp"
#include "core/diary.hpp"
#include "core/lint.hpp"
#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "status_view.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

// Lint of the file on disk, plus a warning when it no longer parses (then the daemon
// keeps running the last valid regimen and the user should know), plus today's confirmed
// amounts over a limit.
std::vector<std::string> regimen_warnings(const std::string& path, regimend::LocalDate today,
                                          const std::vector<DoseRow>& doses,
                                          const std::vector<regimend::HistoryEvent>& today_events) {
    std::vector<std::string> warnings;
    std::string read_error;
    auto text = read_text_file(path, &read_error);
    if (!text) {
        warnings.push_back("cannot read " + path + ": " + read_error);
        return warnings;
    }
    auto parsed = regimend::parse_regimen(*text, path, system_zone());
    if (!parsed.ok()) {
        warnings.push_back(path +
                           " has errors; regimend keeps the last valid regimen (run "
                           "`regimenctl check`)");
        return warnings;
    }
    for (const auto& diagnostic : regimend::lint(*parsed.regimen)) {
        warnings.push_back(regimend::format_diagnostic(diagnostic));
    }
    // Today's confirmed amounts against the limits, and as-needed uses over max_per_day:
    // information, the dose is taken.
    std::vector<regimend::DoseKey> taken;
    for (const auto& row : doses) {
        if (row.state == "taken") {
            taken.push_back({row.item, row.planned});
        }
    }
    for (auto& warning : regimend::day_warnings(*parsed.regimen, today, taken, today_events)) {
        warnings.push_back(std::move(warning));
    }
    return warnings;
}

// When a snoozed dose's reminder comes back: its last `snoozed` event plus the length the
// event records.
std::optional<Instant> snoozed_until(const std::vector<regimend::HistoryEvent>& events,
                                     const DoseRow& dose) {
    std::optional<Instant> until;
    for (const auto& event : events) {
        if (event.kind == regimend::EventKind::Snoozed && event.item == dose.item &&
            event.planned == dose.planned) {
            if (auto length = regimend::parse_duration(event.note)) {
                until = event.at + *length;
            }
        }
    }
    return until;
}

std::optional<NextDose> next_dose(DaemonSession& session, const std::vector<DoseRow>& today) {
    auto planned = session.bus.next_due();
    if (!planned) {
        return std::nullopt;
    }
    auto find_in = [&](const std::vector<DoseRow>& rows) -> std::optional<NextDose> {
        for (const auto& row : rows) {
            if (row.planned == *planned && row.state != "taken" && row.state != "skipped") {
                return NextDose{row.item, row.name, row.planned};
            }
        }
        return std::nullopt;
    };
    if (auto found = find_in(today)) {
        return found;
    }
    if (auto found = find_in(session.bus.list_doses(*planned, *planned + regimend::Seconds{1}))) {
        return found;
    }
    return NextDose{"", "", *planned};
}

// The spec's members only (a daemon without Today): several calls, and the file parsed and
// linted here.
StatusView status_from_members(const GlobalOptions& options) {
    auto session = open_session(options);
    StatusView view;
    view.zone = session.zone;
    const auto& zone = *session.zone;
    const auto now = current_instant();
    const auto today = regimend::local_date(zone, now);
    const auto tomorrow = regimend::LocalDate{date::local_days{today} + date::days{1}};
    view.doses = session.bus.list_doses(regimend::start_of_day(zone, today),
                                        regimend::start_of_day(zone, tomorrow));
    view.next = next_dose(session, view.doses);
    auto today_events = session.bus.history(regimend::start_of_day(zone, today),
                                            regimend::start_of_day(zone, tomorrow));
    view.warnings = session.bus.warnings();  // the daemon's own come first
    for (auto& warning :
         regimen_warnings(session.config_path(options), today, view.doses, today_events)) {
        view.warnings.push_back(std::move(warning));
    }
    for (const auto& dose : view.doses) {
        if (dose.state == "snoozed") {
            if (auto until = snoozed_until(today_events, dose)) {
                view.snoozed_until.emplace_back(dose, *until);
            }
        }
    }
    return view;
}

// --json: one document with the doses, the next due one and the warnings.
void print_status_json(const StatusView& view) {
    const auto& zone = *view.zone;
    nlohmann::json document;
    document["doses"] = nlohmann::json::array();
    for (const auto& dose : view.doses) {
        document["doses"].push_back({{"item", dose.item},
                                     {"name", dose.name},
                                     {"planned", instant_json(zone, dose.planned)},
                                     {"state", dose.state},
                                     {"acted_at", instant_json(zone, dose.acted_at)}});
    }
    document["next_due"] = view.next
                               ? nlohmann::json{{"item", view.next->item},
                                                {"planned", instant_json(zone, view.next->planned)}}
                               : nlohmann::json(nullptr);
    document["warnings"] = view.warnings;
    print_json(document);
}

// Whether the daemon's regimen file parses with no item at all. Asked only when nothing is
// planned, so a status with doses makes no further call.
bool regimen_has_no_items(BusClient& bus, const GlobalOptions& options) {
    std::string path = bus.config_path();
    auto parsed = try_load_regimen(path.empty() ? options.config_path : path);
    return parsed && parsed->regimen && parsed->regimen->items.empty();
}

int run_status(const GlobalOptions& options) {
    auto bus = BusClient::connect();
    auto found = status_from_today(bus);
    StatusView view = found ? std::move(*found) : status_from_members(options);
    view.no_items = view.doses.empty() && !view.next && regimen_has_no_items(bus, options);
    if (options.json) {
        print_status_json(view);
    } else {
        std::cout << status_text(view);
    }
    return kExitOk;
}

const RegisterVerb registration{
    {"status",
     [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto command = app.add_subcommand(
             "status", "Today's doses with their state, the next due dose, warnings (default)");
         command.add_flag("--json", options.json, "print one JSON document");
         command.on_selected(run, [&options] { return run_status(options); });
     },
     run_status}};

}  // namespace
}  // namespace regimenctl
