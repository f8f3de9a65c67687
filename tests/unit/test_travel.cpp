// The travel rule (core/travel.hpp, ../shared/SPEC.md "Dose life cycle"): after a change
// of time zone no dose is planned within half the item's interval after its last answer.
// A regimen without `timezone:` is planned in the zone the daemon runs in; the trip is two
// trackers, one per zone, the second restored from the first one's history.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/doses.hpp"
#include "core/travel.hpp"
#include "dose_fixtures.hpp"

using namespace regimend;
using namespace std::chrono_literals;
using namespace regimend::test;

namespace {

// The same items planned in `zone`, as a regimen without `timezone:` is after a trip.
RegimenPtr in_zone(const std::string& zone, std::vector<Item> items) {
    auto regimen = std::make_shared<Regimen>(*make_regimen(zone, std::move(items)));
    regimen->timezone_name.clear();
    return regimen;
}

Item interval_item(const std::string& id, int hours, const std::string& at, LocalDate start) {
    Item item = daily_item(id, {at});
    item.schedule.frequency = Frequency::EveryNHours;
    item.schedule.interval = hours;
    item.schedule.start = start;
    return item;
}

// A run of the daemon: every event it wrote, as the history store keeps them.
struct Run {
    DoseTracker tracker;
    std::vector<HistoryEvent> history;

    Run(RegimenPtr regimen, const std::vector<HistoryEvent>& before, Instant horizon, Instant now)
        : tracker(std::move(regimen)), history(before) {
        tracker.restore(history, horizon, now);
    }
    Effects advance(Instant now) {
        auto effects = tracker.advance(now);
        history.insert(history.end(), effects.events.begin(), effects.events.end());
        return effects;
    }
    Answer take(const std::string& item, Instant now) {
        auto answer = answer_of(tracker.confirm(item, std::nullopt, now));
        history.insert(history.end(), answer.effects.events.begin(), answer.effects.events.end());
        return answer;
    }
    Answer skip(const std::string& item, Instant now) {
        auto answer = answer_of(tracker.skip(item, "travelling", now));
        history.insert(history.end(), answer.effects.events.begin(), answer.effects.events.end());
        return answer;
    }
};

// A run from `start` in which `item`'s dose falls due at `due` and is answered, by take()
// or skip(), at `answered_at`.
Run answered_run(RegimenPtr regimen, Instant start, Instant due, const std::string& item,
                 Instant answered_at,
                 Answer (Run::*answer)(const std::string&, Instant) = &Run::take) {
    Run run(std::move(regimen), {}, start, start);
    REQUIRE(run.advance(due).became_due.size() == 1);
    (run.*answer)(item, answered_at);
    run.advance(answered_at);
    return run;
}

const DoseView* view_of(const std::vector<DoseView>& views, const DoseKey& key) {
    for (const auto& view : views) {
        if (view.dose == key) {
            return &view;
        }
    }
    return nullptr;
}

}  // namespace

TEST_CASE("flying west: doses taken in Berlin are not planned again in New York", "[travel]") {
    const std::vector<Item> items{daily_item("alpha", {"06:40"}), daily_item("beta", {"06:40"})};
    // 2026-11-20 06:40 in Berlin (CET) is 05:40 UTC; both taken at 06:55 UTC.
    Run berlin(in_zone("Europe/Berlin", items), {}, utc(2026, 11, 20, 5, 0),
               utc(2026, 11, 20, 5, 0));
    REQUIRE(berlin.advance(utc(2026, 11, 20, 5, 40)).became_due.size() == 2);
    const Instant taken_at = utc(2026, 11, 20, 6, 55);
    berlin.take("alpha", taken_at);
    berlin.take("beta", taken_at);
    berlin.advance(taken_at);

    // Restarted with TZ=America/New_York: 06:40 there is 11:40 UTC, 4 h 45 min later.
    auto new_york = in_zone("America/New_York", items);
    const Instant restart = utc(2026, 11, 20, 7, 0);
    Run trip(new_york, berlin.history, berlin.tracker.horizon(), restart);
    CHECK(trip.advance(restart).empty());
    const Instant ny_dose = utc(2026, 11, 20, 11, 40);
    const Instant ny_tomorrow = utc(2026, 11, 21, 11, 40);
    CHECK(trip.tracker.next_due(restart) == DoseKey{"alpha", ny_tomorrow});
    CHECK(trip.tracker.next_deadline() == ny_tomorrow);
    auto at_dose = trip.advance(ny_dose);
    CHECK(at_dose.became_due.empty());
    CHECK(at_dose.reminders.empty());
    CHECK(at_dose.events.empty());
    // Nor missed when its missed_after passes.
    CHECK(trip.advance(ny_dose + 3h).empty());

    // `status`: the New York day lists both as taken at the time they were taken.
    const Instant day_start = utc(2026, 11, 20, 5, 0);  // midnight in New York
    const auto views = trip.tracker.doses(day_start, day_start + 24h, ny_dose + 1h, trip.history);
    for (const std::string item : {"alpha", "beta"}) {
        CAPTURE(item);
        const DoseView* view = view_of(views, DoseKey{item, ny_dose});
        REQUIRE(view != nullptr);
        CHECK(view->state == DoseState::Taken);
        CHECK(view->acted_at == taken_at);
    }
    const Item& alpha = new_york->items[0];
    CHECK(trip.tracker.covered_doses(alpha, restart, restart + 48h) ==
          std::vector<Instant>{ny_dose});

    // The next day is reminded as usual, and answering it ends the cover.
    REQUIRE(trip.advance(ny_tomorrow).became_due.size() == 2);
    trip.take("alpha", ny_tomorrow + 5min);
    CHECK(trip.tracker.covered_doses(alpha, ny_tomorrow, ny_tomorrow + 48h).empty());
}

