#include "bar_format.hpp"
#include "core/i18n.hpp"

#include "core/markup.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "output.hpp"

namespace regimenctl {
namespace {

bool is_due(const BarDose& dose) {
    return dose.state == "due" || dose.state == "snoozed";
}

// "21:30" on now's local date, else "Tue 08:00": absolute, never a countdown.
std::string when_text(const regimend::TimeZone& zone, regimend::Instant instant,
                      regimend::LocalDate today) {
    const auto local = regimend::to_local(zone, instant);
    const regimend::LocalDate day{date::floor<date::days>(local)};
    if (day == today) {
        return format_clock(zone, instant);
    }
    return regimend::format_weekday(day) + ' ' + format_clock(zone, instant);
}

std::string main_text(const BarSnapshot& snapshot, const std::string& css_class,
                      const regimend::TimeZone& zone, regimend::LocalDate today) {
    std::string text;
    if (css_class == "offline") {
        text = _("regimend offline");
    } else if (css_class == "none") {
        text = _("no doses planned");
    } else {
        const auto& dose = *snapshot.focus;
        const std::string when = when_text(zone, dose.planned, today);
        if (css_class == "upcoming") {
            text = dose.item + " " + when;
        } else {
            text = regimend::fill(css_class == "critical" ? _("{0} overdue {1}") : _("{0} due {1}"),
                                  {dose.item, when});
            if (snapshot.more_due > 0) {
                text += " +" + std::to_string(snapshot.more_due);
            }
        }
    }
    if (snapshot.online && !snapshot.low_stock.empty()) {
        text += " \u00b7 ";
        text += _("low stock");
    }
    return text;
}

std::string tooltip_text(const BarSnapshot& snapshot, const regimend::TimeZone& zone,
                         regimend::LocalDate today) {
    if (!snapshot.online) {
        return snapshot.offline_reason.empty() ? _("regimend is not running")
                                               : snapshot.offline_reason;
    }
    std::string text = regimend::fill(_("Today, {}"), {format_day_heading(today)});
    if (snapshot.today.empty()) {
        text += '\n';
        text += _("no doses planned");
    }
    for (const auto& dose : snapshot.today) {
        text += "\n" + format_clock(zone, dose.planned) + "  " + dose.name + ": " +
                state_label(dose.state);
        if (dose.acted_at && (dose.state == "taken" || dose.state == "skipped")) {
            text += " " + when_text(zone, *dose.acted_at, today);
        }
    }
    if (snapshot.focus && regimend::local_date(zone, snapshot.focus->planned) != today) {
        text += '\n';
        text += regimend::fill(_("Next: {}"),
                               {when_text(zone, snapshot.focus->planned, today) + "  " +
                                snapshot.focus->name + ": " + state_label(snapshot.focus->state)});
    }
    if (!snapshot.low_stock.empty()) {
        std::string items;
        for (std::size_t index = 0; index < snapshot.low_stock.size(); ++index) {
            items += (index > 0 ? ", " : "") + snapshot.low_stock[index];
        }
        text += '\n';
        text += regimend::fill(_("Low stock: {} (regimenctl stock)"), {items});
    }
    return text;
}

std::string json_line(const nlohmann::json& object) {
    // One line; item names are user text: replace invalid UTF-8 instead of throwing.
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string bar_class(const BarSnapshot& snapshot, regimend::Instant now) {
    if (!snapshot.online) {
        return "offline";
    }
    if (!snapshot.focus) {
        return "none";
    }
    if (is_due(*snapshot.focus)) {
        return snapshot.escalates_at && now >= *snapshot.escalates_at ? "critical" : "due";
    }
    return "upcoming";
}

std::string render_bar(const BarSnapshot& snapshot, regimend::Instant now,
                       const regimend::TimeZone& zone, BarFormat format) {
    const auto today = regimend::local_date(zone, now);
    const std::string css_class = bar_class(snapshot, now);
    const std::string text = main_text(snapshot, css_class, zone, today);
    const bool low_stock = snapshot.online && !snapshot.low_stock.empty();
    switch (format) {
        case BarFormat::Plain:
            return text;
        case BarFormat::Waybar: {
            nlohmann::json classes = css_class;
            if (low_stock) {
                classes = nlohmann::json::array({css_class, "low-stock"});
            }
            return json_line(
                {{"text", regimend::escape_markup(text)},
                 {"tooltip", regimend::escape_markup(tooltip_text(snapshot, zone, today))},
                 {"class", classes},
                 {"alt", css_class}});
        }
        case BarFormat::I3blocks: {
            // i3blocks' persistent mode with format=json: one object per line.
            nlohmann::json block{{"full_text", text}, {"urgent", css_class == "critical"}};
            if (snapshot.focus && snapshot.online) {
                block["short_text"] = snapshot.focus->item;
            }
            if (css_class == "critical") {
                block["color"] = "#FF5555";
            } else if (css_class == "due") {
                block["color"] = "#FFB86C";
            } else if (css_class == "offline") {
                block["color"] = "#888888";
            }
            return json_line(block);
        }
    }
    return text;
}

std::optional<regimend::Instant> bar_next_change(const BarSnapshot& snapshot, regimend::Instant now,
                                                 const regimend::TimeZone& zone) {
    if (!snapshot.online) {
        return std::nullopt;
    }
    const auto today = regimend::local_date(zone, now);
    std::optional<regimend::Instant> next =
        regimend::start_of_day(zone, regimend::LocalDate{date::local_days{today} + date::days{1}});
    if (snapshot.focus && is_due(*snapshot.focus) && snapshot.escalates_at &&
        *snapshot.escalates_at > now) {
        next = std::min(*next, *snapshot.escalates_at);
    }
    if (snapshot.other_escalates_at && *snapshot.other_escalates_at > now) {
        next = std::min(*next, *snapshot.other_escalates_at);
    }
    return next;
}

}  // namespace regimenctl
