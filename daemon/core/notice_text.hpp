// The words of reminders and of the "missed" notice: pure, so their wording is tested with
// literal instants. Each missed dose carries the exact `regimenctl take ... --at ...` that
// records it as taken late, with the date when it was not today.
#pragma once

#include <string>
#include <vector>

#include "core/doses.hpp"
#include "core/model.hpp"

namespace regimend {

// A reminder ready to show: the item's words; the display decides how (markup, actions)
// from what the notification server can do.
struct ReminderText {
    DoseKey dose;
    Urgency urgency = Urgency::Normal;
    std::string summary;  // the item's name
    std::string detail;   // "2 capsules, 144 mg"
    std::string notes;
    std::string due_text;   // "due 08:00"
    std::string due_clock;  // "08:00"
    std::string stock;      // "4 capsules left" / "out of stock" while the item's stock is low
};

// The words of `reminder`: the item's name (its id when unnamed), its dose and the amount
// of that day (a ramp changes it), its notes and "due HH:MM". `stock_note` is the stock
// line the caller worked out (empty when the stock is not low). An item the regimen no
// longer has is shown by its id alone.
ReminderText reminder_text(const Regimen& regimen, const Reminder& reminder,
                           std::string stock_note);

struct NoticeText {
    std::string summary;
    std::string body;
};

// "08:00" on the same local day as `now`, "Sun 08:00" within the week before, else
// "2026-11-20 08:00".
std::string local_clock(const Regimen& regimen, Instant instant, Instant now);

// "regimenctl take ID --at 08:00", dated ("--at \"2026-11-20 08:00\"") when the dose was
// not on the local day of `now`: the command that records the dose as taken late.
std::string take_command(const Regimen& regimen, const DoseKey& dose, Instant now);

// The notice for doses that went missed (one or several; never empty).
NoticeText missed_notice(const Regimen& regimen, const std::vector<DoseKey>& missed, Instant now);

}  // namespace regimend