TEST_CASE("flying west: a restart right after the trip plans nothing that day", "[travel]") {
    const std::vector<Item> items{daily_item("alpha", {"06:40"})};
    Run berlin = answered_run(in_zone("Europe/Berlin", items), utc(2026, 11, 20, 5, 0),
                              utc(2026, 11, 20, 5, 40), "alpha", utc(2026, 11, 20, 6, 55));
    // The daemon was off during the flight and starts after the New York dose's time: the
    // catch-up neither reminds it nor records it missed.
    const Instant restart = utc(2026, 11, 20, 12, 30);
    Run trip(in_zone("America/Los_Angeles", items), berlin.history, berlin.tracker.horizon(),
             restart);
    // 06:40 in Los Angeles is 14:40 UTC, 7 h 45 min after the answer.
    CHECK(trip.advance(restart).empty());
    CHECK(trip.advance(utc(2026, 11, 20, 14, 40)).empty());
    CHECK(trip.tracker.next_deadline() == utc(2026, 11, 21, 14, 40));
}

TEST_CASE("a skipped dose covers like a taken one", "[travel]") {
    const std::vector<Item> items{daily_item("alpha", {"06:40"})};
    Run berlin =
        answered_run(in_zone("Europe/Berlin", items), utc(2026, 11, 20, 5, 0),
                     utc(2026, 11, 20, 5, 40), "alpha", utc(2026, 11, 20, 6, 0), &Run::skip);
    Run trip(in_zone("America/New_York", items), berlin.history, utc(2026, 11, 20, 6, 0),
             utc(2026, 11, 20, 6, 0));
    CHECK(trip.advance(utc(2026, 11, 20, 11, 40)).empty());
    const auto views = trip.tracker.doses(utc(2026, 11, 20, 5, 0), utc(2026, 11, 21, 5, 0),
                                          utc(2026, 11, 20, 12, 0), trip.history);
    const DoseView* view = view_of(views, DoseKey{"alpha", utc(2026, 11, 20, 11, 40)});
    REQUIRE(view != nullptr);
    CHECK(view->state == DoseState::Skipped);
    CHECK(view->acted_at == utc(2026, 11, 20, 6, 0));
}

TEST_CASE("flying east: the next dose is not suppressed", "[travel]") {
    const std::vector<Item> items{daily_item("alpha", {"06:40"})};
    Run berlin = answered_run(in_zone("Europe/Berlin", items), utc(2026, 11, 20, 5, 0),
                              utc(2026, 11, 20, 5, 40), "alpha", utc(2026, 11, 20, 6, 55));

    // Tokyo: the next 06:40 is 2026-11-20 21:40 UTC, 14 h 45 min after the answer.
    const Instant restart = utc(2026, 11, 20, 7, 0);
    Run trip(in_zone("Asia/Tokyo", items), berlin.history, berlin.tracker.horizon(), restart);
    CHECK(trip.advance(restart).empty());
    const Instant tokyo_dose = utc(2026, 11, 20, 21, 40);
    CHECK(trip.tracker.next_deadline() == tokyo_dose);
    CHECK(trip.tracker.next_due(restart) == DoseKey{"alpha", tokyo_dose});
    auto due = trip.advance(tokyo_dose);
    CHECK(due.became_due == std::vector<DoseKey>{{"alpha", tokyo_dose}});

    // Delhi (+04:30 from Berlin): 06:40 IST is 01:10 UTC the next day, also reminded.
    Run delhi(in_zone("Asia/Kolkata", items), berlin.history, berlin.tracker.horizon(), restart);
    CHECK(delhi.tracker.next_deadline() == utc(2026, 11, 21, 1, 10));
    CHECK(delhi.advance(utc(2026, 11, 21, 1, 10)).became_due.size() == 1);
}

