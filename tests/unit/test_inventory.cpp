// Inventory in the pure core: the `stock:` key, the count recomputed from history events,
// and the run-out forecast, with literal instants (../shared/SPEC.md "Inventory").
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "core/inventory.hpp"
#include "core/lint.hpp"
#include "core/parse.hpp"
#include "core/stock_text.hpp"
#include "dose_fixtures.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

std::vector<Diagnostic> parse_errors(const std::string& yaml) {
    return parse_failure(yaml);
}

// "2026-11-20 08:00" in the regimen's zone.
Instant at(const Regimen& regimen, const std::string& text) {
    return local_instant(*regimen.zone, text);
}

// An event without a planned instant (refill, stock, as-needed), with its quantity.
HistoryEvent event(const std::string& item, EventKind kind, Instant when,
                   std::optional<double> quantity = std::nullopt) {
    HistoryEvent result = stored(item, kind, Instant{}, when);
    result.planned.reset();
    result.quantity = quantity;
    return result;
}

HistoryEvent taken(const std::string& item, Instant planned, Instant when) {
    return stored(item, EventKind::Taken, planned, when);
}

const std::string kGlycinate = R"(version: 1
timezone: Europe/Berlin
items:
  - id: glycinate
    name: Magnesium glycinate
    dose: 2 capsules
    amount: 200 mg
    at: "21:30"
    stock:
      per_dose: 2
      unit: capsules
      warn_before: 3d
)";

}  // namespace

TEST_CASE("the stock key is read with its defaults and every error has a place", "[inventory]") {
    auto regimen = parse_ok(R"(version: 1
items:
  - id: a
    name: A
    at: "08:00"
    stock: {}
  - id: b
    name: B
    at: "08:00"
    stock:
      per_dose: 0.5
      unit: tablets
      warn_before: 2w
)");
    REQUIRE(regimen.items[0].stock);
    CHECK(regimen.items[0].stock->per_dose == 1);
    CHECK(regimen.items[0].stock->unit.empty());
    CHECK(regimen.items[0].stock->warn_before == Seconds{7 * 86400});
    REQUIRE(regimen.items[1].stock);
    CHECK(regimen.items[1].stock->per_dose == 0.5);
    CHECK(regimen.items[1].stock->unit == "tablets");
    CHECK(regimen.items[1].stock->warn_before == Seconds{14 * 86400});

    for (const std::string bad :
         {"0", "-1", "nan", ".inf", "1e3", "2000000", "two", "[1]", "0x10"}) {
        INFO(bad);
        auto errors = parse_errors(
            "version: 1\nitems:\n  - id: a\n    name: A\n    at: \"08:00\"\n"
            "    stock:\n      per_dose: " +
            bad + "\n");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].line == 7);
        CHECK(errors[0].column == 17);
        CHECK_THAT(errors[0].message,
                   Catch::Contains("'per_dose' must be a number greater than 0"));
    }
    auto unknown = parse_errors(
        "version: 1\nitems:\n  - id: a\n    name: A\n    at: \"08:00\"\n    stock: {count: 3}\n");
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].line == 6);
    CHECK_THAT(unknown[0].message, Catch::Contains("count"));
    auto long_warning = parse_errors(
        "version: 1\nitems:\n  - id: a\n    name: A\n    at: \"08:00\"\n"
        "    stock: {warn_before: 400d}\n");
    REQUIRE(long_warning.size() == 1);
    CHECK_THAT(long_warning[0].message, Catch::Contains("at most a year"));
    auto not_mapping = parse_errors(
        "version: 1\nitems:\n  - id: a\n    name: A\n    at: \"08:00\"\n    stock: 30\n");
    REQUIRE(not_mapping.size() == 1);
    CHECK(not_mapping[0].line == 6);
}

