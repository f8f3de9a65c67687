// The "missed" notice's words, with literal instants.
#include <catch2/catch.hpp>

#include "core/notice_text.hpp"
#include "dose_fixtures.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

TEST_CASE("the missed notice says how to record each dose, never 'while away'", "[notice]") {
    auto regimen = make_regimen(
        "Europe/Berlin", {daily_item("threonate-am", {"08:00"}), daily_item("b", {"09:00"})});
    const Instant morning = local(*regimen, "2026-11-20 08:00");
    const Instant now = local(*regimen, "2026-11-20 11:00");

    SECTION("one dose today: the time alone") {
        auto text = missed_notice(*regimen, {DoseKey{"threonate-am", morning}}, now);
        CHECK(text.summary == "Missed: Item threonate-am at 08:00");
        CHECK(text.body ==
              "If you took it, record it with: regimenctl take threonate-am --at 08:00");
    }
    SECTION("one dose of another day: the date too, or --at would name today's") {
        auto text = missed_notice(*regimen, {DoseKey{"threonate-am", morning - 24h}}, now);
        CHECK(text.summary == "Missed: Item threonate-am at Thu 08:00");
        CHECK(text.body ==
              "If you took it, record it with: regimenctl take threonate-am --at "
              "\"2026-11-19 08:00\"");
    }
    SECTION("several doses: each with its command") {
        auto text = missed_notice(
            *regimen, {DoseKey{"threonate-am", morning}, DoseKey{"b", morning + 1h}}, now);
        CHECK(text.summary == "Missed 2 doses");
        CHECK(text.body ==
              "If you took them, record each with the command after it:\n"
              "Item threonate-am at 08:00: regimenctl take threonate-am --at 08:00\n"
              "Item b at 09:00: regimenctl take b --at 09:00");
    }
}

TEST_CASE("a reminder names the item, its dose and that day's amount", "[notice]") {
    Item item = daily_item("glycinate-pm", {"21:30"});
    item.name = "Magnesium glycinate";
    item.dose = "2 capsules";
    item.notes = "with water";
    item.amount = Amount{200, "mg", "200 mg"};
    item.schedule.start = LocalDate{date::year{2026} / 11 / 1};
    item.ramp.push_back(RampStep{date::days{14}, Amount{300, "mg", "300 mg"}, {}});
    Item bare = daily_item("bare", {"08:00"});
    bare.name.clear();
    auto regimen = make_regimen("Europe/Berlin", {item, bare});
    const Instant evening = local(*regimen, "2026-11-10 21:30");

    SECTION("name, dose and amount, notes, the local due time, the urgency") {
        auto text =
            reminder_text(*regimen, {DoseKey{"glycinate-pm", evening}, Urgency::Critical}, "");
        CHECK(text.dose == DoseKey{"glycinate-pm", evening});
        CHECK(text.urgency == Urgency::Critical);
        CHECK(text.summary == "Magnesium glycinate");
        CHECK(text.detail == "2 capsules, 200 mg");
        CHECK(text.notes == "with water");
        CHECK(text.due_text == "due 21:30");
        CHECK(text.stock.empty());
    }
    SECTION("the ramp's amount from the step's local day, not the UTC day") {
        // 00:30 in Berlin on day 14 is still the day before in UTC.
        const Instant after_midnight = local(*regimen, "2026-11-15 00:30");
        auto text = reminder_text(*regimen, {DoseKey{"glycinate-pm", after_midnight}}, "");
        CHECK(text.detail == "2 capsules, 300 mg");
        CHECK(text.due_text == "due 00:30");
        auto day_before = reminder_text(*regimen, {DoseKey{"glycinate-pm", evening}}, "");
        CHECK(day_before.detail == "2 capsules, 200 mg");
    }
    SECTION("the caller's stock line is carried as given") {
        auto text = reminder_text(*regimen, {DoseKey{"glycinate-pm", evening}}, "4 capsules left");
        CHECK(text.stock == "4 capsules left");
    }
    SECTION("an unnamed item by its id, with no empty detail parts") {
        auto text = reminder_text(*regimen, {DoseKey{"bare", evening}}, "");
        CHECK(text.summary == "bare");
        CHECK(text.detail.empty());
        CHECK(text.due_text == "due 21:30");
    }
    SECTION("an item the regimen no longer has: its id alone") {
        auto text = reminder_text(*regimen, {DoseKey{"gone", evening}}, "ignored");
        CHECK(text.summary == "gone");
        CHECK(text.detail.empty());
        CHECK(text.due_text.empty());
        CHECK(text.stock.empty());
    }
}
