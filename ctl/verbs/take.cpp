// `regimenctl take ITEM [--at TIME]` (alias `confirm`): marks the due (or early) dose taken;
// --at backdates a late confirmation. `take --all` confirms every due or snoozed dose.
#include <algorithm>
#include <iostream>
#include <memory>

#include "error.hpp"
#include "output.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct TakeArgs {
    std::string item;
    std::optional<std::string> at;
    bool all = false;
};

// Open doses can be as old as the longest missed_after; confirmations reach back 8 days.
constexpr regimend::Seconds kOpenLookBack{8LL * 86400};

int run_take_all(const GlobalOptions& options) {
    auto session = open_session(options);
    const auto now = current_instant();
    const auto today = regimend::local_date(*session.zone, now);
    auto rows = session.bus.list_doses(now - kOpenLookBack, now + regimend::Seconds{1});
    std::vector<DoseRow> open;
    for (auto& row : rows) {
        if (row.state == "due" || row.state == "snoozed") {
            open.push_back(std::move(row));
        }
    }
    if (open.empty()) {
        throw CtlError(kExitFailed, "Nothing is due: no dose to confirm");
    }
    // Oldest first: Confirm without a time answers the item's oldest open dose.
    std::stable_sort(open.begin(), open.end(),
                     [](const DoseRow& a, const DoseRow& b) { return a.planned < b.planned; });
    for (const auto& row : open) {
        const auto planned = session.bus.confirm(row.item, std::nullopt);
        std::cout << "Taken: " << row.name << " (planned "
                  << format_when(*session.zone, planned, today) << ")\n";
    }
    return kExitOk;
}

int run_take(const TakeArgs& args, const GlobalOptions& options) {
    if (args.all) {
        if (!args.item.empty() || args.at) {
            throw CtlError(kExitUsage, "take --all takes no ITEM and no --at");
        }
        return run_take_all(options);
    }
    if (args.item.empty()) {
        throw CtlError(kExitUsage, "take needs an ITEM, or --all for every due dose");
    }
    if (args.at) {
        check_at_form(*args.at);
    }
    auto session = open_session(options);
    const auto now = current_instant();
    const std::optional<Instant> at = optional_at_argument(args.at, *session.zone, now);
    Instant planned{};
    try {
        planned = session.bus.confirm(args.item, at);
    } catch (const CtlError& error) {
        if (!at) {
            throw;
        }
        throw CtlError(error.exit_code(),
                       std::string(error.what()) + " (" + at_read_as(*session.zone, *at) + ")");
    }
    auto today = regimend::local_date(*session.zone, now);
    std::cout << "Taken: " << session.item_name(args.item, planned, options) << " (planned "
              << format_when(*session.zone, planned, today);
    if (at) {
        std::cout << ", taken " << format_when(*session.zone, *at, today);
    }
    std::cout << ")\n";
    return kExitOk;
}

const RegisterVerb registration{
    {"take", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<TakeArgs>();
         auto command =
             app.add_subcommand("take", "Confirm a dose as taken (also: regimenctl confirm)");
         command.alias("confirm");
         command.add_option("ITEM", args->item, "item id (or a unique prefix)");
         command.add_flag("--all", args->all, "confirm every due or snoozed dose");
         command.add_option("--at", args->at,
                            "when it was really taken: \"21:10\", \"yesterday 21:10\", "
                            "\"2026-11-22 21:10\"");
         command.on_selected(run, [&options, args] { return run_take(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