TEST_CASE("lint warns when per_dose disagrees with the count in dose", "[inventory][lint]") {
    auto with = [](const std::string& dose, const std::string& stock) {
        return parse_ok("version: 1\nitems:\n  - id: a\n    name: A\n    dose: " + dose +
                        "\n    at: \"08:00\"\n    stock: " + stock + "\n");
    };
    auto stock_warnings = [](const Regimen& regimen) {
        std::vector<Diagnostic> found;
        for (const auto& warning : lint(regimen)) {
            if (warning.message.find("per_dose") != std::string::npos) {
                found.push_back(warning);
            }
        }
        return found;
    };
    auto disagree = stock_warnings(with("2 capsules", "{per_dose: 1, unit: capsules}"));
    REQUIRE(disagree.size() == 1);
    CHECK(disagree[0].line == 7);
    CHECK_THAT(disagree[0].message,
               Catch::Contains("\"2 capsules\"") && Catch::Contains("per_dose: 2"));
    // No unit in stock: the count of "2 capsules" is still a count of units.
    CHECK(stock_warnings(with("2 capsules", "{}")).size() == 1);
    CHECK(stock_warnings(with("2 capsules", "{per_dose: 2, unit: capsule}")).empty());
    CHECK(stock_warnings(with("1 capsule", "{unit: capsules}")).empty());
    // A measure says nothing about units; another unit is another thing.
    CHECK(stock_warnings(with("300 mg", "{per_dose: 1, unit: capsules}")).empty());
    CHECK(stock_warnings(with("1 scoop", "{per_dose: 5, unit: grams}")).empty());
    CHECK(stock_warnings(with("two capsules", "{per_dose: 1}")).empty());
}

TEST_CASE("the count is recomputed from the last count, refills, doses and undos", "[inventory]") {
    auto regimen = parse_ok(kGlycinate);
    const Item& item = regimen.items[0];
    const Instant set_at = at(regimen, "2026-11-20 12:00");
    const Instant dose1 = at(regimen, "2026-11-20 21:30");
    const Instant dose2 = at(regimen, "2026-11-21 21:30");
    std::vector<HistoryEvent> events{
        taken("glycinate", at(regimen, "2026-11-19 21:30"), at(regimen, "2026-11-19 21:31")),
        event("glycinate", EventKind::Stock, set_at, 10.0),
        taken("glycinate", dose1, dose1 + 2min),
        stored("glycinate", EventKind::Undone, dose1, dose1 + 5min, "taken"),
        taken("glycinate", dose1, dose1 + 6min),
        event("other", EventKind::Refill, dose1 + 7min, 500.0),
        taken("glycinate", dose2, dose2 + 1min),
        event("glycinate", EventKind::Refill, dose2 + 1h, 30.0),
        stored("glycinate", EventKind::Undone, dose2, dose2 + 2h, "skipped"),
    };
    CHECK_FALSE(count_on_hand(regimen, item, events, set_at - 1s));
    CHECK(count_on_hand(regimen, item, events, set_at) == 10.0);
    CHECK(count_on_hand(regimen, item, events, dose1 + 3min) == 8.0);
    CHECK(count_on_hand(regimen, item, events, dose1 + 5min) == 10.0);  // undo gives back
    CHECK(count_on_hand(regimen, item, events, dose1 + 6min) == 8.0);
    CHECK(count_on_hand(regimen, item, events, dose2 + 30min) == 6.0);
    // Undoing a skip gives nothing back; the other item's refill is not this one's.
    CHECK(count_on_hand(regimen, item, events, dose2 + 3h) == 36.0);

    SECTION("a later count replaces everything before it") {
        events.push_back(event("glycinate", EventKind::Stock, dose2 + 4h, 3.0));
        CHECK(count_on_hand(regimen, item, events, dose2 + 4h) == 3.0);
        CHECK(count_on_hand(regimen, item, events, dose2 + 3h) == 36.0);  // a past day stays
    }
    SECTION("a dose backdated to before the count was in the count already") {
        events.push_back(taken("glycinate", at(regimen, "2026-11-20 09:00"), set_at - 1h));
        CHECK(count_on_hand(regimen, item, events, dose2 + 3h) == 36.0);
    }
    SECTION("it goes negative and stays so: a clamp would hide a forgotten refill") {
        std::vector<HistoryEvent> short_stock{event("glycinate", EventKind::Stock, set_at, 1.0),
                                              taken("glycinate", dose1, dose1),
                                              taken("glycinate", dose2, dose2)};
        CHECK(count_on_hand(regimen, item, short_stock, dose2) == -3.0);
        CHECK(units_text(item, -3.0) == "-3 capsules");
    }
    SECTION("a refill with no count before starts from zero") {
        std::vector<HistoryEvent> refills{event("glycinate", EventKind::Refill, set_at, 60.0),
                                          taken("glycinate", dose1, dose1)};
        CHECK(count_on_hand(regimen, item, refills, dose1) == 58.0);
    }
}

