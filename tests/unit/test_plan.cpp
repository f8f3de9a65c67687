// The planner with regimens built in C++, independent of the parser: every schedule form,
// bedtime across midnight, daylight saving in three zones (incl. a 30-minute shift), ramps,
// inclusive start/end, local-date windows and the search for the next dose.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/plan.hpp"
#include "host/zoneinfo.hpp"
#include "time_helpers.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

TimeOfDay clock_time(const std::string& text) {
    TimeOfDay time;
    time.offset = *parse_clock_time(text);
    time.text = text;
    return time;
}

TimeOfDay from_bedtime(Seconds offset) {
    TimeOfDay time;
    time.base = TimeOfDay::Base::Bedtime;
    time.offset = offset;
    time.text = "relative to bedtime";
    return time;
}

Amount milligram_amount(double value) {
    return Amount{value, "mg", std::to_string(static_cast<int>(value)) + " mg"};
}

// Builds regimens the way the parser would leave them, one item at a time.
struct RegimenBuilder {
    Regimen regimen;

    explicit RegimenBuilder(const std::string& zone_name) {
        regimen.file = "test.yaml";
        regimen.timezone_name = zone_name;
        regimen.zone = regimend::locate_zone(zone_name);
        // add() hands out references that tests keep while adding more items.
        regimen.items.reserve(1024);
    }

    Item& add(const std::string& id, std::vector<TimeOfDay> times,
              Frequency frequency = Frequency::Daily) {
        Item item;
        item.id = id;
        item.name = id;
        item.schedule.frequency = frequency;
        item.schedule.times = std::move(times);
        regimen.items.push_back(std::move(item));
        return regimen.items.back();
    }
};

std::uint8_t weekdays(std::initializer_list<date::weekday> days) {
    std::uint8_t mask = 0;
    for (auto day : days) {
        mask |= static_cast<std::uint8_t>(1U << day.c_encoding());
    }
    return mask;
}

std::vector<Instant> instants(const std::vector<PlannedDose>& doses) {
    std::vector<Instant> result;
    for (const auto& dose : doses) {
        result.push_back(dose.planned);
    }
    return result;
}

std::vector<std::string> local_texts(const Regimen& regimen,
                                     const std::vector<PlannedDose>& doses) {
    std::vector<std::string> result;
    for (const auto& dose : doses) {
        result.push_back(format_rfc3339(*regimen.zone, dose.planned));
    }
    return result;
}

}  // namespace

