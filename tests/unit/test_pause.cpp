// Pauses (../shared/SPEC.md "Pause", core/pause.hpp): read from `paused`/`resumed` events,
// put on the plan; a pause across a due dose ends its reminders without a `missed`, a
// restart does not bring it back, the report counts paused days neither as planned nor as
// missed, the stock forecast skips them. Literal instants throughout.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/inventory.hpp"
#include "core/pause.hpp"
#include "core/plan.hpp"
#include "core/report.hpp"
#include "dose_fixtures.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

// Daily at 08:00 UTC, missed after 3h, with a stock.
constexpr const char* kDaily = R"(version: 1
items:
  - id: am
    name: Morning pill
    at: "08:00"
    stock: {per_dose: 1, unit: tablets}
)";

RegimenPtr paused(const Regimen& regimen, const std::vector<HistoryEvent>& events) {
    return std::make_shared<const Regimen>(
        with_pauses(regimen, pauses_from_events(regimen, events)));
}

}  // namespace

TEST_CASE("pauses are read from the history's events", "[pause]") {
    const Regimen regimen = parse_ok(kDaily);
    const auto pause =
        pause_event("am", utc(2026, 11, 20, 8), ymd(2026, 11, 21), utc(2026, 11, 20, 8, 10));
    CHECK(pause.kind == EventKind::Paused);
    CHECK(pause.note == "2026-11-21");

    SECTION("from its start to the end of its last day") {
        auto pauses = pauses_from_events(regimen, {pause});
        REQUIRE(pauses.size() == 1);
        CHECK(pauses[0].from == utc(2026, 11, 20, 8));
        CHECK(pauses[0].to == utc(2026, 11, 22));
        CHECK(current_pauses(pauses, utc(2026, 11, 21, 23)).size() == 1);
        CHECK(current_pauses(pauses, utc(2026, 11, 22)).empty());
    }
    SECTION("a resume ends it then; a resume of an item not paused does nothing") {
        auto pauses = pauses_from_events(regimen, {resume_event("am", utc(2026, 11, 19)), pause,
                                                   resume_event("am", utc(2026, 11, 21, 6)),
                                                   resume_event("am", utc(2026, 11, 21, 7))});
        REQUIRE(pauses.size() == 1);
        CHECK(pauses[0].to == utc(2026, 11, 21, 6));
        CHECK(pauses[0].resumed);
        CHECK(current_pauses(pauses, utc(2026, 11, 21, 6)).empty());
    }
    SECTION("a second pause ends the first where it begins") {
        auto second =
            pause_event("am", utc(2026, 11, 21, 9), ymd(2026, 11, 25), utc(2026, 11, 21, 9));
        auto pauses = pauses_from_events(regimen, {pause, second});
        REQUIRE(pauses.size() == 2);
        CHECK(pauses[0].to == utc(2026, 11, 21, 9));
        CHECK(pauses[1].to == utc(2026, 11, 26));
        auto current = current_pauses(pauses, utc(2026, 11, 22));
        REQUIRE(current.size() == 1);
        CHECK(current[0].until == ymd(2026, 11, 25));
    }
    SECTION("the plan leaves the paused doses out, and only those") {
        auto with = paused(regimen, {pause});
        std::vector<Instant> planned;
        for (const auto& dose : plan(*with, utc(2026, 11, 19), utc(2026, 11, 24))) {
            planned.push_back(dose.planned);
        }
        CHECK(planned == std::vector<Instant>{utc(2026, 11, 19, 8), utc(2026, 11, 22, 8),
                                              utc(2026, 11, 23, 8)});
    }
}

TEST_CASE("the date a pause runs until", "[pause]") {
    const auto& zone = *locate_zone("Europe/Berlin");
    const Instant now = utc(2026, 11, 20, 23, 30);  // already Nov 21 in Berlin
    CHECK(std::get<LocalDate>(pause_until(zone, "2026-11-21", now)) == ymd(2026, 11, 21));
    CHECK(std::get<LocalDate>(pause_until(zone, "2036-11-21", now)) == ymd(2036, 11, 21));
    CHECK(std::get<std::string>(pause_until(zone, "2026-11-20", now)) ==
          "2026-11-20 is in the past: a pause runs from now until a date from today "
          "(2026-11-21) on");
    CHECK(std::get<std::string>(pause_until(zone, "next week", now)) ==
          "'next week' is not a date: --until takes YYYY-MM-DD, the last day of the pause");
    CHECK(std::holds_alternative<std::string>(pause_until(zone, "2026-02-30", now)));
    CHECK(std::holds_alternative<std::string>(pause_until(zone, "2046-11-21", now)));
}