TEST_CASE("a scheduled item runs out at the first dose the count cannot cover", "[inventory]") {
    auto regimen = parse_ok(kGlycinate);
    const Item& item = regimen.items[0];
    const Instant now = at(regimen, "2026-11-23 12:00");  // a Monday
    StockInputs inputs;
    inputs.on_hand = 8;  // 4 doses of 2 capsules: Mon..Thu 21:30
    auto forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == at(regimen, "2026-11-27 21:30"));
    CHECK(forecast.doses_left == 4);
    CHECK(forecast.per_dose == 2);
    CHECK_FALSE(forecast.low);  // 4.4 days away, warn_before 3d
    CHECK(stock_low_line(regimen, item, forecast, now) ==
          "Magnesium glycinate: 8 capsules left, about 4 days; runs out Fri 21:30");

    SECTION("an open dose is served first, a dose answered early is not served again") {
        inputs.open_doses = {at(regimen, "2026-11-22 21:30")};
        inputs.answered_ahead = {at(regimen, "2026-11-23 21:30")};
        auto shifted = forecast_stock(regimen, item, inputs, now);
        REQUIRE(shifted.runs_out);
        CHECK(*shifted.runs_out == at(regimen, "2026-11-27 21:30"));
        inputs.answered_ahead.clear();
        CHECK(*forecast_stock(regimen, item, inputs, now).runs_out ==
              at(regimen, "2026-11-26 21:30"));
    }
    SECTION("within warn_before it is low, and the reminder says how many are left") {
        inputs.on_hand = 5;  // Mon, Tue; Wed's dose needs 2 of the 1 left
        auto low = forecast_stock(regimen, item, inputs, now);
        CHECK(*low.runs_out == at(regimen, "2026-11-25 21:30"));
        CHECK(low.low);
        CHECK(stock_reminder_note(item, low) == "5 capsules left");
    }
    SECTION("none left: out of stock, and it runs out at the next dose") {
        inputs.on_hand = -2;
        auto out = forecast_stock(regimen, item, inputs, now);
        CHECK(*out.runs_out == at(regimen, "2026-11-23 21:30"));
        CHECK(out.low);
        CHECK(out.doses_left == 0);
        CHECK(stock_reminder_note(item, out) == "out of stock");
        CHECK(stock_low_line(regimen, item, out, now) ==
              "Magnesium glycinate: out of stock (-2 capsules)");
    }
    SECTION("a count never set forecasts nothing") {
        inputs.on_hand.reset();
        auto unknown = forecast_stock(regimen, item, inputs, now);
        CHECK_FALSE(unknown.runs_out);
        CHECK_FALSE(unknown.low);
        CHECK_FALSE(stock_reminder_note(item, unknown));
    }
    SECTION("nothing is forecast beyond a year") {
        inputs.on_hand = 2 * 400;
        CHECK_FALSE(forecast_stock(regimen, item, inputs, now).runs_out);
        inputs.on_hand = 2 * 300;
        CHECK(forecast_stock(regimen, item, inputs, now).runs_out);
    }
}

