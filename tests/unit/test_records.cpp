// Records a person can trust (issue 11): backdated confirmations reach only tracked doses
// within missed_after, the next dose is the oldest open one, undo, and the diary's rules.
// Literal instants throughout; the tracker never reads a clock.
#include <catch2/catch.hpp>

#include "core/diary.hpp"
#include "core/doses.hpp"
#include "dose_fixtures.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

TEST_CASE("a repeated backdated take never walks back into earlier days", "[records]") {
    auto regimen = make_regimen("Europe/Berlin", {daily_item("glycinate-pm", {"21:30"})});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 21:30");
    // First run an hour before: the doses of the days before were never tracked.
    start_due(tracker, planned, true);
    const Instant now = planned + 5min;
    tracker.advance(now);

    auto first = answer_of(tracker.confirm("glycinate-pm", now, now));
    CHECK(first.dose == DoseKey{"glycinate-pm", planned});
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto again = failure_of(tracker.confirm("glycinate-pm", now, now));
        CHECK(again.kind == ErrorKind::NothingDue);
        CHECK(again.message ==
              "No dose of 'glycinate-pm' near 2026-11-20 21:35 is left to confirm: today's "
              "21:30 dose is already taken (`regimenctl undo glycinate-pm` takes that back)");
    }
    SECTION("a dose before tracking began is named as such") {
        auto before = failure_of(tracker.confirm("glycinate-pm", planned - 24h, now));
        CHECK(before.kind == ErrorKind::NothingDue);
        CHECK_THAT(before.message, Catch::Contains("yesterday's 21:30 dose was planned before "
                                                   "regimend began tracking (2026-11-20 20:30)"));
    }
    SECTION("tracking_since given by the store wins over the first-run default") {
        DoseTracker restarted(regimen);
        restarted.restore({}, now, now, planned - 48h);
        CHECK(restarted.tracking_since() == planned - 48h);
        // Yesterday's dose was tracked then (and has no record): confirmable, within reach.
        auto late = answer_of(restarted.confirm("glycinate-pm", planned - 24h + 2h, now));
        CHECK(late.dose == DoseKey{"glycinate-pm", planned - 24h});
    }
}

TEST_CASE("the next dose is the oldest open one, then the next upcoming", "[records]") {
    auto regimen = make_regimen("UTC", {daily_item("a", {"08:00"}), daily_item("b", {"08:00"}),
                                        daily_item("c", {"12:00"})});
    DoseTracker tracker(regimen);
    const Instant morning = local(*regimen, "2026-11-20 08:00");
    auto due = start_due(tracker, morning, true);
    REQUIRE(due.became_due.size() == 2);
    answer_of(tracker.confirm("a", std::nullopt, morning + 5min));
    // b is still due: it, not c at noon nor tomorrow, is next.
    CHECK(tracker.next_due(morning + 5min) == DoseKey{"b", morning});

    SECTION("after a restart, a single due dose is still next") {
        std::vector<HistoryEvent> history = due.events;
        history.push_back(stored("a", EventKind::Taken, morning, morning + 5min));
        DoseTracker restarted(regimen);
        restarted.restore(history, morning + 10min, morning + 10min, morning - 1h);
        restarted.advance(morning + 10min);
        CHECK(restarted.next_due(morning + 10min) == DoseKey{"b", morning});
    }
    SECTION("with nothing open, the next upcoming dose") {
        answer_of(tracker.skip("b", "", morning + 6min));
        CHECK(tracker.next_due(morning + 6min) == DoseKey{"c", morning + 4h});
    }
}

