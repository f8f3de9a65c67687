#include "core/stock_text.hpp"
#include "core/i18n.hpp"

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
        return fill(_("today {}"), {clock});
    }
    if (ahead == 1) {
        return fill(_("tomorrow {}"), {clock});
    }
    if (ahead < 7) {
        return format_weekday(LocalDate{date::floor<date::days>(local)}) + " " + clock;
    }
    return format_weekday(LocalDate{day}) + " " + format_reader_date(LocalDate{day}) + " " + clock;
}

std::string stock_low_line(const Regimen& regimen, const Item& item, const StockForecast& forecast,
                           Instant now) {
    const double on_hand = forecast.on_hand.value_or(0);
    const std::string name = display_name(item);
    if (on_hand <= 0) {
        return on_hand < 0 ? fill(_("{0}: out of stock ({1})"), {name, units_text(item, on_hand)})
                           : fill(_("{}: out of stock"), {name});
    }
    const std::string left = units_text(item, on_hand);
    if (!forecast.runs_out) {
        return fill(_("{0}: {1} left"), {name, left});
    }
    const auto seconds = (*forecast.runs_out - now).count();
    const auto days = seconds / 86400;
    if (seconds <= 0) {
        return fill(_("{0}: {1} left; not enough for the dose due now"), {name, left});
    }
    const std::string runs_out = ahead_clock(regimen, *forecast.runs_out, now);
    if (days < 1) {
        return fill(_("{0}: {1} left, less than a day; runs out {2}"), {name, left, runs_out});
    }
    return fill(P_("{0}: {1} left, about {2} day; runs out {3}",
                   "{0}: {1} left, about {2} days; runs out {3}", days),
                {name, left, std::to_string(days), runs_out});
}

NoticeText stock_low_notice(const Regimen& regimen, const Item& item, const StockForecast& forecast,
                            Instant now) {
    NoticeText text;
    text.summary = stock_low_line(regimen, item, forecast, now);
    text.body = fill(_("After a refill: regimenctl refill {} QUANTITY (adds), or --set with the "
                       "count on hand"),
                     {item.id});
    return text;
}

std::optional<std::string> stock_reminder_note(const Item& item, const StockForecast& forecast) {
    if (!item.stock || !forecast.on_hand) {
        return std::nullopt;
    }
    if (*forecast.on_hand <= 0) {
        return std::string(_("out of stock"));
    }
    if (!forecast.low) {
        return std::nullopt;
    }
    return fill(_("{} left"), {units_text(item, *forecast.on_hand)});
}

}  // namespace regimend