TEST_CASE("the run-out follows a ramp step: more units per dose after it", "[inventory]") {
    auto regimen = parse_ok(R"(version: 1
timezone: Europe/Berlin
items:
  - id: threonate
    name: Magnesium threonate
    amount: 100 mg
    at: "08:00"
    start: 2026-11-20
    ramp:
      - after: 5d
        amount: 200 mg
    stock: {per_dose: 1, unit: capsules}
)");
    const Item& item = regimen.items[0];
    const Instant now = at(regimen, "2026-11-22 07:00");
    StockInputs inputs;
    inputs.on_hand = 7;  // 22, 23, 24 at 1 capsule; 25 at 2 (step day 5 = 11-25); 26 needs 2 of 2
    auto forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == at(regimen, "2026-11-27 08:00"));
    CHECK(units_per_dose(regimen, item, at(regimen, "2026-11-24 08:00")) == 1);
    CHECK(units_per_dose(regimen, item, at(regimen, "2026-11-25 08:00")) == 2);
    // A taken dose on a ramped day takes the ramped units off the count.
    std::vector<HistoryEvent> events{
        event("threonate", EventKind::Stock, now, 10.0),
        taken("threonate", at(regimen, "2026-11-25 08:00"), at(regimen, "2026-11-25 08:05"))};
    CHECK(count_on_hand(regimen, item, events, at(regimen, "2026-11-26 00:00")) == 8.0);
}

TEST_CASE(
    "a count the plan cannot use up in a year is seen without planning the year, ramp "
    "and open doses included",
    "[inventory]") {
    // Hourly at 1 unit (UTC: no DST hour to count), 10 units from day 200 (2026-07-20): the
    // year from now asks for 4,799 + 3,961 * 10 = 44,409 units. Judging "plenty" by the
    // first dose's units would be wrong here.
    auto regimen = parse_ok(R"(version: 1
timezone: UTC
items:
  - id: drops
    name: Drops
    amount: 100 mg
    every: 1 hours
    at: "00:00"
    start: 2026-01-01
    ramp:
      - after: 200d
        amount: 1000 mg
    stock: {per_dose: 1}
)");
    const Item& item = regimen.items[0];
    const Instant now = at(regimen, "2026-01-01 00:30");
    StockInputs inputs;
    inputs.on_hand = 20'000;  // 4,799 at 1 unit, then 1,520 hours at 10, 1 left
    auto forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == at(regimen, "2026-09-21 08:00"));
    CHECK(forecast.per_dose == 1);
    inputs.on_hand = 44'400;  // 9 short of the year: the last dose in it is not covered
    forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == at(regimen, "2027-01-01 00:00"));
    inputs.on_hand = 44'409;
    CHECK_FALSE(forecast_stock(regimen, item, inputs, now).runs_out);
    inputs.on_hand = 1'000'000;
    CHECK_FALSE(forecast_stock(regimen, item, inputs, now).runs_out);
    // Open doses come first and are not part of the plan's most: 1,000,000 covers them.
    inputs.open_doses = {at(regimen, "2025-12-31 23:00"), at(regimen, "2026-01-01 00:00")};
    CHECK_FALSE(forecast_stock(regimen, item, inputs, now).runs_out);
    inputs.on_hand = 2;
    forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == at(regimen, "2026-01-01 01:00"));
}

TEST_CASE("the run-out lands on the wall-clock dose across a DST change", "[inventory]") {
    auto regimen = parse_ok(R"(version: 1
timezone: America/New_York
items:
  - id: b
    name: B
    at: "02:30"
    stock: {per_dose: 1, warn_before: 1d}
)");
    const Item& item = regimen.items[0];
    // 2027-03-14: 02:30 does not exist in New York; the dose fires at 03:00 EDT.
    const Instant now = at(regimen, "2027-03-12 12:00");
    StockInputs inputs;
    inputs.on_hand = 1;  // 03-13 02:30 covered; 03-14 is not
    auto forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(format_rfc3339(*regimen.zone, *forecast.runs_out) == "2027-03-14T03:00:00-04:00");
    // 1d 14h away with warn_before 1d: not low yet. A day later, with that dose taken,
    // the count of 0 cannot cover it: 15 h away, low.
    CHECK_FALSE(forecast.low);
    inputs.on_hand = 0;
    auto later = forecast_stock(regimen, item, inputs, now + 24h);
    CHECK(format_rfc3339(*regimen.zone, *later.runs_out) == "2027-03-14T03:00:00-04:00");
    CHECK(later.low);
}

