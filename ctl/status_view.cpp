#include "status_view.hpp"

#include "host/system_zone.hpp"
#include "output.hpp"
#include "time_args.hpp"

namespace regimenctl {

std::optional<StatusView> status_from_today(BusClient& bus) {
    auto reply = bus.today();
    if (!reply) {
        return std::nullopt;
    }
    StatusView view;
    view.zone = regimend::find_zone(reply->zone);
    if (view.zone == nullptr) {
        view.zone = regimend::system_zone();
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
    std::string text = paint("Today, " + format_day_heading(today), Colour::Bold);
    text += '\n';
    text += zone_note(zone);
    if (view.no_items) {
        text +=
            "  the regimen has no items yet: `regimenctl edit` (the example is commented out "
            "in it)\n";
    } else if (view.doses.empty()) {
        text += "  No doses planned.\n";
    }
    Table table;
    for (const auto& dose : view.doses) {
        std::string when = dose.acted_at ? format_when(zone, *dose.acted_at, today) : "";
        if (dose.state == "snoozed") {
            for (const auto& [snoozed, until] : view.snoozed_until) {
                if (snoozed.item == dose.item && snoozed.planned == dose.planned) {
                    when = "until " + format_when(zone, until, today);
                }
            }
        }
        table.add_row({{format_clock(zone, dose.planned)},
                       {dose.item},
                       {dose.name},
                       {dose.state, state_colour(dose.state)},
                       {when}});
    }
    table.append_to(text, "  ");
    if (const auto& next = view.next) {
        std::string what = next->item.empty() ? "" : " " + next->item;
        if (!next->name.empty()) {
            what += " (" + next->name + ")";
        }
        text += "Next: " + format_when(zone, next->planned, today) + what + '\n';
    } else if (!view.no_items) {
        text += "Next: nothing planned\n";
    }
    if (!view.warnings.empty()) {
        text += paint("Warnings:", Colour::Yellow);
        text += '\n';
        for (const auto& warning : view.warnings) {
            text += "  " + warning + '\n';
        }
    }
    return text;
}

}  // namespace regimenctl