TEST_CASE("undo takes back the last answer; nothing is deleted", "[records]") {
    ReminderPolicy policy;  // 15m repeat, 1h escalate, 3h missed
    auto regimen = make_regimen("UTC", {daily_item("a", {"08:00", "20:00"}, policy)});
    DoseTracker tracker(regimen);
    const Instant morning = local(*regimen, "2026-11-20 08:00");
    const DoseKey key{"a", morning};
    start_due(tracker, morning, true);

    SECTION("nothing answered: NothingToUndo") {
        auto failure = failure_of(tracker.undo("a", morning + 1min));
        CHECK(failure.kind == ErrorKind::NothingToUndo);
        CHECK(failure.message == "No taken or skipped dose of 'a' in the last 8d to take back");
        CHECK(failure_of(tracker.undo("zz", morning)).kind == ErrorKind::UnknownItem);
    }
    SECTION("within missed_after the dose is due again, reminded at once") {
        answer_of(tracker.confirm("a", std::nullopt, morning + 10min));
        auto undone = answer_of(tracker.undo("a", morning + 20min));
        CHECK(undone.dose == key);
        REQUIRE(undone.effects.events.size() == 2);
        CHECK(undone.effects.events[0].kind == EventKind::Undone);
        CHECK(undone.effects.events[0].note == "taken");
        CHECK(undone.effects.events[1].kind == EventKind::Due);
        REQUIRE(undone.effects.reminders.size() == 1);
        CHECK(undone.effects.reminders[0].dose == key);
        CHECK(state_of(tracker.open_doses(), key) == DoseState::Due);
        CHECK(tracker.next_due(morning + 20min) == key);
        // It can be answered again, and then undone again.
        CHECK(answer_of(tracker.confirm("a", std::nullopt, morning + 30min)).dose == key);
        CHECK(answer_of(tracker.undo("a", morning + 31min)).dose == key);
        // Past missed_after it goes missed as any due dose does.
        auto missed = tracker.advance(morning + 3h);
        CHECK(missed.missed == std::vector<DoseKey>{key});
    }
    SECTION("past missed_after the dose is missed, with one missed event") {
        answer_of(tracker.skip("a", "travelling", morning + 10min));
        auto undone = answer_of(tracker.undo("a", morning + 4h));
        REQUIRE(undone.effects.events.size() == 2);
        CHECK(undone.effects.events[0].note == "skipped");
        CHECK(undone.effects.events[1].kind == EventKind::Missed);
        CHECK(undone.effects.events[1].at == morning + 3h);
        CHECK(undone.effects.reminders.empty());
        CHECK(tracker.open_doses().empty());
        // A missed dose confirmed late keeps its missed event: undo adds no second one.
        tracker.advance(morning + 4h);
        answer_of(tracker.confirm("a", morning + 2h, morning + 4h));
        auto again = answer_of(tracker.undo("a", morning + 4h + 1min));
        REQUIRE(again.effects.events.size() == 1);
        CHECK(again.effects.events[0].kind == EventKind::Undone);
    }
    SECTION("the most recent answer by when it was given") {
        answer_of(tracker.confirm("a", std::nullopt, morning + 10min));
        tracker.advance(morning + 10h);
        answer_of(tracker.confirm("a", std::nullopt, morning + 10h));  // 20:00, early
        auto undone = answer_of(tracker.undo("a", morning + 10h + 1min));
        CHECK(undone.dose == DoseKey{"a", morning + 12h});
        CHECK(undone.effects.events.size() == 1);  // upcoming again: no due, no reminder
        CHECK(tracker.next_due(morning + 10h + 1min) == DoseKey{"a", morning + 12h});
    }
    SECTION("a restart reads undone in the order it was written") {
        std::vector<HistoryEvent> history{
            stored("a", EventKind::Due, morning, morning),
            stored("a", EventKind::Taken, morning, morning + 10min),
            stored("a", EventKind::Undone, morning, morning + 20min, "taken"),
            stored("a", EventKind::Due, morning, morning + 20min),
            // Taken again, backdated to before the undo: still the standing answer.
            stored("a", EventKind::Taken, morning, morning + 5min),
        };
        DoseTracker restarted(regimen);
        restarted.restore(history, morning + 30min, morning + 30min, morning - 1h);
        CHECK(state_of(restarted.doses(morning, morning + 1s, morning + 30min, history), key) ==
              DoseState::Taken);
        history.push_back(stored("a", EventKind::Undone, morning, morning + 31min, "taken"));
        history.push_back(stored("a", EventKind::Due, morning, morning + 31min));
        restarted.restore(history, morning + 32min, morning + 32min, morning - 1h);
        CHECK(state_of(restarted.open_doses(), key) == DoseState::Due);
    }
}