TEST_CASE("wall-clock schedules", "[plan]") {
    RegimenBuilder builder("Europe/Berlin");

    SECTION("an `at` list plans every time of every day, in time order") {
        builder.add("twice", {clock_time("20:00"), clock_time("08:00")});
        auto doses = plan(builder.regimen, utc(2026, 1, 5, 0), utc(2026, 1, 7, 0));
        CHECK(instants(doses) == std::vector<Instant>{utc(2026, 1, 5, 7), utc(2026, 1, 5, 19),
                                                      utc(2026, 1, 6, 7), utc(2026, 1, 6, 19)});
        CHECK(doses.front().item_id == "twice");
    }

    SECTION("HH:MM:SS keeps its seconds") {
        builder.add("precise", {clock_time("08:15:30")});
        auto doses = plan(builder.regimen, utc(2026, 1, 5, 0), utc(2026, 1, 6, 0));
        REQUIRE(doses.size() == 1);
        CHECK(doses[0].planned == utc(2026, 1, 5, 7, 15) + 30s);
    }

    SECTION("`days` limits a daily item to those weekdays") {
        auto& item = builder.add("mwf", {clock_time("08:00")});
        item.schedule.weekdays = weekdays({date::Monday, date::Wednesday, date::Friday});
        // 2026-01-05 is a Monday.
        auto doses = plan_days(builder.regimen, ymd(2026, 1, 5), 7);
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-01-05T08:00:00+01:00", "2026-01-07T08:00:00+01:00",
                                       "2026-01-09T08:00:00+01:00"});
    }

    SECTION("every week on its days") {
        auto& item = builder.add("bath", {clock_time("20:00")}, Frequency::Weekly);
        item.schedule.weekdays = weekdays({date::Sunday});
        auto doses = plan_days(builder.regimen, ymd(2026, 1, 1), 31);
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-01-04T20:00:00+01:00", "2026-01-11T20:00:00+01:00",
                                       "2026-01-18T20:00:00+01:00", "2026-01-25T20:00:00+01:00"});
    }

    SECTION("every N days counts from start, also when the window starts later") {
        auto& item = builder.add("third", {clock_time("09:00")}, Frequency::EveryNDays);
        item.schedule.interval = 3;
        item.schedule.start = ymd(2026, 1, 1);
        auto from_start = plan_days(builder.regimen, ymd(2025, 12, 25), 14);
        CHECK(local_texts(builder.regimen, from_start) ==
              std::vector<std::string>{"2026-01-01T09:00:00+01:00", "2026-01-04T09:00:00+01:00",
                                       "2026-01-07T09:00:00+01:00"});
        auto later = plan_days(builder.regimen, ymd(2026, 3, 1), 7);  // day 59 = 3 * 19 + 2
        CHECK(local_texts(builder.regimen, later) ==
              std::vector<std::string>{"2026-03-02T09:00:00+01:00", "2026-03-05T09:00:00+01:00"});
    }

    SECTION("start and end are inclusive local dates") {
        auto& item = builder.add("course", {clock_time("00:00"), clock_time("23:59")});
        item.schedule.start = ymd(2026, 1, 10);
        item.schedule.end = ymd(2026, 1, 12);
        auto doses = plan(builder.regimen, utc(2026, 1, 1, 0), utc(2026, 2, 1, 0));
        REQUIRE(doses.size() == 6);
        CHECK(format_rfc3339(*builder.regimen.zone, doses.front().planned) ==
              "2026-01-10T00:00:00+01:00");
        CHECK(format_rfc3339(*builder.regimen.zone, doses.back().planned) ==
              "2026-01-12T23:59:00+01:00");
    }

    SECTION("the window is half-open: from included, to excluded") {
        builder.add("morning", {clock_time("08:00")});
        CHECK(plan(builder.regimen, utc(2026, 1, 5, 7), utc(2026, 1, 5, 7) + 1s).size() == 1);
        CHECK(plan(builder.regimen, utc(2026, 1, 5, 6), utc(2026, 1, 5, 7)).empty());
        CHECK(plan(builder.regimen, utc(2026, 1, 5, 8), utc(2026, 1, 5, 6)).empty());
    }

    SECTION("an unbounded window plans a bounded item exactly, without overflow") {
        auto& item = builder.add("course", {clock_time("08:00")});
        item.schedule.start = ymd(2026, 1, 10);
        item.schedule.end = ymd(2026, 2, 8);
        CHECK(plan(builder.regimen, Instant::min(), Instant::max()).size() == 30);
        auto next = next_planned(builder.regimen, utc(2000, 1, 1, 0), Seconds::max());
        REQUIRE(next);
        CHECK(next->planned == utc(2026, 1, 10, 7));
        CHECK_FALSE(next_planned(builder.regimen, Instant::max(), Seconds::max()));
    }

    SECTION("ties go by item order in the file; as-needed items are never planned") {
        builder.add("second-in-time", {clock_time("09:00")});
        builder.add("b", {clock_time("08:00")});
        builder.add("a", {clock_time("08:00")});
        auto& topical = builder.add("topical", {});
        topical.as_needed = true;
        auto doses = plan_days(builder.regimen, ymd(2026, 1, 5), 1);
        REQUIRE(doses.size() == 3);
        CHECK(doses[0].item_id == "b");
        CHECK(doses[1].item_id == "a");
        CHECK(doses[2].item_id == "second-in-time");
        CHECK(plan_item(builder.regimen, topical, utc(2026, 1, 1, 0), utc(2027, 1, 1, 0)).empty());
    }
}

