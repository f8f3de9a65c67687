// `regimenctl refill ITEM QUANTITY [--set]`: a refill adds to the item's stock; --set
// records the count on hand (after counting the bottle). Both are history events, so the
// count on any past day can be worked out again.
#include <charconv>
#include <iostream>
#include <memory>

#include "core/i18n.hpp"
#include "core/inventory.hpp"
#include "core/stock_text.hpp"
#include "error.hpp"
#include "regimen_file.hpp"
#include "session.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

struct RefillArgs {
    std::string item;
    std::string quantity;
    bool set = false;
};

// "30", "12.5": what a person types for a count. The daemon checks again.
double parse_quantity(const std::string& text, bool absolute) {
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool number = !text.empty() && error == std::errc{} && end == text.data() + text.size();
    if (!number || text.find_first_not_of("0123456789.") != std::string::npos) {
        throw CtlError(kExitUsage,
                       regimend::fill(_("QUANTITY must be a number of units such as 30 or 12.5, "
                                        "got \"{}\""),
                                      {text}));
    }
    if (auto problem = regimend::quantity_problem(value, absolute)) {
        throw CtlError(kExitUsage, regimend::fill(_("QUANTITY: {}"), {*problem}));
    }
    return value;
}

int run_refill(const RefillArgs& args, const GlobalOptions& options) {
    const double quantity = parse_quantity(args.quantity, args.set);
    auto session = open_session(options);
    const double on_hand = session.bus.refill(args.item, quantity, args.set);
    // The unit and name come from the regimen file; the daemon has already accepted the item.
    const regimend::Item* item = nullptr;
    auto parsed = try_load_regimen(session.config_path(options));
    if (parsed && parsed->regimen) {
        item = parsed->regimen->resolve(args.item);
    }
    auto units = [&](double count) {
        return item != nullptr ? regimend::units_text(*item, count)
                               : regimend::quantity_note(count);
    };
    const std::string name = item != nullptr ? item->name : args.item;
    if (args.set) {
        std::cout << regimend::fill(_("Stock of {0} set to {1}."), {name, units(on_hand)}) << '\n';
    } else {
        std::cout << regimend::fill(_("Refilled {0} with {1}: {2} on hand."),
                                    {name, units(quantity), units(on_hand)})
                  << '\n';
    }
    return kExitOk;
}

const RegisterVerb registration{
    {"refill", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<RefillArgs>();
         auto command = app.add_subcommand(
             "refill", _("Record a refill (adds to the stock), or with --set the count on hand"));
         command.add_option("ITEM", args->item, _("item id (or a unique prefix)")).required();
         command
             .add_option("QUANTITY", args->quantity, _("units received, or the count with --set"))
             .required();
         command.add_flag("--set", args->set, _("QUANTITY is the count on hand, not an addition"));
         command.on_selected(run, [&options, args] { return run_refill(*args, options); });
     }}};

}  // namespace
}  // namespace regimenctl