TEST_CASE("a pause across a due dose: not reminded, not missed", "[pause][doses]") {
    const Regimen regimen = parse_ok(kDaily);
    auto plain = std::make_shared<const Regimen>(regimen);
    const Instant planned = utc(2026, 11, 20, 8);
    const DoseKey dose{"am", planned};
    DoseTracker tracker(plain);
    auto due = start_due(tracker, planned);
    REQUIRE(due.became_due == std::vector<DoseKey>{dose});

    const auto pause = pause_event("am", planned, ymd(2026, 11, 21), planned + 10min);
    auto effects = tracker.set_regimen(paused(regimen, {pause}), planned + 10min);
    CHECK(effects.closed == std::vector<DoseKey>{dose});
    CHECK(effects.events.empty());
    CHECK(tracker.open_doses().empty());

    // Past its missed_after, then through the next paused morning: nothing at all.
    auto later = tracker.advance(planned + 4h);
    CHECK(later.empty());
    auto next_day = tracker.advance(utc(2026, 11, 21, 12));
    CHECK(next_day.empty());
    CHECK(tracker.next_due(utc(2026, 11, 21, 12)) == DoseKey{"am", utc(2026, 11, 22, 8)});
    // The first morning after the pause is reminded as usual.
    auto after = tracker.advance(utc(2026, 11, 22, 8));
    CHECK(after.became_due == std::vector<DoseKey>{{"am", utc(2026, 11, 22, 8)}});
    CHECK(tracker.doses(utc(2026, 11, 20), utc(2026, 11, 22), utc(2026, 11, 22, 8), {}).empty());

    SECTION("a restart does not open the paused dose again from its `due` event") {
        DoseTracker restarted(paused(regimen, {pause}));
        restarted.restore({stored("am", EventKind::Due, planned, planned)}, planned + 10min,
                          planned + 20min);
        CHECK(restarted.open_doses().empty());
        CHECK(restarted.advance(planned + 4h).empty());
    }
    SECTION("without the pause the same dose is missed (the test can fail)") {
        DoseTracker unpaused(plain);
        start_due(unpaused, planned);
        CHECK(count_kind(unpaused.advance(planned + 4h).events, EventKind::Missed) == 1);
    }
}

TEST_CASE("the report counts paused days neither as planned nor as missed", "[pause][report]") {
    const Regimen regimen = parse_ok(kDaily);
    ReportInput input;
    const Instant now = utc(2026, 11, 24, 12);
    input.window = last_days(*regimen.zone, now, 10);  // Nov 15..24
    input.tracking_since = utc(2026, 11, 1);
    for (unsigned day = 15; day <= 24; ++day) {
        const Instant planned = utc(2026, 11, day, 8);
        if (day == 20 || day == 21) {
            continue;
        }
        input.events.push_back(stored("am", EventKind::Due, planned, planned));
        input.events.push_back(stored("am", EventKind::Taken, planned, planned + 5min));
    }
    // The 20th was due when it was paused (its `due` event is there), the 21st never came.
    input.events.push_back(
        stored("am", EventKind::Due, utc(2026, 11, 20, 8), utc(2026, 11, 20, 8)));
    const auto pause =
        pause_event("am", utc(2026, 11, 20, 8), ymd(2026, 11, 21), utc(2026, 11, 20, 8, 10));

    auto with_pause = build_report(*paused(regimen, {pause}), input, 10);
    REQUIRE(with_pause.items.size() == 1);
    CHECK(with_pause.items[0].planned == 8);
    CHECK(with_pause.items[0].taken == 8);
    CHECK(with_pause.items[0].missed == 0);
    REQUIRE(with_pause.items[0].adherence);
    CHECK(*with_pause.items[0].adherence == Approx(1.0));

    auto without = build_report(regimen, input, 10);
    CHECK(without.items[0].planned == 10);
    CHECK(without.items[0].missed == 2);
}

TEST_CASE("the stock forecast skips paused days and a cycle's rest", "[pause][inventory]") {
    const Regimen regimen = stocked_cycle("am", "Morning pill", "{active: 5d, rest: 2d}");
    StockInputs inputs;
    inputs.on_hand = 4;
    const Instant now = utc(2026, 11, 1);
    // Without a pause: Nov 1, 2, 3, 4 covered; Nov 5 is not.
    auto plain = forecast_stock(regimen, regimen.items[0], inputs, now);
    REQUIRE(plain.runs_out);
    CHECK(*plain.runs_out == utc(2026, 11, 5, 8));
    // Paused Nov 2..4: Nov 1, 5, then rest 6-7, then 8, 9; Nov 10 is not covered.
    const auto pause =
        pause_event("am", utc(2026, 11, 1, 12), ymd(2026, 11, 4), utc(2026, 11, 1, 12));
    auto with = paused(regimen, {pause});
    auto forecast = forecast_stock(*with, with->items[0], inputs, now);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == utc(2026, 11, 10, 8));
}
