#include "core/notice_text.hpp"
#include "core/i18n.hpp"

#include <initializer_list>
#include <string_view>
#include <utility>

namespace regimend {
namespace {

std::string display_name(const Regimen& regimen, const std::string& item_id) {
    const Item* item = regimen.find(item_id);
    return item == nullptr || item->name.empty() ? item_id : item->name;
}

std::string join_nonempty(std::initializer_list<std::string_view> parts, std::string_view glue) {
    std::string text;
    for (auto part : parts) {
        if (part.empty()) {
            continue;
        }
        if (!text.empty()) {
            text += glue;
        }
        text += part;
    }
    return text;
}

}  // namespace

ReminderText reminder_text(const Regimen& regimen, const Reminder& reminder,
                           std::string stock_note) {
    ReminderText text;
    text.dose = reminder.dose;
    text.urgency = reminder.urgency;
    const Item* item = regimen.find(reminder.dose.item_id);
    if (item == nullptr) {
        text.summary = reminder.dose.item_id;
        return text;
    }
    const auto amount = item->amount_on(local_date(zone_of(regimen), reminder.dose.planned));
    text.summary = item->name.empty() ? item->id : item->name;
    text.detail = join_nonempty({item->dose, amount ? std::string_view(amount->text) : ""}, ", ");
    text.notes = item->notes;
    text.due_clock = local_clock(regimen, reminder.dose.planned, reminder.dose.planned);
    text.due_text = fill(_("due {}"), {text.due_clock});
    text.stock = std::move(stock_note);
    return text;
}

// The command that records the dose as taken late: "--at 08:00" today, else with its date
// (an `--at` of a bare time means today, which would name another dose).
std::string take_command(const Regimen& regimen, const DoseKey& dose, Instant now) {
    const auto& zone = zone_of(regimen);
    const bool today = local_date(zone, dose.planned) == local_date(zone, now);
    const auto local = to_local(zone, dose.planned);
    const std::string at = today ? format_hh_mm(local) : "\"" + format_date_hh_mm(local) + "\"";
    return "regimenctl take " + dose.item_id + " --at " + at;  // a command: never translated
}

std::string local_clock(const Regimen& regimen, Instant instant, Instant now) {
    const auto& zone = zone_of(regimen);
    const auto local = to_local(zone, instant);
    const auto days_apart =
        date::sys_days{local_date(zone, now)} - date::sys_days{local_date(zone, instant)};
    if (days_apart == date::days{0}) {
        return format_hh_mm(local);
    }
    if (days_apart > date::days{0} && days_apart < date::days{7}) {
        return format_weekday(LocalDate{date::floor<date::days>(local)}) + " " +
               format_hh_mm(local);
    }
    return format_reader_date_hh_mm(local);
}

NoticeText missed_notice(const Regimen& regimen, const std::vector<DoseKey>& missed, Instant now) {
    NoticeText text;
    if (missed.size() == 1) {
        const auto& dose = missed.front();
        text.summary = fill(_("Missed: {0} at {1}"), {display_name(regimen, dose.item_id),
                                                      local_clock(regimen, dose.planned, now)});
        text.body =
            fill(_("If you took it, record it with: {}"), {take_command(regimen, dose, now)});
        return text;
    }
    // Not "while away": the user may have been at the desk and not answered.
    text.summary = fill(P_("Missed {} dose", "Missed {} doses", missed.size()),
                        {std::to_string(missed.size())});
    text.body = _("If you took them, record each with the command after it:");
    for (const auto& dose : missed) {
        text.body += "\n" + fill(_("{0} at {1}: {2}"), {display_name(regimen, dose.item_id),
                                                        local_clock(regimen, dose.planned, now),
                                                        take_command(regimen, dose, now)});
    }
    return text;
}

}  // namespace regimend