TEST_CASE("one rule for the time of take, log and symptom", "[records]") {
    auto editable =
        std::make_shared<Regimen>(*make_regimen("Europe/Berlin", {as_needed_item("topical")}));
    editable->symptoms = {"migraine"};
    const RegimenPtr regimen = editable;
    const Instant now = local(*regimen, "2026-11-20 12:00");
    CHECK_FALSE(future_time_failure(*regimen, now + kFutureTolerance, now));
    auto ahead = future_time_failure(*regimen, now + 15h, now);
    REQUIRE(ahead);
    CHECK(ahead->kind == ErrorKind::InvalidArgument);
    CHECK(ahead->message ==
          "The time cannot be in the future: 2026-11-21 03:00 (Europe/Berlin) "
          "is after now, 12:00");
    // Backdating a diary as far as the user likes is fine.
    CHECK_FALSE(future_time_failure(*regimen, now - 24h * 400, now));

    CHECK(std::holds_alternative<const Item*>(as_needed_item(*regimen, "top")));
    CHECK(std::get<Error>(as_needed_item(*regimen, "x")).kind == ErrorKind::UnknownItem);
    CHECK_FALSE(symptom_failure(*regimen, "migraine", 10));
    CHECK(symptom_failure(*regimen, "migraine", 11)->message ==
          "The severity is a whole number from 0 to 10, not 11");
    CHECK_THAT(
        symptom_failure(*regimen, "sleep", 3)->message,
        Catch::Contains("'sleep' is not a symptom kind") && Catch::Contains("(known: migraine)"));
}

TEST_CASE("as-needed uses over max_per_day are counted per local day", "[records]") {
    auto regimen = make_regimen("Europe/Berlin", {as_needed_item("topical")});
    const Item& item = regimen->items.front();  // max_per_day 3
    const Instant noon = local(*regimen, "2026-11-20 12:00");
    std::vector<HistoryEvent> events;
    for (auto at : {noon - 11h - 30min, noon, noon + 1h, noon + 2h, noon + 12h}) {
        HistoryEvent event;
        event.item = "topical";
        event.kind = EventKind::AsNeeded;
        event.at = at;
        events.push_back(event);
    }
    // 00:30, 12:00, 13:00, 14:00 on the 20th (Berlin); 00:00 on the 21st is another day.
    const int uses = as_needed_uses_on_day(*regimen, events, "topical", noon);
    CHECK(uses == 4);
    CHECK(max_per_day_note(item, uses, local_date(*regimen->zone, noon)) ==
          "for information: topical was logged 4 times on 2026-11-20, above its max_per_day "
          "of 3");
    CHECK_FALSE(max_per_day_note(item, 3, local_date(*regimen->zone, noon)));
    CHECK(as_needed_uses_on_day(*regimen, events, "topical", noon + 12h) == 1);
}

TEST_CASE("take after a missed dose hints at --at", "[records]") {
    auto regimen = make_regimen("Europe/Berlin", {daily_item("glycinate-pm", {"08:00"})});
    DoseTracker tracker(regimen);
    const Instant planned = local(*regimen, "2026-11-20 08:00");
    start_due(tracker, planned, true);
    tracker.advance(planned + 3h);  // missed
    auto failure = failure_of(tracker.confirm("glycinate-pm", std::nullopt, planned + 4h));
    CHECK(failure.kind == ErrorKind::NothingDue);
    CHECK_THAT(failure.message,
               Catch::Contains("today's 08:00 dose was missed: if you took it, say when, e.g. "
                               "`regimenctl take glycinate-pm --at 08:00`"));
    auto as_needed = make_regimen("UTC", {as_needed_item("topical")});
    DoseTracker other(as_needed);
    CHECK(failure_of(other.confirm("topical", std::nullopt, planned)).message ==
          "'topical' is taken as needed: record a use with `regimenctl log topical`");
}

TEST_CASE("notes and reasons follow the regimen's rule for notes", "[records]") {
    CHECK_FALSE(note_failure(""));
    CHECK_FALSE(note_failure("left side, then right"));
    CHECK_FALSE(note_failure("two\nlines"));  // a line feed is allowed, as in `notes`
    CHECK_FALSE(note_failure("µg é 日本"));
    for (const std::string& bad :
         {std::string("\x1b]52;c;cm0gLXJmIH4=\x07"), std::string("a\rb"), std::string("tab\there"),
          std::string("nul\0x", 5), std::string("del\x7f"), std::string("c1 \xc2\x9b"),
          std::string("bidi \xe2\x80\xae")}) {
        CAPTURE(bad);
        auto failure = note_failure(bad);
        REQUIRE(failure);
        CHECK(failure->kind == ErrorKind::InvalidArgument);
        CHECK(failure->message.starts_with("The note contains the "));
    }
    CHECK(note_failure("a\rb", "reason")->message.starts_with("The reason contains"));
}
