// `regimenctl history [--since DURATION|DATE] [--item ITEM]`: past events, newest first.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "core/i18n.hpp"
#include "core/inventory.hpp"
#include "core/placeholders.hpp"
#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct HistoryArgs {
    std::string since = "7d";
    std::optional<std::string> item;
    bool all = false;
};

// An item id or symptom kind of the regimen, or a name the history in the span holds (an
// item since removed), matches exactly or by a unique prefix, as every item argument does.
// Anything else is an error, not an empty list.
std::string item_filter(const std::string& item, const std::string& config_path,
                        const std::vector<regimend::HistoryEvent>& events) {
    std::vector<std::string> names;
    std::string known;
    if (auto parsed = try_load_regimen(config_path); parsed && parsed->regimen) {
        for (const auto& entry : parsed->regimen->items) {
            names.push_back(entry.id);
        }
        names.insert(names.end(), parsed->regimen->symptoms.begin(),
                     parsed->regimen->symptoms.end());
        for (const auto& name : names) {
            known += (known.empty() ? "" : ", ") + name;
        }
    }
    for (const auto& event : events) {
        names.push_back(event.item);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (std::find(names.begin(), names.end(), item) != names.end()) {
        return item;
    }
    std::vector<std::string> matches;
    std::copy_if(names.begin(), names.end(), std::back_inserter(matches),
                 [&](const std::string& name) { return !item.empty() && name.starts_with(item); });
    if (matches.size() == 1) {
        return matches.front();
    }
    if (matches.size() > 1) {
        std::string list;
        for (const auto& match : matches) {
            list += " " + match;
        }
        throw CtlError(kExitFailed, "'" + item + "' is ambiguous: it matches" + list);
    }
    throw CtlError(kExitFailed, "'" + item + "' is neither an item nor a symptom kind" +
                                    (known.empty() ? "" : " (known: " + known + ")") +
                                    ", and the history in that span does not name it");
}

std::string details(const regimend::HistoryEvent& event) {
    std::string text;
    if (event.quantity) {
        text = (event.kind == regimend::EventKind::Refill ? "+" : "count ") +
               regimend::quantity_note(*event.quantity);
    }
    if (event.severity >= 0) {
        text = "severity " + std::to_string(event.severity);
    }
    if (event.amount_recorded) {
        text = "took " + event.amount;
    }
    if (event.kind == regimend::EventKind::Paused) {
        return regimend::fill_in(_("until {} (inclusive)"), {event.note});
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
    // Human output hides `due` events unless --all: the daemon leaves them out, so the
    // time goes with the events shown, not with every reminder in the span.
    const bool with_due = options.json || args.all;
    auto events = session.bus.history(from, now + regimend::Seconds{60}, with_due);
    if (args.item) {
        auto wanted = item_filter(*args.item, session.config_path(options), events);
        std::erase_if(events, [&](const auto& event) { return event.item != wanted; });
    }
    // The daemon answers oldest first (by time, then the order written): reversed, ties
    // are newest first too. The pieces of a split span come in order, so the reversed list
    // is already sorted unless a daemon answered otherwise; sorting it anyway moved every
    // event a dozen times.
    std::reverse(events.begin(), events.end());
    const auto newer = [](const auto& a, const auto& b) { return a.at > b.at; };
    if (!std::is_sorted(events.begin(), events.end(), newer)) {
        std::stable_sort(events.begin(), events.end(), newer);
    }

    if (options.json) {
        auto document = nlohmann::json::array();
        for (const auto& event : events) {
            document.push_back({{"item", event.item},
                                {"event", regimend::to_string(event.kind)},
                                {"planned", instant_json(zone, event.planned)},
                                {"at", instant_json(zone, event.at)},
                                {"note", event.note},
                                {"severity", event.severity < 0 ? nlohmann::json(nullptr)
                                                                : nlohmann::json(event.severity)},
                                {"quantity", event.quantity ? nlohmann::json(*event.quantity)
                                                            : nlohmann::json(nullptr)},
                                {"amount", event.amount_recorded ? nlohmann::json(event.amount)
                                                                 : nlohmann::json(nullptr)}});
        }
        print_json(document);
        return kExitOk;
    }

    std::cout << zone_note(zone);  // as status says it: times in another zone than the system's
    // A `due` line for every reminder buries the answers: shown only with --all.
    const auto shown_count = std::count_if(events.begin(), events.end(), [&](const auto& event) {
        return args.all || event.kind != regimend::EventKind::Due;
    });
    if (shown_count == 0) {
        std::cout << "No events since " << format_when(zone, from, {}) << ".\n";
        return kExitOk;
    }
    const auto today = regimend::local_date(zone, now);
    Table table;
    for (const auto& event : events) {
        if (!args.all && event.kind == regimend::EventKind::Due) {
            continue;
        }
        auto kind = std::string(regimend::to_string(event.kind));
        // A diary entry (or its `undone`) recorded for a day shows the date alone.
        const bool diary = !event.planned && (event.kind == regimend::EventKind::Symptom ||
                                              event.kind == regimend::EventKind::AsNeeded ||
                                              event.kind == regimend::EventKind::Undone);
        table.add_row(
            {{diary ? format_entry_when(zone, event.at, today)
                    : format_when(zone, event.at, today)},
             {kind, state_colour(kind)},
             {event.item},
             {!event.planned ? ""
              : event.kind == regimend::EventKind::Paused
                  ? regimend::fill_in(_("from {}"), {format_when(zone, *event.planned, today)})
                  : "planned " + format_when(zone, *event.planned, today)},
             {details(event)}});
    }
    table.print(std::cout);
    return kExitOk;
}

const RegisterVerb registration{
    {"history", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<HistoryArgs>();
         auto command = app.add_subcommand("history", "Past events, newest first");
         command
             .add_option("--since", args->since,
                         "a duration back from now (7d, 12h) or a date (2026-11-01)")
             .default_str("7d");
         command.add_option("--item", args->item, "only this item (or symptom kind)");
         command.add_flag("--all", args->all,
                          "also show `due` events (when each reminder began; --json has them)");
         command.add_flag("--json", options.json, "print one JSON document");
         command.on_selected(run, [&options, args] { return run_history(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