TEST_CASE("bedtime-relative times", "[plan]") {
    RegimenBuilder builder("Europe/Berlin");

    SECTION("an hour before a 22:30 bedtime is 21:30 the same day") {
        builder.regimen.bedtime = 22h + 30min;
        builder.add("glycinate", {from_bedtime(-1h)});
        auto doses = plan_days(builder.regimen, ymd(2026, 1, 5), 1);
        REQUIRE(doses.size() == 1);
        CHECK(format_rfc3339(*builder.regimen.zone, doses[0].planned) ==
              "2026-01-05T21:30:00+01:00");
    }

    SECTION("after a 23:30 bedtime crosses midnight; start, end and days filter the run day") {
        builder.regimen.bedtime = 23h + 30min;
        auto& item = builder.add("late", {from_bedtime(1h)});
        item.schedule.start = ymd(2026, 1, 10);
        item.schedule.end = ymd(2026, 1, 12);
        auto doses = plan(builder.regimen, utc(2026, 1, 1, 0), utc(2026, 2, 1, 0));
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-01-11T00:30:00+01:00", "2026-01-12T00:30:00+01:00",
                                       "2026-01-13T00:30:00+01:00"});

        item.schedule.weekdays = weekdays({date::Sunday});  // 2026-01-11 is a Sunday
        doses = plan(builder.regimen, utc(2026, 1, 1, 0), utc(2026, 2, 1, 0));
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-01-12T00:30:00+01:00"});
    }

    SECTION("before a 00:30 bedtime falls on the previous date") {
        builder.regimen.bedtime = 30min;
        auto& item = builder.add("early", {from_bedtime(-1h)});
        item.schedule.start = ymd(2026, 1, 10);
        item.schedule.end = ymd(2026, 1, 11);
        auto doses = plan(builder.regimen, utc(2026, 1, 1, 0), utc(2026, 2, 1, 0));
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-01-09T23:30:00+01:00", "2026-01-10T23:30:00+01:00"});
    }

    SECTION("a window between the dose's date and the run day still finds it") {
        builder.regimen.bedtime = 23h + 30min;
        builder.add("late", {from_bedtime(1h)});
        auto doses = plan_days(builder.regimen, ymd(2026, 1, 13), 1);
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-01-13T00:30:00+01:00"});
    }

    SECTION("without a bedtime nothing is planned for a bedtime-relative time") {
        builder.add("late", {from_bedtime(1h)});
        CHECK(plan_days(builder.regimen, ymd(2026, 1, 13), 3).empty());
    }
}

TEST_CASE("every N hours counts elapsed time", "[plan]") {
    RegimenBuilder builder("Europe/Berlin");
    auto& item = builder.add("antibiotic", {clock_time("08:00")}, Frequency::EveryNHours);
    item.schedule.interval = 8;
    item.schedule.start = ymd(2026, 3, 28);

    SECTION("across the spring change the wall-clock times shift by an hour") {
        auto doses = plan(builder.regimen, utc(2026, 3, 27, 0), utc(2026, 3, 29, 16));
        CHECK(instants(doses) == std::vector<Instant>{utc(2026, 3, 28, 7), utc(2026, 3, 28, 15),
                                                      utc(2026, 3, 28, 23), utc(2026, 3, 29, 7),
                                                      utc(2026, 3, 29, 15)});
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-03-28T08:00:00+01:00", "2026-03-28T16:00:00+01:00",
                                       "2026-03-29T00:00:00+01:00", "2026-03-29T09:00:00+02:00",
                                       "2026-03-29T17:00:00+02:00"});
    }

    SECTION("a window far from start begins at the first dose at or after from") {
        // 2026-03-28T07:00Z + 3 * 100 * 8h = 2026-04-07T07:00Z.
        auto doses = plan(builder.regimen, utc(2026, 4, 7, 7) - 1s, utc(2026, 4, 8, 0));
        CHECK(instants(doses) ==
              std::vector<Instant>{utc(2026, 4, 7, 7), utc(2026, 4, 7, 15), utc(2026, 4, 7, 23)});
        auto exact = plan(builder.regimen, utc(2026, 4, 7, 7), utc(2026, 4, 7, 8));
        CHECK(instants(exact) == std::vector<Instant>{utc(2026, 4, 7, 7)});
    }

    SECTION("end stops it after the last dose on its local date") {
        item.schedule.end = ymd(2026, 3, 29);
        auto doses = plan(builder.regimen, utc(2026, 3, 1, 0), utc(2026, 5, 1, 0));
        REQUIRE(doses.size() == 5);  // 08:00, 16:00; 00:00, 09:00, 17:00
        CHECK(format_rfc3339(*builder.regimen.zone, doses.back().planned) ==
              "2026-03-29T17:00:00+02:00");
    }
}

