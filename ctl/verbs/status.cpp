// `regimenctl status` (the default verb): today's doses, the next due one, and warnings
// about the regimen file the daemon runs, from the daemon's Today in one round trip. A
// bare `regimenctl status` runs without the command-line parser (run_alone, ctl/main.cpp).
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/daily_totals.hpp"
#include "core/diary.hpp"
#include "core/doses.hpp"
#include "core/i18n.hpp"
#include "core/lint.hpp"
#include "core/placeholders.hpp"
#include "error.hpp"
#include "host/zoneinfo.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct NextDose {
    std::string item;
    std::string name;
    Instant planned;
};

// What status prints, however it was asked for.
struct StatusView {
    const regimend::TimeZone* zone = nullptr;
    std::vector<DoseRow> doses;
    std::optional<NextDose> next;
    std::vector<std::pair<DoseRow, Instant>> snoozed_until;
    std::vector<std::string> warnings;
    std::vector<PauseRow> pauses;  // in force now (the Pauses method)
    // CalDAV sync (`devices: caldav:`); nullopt without a device.
    std::optional<BusClient::SyncInfo> sync;
    // The regimen parses but lists no item (the first run's inactive example): the text
    // says how to add some instead of "No doses planned".
    bool no_items = false;
};

std::optional<StatusView> status_from_today(BusClient& bus) {
    auto reply = bus.today();
    if (!reply) {
        return std::nullopt;
    }
    StatusView view;
    view.zone = regimend::find_zone(reply->zone);
    if (view.zone == nullptr) {
        view.zone = system_zone();
    }
    view.doses = std::move(reply->doses);
    if (reply->next_planned) {
        view.next = NextDose{reply->next_item, reply->next_name, *reply->next_planned};
    }
    for (const auto& [item, times] : reply->snoozed) {
        for (const auto& dose : view.doses) {
            if (dose.item == item && dose.planned == times.first) {
                view.snoozed_until.emplace_back(dose, times.second);
            }
        }
    }
    view.warnings = std::move(reply->warnings);
    return view;
}

std::string status_text(const StatusView& view) {
    const auto& zone = *view.zone;
    const regimend::LocalDate today{date::floor<date::days>(zone.to_local(current_instant()))};
    std::string text =
        paint(regimend::fill(_("Today, {}"), {format_day_heading(today)}), Colour::Bold);
    text += '\n';
    text += zone_note(zone);
    if (view.no_items) {
        text += "  ";
        text +=
            _("the regimen has no items yet: `regimenctl edit` (the example is commented "
              "out in it)");
        text += '\n';
    } else if (view.doses.empty()) {
        text += "  ";
        text += _("No doses planned.");
        text += '\n';
    }
    Table table;
    for (const auto& dose : view.doses) {
        std::string when = dose.acted_at ? format_when(zone, *dose.acted_at, today) : "";
        if (dose.state == "snoozed") {
            for (const auto& [snoozed, until] : view.snoozed_until) {
                if (snoozed.item == dose.item && snoozed.planned == dose.planned) {
                    when = regimend::fill(_("until {}"), {format_when(zone, until, today)});
                }
            }
        }
        table.add_row({{format_clock(zone, dose.planned)},
                       {dose.item},
                       {dose.name},
                       {state_label(dose.state), state_colour(dose.state)},
                       {when}});
    }
    table.append_to(text, "  ");
    if (const auto& next = view.next) {
        std::string what = next->item.empty() ? "" : " " + next->item;
        if (!next->name.empty()) {
            what += " (" + next->name + ")";
        }
        text += regimend::fill(_("Next: {}"),
                               {format_when(zone, next->planned, today) + terminal_text(what)});
        text += '\n';
    } else if (!view.no_items) {
        text += _("Next: nothing planned");
        text += '\n';
    }
    if (!view.pauses.empty()) {
        text += paint(_("Paused:"), Colour::Bold);
        text += '\n';
        Table paused;
        for (const auto& pause : view.pauses) {
            paused.add_row(
                {{pause.item}, {regimend::fill(_("until {} (inclusive)"), {pause.until})}});
        }
        paused.append_to(text, "  ");
    }
    if (const auto& sync = view.sync) {
        const std::string when =
            sync->last_ok ? format_when(zone, *sync->last_ok, today) : std::string(_("never"));
        text +=
            terminal_text(regimend::fill_placeholders(_("Phone sync: last good sync {}"), {when})) +
            '\n';
        if (!sync->error.empty()) {
            text += paint(terminal_text(
                              regimend::fill_placeholders(_("  last error: {}"), {sync->error})),
                          Colour::Yellow) +
                    '\n';
        }
    }
    if (!view.warnings.empty()) {
        text += paint(_("Warnings:"), Colour::Yellow);
        text += '\n';
        for (const auto& warning : view.warnings) {
            text += "  " + terminal_text(warning) + '\n';
        }
    }
    return text;
}

// Lint of the file on disk, plus a warning when it no longer parses (then the daemon
// keeps running the last valid regimen and the user should know), plus today's confirmed
// amounts over a limit.
std::vector<std::string> regimen_warnings(const std::string& path, regimend::LocalDate today,
                                          const std::vector<DoseRow>& doses,
                                          const std::vector<regimend::HistoryEvent>& today_events) {
    std::vector<std::string> warnings;
    std::string text;
    try {
        text = read_text_file(path);
    } catch (const CtlError& error) {
        warnings.push_back(error.what());
        return warnings;
    }
    auto parsed = regimend::parse_regimen(text, path, system_zone(), regimend::find_zone);
    if (!parsed.ok()) {
        warnings.push_back(regimend::fill(_("{} has errors; regimend keeps the last valid "
                                            "regimen (run `regimenctl check`)"),
                                          {path}));
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

std::optional<NextDose> next_dose(DaemonSession& session, const std::vector<DoseRow>& today) {
    auto planned = session.bus.next_due();
    if (!planned) {
        return std::nullopt;
    }
    auto rows = today;
    if (std::none_of(rows.begin(), rows.end(),
                     [&](const auto& row) { return row.planned == *planned; })) {
        rows = session.bus.list_doses(*planned, *planned + regimend::Seconds{1});
    }
    if (const DoseRow* row = regimend::next_dose_row(rows, *planned, dose_planned, dose_state)) {
        return NextDose{row->item, row->name, row->planned};
    }
    return NextDose{"", "", *planned};
}

// A day with more doses than one Today reply holds: the doses listed in pieces, and the
// rest of what Today says asked for member by member (the file parsed and linted here).
StatusView status_of_a_large_day(const GlobalOptions& options) {
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
            if (auto until = regimend::snoozed_until(today_events, {dose.item, dose.planned})) {
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
    document["paused"] = nlohmann::json::array();
    for (const auto& pause : view.pauses) {
        document["paused"].push_back({{"item", pause.item}, {"until", pause.until}});
    }
    document["sync"] =
        view.sync
            ? nlohmann::json{{"last_ok", instant_json(zone, view.sync->last_ok)},
                             {"error", view.sync->error.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(view.sync->error)}}
            : nlohmann::json(nullptr);
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
    StatusView view = found ? std::move(*found) : status_of_a_large_day(options);
    view.pauses = bus.pauses();
    view.no_items = view.doses.empty() && !view.next && regimen_has_no_items(bus, options);
    view.sync = bus.sync();
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
             "status", _("Today's doses with their state, the next due dose, warnings (default)"));
         command.add_flag("--json", options.json, _("print one JSON document"));
         command.on_selected(run, [&options] { return run_status(options); });
     },
     run_status}};

}  // namespace
}  // namespace regimenctl
