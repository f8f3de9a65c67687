// `regimenctl stock`: each stocked item, its count on hand, how many doses that is, and
// when it runs out (from the plan; for as-needed items from the last 30 days' use).
#include <iostream>
#include <memory>

#include "core/i18n.hpp"
#include "core/inventory.hpp"
#include "core/stock_text.hpp"
#include "output.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

int run_stock(const GlobalOptions& options) {
    auto session = open_session(options);
    const auto& zone = *session.zone;
    const auto rows = session.bus.stock();
    auto parsed = try_load_regimen(session.config_path(options));
    const regimend::Regimen* regimen = parsed && parsed->regimen ? &*parsed->regimen : nullptr;
    auto item_of = [&](const std::string& id) -> const regimend::Item* {
        return regimen != nullptr ? regimen->find(id) : nullptr;
    };

    if (options.json) {
        auto document = nlohmann::json::array();
        for (const auto& row : rows) {
            const auto* item = item_of(row.item);
            document.push_back(
                {{"item", row.item},
                 {"name", item != nullptr ? item->name : row.item},
                 {"on_hand", row.on_hand ? nlohmann::json(*row.on_hand) : nlohmann::json(nullptr)},
                 {"unit", item != nullptr && item->stock && !item->stock->unit.empty()
                              ? nlohmann::json(item->stock->unit)
                              : nlohmann::json(nullptr)},
                 {"per_dose", row.per_dose},
                 {"doses_left",
                  row.doses_left ? nlohmann::json(*row.doses_left) : nlohmann::json(nullptr)},
                 {"runs_out", instant_json(zone, row.runs_out)}});
        }
        print_json(document);
        return kExitOk;
    }
    if (rows.empty()) {
        std::cout << _(
            "No item keeps stock. Add to an item in the regimen file:\n"
            "    stock:\n"
            "      per_dose: 1\n"
            "      unit: capsules\n"
            "then record the count with: regimenctl refill ITEM N --set\n");
        return kExitOk;
    }
    const auto now = current_instant();
    std::cout << zone_note(zone);
    Table table;
    table.add_row({{_("ITEM")}, {_("ON HAND")}, {_("DOSES LEFT")}, {_("RUNS OUT")}});
    for (const auto& row : rows) {
        const auto* item = item_of(row.item);
        if (!row.on_hand) {
            table.add_row({{row.item},
                           {regimend::fill(_("unknown — set it with regimenctl refill {} N --set"),
                                           {row.item}),
                            Colour::Yellow}});
            continue;
        }
        const std::string on_hand = item != nullptr ? regimend::units_text(*item, *row.on_hand)
                                                    : regimend::count_text(*row.on_hand);
        std::string runs_out = _("not within a year");
        Colour colour = Colour::None;
        if (row.runs_out) {
            // In the session's zone (the regimen's, else the daemon's), as every verb shows
            // times, not in the zone this process happens to run in.
            runs_out = regimend::ahead_clock(zone, *row.runs_out, now);
            const bool low =
                item != nullptr && item->stock && *row.runs_out <= now + item->stock->warn_before;
            if (*row.runs_out <= now) {
                runs_out = _("out now");
            }
            colour = low ? Colour::Yellow : Colour::None;
        } else if (item != nullptr && item->as_needed) {
            runs_out = _("no use in the last 30 days");
        }
        table.add_row({{row.item},
                       {on_hand, *row.on_hand <= 0 ? Colour::Red : Colour::None},
                       {regimend::count_text(row.doses_left.value_or(0))},
                       {runs_out, colour}});
    }
    table.print(std::cout);
    return kExitOk;
}

const RegisterVerb registration{
    {"stock", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto command = app.add_subcommand(
             "stock", _("Each stocked item: on hand, doses left, the date it runs out"));
         command.add_flag("--json", options.json, _("print one JSON document"));
         command.on_selected(run, [&options] { return run_stock(options); });
     }}};

}  // namespace
}  // namespace regimenctl