namespace {

// A regimen in `zone` with two daily items: "gap" at a time the spring change skips and
// "overlap" at one the autumn change repeats.
Regimen gap_and_overlap(const std::string& zone, const std::string& gap_time,
                        const std::string& overlap_time) {
    RegimenBuilder builder(zone);
    builder.add("gap", {clock_time(gap_time)});
    builder.add("overlap", {clock_time(overlap_time)});
    return builder.regimen;
}

// The doses of `day`, which must be one of each item of gap_and_overlap().
std::vector<PlannedDose> two_doses(const Regimen& regimen, LocalDate day) {
    auto doses = plan_days(regimen, day, 1);
    REQUIRE(doses.size() == 2);
    return doses;
}

}  // namespace

TEST_CASE("daylight saving gaps and overlaps", "[plan]") {
    SECTION("Europe/Berlin: 02:30 on the spring day is 03:00 local") {
        RegimenBuilder builder("Europe/Berlin");
        builder.add("night", {clock_time("02:30")});
        auto doses = plan_days(builder.regimen, ymd(2026, 3, 28), 3);
        CHECK(instants(doses) == std::vector<Instant>{utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1),
                                                      utc(2026, 3, 30, 0, 30)});
        CHECK(format_rfc3339(*builder.regimen.zone, doses[1].planned) ==
              "2026-03-29T03:00:00+02:00");
    }

    SECTION("Europe/Berlin: 02:30 on the autumn day fires once, at the first occurrence") {
        RegimenBuilder builder("Europe/Berlin");
        builder.add("night", {clock_time("02:30")});
        auto doses = plan_days(builder.regimen, ymd(2026, 10, 25), 1);
        CHECK(instants(doses) == std::vector<Instant>{utc(2026, 10, 25, 0, 30)});
    }

    SECTION("two times inside one gap are one dose") {
        RegimenBuilder builder("Europe/Berlin");
        builder.add("night", {clock_time("02:10"), clock_time("02:50")});
        CHECK(instants(plan_days(builder.regimen, ymd(2026, 3, 29), 1)) ==
              std::vector<Instant>{utc(2026, 3, 29, 1)});
        CHECK(plan_days(builder.regimen, ymd(2026, 3, 30), 1).size() == 2);
    }

    SECTION("America/New_York") {
        const Regimen regimen = gap_and_overlap("America/New_York", "02:30", "01:30");
        auto spring = two_doses(regimen, ymd(2026, 3, 8));
        CHECK(spring[0].item_id == "overlap");
        CHECK(spring[0].planned == utc(2026, 3, 8, 6, 30));  // 01:30 EST
        CHECK(spring[1].planned == utc(2026, 3, 8, 7));      // 03:00 EDT
        CHECK(format_rfc3339(*regimen.zone, spring[1].planned) == "2026-03-08T03:00:00-04:00");
        auto autumn = two_doses(regimen, ymd(2026, 11, 1));
        CHECK(autumn[0].planned == utc(2026, 11, 1, 5, 30));  // 01:30 EDT, the first one
        CHECK(autumn[1].planned == utc(2026, 11, 1, 7, 30));  // 02:30 EST
    }

    SECTION("Australia/Lord_Howe shifts by 30 minutes") {
        const Regimen regimen = gap_and_overlap("Australia/Lord_Howe", "02:15", "01:45");
        auto spring = two_doses(regimen, ymd(2026, 10, 4));
        CHECK(format_rfc3339(*regimen.zone, spring[0].planned) == "2026-10-04T01:45:00+10:30");
        CHECK(format_rfc3339(*regimen.zone, spring[1].planned) == "2026-10-04T02:30:00+11:00");
        CHECK(spring[1].planned == utc(2026, 10, 3, 15, 30));
        auto autumn = two_doses(regimen, ymd(2026, 4, 5));
        CHECK(autumn[0].item_id == "overlap");
        CHECK(autumn[0].planned == utc(2026, 4, 4, 14, 45));  // 01:45 +11:00, the first one
        CHECK(format_rfc3339(*regimen.zone, autumn[0].planned) == "2026-04-05T01:45:00+11:00");
    }
}

