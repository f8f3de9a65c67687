// `cycle: {active: 21d, rest: 7d}` (../shared/SPEC.md "Scheduling rules"): parsed with
// file:line:column, planned from `start` with `every: day` and `days`, across daylight
// saving (Europe/Berlin's spring gap, America/Santiago's midnight gap and its 23:30 twice)
// and across the rest gap; the iCalendar series and the stock forecast, literal instants.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/ics.hpp"
#include "core/inventory.hpp"
#include "core/plan.hpp"
#include "dose_fixtures.hpp"

using namespace regimend;
using namespace regimend::test;

namespace {

std::vector<Instant> planned_instants(const Regimen& regimen, Instant from, Instant to) {
    std::vector<Instant> result;
    for (const auto& dose : plan(regimen, from, to)) {
        result.push_back(dose.planned);
    }
    return result;
}

// One pill a day at `at` (local time in `zone`) from `start`, on the cycle `cycle`, on the
// week days `days` if any ("[mon, wed, fri]").
Regimen cycle_in_zone(const std::string& zone, const std::string& at, const std::string& start,
                      const std::string& cycle, const std::string& days = "") {
    return parse_ok(
        "version: 1\ntimezone: " + zone + "\nitems:\n  - id: pill\n    name: Pill\n    at: \"" +
        at + "\"\n    start: " + start + "\n" + (days.empty() ? "" : "    days: " + days + "\n") +
        "    cycle: " + cycle + "\n");
}

std::string errors_of(const std::string& yaml) {
    std::string text;
    for (const auto& diagnostic : parse_failure(yaml)) {
        text += format_diagnostic(diagnostic) + "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("a cycle is read from the file, and its mistakes name line and column", "[cycle]") {
    SECTION("active and rest in whole days") {
        auto regimen = parse_ok(R"(version: 1
items:
  - id: pill
    name: Pill
    at: "08:00"
    start: 2026-03-01
    cycle: {active: 3w, rest: 7d}
)");
        REQUIRE(regimen.items[0].schedule.cycle);
        CHECK(regimen.items[0].schedule.cycle->active == date::days{21});
        CHECK(regimen.items[0].schedule.cycle->rest == date::days{7});
        CHECK(regimen.items[0].schedule.cycle->pos == SourcePos{7, 5});
    }
    SECTION("without start") {
        auto errors = errors_of(R"(version: 1
items:
  - id: pill
    name: Pill
    at: "08:00"
    cycle: {active: 21d, rest: 7d}
)");
        CHECK_THAT(errors,
                   Catch::Contains("regimen.yaml:6:5: error: 'cycle' is counted from 'start', "
                                   "but item 'pill' has no 'start: YYYY-MM-DD'"));
    }
    SECTION("parts of days, zero, a missing rest, an unknown key, an as-needed item") {
        auto errors = errors_of(R"(version: 1
items:
  - id: a
    name: A
    at: "08:00"
    start: 2026-03-01
    cycle: {active: 36h, rest: 7d}
  - id: b
    name: B
    at: "08:00"
    start: 2026-03-01
    cycle: {active: 21d}
  - id: c
    name: C
    at: "08:00"
    start: 2026-03-01
    cycle: {active: 21d, rest: 7d, off: 2d}
  - id: d
    name: D
    as_needed: true
    cycle: {active: 21d, rest: 7d}
  - id: e
    name: E
    at: "08:00"
    start: 2026-03-01
    cycle: {active: 3660d, rest: 1d}
)");
        CHECK_THAT(errors,
                   Catch::Contains("regimen.yaml:7:21: error: 'active' must be a whole number "
                                   "of days from 1d to 3653d"));
        CHECK_THAT(errors, Catch::Contains("regimen.yaml:12:12: error: 'cycle' needs 'rest', e.g. "
                                           "cycle: {active: 21d, rest: 7d}"));
        CHECK_THAT(errors,
                   Catch::Contains("regimen.yaml:17:36: error: unknown key \"off\" in 'cycle'"));
        CHECK_THAT(errors, Catch::Contains("regimen.yaml:21:5: error: an as-needed item is never "
                                           "scheduled: remove 'cycle'"));
        CHECK_THAT(errors, Catch::Contains("regimen.yaml:26:21: error: 'active' must be a whole "
                                           "number of days from 1d to 3653d"));
    }
}

TEST_CASE("a cycle plans its active days and nothing in the rest gap", "[cycle][plan]") {
    // 3 days on, 2 off from Thursday 2026-11-05, and only on weekdays.
    auto regimen = cycle_in_zone("Europe/Berlin", "08:00", "2026-11-05", "{active: 3d, rest: 2d}",
                                 "[mon, tue, wed, thu, fri]");
    // Active: Nov 5-7, 10-12, 15-17, 20-22; rest: 8-9, 13-14, 18-19. Weekends (7-8, 14-15,
    // 21-22) are out. 08:00 in Berlin in November is 07:00 UTC.
    CHECK(planned_instants(regimen, utc(2026, 11, 1), utc(2026, 11, 23)) ==
          std::vector<Instant>{utc(2026, 11, 5, 7), utc(2026, 11, 6, 7), utc(2026, 11, 10, 7),
                               utc(2026, 11, 11, 7), utc(2026, 11, 12, 7), utc(2026, 11, 16, 7),
                               utc(2026, 11, 17, 7), utc(2026, 11, 20, 7)});
    SECTION("the next dose after the last active day is across the rest gap") {
        auto next = next_planned(regimen, utc(2026, 11, 12, 7, 1));
        REQUIRE(next);
        CHECK(next->planned == utc(2026, 11, 16, 7));
    }
}

TEST_CASE("cycle days across daylight saving", "[cycle][plan]") {
    struct Example {
        std::string title;
        Regimen regimen;
        struct {
            Instant from, to;
        } window;
        std::vector<Instant> planned;
    };
    const std::vector<Example> examples{
        // Active Mar 27, 28, 29 (the gap day), rest Mar 30, 31, active Apr 1.
        {"Europe/Berlin: 02:30 on the spring-forward day fires at 03:00 CEST",
         cycle_in_zone("Europe/Berlin", "02:30", "2026-03-27", "{active: 3d, rest: 2d}"),
         {utc(2026, 3, 26), utc(2026, 4, 2)},
         {utc(2026, 3, 27, 1, 30), utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0),
          utc(2026, 4, 1, 0, 30)}},
        // Active Sep 5 (-04), Sep 6 (no 00:30: 01:00 -03), rest 7-8, active 9-10 (-03).
        {"America/Santiago: 00:30 on the day midnight is skipped fires at 01:00 -03",
         cycle_in_zone("America/Santiago", "00:30", "2026-09-05", "{active: 2d, rest: 2d}"),
         {utc(2026, 9, 4), utc(2026, 9, 12)},
         {utc(2026, 9, 5, 4, 30), utc(2026, 9, 6, 4, 0), utc(2026, 9, 9, 3, 30),
          utc(2026, 9, 10, 3, 30)}},
        // Active Apr 3, Apr 4 (23:30 twice: the -03 one), rest Apr 5, active Apr 6, 7 (-04).
        {"America/Santiago: 23:30 occurring twice fires once, at the first",
         cycle_in_zone("America/Santiago", "23:30", "2026-04-03", "{active: 2d, rest: 1d}"),
         {utc(2026, 4, 3), utc(2026, 4, 9)},
         {utc(2026, 4, 4, 2, 30), utc(2026, 4, 5, 2, 30), utc(2026, 4, 7, 3, 30),
          utc(2026, 4, 8, 3, 30)}},
    };
    for (const auto& example : examples) {
        DYNAMIC_SECTION(example.title) {
            CHECK(planned_instants(example.regimen, example.window.from, example.window.to) ==
                  example.planned);
        }
    }
}

TEST_CASE("a cycle with every N hours counts its days from start", "[cycle][plan]") {
    auto regimen = parse_ok(R"(version: 1
items:
  - id: drops
    name: Drops
    every: 12 hours
    at: "06:00"
    start: 2026-11-01
    cycle: {active: 1d, rest: 1d}
)");
    CHECK(planned_instants(regimen, utc(2026, 11, 1), utc(2026, 11, 5)) ==
          std::vector<Instant>{utc(2026, 11, 1, 6), utc(2026, 11, 1, 18), utc(2026, 11, 3, 6),
                               utc(2026, 11, 3, 18)});
}

TEST_CASE("a cycle in iCalendar: one series per active day, every period", "[cycle][ics]") {
    auto regimen = cycle_in_zone("Europe/Berlin", "08:00", "2026-11-01", "{active: 2d, rest: 1d}",
                                 "[mon, wed, fri]");
    const std::string ics = regimen_ics(regimen, utc(2026, 11, 1));
    // Day 0 of the cycle falls on Nov 1 (Sun), 4 (Wed), ...: its first run day is Nov 4.
    // Day 1 falls on Nov 2 (Mon), 5, ...: Nov 2. Each repeats every 3 days on MO, WE, FR.
    CHECK_THAT(ics, Catch::Contains("UID:pill-1@regimend\r\n"
                                    "DTSTAMP:20261101T000000Z\r\n"
                                    "DTSTART;TZID=Europe/Berlin:20261104T080000\r\n"
                                    "DURATION:PT15M\r\n"
                                    "RRULE:FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE,FR\r\n"));
    CHECK_THAT(ics, Catch::Contains("UID:pill-2@regimend\r\n"
                                    "DTSTAMP:20261101T000000Z\r\n"
                                    "DTSTART;TZID=Europe/Berlin:20261102T080000\r\n"
                                    "DURATION:PT15M\r\n"
                                    "RRULE:FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE,FR\r\n"));
    CHECK_THAT(ics, !Catch::Contains("UID:pill-3@regimend"));
}

TEST_CASE("the stock forecast skips a cycle's rest days", "[cycle][inventory]") {
    auto regimen = stocked_cycle("pill", "Pill", "{active: 2d, rest: 3d}");
    StockInputs inputs;
    inputs.on_hand = 3;  // Nov 1, Nov 2, Nov 6; Nov 7 cannot be covered
    auto forecast = forecast_stock(regimen, regimen.items[0], inputs, utc(2026, 11, 1));
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == utc(2026, 11, 7, 8));
    CHECK(forecast.doses_left == 3);
}
