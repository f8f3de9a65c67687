// `regimenctl take ITEM [--at TIME] [--amount AMOUNT]` (alias `confirm`): marks the due (or
// early) dose taken; --at backdates a late confirmation, --amount records what was really
// taken. `take --all` confirms every due or snoozed dose.
#include <algorithm>
#include <iostream>
#include <memory>

#include "core/diary.hpp"
#include "core/i18n.hpp"
#include "core/parse_values.hpp"
#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct TakeArgs {
    std::string item;
    std::optional<std::string> at;
    std::optional<std::string> amount;
    bool all = false;
};

// The form of --amount, and its unit against the item's `amount` in the regimen file when
// the file can be read (the daemon checks again against the regimen it runs): usage
// errors, exit 2.
void check_amount(const std::string& item_text, const std::string& amount,
                  const GlobalOptions& options, DaemonSession* session) {
    auto parsed = regimend::parse_amount(amount);
    if (!parsed.value) {
        throw CtlError(kExitUsage, "--amount " + parsed.error);
    }
    if (session == nullptr) {
        return;
    }
    auto file = try_load_regimen(session->config_path(options));
    if (!file || !file->regimen) {
        return;
    }
    const regimend::Item* item = file->regimen->resolve(item_text);
    if (item == nullptr) {
        return;
    }
    auto checked = regimend::taken_amount(*item, amount);
    if (auto* failure = std::get_if<regimend::Error>(&checked)) {
        throw CtlError(kExitUsage, failure->message);
    }
}

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
        throw CtlError(kExitFailed, _("Nothing is due: no dose to confirm"));
    }
    // Oldest first: Confirm without a time answers the item's oldest open dose.
    std::stable_sort(open.begin(), open.end(),
                     [](const DoseRow& a, const DoseRow& b) { return a.planned < b.planned; });
    for (const auto& row : open) {
        const auto planned = session.bus.confirm(row.item, std::nullopt);
        std::cout << regimend::fill(_("Taken: {0} (planned {1})"),
                                    {row.name, format_when(*session.zone, planned, today)})
                  << '\n';
    }
    return kExitOk;
}

int run_take(const TakeArgs& args, const GlobalOptions& options) {
    if (args.all) {
        if (!args.item.empty() || args.at || args.amount) {
            throw CtlError(kExitUsage, _("take --all takes no ITEM, no --at and no --amount"));
        }
        return run_take_all(options);
    }
    if (args.item.empty()) {
        throw CtlError(kExitUsage, _("take needs an ITEM, or --all for every due dose"));
    }
    if (args.at) {
        check_at_form(*args.at);
    }
    if (args.amount) {
        check_amount(args.item, *args.amount, options, nullptr);
    }
    auto session = open_session(options);
    if (args.amount) {
        check_amount(args.item, *args.amount, options, &session);
    }
    const auto now = current_instant();
    const std::optional<Instant> at = optional_at_argument(args.at, *session.zone, now);
    Instant planned{};
    try {
        planned = args.amount ? session.bus.confirm_amount(args.item, at, *args.amount)
                              : session.bus.confirm(args.item, at);
    } catch (const CtlError& error) {
        if (!at) {
            throw;
        }
        throw CtlError(
            error.exit_code(),
            regimend::fill(_("{0} ({1})"), {error.what(), at_read_as(*session.zone, *at)}));
    }
    auto today = regimend::local_date(*session.zone, now);
    std::string details =
        regimend::fill(_("planned {}"), {format_when(*session.zone, planned, today)});
    if (at) {
        details += ", ";
        details += regimend::fill(_("taken {}"), {format_when(*session.zone, *at, today)});
    }
    if (args.amount) {
        details += ", " + *args.amount;
    }
    std::cout << regimend::fill(_("Taken: {0} ({1})"),
                                {session.item_name(args.item, planned, options), details})
              << '\n';
    return kExitOk;
}

const RegisterVerb registration{
    {"take", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<TakeArgs>();
         auto command =
             app.add_subcommand("take", _("Confirm a dose as taken (also: regimenctl confirm)"));
         command.alias("confirm");
         command.add_option("ITEM", args->item, _("item id (or a unique prefix)"));
         command.add_flag("--all", args->all, _("confirm every due or snoozed dose"));
         command.add_option("--at", args->at,
                            _("when it was really taken: \"21:10\", \"yesterday 21:10\", "
                              "\"2026-11-22 21:10\" (a time is needed, not a date alone)"));
         command.add_option("--amount", args->amount,
                            _("what was really taken when it differs from the plan, e.g. "
                              "\"200 mg\" (the unit of the item's `amount`)"));
         command.on_selected(run, [&options, args] { return run_take(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
