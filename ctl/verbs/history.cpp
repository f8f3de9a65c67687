// `regimenctl history [--since DURATION|DATE] [--item ITEM]`: past events, newest first.
#include <algorithm>
#include <iostream>
#include <memory>

#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "time_args.hpp"

namespace regimenctl {
namespace {

struct HistoryArgs {
    std::string since = "7d";
    std::optional<std::string> item;
};

// An item prefix resolves through the regimen file; a symptom kind (or an item no longer
// in the regimen) is matched exactly.
std::string item_filter(const std::string& item, const std::string& config_path) {
    if (auto parsed = try_load_regimen(config_path); parsed && parsed->regimen) {
        if (const auto* found = parsed->regimen->resolve(item)) {
            return found->id;
        }
    }
    return item;
}

std::string details(const regimend::HistoryEvent& event) {
    std::string text;
    if (event.severity >= 0) {
        text = "severity " + std::to_string(event.severity);
    }
    if (!event.note.empty()) {
        text += (text.empty() ? "" : "; ") + event.note;
    }
    return text;
}

int run_history(const HistoryArgs& args, const GlobalOptions& options) {
    check_since_form(args.since);
    auto session = open_session(options);
    const auto& zone = *session.zone;
    const auto now = current_instant();
    const auto from = since_argument(args.since, zone, now);
    // A little past now: an event recorded "now" by the daemon must not fall outside.
    auto events = session.bus.history(from, now + regimend::Seconds{60});
    if (args.item) {
        auto wanted = item_filter(*args.item, session.config_path(options));
        std::erase_if(events, [&](const auto& event) { return event.item != wanted; });
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.at > b.at; });

    if (options.json) {
        auto document = nlohmann::json::array();
        for (const auto& event : events) {
            document.push_back({{"item", event.item},
                                {"event", regimend::to_string(event.kind)},
                                {"planned", instant_json(zone, event.planned)},
                                {"at", instant_json(zone, event.at)},
                                {"note", event.note},
                                {"severity", event.severity < 0 ? nlohmann::json(nullptr)
                                                                : nlohmann::json(event.severity)}});
        }
        print_json(document);
        return kExitOk;
    }

    if (events.empty()) {
        std::cout << "No events since " << format_when(zone, from, {}) << ".\n";
        return kExitOk;
    }
    const auto today = regimend::local_date(zone, now);
    Table table;
    for (const auto& event : events) {
        auto kind = std::string(regimend::to_string(event.kind));
        table.add_row({{format_when(zone, event.at, today)},
                       {kind, state_colour(kind)},
                       {event.item},
                       {event.planned ? "planned " + format_when(zone, *event.planned, today) : ""},
                       {details(event)}});
    }
    table.print(std::cout);
    return kExitOk;
}

const RegisterVerb registration{
    {70, [](CLI::App& app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<HistoryArgs>();
         auto* command = app.add_subcommand("history", "Past events, newest first");
         command
             ->add_option("--since", args->since,
                          "a duration back from now (7d, 12h) or a date (2026-11-01)")
             ->default_str("7d");
         command->add_option("--item", args->item, "only this item (or symptom kind)");
         command->add_flag("--json", options.json, "print one JSON document");
         on_selected(command, run, [&options, args] { return run_history(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
