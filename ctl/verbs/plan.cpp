// `regimenctl plan [--from DATE] [--days N]`: the planned doses of N local days, read from
// the regimen file offline (no daemon needed).
#include <iostream>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "core/plan.hpp"
#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "time_args.hpp"

namespace regimenctl {
namespace {

struct PlanArgs {
    std::optional<std::string> from;
    int days = 7;
    std::optional<std::string> item;
};

// Prints the file's errors on stderr and fails when it does not parse.
const regimend::Regimen& require_valid(const regimend::ParseResult& parsed) {
    if (!parsed.ok()) {
        for (const auto& diagnostic : parsed.diagnostics) {
            std::cerr << regimend::format_diagnostic(diagnostic) << '\n';
        }
        throw CtlError(kExitFailed, "the regimen has errors; nothing to plan");
    }
    return *parsed.regimen;
}

int run_plan(const PlanArgs& args, const GlobalOptions& options) {
    // The form first (bad usage is exit 2 whatever the file), the day once the zone is known.
    auto read_from = [&](regimend::LocalDate today) -> std::optional<regimend::LocalDate> {
        if (!args.from) {
            return std::nullopt;
        }
        auto day = parse_day(*args.from, today, DayDirection::Future);
        if (!day) {
            throw usage_error("cannot read --from \"" + *args.from +
                              "\": expected \"today\", \"tomorrow\", \"yesterday\", a weekday "
                              "(\"mon\") or a date \"YYYY-MM-DD\"");
        }
        return day;
    };
    read_from(regimend::LocalDate{date::year{2026} / 1 / 1});
    auto parsed = load_regimen(options.config_path);
    const auto& regimen = require_valid(parsed);
    const auto& zone = *regimen.zone;
    const auto today = regimend::local_date(zone, current_instant());
    const auto first_day = read_from(today);

    const regimend::Item* only = nullptr;
    if (args.item) {
        std::string error;
        only = regimen.resolve(*args.item, &error);
        if (only == nullptr) {
            throw CtlError(kExitFailed, error);
        }
    }
    auto doses = regimend::plan_days(regimen, first_day.value_or(today), args.days);
    if (only != nullptr) {
        std::erase_if(doses, [&](const auto& dose) { return dose.item_id != only->id; });
    }

    // A year of a large regimen is hundreds of thousands of doses: look items up by id
    // once, and stream the JSON array instead of building it all in memory.
    std::unordered_map<std::string_view, const regimend::Item*> items_by_id;
    for (const auto& item : regimen.items) {
        items_by_id.emplace(item.id, &item);
    }
    auto item_of = [&](const std::string& id) -> const regimend::Item* {
        auto found = items_by_id.find(id);
        return found == items_by_id.end() ? nullptr : found->second;
    };

    if (options.json) {
        std::cout << '[';
        const char* separator = "\n";
        for (const auto& dose : doses) {
            const auto* item = item_of(dose.item_id);
            nlohmann::json entry{
                {"item", dose.item_id},
                {"name", item != nullptr ? item->name : dose.item_id},
                {"planned", instant_json(zone, dose.planned)},
                {"amount", dose.amount ? text_or_null(dose.amount->text) : nlohmann::json(nullptr)},
                {"dose", item != nullptr ? text_or_null(item->dose) : nlohmann::json(nullptr)}};
            std::cout << separator << "  "
                      << entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            separator = ",\n";
        }
        std::cout << (doses.empty() ? "]\n" : "\n]\n");
        return kExitOk;
    }

    if (doses.empty()) {
        std::cout << "Nothing planned.\n";
        return kExitOk;
    }
    std::optional<regimend::LocalDate> shown_day;
    Table table;
    for (const auto& dose : doses) {
        auto day = regimend::local_date(zone, dose.planned);
        if (day != shown_day) {
            table.add_line(
                {format_day_heading(day) + (day == today ? " (today)" : ""), Colour::Bold});
            shown_day = day;
        }
        const auto* item = item_of(dose.item_id);
        table.add_row({{format_clock(zone, dose.planned)},
                       {dose.item_id},
                       {item != nullptr ? item->name : ""},
                       {dose.amount ? dose.amount->text : ""},
                       {item != nullptr ? item->dose : ""}});
    }
    table.print(std::cout, "  ");
    return kExitOk;
}

const RegisterVerb registration{
    {90, [](CLI::App& app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<PlanArgs>();
         auto* command = app.add_subcommand("plan", "The planned doses of the next days (offline)");
         command->add_option(
             "--from", args->from,
             "first day: today (the default), tomorrow, a weekday (mon) or YYYY-MM-DD");
         command->add_option("--days", args->days, "how many days")
             ->default_str("7")
             ->check(CLI::Range(1, 3660));
         command->add_option("--item", args->item, "only this item (id or unique prefix)");
         command->add_option("--config", options.config_path, "regimen file");
         command->add_flag("--json", options.json, "print one JSON document");
         on_selected(command, run, [&options, args] { return run_plan(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
