// `regimenctl plan [--from DATE] [--days N]`: the planned doses of N local days, read from
// the regimen file offline (no daemon needed).
#include <iostream>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "core/i18n.hpp"
#include "core/plan.hpp"
#include "error.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct PlanArgs {
    std::optional<std::string> from;
    int days = 7;
    std::optional<std::string> item;
};

// The doses to print: one local day at a time, from `start`, for `days` days. A year of a
// large regimen is millions of doses, and a name may be most of a megabyte: the printers
// plan a day at a time and print as they go, so memory does not grow with --days.
class PlanSpan {
  public:
    PlanSpan(const regimend::Regimen& regimen, regimend::LocalDate today, regimend::LocalDate start,
             int days, const regimend::Item* only)
        : regimen_(regimen), today_(today), start_(start), days_(days), only_(only) {
        for (const auto& item : regimen.items) {
            items_by_id_.emplace(item.id, &item);
        }
    }

    const regimend::TimeZone& zone() const { return *regimen_.zone; }
    regimend::LocalDate today() const { return today_; }

    template <class Handle>
    void for_each_day(Handle&& handle) const {
        for (int index = 0; index < days_; ++index) {
            const regimend::LocalDate day{date::sys_days{start_} + date::days{index}};
            auto doses = regimend::plan_days(regimen_, day, 1);
            if (only_ != nullptr) {
                std::erase_if(doses, [&](const auto& dose) { return dose.item_id != only_->id; });
            }
            handle(doses);
        }
    }

    const regimend::Item* item_of(const std::string& id) const {
        auto found = items_by_id_.find(id);
        return found == items_by_id_.end() ? nullptr : found->second;
    }

  private:
    const regimend::Regimen& regimen_;
    regimend::LocalDate today_;
    regimend::LocalDate start_;
    int days_;
    const regimend::Item* only_;
    std::unordered_map<std::string_view, const regimend::Item*> items_by_id_;
};

// --json: one array of doses, written as they are planned.
void print_plan_json(const PlanSpan& span) {
    const auto& zone = span.zone();
    std::cout << '[';
    const char* separator = "\n";
    bool any = false;
    span.for_each_day([&](const std::vector<regimend::PlannedDose>& doses) {
        for (const auto& dose : doses) {
            const auto* item = span.item_of(dose.item_id);
            nlohmann::json entry{
                {"item", dose.item_id},
                {"name", item != nullptr ? item->name : dose.item_id},
                {"planned", instant_json(zone, dose.planned)},
                {"amount", dose.amount ? text_or_null(dose.amount->text) : nlohmann::json(nullptr)},
                {"dose", item != nullptr ? text_or_null(item->dose) : nlohmann::json(nullptr)}};
            std::cout << separator << "  "
                      << entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            separator = ",\n";
            any = true;
        }
    });
    std::cout << (any ? "\n]\n" : "]\n");
}

// The text table: a heading per day, the columns aligned across the whole span.
void print_plan_text(const PlanSpan& span) {
    const auto& zone = span.zone();
    auto row_of = [&](const regimend::PlannedDose& dose) -> std::vector<Cell> {
        const auto* item = span.item_of(dose.item_id);
        return {{format_clock(zone, dose.planned)},
                {dose.item_id},
                {item != nullptr ? item->name : ""},
                {dose.amount ? dose.amount->text : ""},
                {item != nullptr ? item->dose : ""}};
    };
    // First pass: the column widths of the whole span, so every day lines up with the
    // others as one table would; second pass: print a day at a time with those widths.
    std::vector<std::size_t> widths;
    span.for_each_day([&](const std::vector<regimend::PlannedDose>& doses) {
        for (const auto& dose : doses) {
            const auto row = row_of(dose);
            widths.resize(std::max(widths.size(), row.size()), 0);
            for (std::size_t column = 0; column < row.size(); ++column) {
                widths[column] = std::max(widths[column], display_width(row[column].text));
            }
        }
    });
    if (widths.empty()) {
        std::cout << zone_note(zone) << _("Nothing planned.") << '\n';
        return;
    }
    std::cout << zone_note(zone);
    span.for_each_day([&](const std::vector<regimend::PlannedDose>& doses) {
        Table table;
        table.set_minimum_widths(widths);
        std::optional<regimend::LocalDate> shown_day;
        for (const auto& dose : doses) {
            auto day = regimend::local_date(zone, dose.planned);
            if (day != shown_day) {
                table.add_line({day == span.today()
                                    ? regimend::fill(_("{} (today)"), {format_day_heading(day)})
                                    : format_day_heading(day),
                                Colour::Bold});
                shown_day = day;
            }
            table.add_row(row_of(dose));
        }
        table.print(std::cout, "  ");
    });
}

int run_plan(const PlanArgs& args, const GlobalOptions& options) {
    // The form first (bad usage is exit 2 whatever the file), the day once the zone is known.
    auto read_from = [&](regimend::LocalDate today) -> std::optional<regimend::LocalDate> {
        if (!args.from) {
            return std::nullopt;
        }
        auto day = parse_day(*args.from, today, DayDirection::Future);
        if (!day) {
            throw usage_error(regimend::fill(_("cannot read --from \"{}\": expected \"today\", "
                                               "\"tomorrow\", \"yesterday\", a weekday (\"mon\") "
                                               "or a date \"YYYY-MM-DD\""),
                                             {*args.from}));
        }
        return day;
    };
    read_from(regimend::LocalDate{date::year{2026} / 1 / 1});
    const auto regimen =
        load_valid_regimen(options.config_path, _("the regimen has errors; nothing to plan"));
    const auto today = regimend::local_date(*regimen.zone, current_instant());
    const auto first_day = read_from(today);

    const regimend::Item* only = nullptr;
    if (args.item) {
        std::string error;
        only = regimen.resolve(*args.item, &error);
        if (only == nullptr) {
            throw CtlError(kExitFailed, error);
        }
    }
    const PlanSpan span(regimen, today, first_day.value_or(today), args.days, only);
    if (options.json) {
        print_plan_json(span);
    } else {
        print_plan_text(span);
    }
    return kExitOk;
}

const RegisterVerb registration{
    {"plan", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<PlanArgs>();
         auto command =
             app.add_subcommand("plan", _("The planned doses of the next days (offline)"));
         command.add_option(
             "--from", args->from,
             _("first day: today (the default), tomorrow, a weekday (mon) or YYYY-MM-DD"));
         command.add_option("--days", args->days, _("how many days"))
             .default_str("7")
             .range(1, 3660);
         command.add_option("--item", args->item, _("only this item (id or unique prefix)"));
         command.add_option("--config", options.config_path, _("regimen file"));
         command.add_flag("--json", options.json, _("print one JSON document"));
         command.on_selected(run, [&options, args] { return run_plan(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