TEST_CASE("an N hours item is covered for half its interval", "[travel]") {
    // Every 12 hours from 2026-11-01 06:00: 05:00 and 17:00 UTC in Berlin (CET),
    // 11:00 and 23:00 UTC in New York (EST).
    const std::vector<Item> items{interval_item("iron", 12, "06:00", ymd(2026, 11, 1))};
    Run berlin = answered_run(in_zone("Europe/Berlin", items), utc(2026, 11, 20, 4, 0),
                              utc(2026, 11, 20, 5, 0), "iron", utc(2026, 11, 20, 5, 10));

    const Instant restart = utc(2026, 11, 20, 6, 0);
    Run trip(in_zone("America/New_York", items), berlin.history, berlin.tracker.horizon(), restart);
    // 11:00 UTC is 5 h 50 min after the answer (under 6 h): covered; 23:00 is not.
    CHECK(trip.advance(utc(2026, 11, 20, 11, 0)).empty());
    CHECK(trip.tracker.next_deadline() == utc(2026, 11, 20, 23, 0));
    CHECK(trip.advance(utc(2026, 11, 20, 23, 0)).became_due.size() == 1);

    // Every 8 hours: half is 4 h; New York's 19:00 UTC dose is 5 h 50 min after a 13:10
    // answer to Berlin's 13:00 dose, so it is reminded (east or west, only less than half
    // an interval is covered).
    const std::vector<Item> eight{interval_item("zinc", 8, "06:00", ymd(2026, 11, 1))};
    Run berlin8 = answered_run(in_zone("Europe/Berlin", eight), utc(2026, 11, 20, 12, 0),
                               utc(2026, 11, 20, 13, 0), "zinc", utc(2026, 11, 20, 13, 10));
    Run trip8(in_zone("America/New_York", eight), berlin8.history, berlin8.tracker.horizon(),
              utc(2026, 11, 20, 13, 30));
    // New York's 8-hourly doses from 06:00 EST: 03:00, 11:00, 19:00 UTC.
    CHECK(trip8.tracker.next_deadline() == utc(2026, 11, 20, 19, 0));
    // Flying from New York to Berlin instead: Berlin's 13:00 UTC dose is 1 h 50 min after
    // an 11:10 UTC answer to New York's 11:00 dose: covered; its 21:00 dose is not.
    Run ny8 = answered_run(in_zone("America/New_York", eight), utc(2026, 11, 20, 10, 0),
                           utc(2026, 11, 20, 11, 0), "zinc", utc(2026, 11, 20, 11, 10));
    Run east8(in_zone("Europe/Berlin", eight), ny8.history, ny8.tracker.horizon(),
              utc(2026, 11, 20, 11, 30));
    CHECK(east8.advance(utc(2026, 11, 20, 13, 0)).empty());
    CHECK(east8.tracker.next_deadline() == utc(2026, 11, 20, 21, 0));
}

TEST_CASE("without a change of plan nothing is covered", "[travel]") {
    // Two times four hours apart; the first answered late, 1 h 30 min before the second:
    // the plan did not move, so the second is reminded.
    ReminderPolicy policy;
    policy.missed_after = 3h;
    const std::vector<Item> items{daily_item("alpha", {"08:00", "12:00"}, policy)};
    auto berlin = in_zone("Europe/Berlin", items);
    Run run =
        answered_run(berlin, local(*berlin, "2026-11-20 07:00"), local(*berlin, "2026-11-20 08:00"),
                     "alpha", local(*berlin, "2026-11-20 10:30"));
    CHECK(run.advance(local(*berlin, "2026-11-20 12:00")).became_due.size() == 1);
}

TEST_CASE("the item's interval", "[travel]") {
    auto regimen = make_regimen("UTC", {});
    Item daily = daily_item("a", {"08:00"});
    CHECK(dose_interval(*regimen, daily) == 24h);
    Item twice = daily_item("b", {"08:00", "20:00"});
    CHECK(dose_interval(*regimen, twice) == 12h);
    Item late = daily_item("c", {"08:00", "23:00"});
    CHECK(dose_interval(*regimen, late) == 9h);  // 23:00 to 08:00
    Item hours = interval_item("d", 6, "06:00", ymd(2026, 11, 1));
    CHECK(dose_interval(*regimen, hours) == 6h);
    Item every_three = daily_item("e", {"08:00"});
    every_three.schedule.frequency = Frequency::EveryNDays;
    every_three.schedule.interval = 3;
    CHECK(dose_interval(*regimen, every_three) == 72h);
    Item weekly = daily_item("f", {"20:00"});
    weekly.schedule.frequency = Frequency::Weekly;
    weekly.schedule.weekdays = 1U;  // Sunday
    CHECK(dose_interval(*regimen, weekly) == 7 * 24h);
    weekly.schedule.weekdays = (1U << 1) | (1U << 4);  // Monday and Thursday
    CHECK(dose_interval(*regimen, weekly) == 3 * 24h);
}
