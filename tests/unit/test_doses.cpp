// The dose state machine with literal instants: every deadline is checked exactly and
// advance() is called exactly at it, as the daemon's single timer would.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/doses.hpp"
#include "dose_fixtures.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;
using namespace std::chrono_literals;
using namespace regimend::test;

TEST_CASE("a due dose repeats, escalates and goes missed at exact deadlines", "[doses]") {
    for (const std::string zone :
         {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"}) {
        CAPTURE(zone);
        auto regimen = make_regimen(zone, {daily_item("threonate-am", {"08:00"})});
        DoseTracker tracker(regimen);
        const Instant planned = local(*regimen, "2026-11-20 08:00");
        const DoseKey key{"threonate-am", planned};
        tracker.restore({}, std::nullopt, local(*regimen, "2026-11-20 07:00"));
        REQUIRE(tracker.advance(local(*regimen, "2026-11-20 07:00")).empty());
        REQUIRE(tracker.next_deadline() == planned);

        auto due = tracker.advance(planned);
        REQUIRE(due.became_due == std::vector<DoseKey>{key});
        REQUIRE(due.events.size() == 1);
        CHECK(due.events[0].kind == EventKind::Due);
        CHECK(due.events[0].at == planned);
        REQUIRE(due.reminders.size() == 1);
        CHECK(due.reminders[0].urgency == Urgency::Normal);
        CHECK_FALSE(due.reminders[0].repeat);

        // 08:15 .. 08:45 normal repeats, 09:00 the first critical one, then every 15m until
        // 10:45; at 11:00 the dose is missed instead of reminded.
        for (int minutes = 15; minutes < 180; minutes += 15) {
            CAPTURE(minutes);
            Instant expected = planned + std::chrono::minutes{minutes};
            REQUIRE(tracker.next_deadline() == expected);
            CHECK(tracker.advance(expected - 1s).empty());
            auto repeat = tracker.advance(expected);
            REQUIRE(repeat.reminders.size() == 1);
            CHECK(repeat.reminders[0].repeat);
            CHECK(repeat.reminders[0].urgency ==
                  (minutes >= 60 ? Urgency::Critical : Urgency::Normal));
            CHECK(repeat.events.empty());
        }
        const Instant missed_at = planned + 3h;
        REQUIRE(tracker.next_deadline() == missed_at);
        auto missed = tracker.advance(missed_at);
        CHECK(missed.reminders.empty());
        CHECK(missed.closed == std::vector<DoseKey>{key});
        CHECK(missed.missed == std::vector<DoseKey>{key});
        REQUIRE(missed.events.size() == 1);
        CHECK(missed.events[0].kind == EventKind::Missed);
        CHECK(missed.events[0].at == missed_at);
        CHECK(tracker.open_doses().empty());
        CHECK(tracker.next_deadline() == local(*regimen, "2026-11-21 08:00"));
    }
}

TEST_CASE("escalation between two repeats is one extra reminder", "[doses]") {
    ReminderPolicy policy;
    policy.repeat_every = 20min;
    policy.escalate_after = 50min;
    policy.missed_after = 2h;
    auto regimen = make_regimen("Europe/Berlin", {daily_item("a", {"21:30"}, policy)});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-03-28 21:30");
    REQUIRE(start_due(tracker, planned).reminders.size() == 1);

    const std::vector<std::pair<Seconds, Urgency>> expected{
        {20min, Urgency::Normal},   {40min, Urgency::Normal},   {50min, Urgency::Critical},
        {70min, Urgency::Critical}, {90min, Urgency::Critical}, {110min, Urgency::Critical}};
    for (const auto& [offset, urgency] : expected) {
        CAPTURE(offset.count());
        REQUIRE(tracker.next_deadline() == planned + offset);
        auto effects = tracker.advance(planned + offset);
        REQUIRE(effects.reminders.size() == 1);
        CHECK(effects.reminders[0].urgency == urgency);
    }
    REQUIRE(tracker.next_deadline() == planned + 2h);
    CHECK(tracker.advance(planned + 2h).missed.size() == 1);
}

TEST_CASE("snooze pushes the next reminder to its end", "[doses]") {
    auto regimen =
        make_regimen("Europe/Berlin", {daily_item("threonate-am", {"08:00"}),
                                       daily_item("other", {"20:00"}), as_needed_item("topical")});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 08:00");
    const DoseKey key{"threonate-am", planned};
    start_due(tracker, planned);

    SECTION("an explicit length") {
        auto snoozed = answer_of(tracker.snooze("threonate-am", 10min, planned + 5min));
        CHECK(snoozed.dose == key);
        CHECK(snoozed.until == planned + 15min);
        REQUIRE(snoozed.effects.events.size() == 1);
        CHECK(snoozed.effects.events[0].kind == EventKind::Snoozed);
        CHECK(snoozed.effects.events[0].note == "10m");
        CHECK(snoozed.effects.events[0].at == planned + 5min);
        CHECK(snoozed.effects.closed == std::vector<DoseKey>{key});
        REQUIRE(tracker.open_doses().size() == 1);
        CHECK(tracker.open_doses()[0].state == DoseState::Snoozed);

        REQUIRE(tracker.next_deadline() == planned + 15min);
        auto back = tracker.advance(planned + 15min);
        REQUIRE(back.reminders.size() == 1);
        CHECK(back.reminders[0].repeat);
        CHECK(tracker.open_doses()[0].state == DoseState::Due);
        CHECK(tracker.next_deadline() == planned + 30min);
    }
    SECTION("the item's default length") {
        auto snoozed = answer_of(tracker.snooze("thr", std::nullopt, planned + 2min));
        CHECK(snoozed.until == planned + 17min);
        CHECK(snoozed.effects.events[0].note == "15m");
        CHECK(tracker.next_deadline() == planned + 17min);
    }
    SECTION("a snooze across the escalation is not interrupted by it") {
        tracker.advance(planned + 45min);
        auto snoozed = answer_of(tracker.snooze("threonate-am", 30min, planned + 50min));
        CHECK(snoozed.until == planned + 80min);
        REQUIRE(tracker.next_deadline() == planned + 80min);
        CHECK(tracker.advance(planned + 1h).empty());  // e.g. woken by a clock change
        auto back = tracker.advance(planned + 80min);
        REQUIRE(back.reminders.size() == 1);
        CHECK(back.reminders[0].urgency == Urgency::Critical);
    }
    SECTION("a snooze past missed_after still ends in missed") {
        answer_of(tracker.snooze("threonate-am", 24h, planned + 1min));
        REQUIRE(tracker.next_deadline() == planned + 3h);
        CHECK(tracker.advance(planned + 3h).missed == std::vector<DoseKey>{key});
    }
    SECTION("nothing due, bad lengths, as-needed") {
        CHECK(failure_of(tracker.snooze("other", std::nullopt, planned + 1min)).kind ==
              ErrorKind::NothingDue);
        CHECK(failure_of(tracker.snooze("threonate-am", 0s, planned)).kind ==
              ErrorKind::InvalidArgument);
        CHECK(failure_of(tracker.snooze("threonate-am", 25h, planned)).kind ==
              ErrorKind::InvalidArgument);
        CHECK(failure_of(tracker.snooze("topical", std::nullopt, planned)).kind ==
              ErrorKind::InvalidArgument);
        CHECK(failure_of(tracker.snooze("nope", std::nullopt, planned)).kind ==
              ErrorKind::UnknownItem);
        // The failed calls changed nothing.
        CHECK(tracker.next_deadline() == planned + 15min);
    }
}

TEST_CASE("early confirmation within missed_after, NothingDue beyond", "[doses]") {
    auto regimen = make_regimen("America/New_York", {daily_item("glycinate-pm", {"21:30"})});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 21:30");
    const DoseKey key{"glycinate-pm", planned};
    tracker.restore({}, std::nullopt, local(*regimen, "2026-11-20 12:00"));
    tracker.advance(local(*regimen, "2026-11-20 12:00"));

    SECTION("3h ahead is early enough, and the dose is never reminded") {
        Instant now = planned - 3h;
        auto taken = answer_of(tracker.confirm("glycinate-pm", std::nullopt, now));
        CHECK(taken.dose == key);
        REQUIRE(taken.effects.events.size() == 1);
        CHECK(taken.effects.events[0].kind == EventKind::Taken);
        CHECK(taken.effects.events[0].at == now);
        CHECK(taken.effects.events[0].planned == planned);
        CHECK(taken.effects.closed.empty());

        auto views = tracker.doses(planned - 12h, planned + 1h, now, {});
        CHECK(state_of(views, key) == DoseState::Taken);
        CHECK(tracker.next_due(now) == DoseKey{"glycinate-pm", planned + 24h});
        // The next deadline skips the answered dose.
        CHECK(tracker.next_deadline() == planned + 24h);
        CHECK(tracker.advance(planned).empty());
        CHECK(tracker.open_doses().empty());
    }
    SECTION("a second earlier than that is NothingDue, naming the next dose") {
        auto failure = failure_of(tracker.confirm("glycinate-pm", std::nullopt, planned - 3h - 1s));
        CHECK(failure.kind == ErrorKind::NothingDue);
        CHECK(failure.message ==
              "No dose of 'glycinate-pm' is due, and the next one is at 2026-11-20 21:30 "
              "(more than 3h ahead)");
        CHECK(tracker.advance(planned).became_due == std::vector<DoseKey>{key});
    }
}

TEST_CASE("late confirmation picks the nearest dose not taken or skipped", "[doses]") {
    auto regimen = make_regimen("Europe/Berlin", {daily_item("a", {"08:00", "20:00"})});
    DoseTracker tracker(regimen);
    const Instant morning = local(*regimen, "2026-11-20 08:00");
    const DoseKey morning_key{"a", morning};
    start_due(tracker, morning);
    auto missed = tracker.advance(morning + 3h);
    REQUIRE(missed.events.size() == 1);
    const Instant now = local(*regimen, "2026-11-20 12:00");
    tracker.advance(now);

    SECTION("a missed dose confirmed late keeps both events") {
        auto taken = answer_of(tracker.confirm("a", morning + 90min, now));
        CHECK(taken.dose == morning_key);
        REQUIRE(taken.effects.events.size() == 1);
        CHECK(taken.effects.events[0].kind == EventKind::Taken);
        CHECK(taken.effects.events[0].at == morning + 90min);

        std::vector<HistoryEvent> history = missed.events;
        history.push_back(taken.effects.events[0]);
        CHECK(count_kind(history, EventKind::Missed) == 1);
        auto views = tracker.doses(morning, morning + 1s, now, history);
        REQUIRE(views.size() == 1);
        CHECK(views[0].state == DoseState::Taken);
        CHECK(views[0].acted_at == morning + 90min);

        // The same backdated take again confirms nothing: yesterday evening's dose was
        // planned before tracking began, and the message names the dose already taken.
        auto again = failure_of(tracker.confirm("a", morning + 90min, now));
        CHECK(again.kind == ErrorKind::NothingDue);
        CHECK(again.message ==
              "No dose of 'a' near 2026-11-20 09:30 is left to confirm: today's 08:00 dose is "
              "already taken (`regimenctl undo a` takes that back)");
    }
    SECTION("an upcoming dose is a candidate when it is nearest") {
        const Instant evening = local(*regimen, "2026-11-20 17:30");
        tracker.advance(evening);
        auto upcoming = answer_of(tracker.confirm("a", evening, evening));
        CHECK(upcoming.dose == DoseKey{"a", morning + 12h});  // 2h30 ahead vs 9h30 back
        // The morning dose is 9h30 back, beyond its missed_after of 3h: not this `at`'s dose.
        auto next = failure_of(tracker.confirm("a", evening, evening));
        CHECK(next.kind == ErrorKind::NothingDue);
        CHECK_THAT(next.message, Catch::Contains("today's 20:00 dose is already taken"));
    }
    SECTION("a dose further than missed_after from `at` is no candidate") {
        auto far = failure_of(tracker.confirm("a", now, now));
        CHECK(far.kind == ErrorKind::NothingDue);
        CHECK(far.message ==
              "No dose of 'a' near 2026-11-20 12:00 is left to confirm: the nearest, today's "
              "08:00 dose, is more than 3h (its missed_after) away");
        auto taken = answer_of(tracker.confirm("a", morning + 3h, now));
        CHECK(taken.dose == morning_key);  // exactly missed_after away still counts
    }
    SECTION("future and too old times are refused") {
        const Instant evening = local(*regimen, "2026-11-20 17:30");
        tracker.advance(evening);
        CHECK(failure_of(tracker.confirm("a", evening + 61s, evening)).kind ==
              ErrorKind::InvalidArgument);
        CHECK(answer_of(tracker.confirm("a", evening + 60s, evening)).effects.events[0].at ==
              evening);
        CHECK(failure_of(tracker.confirm("a", now - DoseTracker::kRetention - 1s, now)).kind ==
              ErrorKind::InvalidArgument);
    }
}

TEST_CASE("items are named by unique prefix; as-needed items are refused", "[doses]") {
    auto regimen =
        make_regimen("Asia/Kolkata",
                     {daily_item("glycinate-pm", {"21:30"}), daily_item("glucosamine", {"09:00"}),
                      daily_item("threonate-am", {"08:00"}), as_needed_item("topical")});
    DoseTracker tracker(regimen);
    const Instant now = local(*regimen, "2026-11-20 08:00");
    tracker.restore({}, std::nullopt, now);
    tracker.advance(now);

    auto taken = answer_of(tracker.confirm("thr", std::nullopt, now + 1min));
    CHECK(taken.dose == DoseKey{"threonate-am", now});
    CHECK(taken.effects.closed == std::vector<DoseKey>{DoseKey{"threonate-am", now}});

    auto ambiguous = failure_of(tracker.confirm("gl", std::nullopt, now));
    CHECK(ambiguous.kind == ErrorKind::UnknownItem);
    CHECK(ambiguous.message == "'gl' is ambiguous: it matches glycinate-pm glucosamine");
    auto unknown = failure_of(tracker.skip("zinc", "", now));
    CHECK(unknown.kind == ErrorKind::UnknownItem);
    CHECK(unknown.message == "No item 'zinc' in regimen.yaml");
    auto topical = failure_of(tracker.confirm("top", std::nullopt, now));
    CHECK(topical.kind == ErrorKind::InvalidArgument);
    CHECK(topical.message ==
          "'topical' is taken as needed: record a use with `regimenctl log topical`");
}

TEST_CASE("skip answers the due dose with a reason", "[doses]") {
    auto regimen = make_regimen("UTC", {daily_item("a", {"08:00"})});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 08:00");
    start_due(tracker, planned);
    auto skipped = answer_of(tracker.skip("a", "travelling", planned + 20min));
    REQUIRE(skipped.effects.events.size() == 1);
    CHECK(skipped.effects.events[0].kind == EventKind::Skipped);
    CHECK(skipped.effects.events[0].note == "travelling");
    CHECK(skipped.effects.closed == std::vector<DoseKey>{DoseKey{"a", planned}});
    CHECK(state_of(tracker.doses(planned, planned + 1s, planned + 20min, {}),
                   DoseKey{"a", planned}) == DoseState::Skipped);
    CHECK(tracker.next_deadline() == planned + 24h);
    CHECK(tracker.advance(planned + 3h).empty());
    // A skipped dose cannot be confirmed late, and the day before's dose (never tracked,
    // and a day away) is not taken instead.
    auto refused = failure_of(tracker.confirm("a", planned, planned + 4h));
    CHECK(refused.kind == ErrorKind::NothingDue);
    CHECK_THAT(refused.message, Catch::Contains("today's 08:00 dose is already skipped"));
}

TEST_CASE("a notification's button answers its own dose at the time of the click", "[doses]") {
    // Two doses of "a" due at once (08:00 and 09:00): the newer one's buttons answer the
    // 09:00 dose, not the item's oldest, and record when they were pressed (issue 24).
    auto regimen = make_regimen("UTC", {daily_item("a", {"08:00", "09:00"})});
    DoseTracker tracker(regimen);
    const Instant eight = local(*regimen, "2026-11-20 08:00");
    const Instant nine = eight + 1h;
    start_due(tracker, eight);
    tracker.advance(nine);
    REQUIRE(tracker.open_doses().size() == 2);
    const Instant click = nine + 20min + 21s;
    SECTION("Taken") {
        auto taken = answer_of(tracker.confirm_open(DoseKey{"a", nine}, click));
        CHECK(taken.dose == DoseKey{"a", nine});
        REQUIRE(taken.effects.events.size() == 1);
        CHECK(taken.effects.events[0].kind == EventKind::Taken);
        CHECK(taken.effects.events[0].at == click);
        CHECK(taken.effects.closed == std::vector<DoseKey>{DoseKey{"a", nine}});
        CHECK(state_of(tracker.doses(eight, nine + 1s, click, {}), DoseKey{"a", eight}) ==
              DoseState::Due);
        // Pressed again (a second server's copy): nothing is taken twice.
        CHECK(failure_of(tracker.confirm_open(DoseKey{"a", nine}, click + 1s)).kind ==
              ErrorKind::NothingDue);
    }
    SECTION("Skip") {
        auto skipped = answer_of(tracker.skip_open(DoseKey{"a", nine}, "from the button", click));
        CHECK(skipped.dose == DoseKey{"a", nine});
        CHECK(skipped.effects.events[0].at == click);
        CHECK(state_of(tracker.doses(eight, nine + 1s, click, {}), DoseKey{"a", eight}) ==
              DoseState::Due);
    }
    SECTION("Snooze") {
        auto snoozed = answer_of(tracker.snooze_open(DoseKey{"a", nine}, click));
        CHECK(snoozed.dose == DoseKey{"a", nine});
        CHECK(snoozed.effects.events[0].at == click);
        CHECK(snoozed.until == click + regimen->find("a")->reminders.snooze);
        CHECK(state_of(tracker.doses(eight, nine + 1s, click, {}), DoseKey{"a", eight}) ==
              DoseState::Due);
    }
    SECTION("a dose that is not open is not answered") {
        CHECK(failure_of(tracker.confirm_open(DoseKey{"a", nine + 24h}, click)).kind ==
              ErrorKind::NothingDue);
        CHECK(failure_of(tracker.skip_open(DoseKey{"b", nine}, "", click)).kind ==
              ErrorKind::NothingDue);
    }
}

TEST_CASE("two confirms in a row give exactly one Taken per dose", "[doses]") {
    // Item "a" at 08:00 and `second`, with the 08:00 dose of 2026-11-20 due.
    auto due_at_eight = [](const std::string& second) {
        auto regimen = make_regimen("Europe/Berlin", {daily_item("a", {"08:00", second})});
        DoseTracker tracker(regimen);
        start_due(tracker, local(*regimen, "2026-11-20 08:00"));
        return tracker;
    };
    const Instant planned =
        local_instant(*regimend::locate_zone("Europe/Berlin"), "2026-11-20 08:00");
    SECTION("the next dose is too far: NothingDue") {
        DoseTracker tracker = due_at_eight("12:00");
        auto first = answer_of(tracker.confirm("a", std::nullopt, planned + 5min));
        CHECK(first.dose == DoseKey{"a", planned});
        auto second = failure_of(tracker.confirm("a", std::nullopt, planned + 6min));
        CHECK(second.kind == ErrorKind::NothingDue);
    }
    SECTION("the next dose is within missed_after: it is confirmed early") {
        DoseTracker tracker = due_at_eight("10:00");
        auto first = answer_of(tracker.confirm("a", std::nullopt, planned + 5min));
        auto second = answer_of(tracker.confirm("a", std::nullopt, planned + 6min));
        CHECK(first.dose == DoseKey{"a", planned});
        CHECK(second.dose == DoseKey{"a", planned + 2h});
        CHECK(second.effects.closed.empty());
        CHECK(failure_of(tracker.confirm("a", std::nullopt, planned + 7min)).kind ==
              ErrorKind::NothingDue);
    }
}

TEST_CASE("catch-up after a gap: recent doses due once, older ones missed", "[doses]") {
    auto regimen = make_regimen("Europe/Berlin", {daily_item("a", {"08:00", "12:00", "20:00"})});
    DoseTracker tracker(regimen);
    const Instant start = local(*regimen, "2026-11-20 07:55");
    tracker.restore({}, start, start);
    REQUIRE(tracker.advance(start).empty());

    SECTION("10 minutes") {
        auto effects = tracker.advance(start + 10min);
        CHECK(effects.became_due == std::vector<DoseKey>{DoseKey{"a", start + 5min}});
        REQUIRE(effects.reminders.size() == 1);
        CHECK(effects.events[0].at == start + 10min);
        CHECK(tracker.next_deadline() == start + 25min);
    }
    SECTION("5 hours") {
        auto effects = tracker.advance(start + 5h);
        CHECK(effects.missed == std::vector<DoseKey>{DoseKey{"a", start + 5min}});
        CHECK(effects.became_due == std::vector<DoseKey>{DoseKey{"a", start + 4h + 5min}});
        CHECK(effects.reminders.size() == 1);
        CHECK(count_kind(effects.events, EventKind::Missed) == 1);
        CHECK(count_kind(effects.events, EventKind::Due) == 1);
    }
    SECTION("3 days, and an open dose older than missed_after is missed, not reminded") {
        tracker.advance(start + 5min);  // 08:00 is due and shown
        const Instant now = local(*regimen, "2026-11-23 13:00");
        auto effects = tracker.advance(now);
        // 20th 08:00..20:00, 21st and 22nd x3, 23rd 08:00: ten missed; 23rd 12:00 due.
        CHECK(effects.missed.size() == 10);
        CHECK(count_kind(effects.events, EventKind::Missed) == 10);
        CHECK(effects.became_due ==
              std::vector<DoseKey>{DoseKey{"a", local(*regimen, "2026-11-23 12:00")}});
        REQUIRE(effects.reminders.size() == 1);
        CHECK(effects.reminders[0].urgency == Urgency::Critical);  // 1h after 12:00
        CHECK(effects.closed == std::vector<DoseKey>{DoseKey{"a", start + 5min}});
        for (const auto& event : effects.events) {
            if (event.kind == EventKind::Missed) {
                CHECK(event.at == *event.planned + 3h);
            }
        }
        CHECK(tracker.next_deadline() == now + 15min);
        CHECK(tracker.advance(now).empty());
    }
}

TEST_CASE("a horizon older than kMaxCatchUp is clamped", "[doses]") {
    auto regimen = make_regimen("UTC", {daily_item("a", {"08:00"})});
    DoseTracker tracker(regimen);
    const Instant now = local(*regimen, "2026-11-20 09:00");
    tracker.restore({}, now - date::days{400}, now);
    CHECK(tracker.horizon() == now - DoseTracker::kMaxCatchUp);
    auto effects = tracker.advance(now);
    CHECK(effects.missed.size() == 30);  // 21 Oct .. 19 Nov; the 20th is still due
    CHECK(effects.became_due.size() == 1);
}

TEST_CASE("a clock set back never repeats what was done", "[doses]") {
    auto regimen = make_regimen("Pacific/Auckland", {daily_item("a", {"08:00"})});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 08:00");
    start_due(tracker, planned);
    answer_of(tracker.confirm("a", std::nullopt, planned + 5min));
    tracker.advance(planned + 30min);

    CHECK(tracker.advance(planned - 30min).empty());
    CHECK(tracker.horizon() == planned + 30min);
    CHECK(tracker.advance(planned).empty());
    CHECK(tracker.advance(planned + 30min).empty());
    CHECK(tracker.next_deadline() == planned + 24h);
    CHECK(tracker.advance(planned + 24h).became_due.size() == 1);
}

TEST_CASE("a clock set back keeps reminding a due dose at its cadence", "[doses]") {
    auto regimen = make_regimen("Europe/Berlin", {daily_item("a", {"08:00"})});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 08:00");
    start_due(tracker, planned);
    REQUIRE(tracker.next_deadline() == planned + 15min);
    CHECK(tracker.advance(planned - 1h).empty());
    REQUIRE(tracker.next_deadline() == planned - 45min);
    auto effects = tracker.advance(planned - 45min);
    REQUIRE(effects.reminders.size() == 1);
    CHECK(effects.reminders[0].repeat);
    CHECK(effects.became_due.empty());
    CHECK(effects.events.empty());
}

TEST_CASE("restore after a restart resumes each dose where it was", "[doses]") {
    auto regimen =
        make_regimen("Europe/Berlin", {daily_item("a", {"08:00"}), daily_item("b", {"12:00"})});
    const Instant a_planned = local(*regimen, "2026-11-20 08:00");
    const Instant b_planned = local(*regimen, "2026-11-20 12:00");
    const DoseKey a{"a", a_planned};
    const DoseKey b{"b", b_planned};
    std::vector<HistoryEvent> history{
        stored("a", EventKind::Due, a_planned, a_planned),
        stored("a", EventKind::Taken, a_planned, a_planned + 10min),
        stored("b", EventKind::Due, b_planned, b_planned),
    };
    DoseTracker tracker(regimen);

    // Restarted at `now` with the history written until `written`: nothing is shown at
    // once, and the one reminder comes at `expected`; returns what that advance did.
    auto first_reminder_after_restart = [&](Instant written, Instant now, Instant expected) {
        tracker.restore(history, written, now);
        CHECK(tracker.advance(now).empty());
        REQUIRE(tracker.next_deadline() == expected);
        auto effects = tracker.advance(expected);
        REQUIRE(effects.reminders.size() == 1);
        return effects;
    };

    SECTION("restarted within repeat_every: no reminder at once") {
        auto effects =
            first_reminder_after_restart(b_planned + 5min, b_planned + 5min, b_planned + 15min);
        CHECK(effects.reminders[0].dose == b);
        CHECK_FALSE(effects.reminders[0].repeat);  // first shown by this process
        CHECK(effects.events.empty());             // no second Due event
    }
    SECTION("restarted later: the cadence keeps its rhythm") {
        tracker.restore(history, b_planned + 20min, b_planned + 20min);
        CHECK(tracker.advance(b_planned + 20min).empty());
        CHECK(tracker.next_deadline() == b_planned + 30min);
        auto views = tracker.doses(a_planned, b_planned + 1s, b_planned + 20min, {});
        CHECK(state_of(views, a) == DoseState::Taken);
        CHECK(state_of(views, b) == DoseState::Due);
    }
    SECTION("restarted after escalation: the next reminder is critical, not immediate") {
        auto effects =
            first_reminder_after_restart(b_planned + 5min, b_planned + 70min, b_planned + 75min);
        CHECK(effects.reminders[0].urgency == Urgency::Critical);
    }
    SECTION("a late confirmation stored before the missed record still wins") {
        history.push_back(stored("b", EventKind::Taken, b_planned, b_planned + 10min));
        history.push_back(stored("b", EventKind::Missed, b_planned, b_planned + 3h));
        tracker.restore(history, b_planned + 4h, b_planned + 4h);
        CHECK(tracker.open_doses().empty());
        auto views = tracker.doses(b_planned, b_planned + 1s, b_planned + 4h, {});
        CHECK(state_of(views, b) == DoseState::Taken);
        // Still answered: a late confirmation confirms nothing, neither this dose nor the
        // day before's.
        CHECK(failure_of(tracker.confirm("b", b_planned, b_planned + 4h)).kind ==
              ErrorKind::NothingDue);
    }
    SECTION("restarted past missed_after: missed at its instant, answered never reminded") {
        tracker.restore(history, b_planned + 5min, b_planned + 4h);
        auto effects = tracker.advance(b_planned + 4h);
        CHECK(effects.missed == std::vector<DoseKey>{b});
        REQUIRE(effects.events.size() == 1);
        CHECK(effects.events[0].at == b_planned + 3h);
        CHECK(effects.reminders.empty());
    }
    SECTION("a snoozed dose comes back when its snooze ends") {
        history.push_back(stored("b", EventKind::Snoozed, b_planned, b_planned + 5min, "30m"));
        tracker.restore(history, b_planned + 10min, b_planned + 10min);
        REQUIRE(tracker.open_doses().size() == 1);
        CHECK(tracker.open_doses()[0].state == DoseState::Snoozed);
        CHECK(tracker.next_deadline() == b_planned + 35min);
    }
    SECTION("a snooze without a readable length uses the item's") {
        history.push_back(stored("b", EventKind::Snoozed, b_planned, b_planned + 5min, "soon"));
        tracker.restore(history, b_planned + 10min, b_planned + 10min);
        CHECK(tracker.next_deadline() == b_planned + 20min);
    }
    SECTION("a snooze that ended while away resumes the cadence from its end") {
        history.push_back(stored("b", EventKind::Snoozed, b_planned, b_planned + 5min, "30m"));
        tracker.restore(history, b_planned + 10min, b_planned + 40min);
        CHECK(tracker.open_doses()[0].state == DoseState::Due);
        CHECK(tracker.next_deadline() == b_planned + 50min);
    }
    SECTION("doses that came while away become due from the persisted horizon") {
        std::vector<HistoryEvent> only_a(history.begin(), history.begin() + 2);
        tracker.restore(only_a, a_planned + 1h, b_planned + 30min);
        auto effects = tracker.advance(b_planned + 30min);
        CHECK(effects.became_due == std::vector<DoseKey>{b});
        CHECK(effects.reminders.size() == 1);
    }
}

TEST_CASE("reloading the regimen", "[doses]") {
    auto regimen =
        make_regimen("Europe/Berlin", {daily_item("a", {"08:00"}), daily_item("b", {"20:00"})});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 08:00");
    const DoseKey key{"a", planned};
    start_due(tracker, planned);

    SECTION("an item removed with a due dose: closed, no event") {
        auto effects = tracker.set_regimen(
            make_regimen("Europe/Berlin", {daily_item("b", {"20:00"})}), planned + 5min);
        CHECK(effects.closed == std::vector<DoseKey>{key});
        CHECK(effects.events.empty());
        CHECK(tracker.open_doses().empty());
        CHECK(tracker.next_deadline() == local(*regimen, "2026-11-20 20:00"));
    }
    SECTION("an item kept, even at another time: still due on its old cadence") {
        auto effects = tracker.set_regimen(
            make_regimen("Europe/Berlin", {daily_item("a", {"09:00"}), daily_item("b", {"20:00"})}),
            planned + 5min);
        CHECK(effects.empty());
        REQUIRE(tracker.open_doses().size() == 1);
        CHECK(tracker.open_doses()[0].dose == key);
        CHECK(tracker.next_deadline() == planned + 15min);
        auto taken = answer_of(tracker.confirm("a", std::nullopt, planned + 10min));
        CHECK(taken.dose == key);
        // The horizon is kept: the new 09:00 dose comes later, the old 08:00 is not repeated.
        CHECK(tracker.next_deadline() == planned + 1h);
    }
}

TEST_CASE("the first run counts nothing before now", "[doses]") {
    auto regimen =
        make_regimen("America/New_York", {daily_item("a", {"08:00"}), daily_item("b", {"12:00"})});
    DoseTracker tracker(regimen);

    SECTION("a dose planned earlier today is not due and not missed") {
        const Instant now = local(*regimen, "2026-11-20 10:00");
        tracker.restore({}, std::nullopt, now);
        CHECK(tracker.advance(now).empty());
        auto views = tracker.doses(local(*regimen, "2026-11-20 00:00"),
                                   local(*regimen, "2026-11-21 00:00"), now, {});
        REQUIRE(views.size() == 1);
        CHECK(views[0].dose == DoseKey{"b", local(*regimen, "2026-11-20 12:00")});
        CHECK(views[0].state == DoseState::Upcoming);
        CHECK(tracker.next_deadline() == local(*regimen, "2026-11-20 12:00"));
    }
    SECTION("a dose planned exactly now becomes due now, once") {
        const Instant now = local(*regimen, "2026-11-20 08:00");
        tracker.restore({}, std::nullopt, now);
        CHECK(tracker.next_deadline() == now);
        CHECK(tracker.advance(now).became_due == std::vector<DoseKey>{DoseKey{"a", now}});
        CHECK(tracker.advance(now).empty());
    }
    SECTION("advance() without restore() is a first run too") {
        const Instant now = local(*regimen, "2026-11-20 12:00");
        auto effects = tracker.advance(now);
        CHECK(effects.became_due == std::vector<DoseKey>{DoseKey{"b", now}});
        CHECK(effects.missed.empty());
    }
}

TEST_CASE("doses() shows every state", "[doses]") {
    ReminderPolicy patient;
    patient.missed_after = 8h;
    auto regimen = make_regimen("Europe/Berlin",
                                {daily_item("a", {"08:00", "20:00"}), daily_item("b", {"09:00"}),
                                 daily_item("c", {"10:00"}), daily_item("d", {"11:00"}, patient)});
    DoseTracker tracker(regimen);
    const Instant day = local(*regimen, "2026-11-20 00:00");
    tracker.restore({}, day, day);
    tracker.advance(local(*regimen, "2026-11-20 08:00"));
    answer_of(tracker.confirm("a", std::nullopt, local(*regimen, "2026-11-20 08:10")));
    tracker.advance(local(*regimen, "2026-11-20 09:00"));
    answer_of(tracker.skip("b", "", local(*regimen, "2026-11-20 09:10")));
    tracker.advance(local(*regimen, "2026-11-20 10:00"));
    tracker.advance(local(*regimen, "2026-11-20 11:00"));
    answer_of(tracker.snooze("d", 1h, local(*regimen, "2026-11-20 11:30")));
    tracker.advance(local(*regimen, "2026-11-20 13:00"));  // c is missed at 13:00

    const Instant later = local(*regimen, "2026-11-20 17:00");
    auto early = answer_of(tracker.confirm("a", std::nullopt, later));
    CHECK(early.dose == DoseKey{"a", local(*regimen, "2026-11-20 20:00")});

    auto views = tracker.doses(day, day + 24h, later, {});
    REQUIRE(views.size() == 5);
    CHECK(views[0].state == DoseState::Taken);
    CHECK(views[0].acted_at == local(*regimen, "2026-11-20 08:10"));
    CHECK(views[1].state == DoseState::Skipped);
    CHECK(views[2].state == DoseState::Missed);
    CHECK(views[2].acted_at == local(*regimen, "2026-11-20 13:00"));
    CHECK(views[3].state == DoseState::Due);    // d's snooze ended at 12:30
    CHECK(views[4].state == DoseState::Taken);  // answered early, planned in the future
    CHECK(views[4].acted_at == later);

    SECTION("a snoozed dose and an upcoming one") {
        answer_of(tracker.snooze("d", 30min, later));
        auto next_day = tracker.doses(day, day + 48h, later, {});
        CHECK(state_of(next_day, DoseKey{"d", local(*regimen, "2026-11-20 11:00")}) ==
              DoseState::Snoozed);
        CHECK(state_of(next_day, DoseKey{"b", local(*regimen, "2026-11-21 09:00")}) ==
              DoseState::Upcoming);
        // The oldest open dose comes first, snoozed or not, before any upcoming one.
        CHECK(tracker.next_due(later) == DoseKey{"d", local(*regimen, "2026-11-20 11:00")});
    }
    SECTION("history the tracker no longer remembers") {
        const Instant old_day = day - date::days{30};
        const Instant old_dose = local(*regimen, "2026-10-21 09:00");
        // Oldest first, as the store returns them: the late confirmation says it was taken
        // before the missed record was written.
        std::vector<HistoryEvent> history{
            stored("b", EventKind::Taken, old_dose, old_dose + 1h),
            stored("b", EventKind::Missed, old_dose, old_dose + 3h),
        };
        auto old_views = tracker.doses(old_day, old_day + 24h, later, history);
        REQUIRE(old_views.size() == 1);  // the others were never tracked
        CHECK(old_views[0].state == DoseState::Taken);
        CHECK(old_views[0].acted_at == old_dose + 1h);
    }
    CHECK(to_string(DoseState::Snoozed) == "snoozed");
}

TEST_CASE("an as-needed-only regimen has no deadline", "[doses]") {
    auto regimen = make_regimen("UTC", {as_needed_item("topical")});
    DoseTracker tracker(regimen);
    const Instant now = local(*regimen, "2026-11-20 08:00");
    tracker.restore({}, std::nullopt, now);
    CHECK(tracker.advance(now).empty());
    CHECK_FALSE(tracker.next_deadline().has_value());
    CHECK_FALSE(tracker.next_due(now).has_value());
}

TEST_CASE("one rule picks the next dose among listed rows, and when a snooze ends", "[doses]") {
    // The daemon's Today takes DoseTracker::next_due; a reader holding only a listing (the
    // bar, a status too large for Today) picks its row with next_dose_row: a due or snoozed
    // dose before an upcoming one at that instant, never one answered or missed.
    const Instant next{Seconds{1'790'000'000}};
    struct Row {
        std::string item;
        Instant planned;
        DoseState state;
    };
    const auto planned_of = [](const Row& row) { return row.planned; };
    const auto state_of = [](const Row& row) { return std::optional{row.state}; };
    const std::vector<Row> rows{
        {"earlier", next - 1h, DoseState::Due}, {"taken", next, DoseState::Taken},
        {"later", next, DoseState::Upcoming},   {"missed", next, DoseState::Missed},
        {"due", next, DoseState::Due},          {"snoozed", next, DoseState::Snoozed}};
    const Row* found = next_dose_row(rows, next, planned_of, state_of);
    REQUIRE(found != nullptr);
    CHECK(found->item == "due");
    const std::vector<Row> upcoming{{"taken", next, DoseState::Taken},
                                    {"later", next, DoseState::Upcoming}};
    REQUIRE(next_dose_row(upcoming, next, planned_of, state_of) != nullptr);
    CHECK(next_dose_row(upcoming, next, planned_of, state_of)->item == "later");
    CHECK(next_dose_row(upcoming, next + 1s, planned_of, state_of) == nullptr);
    CHECK(dose_state_from_string("snoozed") == DoseState::Snoozed);
    CHECK_FALSE(dose_state_from_string("asleep"));

    // The last snooze of the dose counts, its length read from the event's note.
    const DoseKey dose{"mg", next};
    std::vector<HistoryEvent> events;
    CHECK_FALSE(snoozed_until(events, dose));
    const auto snoozed = [&](std::string item, Instant at, std::string length) {
        HistoryEvent event;
        event.item = std::move(item);
        event.kind = EventKind::Snoozed;
        event.planned = next;
        event.at = at;
        event.note = std::move(length);
        events.push_back(std::move(event));
    };
    snoozed("mg", next + 1min, "15m");
    snoozed("other", next + 2min, "1h");
    snoozed("mg", next + 20min, "10m");
    CHECK(snoozed_until(events, dose) == next + 30min);
}