TEST_CASE("ramp amounts", "[plan]") {
    RegimenBuilder builder("Europe/Berlin");
    builder.regimen.bedtime = 22h + 30min;
    auto& item = builder.add("glycinate-pm", {from_bedtime(-1h)});
    item.amount = milligram_amount(200);
    item.schedule.start = ymd(2026, 11, 1);
    item.ramp = {RampStep{date::days{14}, milligram_amount(300), {}},
                 RampStep{date::days{28}, milligram_amount(400), {}}};

    auto amount_on_day = [&](int day_index) {
        auto day = LocalDate{date::sys_days{ymd(2026, 11, 1)} + date::days{day_index}};
        auto doses = plan_days(builder.regimen, day, 1);
        REQUIRE(doses.size() == 1);
        REQUIRE(doses[0].amount);
        return doses[0].amount->value;
    };
    CHECK(amount_on_day(0) == 200);
    CHECK(amount_on_day(13) == 200);
    CHECK(amount_on_day(14) == 300);
    CHECK(amount_on_day(27) == 300);
    CHECK(amount_on_day(28) == 400);
    CHECK(amount_on_day(400) == 400);
    CHECK(plan_days(builder.regimen, ymd(2026, 10, 31), 1).empty());
}

TEST_CASE("a year of the example regimen", "[plan]") {
    RegimenBuilder builder("Europe/Berlin");
    builder.regimen.bedtime = 22h + 30min;
    auto& threonate = builder.add("threonate-am", {clock_time("08:00")});
    threonate.amount = milligram_amount(144);
    auto& glycinate = builder.add("glycinate-pm", {from_bedtime(-1h)});
    glycinate.amount = milligram_amount(200);
    glycinate.schedule.start = ymd(2026, 11, 1);
    glycinate.schedule.end = ymd(2027, 6, 30);
    auto& bath = builder.add("epsom-bath", {clock_time("20:00")}, Frequency::Weekly);
    bath.schedule.weekdays = weekdays({date::Sunday});
    builder.add("topical", {}).as_needed = true;

    auto doses = plan_days(builder.regimen, ymd(2027, 1, 1), 365);
    // 365 mornings + glycinate January..June (31+28+31+30+31+30 = 181) + 52 Sundays
    // (2027 starts on a Friday and has 365 days, so 52 of each weekday but Friday).
    std::map<std::string, int> per_item;
    for (const auto& dose : doses) {
        ++per_item[dose.item_id];
    }
    CHECK(per_item["threonate-am"] == 365);
    CHECK(per_item["glycinate-pm"] == 181);
    CHECK(per_item["epsom-bath"] == 52);
    CHECK(per_item.count("topical") == 0);
    CHECK(doses.size() == 598);
    CHECK(std::is_sorted(doses.begin(), doses.end(),
                         [](const auto& a, const auto& b) { return a.planned < b.planned; }));
    CHECK(format_rfc3339(*builder.regimen.zone, doses.back().planned) ==
          "2027-12-31T08:00:00+01:00");
}

