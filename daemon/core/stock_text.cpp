#include "core/stock_text.hpp"

#include <cstdio>

namespace regimend {

std::string count_text(double value) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    std::string text = buffer;
    while (text.back() == '0') {
        text.pop_back();
    }
    if (text.back() == '.') {
        text.pop_back();
    }
    return text == "-0" ? "0" : text;
}

namespace {

std::string display_name(const Item& item) {
    return item.name.empty() ? item.id : item.name;
}

}  // namespace

std::string units_text(const Item& item, double count) {
    std::string text = count_text(count);
    if (item.stock && !item.stock->unit.empty()) {
        text += " " + item.stock->unit;
    }
    return text;
}

std::string ahead_clock(const Regimen& regimen, Instant instant, Instant now) {
    return ahead_clock(zone_of(regimen), instant, now);
}

std::string ahead_clock(const TimeZone& zone, Instant instant, Instant now) {
    const date::sys_days today{local_date(zone, now)};
    const date::sys_days day{local_date(zone, instant)};
    const auto local = to_local(zone, instant);
    const std::string clock = format_hh_mm(local);
    const auto ahead = (day - today).count();
    if (ahead <= 0) {
        return "today " + clock;
    }
    if (ahead == 1) {
        return "tomorrow " + clock;
    }
    if (ahead < 7) {
        return format_weekday(LocalDate{date::floor<date::days>(local)}) + " " + clock;
    }
    return format_weekday(LocalDate{day}) + " " + format_date(LocalDate{day}) + " " + clock;
}

std::string stock_low_line(const Regimen& regimen, const Item& item, const StockForecast& forecast,
                           Instant now) {
    const double on_hand = forecast.on_hand.value_or(0);
    std::string line = display_name(item) + ": ";
    if (on_hand <= 0) {
        line += "out of stock";
        if (on_hand < 0) {
            line += " (" + units_text(item, on_hand) + ")";
        }
        return line;
    }
    line += units_text(item, on_hand) + " left";
    if (forecast.runs_out) {
        const auto seconds = (*forecast.runs_out - now).count();
        const auto days = seconds / 86400;
        if (seconds <= 0) {
            line += "; not enough for the dose due now";
            return line;
        }
        line += days < 1    ? ", less than a day"
                : days == 1 ? ", about 1 day"
                            : ", about " + std::to_string(days) + " days";
        line += "; runs out " + ahead_clock(regimen, *forecast.runs_out, now);
    }
    return line;
}

NoticeText stock_low_notice(const Regimen& regimen, const Item& item, const StockForecast& forecast,
                            Instant now) {
    NoticeText text;
    text.summary = stock_low_line(regimen, item, forecast, now);
    text.body = "After a refill: regimenctl refill " + item.id +
                " QUANTITY (adds), or --set with the count on hand";
    return text;
}

std::optional<std::string> stock_reminder_note(const Item& item, const StockForecast& forecast) {
    if (!item.stock || !forecast.on_hand) {
        return std::nullopt;
    }
    if (*forecast.on_hand <= 0) {
        return std::string("out of stock");
    }
    if (!forecast.low) {
        return std::nullopt;
    }
    return units_text(item, *forecast.on_hand) + " left";
}

}  // namespace regimend