TEST_CASE("days: [mon, thu] — only those days use stock", "[inventory]") {
    auto regimen = parse_ok(R"(version: 1
timezone: Europe/Berlin
items:
  - id: bath
    name: Epsom salt bath
    every: week
    days: [mon, thu]
    at: "20:00"
    stock: {per_dose: 250, unit: g, warn_before: 5d}
)");
    const Item& item = regimen.items[0];
    const Instant now = at(regimen, "2026-11-24 09:00");  // Tuesday
    StockInputs inputs;
    inputs.on_hand = 1000;  // Thu 26, Mon 30, Thu 3, Mon 7; Thu 10 is not covered
    auto forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == at(regimen, "2026-12-10 20:00"));
    CHECK(forecast.doses_left == 4);
    CHECK(ahead_clock(regimen, *forecast.runs_out, now) == "Thu 2026-12-10 20:00");
}

TEST_CASE("an as-needed item runs out at its mean use over the last 30 days", "[inventory]") {
    auto regimen = parse_ok(R"(version: 1
timezone: UTC
items:
  - id: topical
    name: Topical magnesium
    as_needed: true
    stock: {per_dose: 2, unit: sprays, warn_before: 10d}
)");
    const Item& item = regimen.items[0];
    const Instant now = at(regimen, "2026-11-30 12:00");
    StockInputs inputs;
    inputs.on_hand = 40;
    inputs.use_window_start = now - kUseRateWindow;
    // 15 uses in 30 days at 2 sprays: 1 spray a day; 40 sprays last 40 days.
    for (int i = 0; i < 15; ++i) {
        inputs.as_needed_uses.push_back(now - Seconds{(i * 2 + 1) * 86400});
    }
    auto forecast = forecast_stock(regimen, item, inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == now + Seconds{40 * 86400});
    CHECK(forecast.doses_left == 20);
    CHECK_FALSE(forecast.low);

    SECTION("tracked for 10 days only: the rate is over those 10 days") {
        inputs.use_window_start = now - Seconds{10 * 86400};
        inputs.as_needed_uses.resize(5);  // 10 sprays in 10 days
        CHECK(*forecast_stock(regimen, item, inputs, now).runs_out == now + Seconds{40 * 86400});
    }
    SECTION("no use lately: no run-out, never low") {
        inputs.as_needed_uses.clear();
        auto idle = forecast_stock(regimen, item, inputs, now);
        CHECK_FALSE(idle.runs_out);
        CHECK_FALSE(idle.low);
    }
    SECTION("a logged dose uses per_dose") {
        std::vector<HistoryEvent> events{event("topical", EventKind::Stock, now - 2h, 40.0),
                                         event("topical", EventKind::AsNeeded, now - 1h)};
        CHECK(count_on_hand(regimen, item, events, now) == 38.0);
    }
}

TEST_CASE("refill quantities are checked before anything is written", "[inventory]") {
    for (const bool absolute : {false, true}) {
        CAPTURE(absolute);
        CHECK_FALSE(quantity_problem(30, absolute));
        CHECK_FALSE(quantity_problem(0.5, absolute));
        CHECK_FALSE(quantity_problem(1e6, absolute));
        CHECK(quantity_problem(-1, absolute));
        CHECK(quantity_problem(-0.0001, absolute));
        CHECK(quantity_problem(std::nan(""), absolute));
        CHECK(quantity_problem(1e6 + 1, absolute));
        CHECK(quantity_problem(std::numeric_limits<double>::infinity(), absolute));
        CHECK(quantity_problem(-std::numeric_limits<double>::infinity(), absolute));
    }
    // A refill of nothing is refused; a count of nothing on hand is a count.
    CHECK(quantity_problem(0, false));
    CHECK(quantity_problem(-0.0, false));
    CHECK_FALSE(quantity_problem(0, true));
    CHECK(quantity_note(30) == "30");
    CHECK(quantity_note(12.5) == "12.5");
    CHECK(quantity_note(0.1) == "0.1");
}
