// The words of inventory: the low-stock notice, the line a dose's reminder gains, the
// status warning. Pure, so the wording is tested with literal instants.
#pragma once

#include <optional>
#include <string>

#include "core/inventory.hpp"
#include "core/model.hpp"
#include "core/notice_text.hpp"

namespace regimend {

// "8", "0.5", "1.125": a count as a person writes it (at most three decimals).
std::string count_text(double count);

// "8 capsules", "0.5 capsules", "-2 capsules"; "8" when the item names no unit.
std::string units_text(const Item& item, double count);

// A time ahead of `now`: "today 21:30", "tomorrow 08:00", "Sat 21:30" within the week,
// else "Thu 2026-12-24 21:30".
std::string ahead_clock(const Regimen& regimen, Instant instant, Instant now);
// The same in `zone`.
std::string ahead_clock(const TimeZone& zone, Instant instant, Instant now);

// "Magnesium glycinate: 8 capsules left, about 4 days; runs out Sat 21:30", or
// "Magnesium glycinate: out of stock (-2 capsules)": the status warning and the notice.
std::string stock_low_line(const Regimen& regimen, const Item& item, const StockForecast& forecast,
                           Instant now);

// The low-stock notification: the line above, and how to record a refill.
NoticeText stock_low_notice(const Regimen& regimen, const Item& item, const StockForecast& forecast,
                            Instant now);

// What a dose's reminder says about stock: "4 capsules left" while low, "out of stock"
// at zero or below; nothing otherwise.
std::optional<std::string> stock_reminder_note(const Item& item, const StockForecast& forecast);

}  // namespace regimend