TEST_CASE("plan_days takes whole local dates", "[plan]") {
    RegimenBuilder builder("Europe/Berlin");
    builder.add("edges", {clock_time("00:30"), clock_time("23:30")});

    SECTION("a local date, not a UTC one") {
        auto doses = plan_days(builder.regimen, ymd(2026, 7, 1), 1);
        CHECK(local_texts(builder.regimen, doses) ==
              std::vector<std::string>{"2026-07-01T00:30:00+02:00", "2026-07-01T23:30:00+02:00"});
        CHECK(doses[0].planned == utc(2026, 6, 30, 22, 30));
    }

    SECTION("the 23-hour spring day and the 25-hour autumn day") {
        CHECK(plan_days(builder.regimen, ymd(2026, 3, 29), 1).size() == 2);
        CHECK(plan_days(builder.regimen, ymd(2026, 10, 25), 1).size() == 2);
        CHECK(plan_days(builder.regimen, ymd(2026, 3, 28), 3).size() == 6);
    }

    SECTION("no days, no doses") {
        CHECK(plan_days(builder.regimen, ymd(2026, 7, 1), 0).empty());
        CHECK(plan_days(builder.regimen, ymd(2026, 7, 1), -3).empty());
    }
}

TEST_CASE("next_planned", "[plan]") {
    RegimenBuilder builder("Europe/Berlin");
    auto& morning = builder.add("morning", {clock_time("08:00")});

    SECTION("the next dose, inclusive of from") {
        auto next = next_planned(builder.regimen, utc(2026, 1, 5, 7, 1));
        REQUIRE(next);
        CHECK(next->planned == utc(2026, 1, 6, 7));
        auto same = next_planned(builder.regimen, utc(2026, 1, 6, 7));
        REQUIRE(same);
        CHECK(same->planned == utc(2026, 1, 6, 7));
    }

    SECTION("far ahead, within the horizon only") {
        morning.schedule.start = ymd(2026, 9, 1);
        auto next = next_planned(builder.regimen, utc(2026, 1, 5, 0));
        REQUIRE(next);
        CHECK(next->planned == utc(2026, 9, 1, 6));
        CHECK_FALSE(next_planned(builder.regimen, utc(2026, 1, 5, 0), Seconds{30 * 86400}));
    }

    SECTION("nothing after the end or for as-needed items") {
        morning.schedule.end = ymd(2026, 1, 5);
        CHECK_FALSE(next_planned(builder.regimen, utc(2026, 1, 5, 8)));
        morning.as_needed = true;
        CHECK_FALSE(next_planned(builder.regimen, utc(2026, 1, 1, 0)));
    }
}

TEST_CASE("plan of 1,000 items over a year", "[.bench]") {
    RegimenBuilder builder("Europe/Berlin");
    builder.regimen.bedtime = 22h + 30min;
    for (int index = 0; index < 1000; ++index) {
        std::string id = "item-" + std::to_string(index);
        switch (index % 5) {
            case 0:
                builder.add(id, {clock_time("08:00"), clock_time("20:00")});
                break;
            case 1:
                builder.add(id, {from_bedtime(-1h)}).amount = milligram_amount(200);
                break;
            case 2: {
                auto& item = builder.add(id, {clock_time("19:00")}, Frequency::Weekly);
                item.schedule.weekdays = weekdays({date::Sunday, date::Wednesday});
                break;
            }
            case 3: {
                auto& item = builder.add(id, {clock_time("09:00")}, Frequency::EveryNDays);
                item.schedule.interval = 3;
                item.schedule.start = ymd(2026, 1, 1);
                break;
            }
            default: {
                auto& item = builder.add(id, {clock_time("06:00")}, Frequency::EveryNHours);
                item.schedule.interval = 8;
                item.schedule.start = ymd(2026, 1, 1);
                break;
            }
        }
    }
    auto started = std::chrono::steady_clock::now();
    auto doses = plan_days(builder.regimen, ymd(2026, 1, 1), 365);
    auto elapsed = std::chrono::steady_clock::now() - started;
    WARN("plan of 1,000 items over 365 days: "
         << doses.size() << " doses in "
         << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms");
    CHECK(doses.size() > 365 * 1000);

    started = std::chrono::steady_clock::now();
    auto next = next_planned(builder.regimen, utc(2026, 6, 1, 12));
    elapsed = std::chrono::steady_clock::now() - started;
    WARN("next_planned of 1,000 items: "
         << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() << " us");
    CHECK(next);
}
