#include <catch2/catch.hpp>

#include "core/report.hpp"
#include "event_fixtures.hpp"
#include "host/zoneinfo.hpp"
#include "time_helpers.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace date::literals;
using namespace std::chrono_literals;

namespace {

const regimend::TimeZone* berlin() {
    return regimend::locate_zone("Europe/Berlin");
}

Item named_item(const std::string& id) {
    Item item;
    item.id = id;
    item.name = id;
    return item;
}

Item daily_item(const std::string& id, std::chrono::seconds at) {
    Item item = named_item(id);
    item.schedule.times.push_back({TimeOfDay::Base::Midnight, at, "", {}});
    return item;
}

Item as_needed_item(const std::string& id, int max_per_day) {
    Item item = named_item(id);
    item.as_needed = true;
    item.max_per_day = max_per_day;
    return item;
}

Regimen regimen_with(std::vector<Item> items) {
    Regimen regimen;
    regimen.file = "regimen.yaml";
    regimen.zone = berlin();
    regimen.symptoms = {"migraine"};
    regimen.items = std::move(items);
    return regimen;
}

HistoryEvent logged(const std::string& item, Instant at) {
    return entry(item, EventKind::AsNeeded, at);
}

HistoryEvent symptom(const std::string& kind, int severity, Instant at) {
    return entry(kind, EventKind::Symptom, at, severity);
}

// A regimen of one item, "am", taken daily at 08:00 from `start`.
Regimen daily_from(LocalDate start) {
    auto item = daily_item("am", 8h);
    item.schedule.start = start;
    return regimen_with({item});
}

// A report's input for the `days` local days in Berlin that end at `now`.
ReportInput window_of(Instant now, int days) {
    ReportInput input;
    input.window = last_days(*berlin(), now, days);
    return input;
}

// 08:00 in Berlin in November is 07:00 UTC.
Instant morning(date::year_month_day day) {
    return utc(day, 7h);
}

}  // namespace

TEST_CASE("report counts adherence from the plan and the history", "[report]") {
    auto regimen = regimen_with({daily_item("am", 8h)});
    const Instant now = utc(2026_y / 11 / 10, 12h);
    ReportInput input = window_of(now, 10);
    REQUIRE(input.window.from == utc(2026_y / 10 / 31, 23h));  // Nov 1, 00:00 in Berlin
    input.tracking_since = utc(2026_y / 11 / 1, 6h);

    SECTION("taken, skipped, recorded missed and untracked days; a late taking wins") {
        for (unsigned day = 1; day <= 6; ++day) {
            auto planned = morning(2026_y / 11 / date::day{day});
            input.events.push_back(stored("am", EventKind::Due, planned, planned));
            input.events.push_back(
                stored("am", EventKind::Taken, planned, planned + (day == 6 ? 30min : 10min)));
        }
        input.events.push_back(
            stored("am", EventKind::Skipped, morning(2026_y / 11 / 7), morning(2026_y / 11 / 7)));
        input.events.push_back(stored("am", EventKind::Missed, morning(2026_y / 11 / 8),
                                      morning(2026_y / 11 / 8) + 3h));
        // Nov 9: nothing recorded at all (the daemon was not running) counts as missed.
        input.events.push_back(stored("am", EventKind::Missed, morning(2026_y / 11 / 10),
                                      morning(2026_y / 11 / 10) + 3h));
        input.events.push_back(stored("am", EventKind::Taken, morning(2026_y / 11 / 10),
                                      morning(2026_y / 11 / 10) + 4h));

        auto report = build_report(regimen, input, 10);
        REQUIRE(report.items.size() == 1);
        const auto& am = report.items.front();
        CHECK(am.planned == 10);
        CHECK(am.taken == 7);
        CHECK(am.skipped == 1);
        CHECK(am.missed == 2);
        CHECK(am.pending == 0);
        REQUIRE(am.adherence);
        CHECK(*am.adherence == Approx(0.7));
        REQUIRE(am.late_median);
        CHECK(*am.late_median == Approx(10.0));

        REQUIRE(report.days.size() == 10);
        CHECK(report.days[0].adherence() == DayAdherence::AllTaken);
        CHECK(report.days[6].adherence() == DayAdherence::NoneTaken);  // skipped
        CHECK(report.days[8].adherence() == DayAdherence::NoneTaken);  // untracked
        CHECK(report.days[9].adherence() == DayAdherence::AllTaken);   // late
    }

    SECTION("doses before tracking started are not counted: a fresh install is not all missed") {
        input.tracking_since = utc(2026_y / 11 / 8, 6h + 30min);
        auto report = build_report(regimen, input, 10);
        CHECK(report.items.front().planned == 3);
        CHECK(report.items.front().missed == 3);
        CHECK(report.counted_from == input.tracking_since);
        CHECK(report.days[0].adherence() == DayAdherence::NothingPlanned);
    }

    SECTION("an unanswered dose still inside missed_after is pending, not missed") {
        input.window.to = morning(2026_y / 11 / 10) + 1h;
        auto report = build_report(regimen, input, 10);
        CHECK(report.items.front().pending == 1);
        CHECK(report.items.front().planned == 9);
    }

    SECTION("two entries for one planned dose half-way in a window with two items") {
        auto two = regimen_with({daily_item("am", 8h), daily_item("pm", 21h)});
        auto planned = morning(2026_y / 11 / 3);
        input.events.push_back(stored("am", EventKind::Taken, planned, planned));
        auto report = build_report(two, input, 10);
        REQUIRE(report.items.size() == 2);
        CHECK(report.items[0].taken == 1);
        CHECK(report.items[1].taken == 0);
        CHECK(report.days[2].adherence() == DayAdherence::SomeTaken);
    }
}

TEST_CASE("report compares symptoms with the period before the regimen started", "[report]") {
    auto regimen = daily_from(2026_y / 11 / 1);
    ReportInput input = window_of(utc(2026_y / 11 / 10, 12h), 10);

    auto before = before_span(regimen, std::nullopt, 10);
    REQUIRE(before);
    CHECK(before->from == utc(2026_y / 10 / 21, 22h));  // Oct 22, 00:00 CEST
    CHECK(before->to == utc(2026_y / 10 / 31, 23h));    // Nov 1, 00:00 CET

    input.before_events = {symptom("migraine", 6, utc(2026_y / 10 / 23, 10h)),
                           symptom("migraine", 8, utc(2026_y / 10 / 23, 18h)),
                           symptom("migraine", 4, utc(2026_y / 10 / 30, 10h)),
                           symptom("migraine", 9, utc(2026_y / 10 / 20, 10h))};  // too early
    input.events = {symptom("migraine", 5, utc(2026_y / 11 / 3, 10h)),
                    symptom("migraine", 3, utc(2026_y / 11 / 4, 10h)),
                    symptom("sleep", 2, utc(2026_y / 11 / 4, 6h))};

    auto report = build_report(regimen, input, 10);
    REQUIRE(report.symptoms.size() == 2);
    const auto& migraine = report.symptoms[0];
    CHECK(migraine.kind == "migraine");
    CHECK(migraine.during.days == 2);
    REQUIRE(migraine.during.mean_severity);
    CHECK(*migraine.during.mean_severity == Approx(4.0));
    CHECK(migraine.before.days == 2);
    CHECK(migraine.before.entries == 3);
    REQUIRE(migraine.before.mean_severity);
    CHECK(*migraine.before.mean_severity == Approx(6.0));
    CHECK(report.symptoms[1].kind == "sleep");  // not in the regimen, still shown
    CHECK_FALSE(report.symptoms[1].before.mean_severity);
    CHECK(report.days[2].symptom);
    CHECK_FALSE(report.days[1].symptom);

    SECTION("without any `start`, the regimen starts on the day of the first dose") {
        auto no_start = regimen_with({daily_item("am", 8h)});
        auto start = regimen_start(no_start, utc(2026_y / 10 / 5, 23h + 30min));
        CHECK(start == 2026_y / 10 / 6);  // 01:30 in Berlin
        CHECK_FALSE(before_span(no_start, std::nullopt, 10));
        auto report_without = build_report(no_start, input, 10);
        CHECK_FALSE(report_without.symptoms[0].before.span);
        CHECK(report_without.symptoms[0].before.days == 0);
    }
}

TEST_CASE("report's before and after never overlap", "[report]") {
    // Started on Nov 5; a 10-day report on Nov 10 would reach back to Nov 1, inside
    // "before" (Oct 26 to Nov 4): an entry on Nov 3 must count only before.
    auto regimen = daily_from(2026_y / 11 / 5);
    ReportInput input = window_of(utc(2026_y / 11 / 10, 12h), 10);
    const auto entry = symptom("migraine", 6, utc(2026_y / 11 / 3, 10h));
    input.events = {entry, symptom("migraine", 2, utc(2026_y / 11 / 6, 10h))};
    input.before_events = {entry};
    auto report = build_report(regimen, input, 10);
    const auto& migraine = report.symptoms[0];
    CHECK(migraine.before.days == 1);
    CHECK(migraine.during.days == 1);
    REQUIRE(migraine.during.span);
    CHECK(migraine.during.span->from == utc(2026_y / 11 / 4, 23h));  // Nov 5, 00:00 CET
    CHECK(migraine.during.span->from == migraine.before.span->to);
    REQUIRE(migraine.during.mean_severity);
    CHECK(*migraine.during.mean_severity == Approx(2.0));
}

TEST_CASE("report counts acute days per calendar month across the window's edge", "[report]") {
    auto regimen = regimen_with({as_needed_item("topical", 2)});
    ReportInput input = window_of(utc(2026_y / 11 / 5, 12h), 10);  // Oct 27 .. Nov 5
    input.tracking_since = utc(2026_y / 9 / 1);
    CHECK(events_needed_from(regimen, input.window) == utc(2026_y / 9 / 30, 22h));  // Oct 1

    SECTION("days of the month before the window count toward that month") {
        for (unsigned day = 1; day <= 9; ++day) {
            input.events.push_back(logged("topical", utc(2026_y / 10 / date::day{day}, 9h)));
        }
        input.events.push_back(logged("topical", utc(2026_y / 10 / 28, 9h)));
        input.events.push_back(logged("topical", utc(2026_y / 10 / 28, 15h)));
        input.events.push_back(logged("topical", utc(2026_y / 10 / 28, 19h)));  // 3 > max 2
        input.events.push_back(logged("topical", utc(2026_y / 11 / 2, 9h)));
        auto report = build_report(regimen, input, 10);
        REQUIRE(report.overuse.size() == 1);
        CHECK(report.overuse[0].month == 2026_y / date::October);
        CHECK(report.overuse[0].acute_days == 10);
        CHECK(report.acute_days == 2);  // in the window
        REQUIRE(report.as_needed.size() == 1);
        CHECK(report.as_needed[0].uses == 4);
        CHECK(report.as_needed[0].days_over_max == 1);
        CHECK(report.as_needed[0].uses_per_week == Approx(4 * 7.0 / (9.5 + 1.0 / 24)));
        auto note = overuse_note(report.overuse[0]);
        CHECK(note.starts_with("for information:"));
        CHECK(note.find("October 2026") != std::string::npos);
        CHECK(note.find("clinician") != std::string::npos);
    }

    SECTION("uses logged before tracking began count from the first of them") {
        // A fresh daemon (tracking since today, Nov 5) and a paper diary copied in: three
        // uses over the last 10 days are not 21 a week.
        input.tracking_since = utc(2026_y / 11 / 5, 8h);
        for (unsigned day : {28u, 31u}) {
            input.events.push_back(logged("topical", utc(2026_y / 10 / date::day{day}, 9h)));
        }
        input.events.push_back(logged("topical", utc(2026_y / 11 / 5, 9h)));
        auto report = build_report(regimen, input, 10);
        const double days =
            (utc(2026_y / 11 / 5, 12h) - utc(2026_y / 10 / 28, 9h)).count() / 86400.0;
        CHECK(report.as_needed[0].uses_per_week == Approx(3 * 7.0 / days));
        CHECK(report.as_needed[0].uses_per_week < 3.0);
    }

    SECTION("twelve days spread over two months reach the threshold in neither") {
        for (unsigned day = 25; day <= 31; ++day) {
            input.events.push_back(logged("topical", utc(2026_y / 10 / date::day{day}, 9h)));
        }
        for (unsigned day = 1; day <= 5; ++day) {
            input.events.push_back(logged("topical", utc(2026_y / 11 / date::day{day}, 9h)));
        }
        auto report = build_report(regimen, input, 10);
        CHECK(report.overuse.empty());
        CHECK(report.acute_days == 10);
        CHECK(report.days.front().acute);
    }
}

TEST_CASE("report on an empty history and on a history of symptoms only", "[report]") {
    const Instant now = utc(2026_y / 11 / 10, 12h);

    SECTION("empty: nothing counted, every figure empty, every day drawn") {
        auto regimen = regimen_with({daily_item("am", 8h), as_needed_item("topical", 3)});
        ReportInput input = window_of(now, 30);
        auto report = build_report(regimen, input, 30);
        REQUIRE(report.items.size() == 1);
        CHECK(report.items[0].planned == 0);
        CHECK_FALSE(report.items[0].adherence);
        CHECK_FALSE(report.items[0].late_median);
        CHECK(report.as_needed[0].uses == 0);
        REQUIRE(report.symptoms.size() == 1);
        CHECK(report.symptoms[0].during.days == 0);
        CHECK_FALSE(report.symptoms[0].during.mean_severity);
        CHECK_FALSE(report.counted_from);
        CHECK(report.days.size() == 30);
        CHECK(report.overuse.empty());
    }

    SECTION("symptoms only, in a regimen with nothing scheduled") {
        auto regimen = regimen_with({as_needed_item("topical", 3)});
        ReportInput input = window_of(now, 7);
        input.events = {symptom("migraine", 7, utc(2026_y / 11 / 5, 8h)),
                        symptom("migraine", 0, utc(2026_y / 11 / 6, 8h))};
        input.tracking_since = input.events.front().at;
        auto report = build_report(regimen, input, 7);
        CHECK(report.items.empty());
        REQUIRE(report.symptoms.size() == 1);
        CHECK(report.symptoms[0].during.days == 2);
        CHECK(*report.symptoms[0].during.mean_severity == Approx(3.5));
        CHECK_FALSE(report.regimen_start);
        CHECK(report.days[2].symptom);
        CHECK(report.days[2].adherence() == DayAdherence::NothingPlanned);
    }
}

TEST_CASE("report compares each symptom kind before and after with an interval", "[report]") {
    // Started Nov 1; a 15-day report on Nov 15 before anything is written that day: before
    // is Oct 17..31, its diary from Oct 18 (14 days); after Nov 1..14 (14 days).
    auto regimen = daily_from(2026_y / 11 / 1);
    ReportInput input = window_of(utc(2026_y / 11 / 15, 11h), 15);
    for (unsigned day : {18u, 20u, 22u, 24u, 26u, 28u}) {  // 6 of 14 days: 3.0 a week
        input.before_events.push_back(
            symptom("migraine", 6, utc(2026_y / 10 / date::day{day}, 10h)));
    }
    input.before_events.push_back(symptom("migraine", 9, utc(2026_y / 10 / 28, 16h)));
    input.events = {symptom("migraine", 3, utc(2026_y / 11 / 5, 10h)),  // 2 of 14: 1.0 a week
                    symptom("migraine", 4, utc(2026_y / 11 / 9, 10h))};

    auto report = build_report(regimen, input, 15);
    REQUIRE(report.symptoms.size() == 1);
    CHECK(report.symptoms[0].before.covered_days == 14);
    CHECK(report.symptoms[0].during.covered_days == 14);
    const auto& comparison = report.symptoms[0].comparison;
    const auto& per_week = comparison.days_per_week;
    REQUIRE(per_week.before);
    REQUIRE(per_week.after);
    CHECK(*per_week.before == Approx(3.0));
    CHECK(*per_week.after == Approx(1.0));
    REQUIRE(per_week.estimate);
    CHECK(per_week.estimate->difference == Approx(-2.0));
    CHECK(per_week.estimate->low < -2.0 + 1e-9);
    CHECK(per_week.estimate->high > -2.0 - 1e-9);
    CHECK(per_week.after_days == 14);

    // Two rated days after the start: too few for a severity difference (5 needed).
    const auto& severity = comparison.mean_severity;
    REQUIRE(severity.before);
    CHECK(*severity.before == Approx((6.0 * 6 + 9) / 7));  // over entries, not days
    CHECK(*severity.after == Approx(3.5));
    CHECK(severity.before_rated == 6);
    CHECK(severity.after_rated == 2);
    CHECK_FALSE(severity.estimate);
    CHECK(severity_reading("migraine", severity) ==
          "migraine severity: too early to tell: the diary covers 14 days before the start and "
          "14 days after it, with a rating on 6 and 2 of them; each side needs 5 days with a "
          "rating (3 more after the start)");

    // The series for the chart: 6 days before (the 28th once), 2 after, in date order.
    REQUIRE(report.symptoms[0].series.size() == 8);
    CHECK(report.symptoms[0].series[5].day == 2026_y / 10 / 28);
    CHECK(report.symptoms[0].series[5].entries == 2);
    CHECK(report.symptoms[0].series[6].day == 2026_y / 11 / 5);

    SECTION("the same history gives the same interval, bit for bit") {
        auto again = build_report(regimen, input, 15);
        CHECK(again.symptoms[0].comparison.days_per_week.estimate->low == per_week.estimate->low);
        CHECK(again.symptoms[0].comparison.days_per_week.estimate->high == per_week.estimate->high);
    }

    SECTION("no diary before the start: nothing to compare with, not zero days") {
        input.before_events.clear();
        auto without = build_report(regimen, input, 15);
        const auto& figure = without.symptoms[0].comparison.days_per_week;
        CHECK_FALSE(figure.before);
        CHECK(figure.after);
        CHECK_FALSE(figure.estimate);
        // The diary begins on Nov 5 now: the after side covers Nov 5..14.
        CHECK(days_reading("migraine", figure) ==
              "migraine days: too early to tell: the diary covers 0 days before the start and "
              "10 days after it; each side needs 14 (14 more before the start and 4 more after "
              "it)");
    }

    SECTION("a kind without entries on a side whose diary was kept counts zero days") {
        input.before_events.push_back(symptom("sleep", 5, utc(2026_y / 10 / 20, 6h)));
        auto with_sleep = build_report(regimen, input, 15);
        REQUIRE(with_sleep.symptoms.size() == 2);
        const auto& sleep = with_sleep.symptoms[1].comparison.days_per_week;
        REQUIRE(sleep.before);
        CHECK(*sleep.before == Approx(0.5));
        REQUIRE(sleep.after);
        CHECK(*sleep.after == 0.0);  // the diary was kept after (migraine entries)
        CHECK_FALSE(with_sleep.symptoms[1].comparison.mean_severity.after);
    }
}

namespace {

// A figure from `before` to `after` with 28 covered days on each side, and the estimate of
// its difference with its 95% interval.
ComparedFigure compared(double before, double after, double difference, double low, double high) {
    DifferenceEstimate estimate;
    estimate.before = before;
    estimate.after = after;
    estimate.difference = difference;
    estimate.low = low;
    estimate.high = high;
    ComparedFigure figure;
    figure.before = before;
    figure.after = after;
    figure.estimate = estimate;
    figure.before_covered = 28;
    figure.after_covered = 28;
    return figure;
}

}  // namespace

TEST_CASE("report's readings are worded as information", "[report]") {
    ComparedFigure figure = compared(2.8, 0.9, -1.9, -3.1, -0.6);
    figure.after_days = 28;
    CHECK(days_reading("migraine", figure) ==
          "migraine days: 2.8 \u2192 0.9 a week (difference \u22121.9, 95% interval \u22123.1 to "
          "\u22120.6): fewer days");

    SECTION("an interval holding 0: the data cannot tell yet, and how many weeks might") {
        figure.estimate->difference = -1.0;
        figure.estimate->low = -2.1;
        figure.estimate->high = 0.2;
        figure.estimate->before_error = 0.3;
        figure.estimate->after_error = 0.6;  // 31.2 more days: 5 weeks
        CHECK(days_reading("migraine", figure) ==
              "migraine days: 2.8 \u2192 0.9 a week (difference \u22121.0, 95% interval \u22122.1 "
              "to 0.2): the data cannot tell yet; if the difference stays as it is, about 5 more "
              "weeks of entries would narrow the interval enough to tell");
        // Severity units are rated days: at 3.5 of them a week, 31.2 more take 9 weeks.
        figure.days_a_week = 3.5;
        CHECK(severity_reading("migraine", figure)
                  .ends_with(
                      "about 9 more weeks of entries would narrow the interval enough to tell"));
        figure.days_a_week = 7;
        figure.estimate->before_error = 0.6;
        CHECK(days_reading("migraine", figure).find("would not narrow") != std::string::npos);
        figure.estimate->before_error = 0.01;
        figure.estimate->after_error = 10;  // 28 * 100 / (0.2603 - 0.0001) days: decades
        CHECK(days_reading("migraine", figure).find("only years more entries") !=
              std::string::npos);
    }

    SECTION("severity") {
        figure.before = 6.0;
        figure.after = 4.0;
        figure.estimate->difference = 2.0;
        figure.estimate->low = 0.5;
        figure.estimate->high = 3.24;
        CHECK(severity_reading("sleep", figure) ==
              "sleep severity: 6.0 \u2192 4.0 mean (difference +2.0, 95% interval 0.5 to 3.2): "
              "higher");
    }
}

TEST_CASE("report splits the after period into phases where the plan changes", "[report]") {
    Item ramped = daily_item("glycinate-pm", 21h);
    ramped.amount = Amount{200, "mg", "200 mg"};
    ramped.schedule.start = 2026_y / 11 / 1;
    ramped.ramp = {{date::days{14}, Amount{300, "mg", "300 mg"}, {}},
                   {date::days{28}, Amount{400, "mg", "400 mg"}, {}}};
    Item ended = daily_item("am", 8h);
    ended.schedule.start = 2026_y / 11 / 3;
    ended.schedule.end = 2026_y / 11 / 20;
    auto regimen = regimen_with({ramped, ended});
    ReportInput input;
    // Dec 5 at 23:00 Berlin; 30 days: window Nov 6 .. Dec 5, before Oct 2 .. Oct 31.
    input.window = last_days(*berlin(), utc(2026_y / 12 / 5, 22h), 30);
    input.tracking_since = utc(2026_y / 11 / 1);
    input.events = {symptom("migraine", 7, utc(2026_y / 11 / 7, 10h)),
                    symptom("migraine", 5, utc(2026_y / 11 / 16, 10h)),
                    symptom("migraine", 3, utc(2026_y / 11 / 17, 10h))};
    // Evening doses (20:00 UTC = 21:00 CET): Nov 15..21 taken, the rest unanswered (missed).
    for (unsigned day = 15; day <= 21; ++day) {
        auto planned = utc(2026_y / 11 / date::day{day}, 20h);
        input.events.push_back(stored("glycinate-pm", EventKind::Taken, planned, planned));
    }

    auto changes = plan_changes(regimen, 2026_y / 11 / 1, 2026_y / 12 / 31);
    REQUIRE(changes.size() == 5);
    CHECK(changes[0].first == 2026_y / 11 / 1);
    CHECK(changes[0].second == "glycinate-pm starts at 200 mg");
    CHECK(changes[1].second == "am starts");
    CHECK(changes[3].first == 2026_y / 11 / 21);
    CHECK(changes[3].second == "am ends");

    auto report = build_report(regimen, input, 30);
    REQUIRE(report.phases.size() == 4);
    const auto& phases = report.phases;
    CHECK(phases[0].label == "from 2026-11-06: glycinate-pm at 200 mg");
    CHECK(phases[0].span.from == utc(2026_y / 11 / 5, 23h));
    CHECK(phases[0].last_day == 2026_y / 11 / 14);
    CHECK(phases[1].label == "from 2026-11-15: glycinate-pm goes to 300 mg");
    CHECK(phases[1].span.from == phases[0].span.to);
    CHECK(phases[2].label == "from 2026-11-21: am ends");
    CHECK(phases[3].label == "from 2026-11-29: glycinate-pm goes to 400 mg");
    CHECK(phases[3].span.to == input.window.to);

    // Phase 2 (Nov 15..20): glycinate 6 taken of 6, am 0 of 6.
    CHECK(phases[1].planned == 12);
    CHECK(phases[1].taken == 6);
    CHECK(phases[1].missed == 6);
    REQUIRE(phases[1].adherence);
    CHECK(*phases[1].adherence == Approx(0.5));
    REQUIRE(phases[1].symptoms.size() == 1);
    CHECK(phases[1].symptoms[0].days == 2);
    CHECK(*phases[1].symptoms[0].mean_severity == Approx(4.0));
    CHECK(phases[1].symptoms[0].days_per_week == Approx(2 * 7.0 / 6));
    CHECK(phases[0].symptoms[0].days == 1);
    CHECK(phases[2].taken == 1);  // Nov 21 taken; am has ended
    CHECK(phases[2].planned == 8);
}

namespace {

// A regimen that starts on `start`, with migraine (no direction) and sleep (higher is
// better) in its diary.
Regimen started_on(LocalDate start) {
    auto regimen = daily_from(start);
    regimen.symptoms = {"migraine", "sleep"};
    regimen.symptom_better = {{"sleep", Better::Higher}};
    return regimen;
}

// 10:00 in Berlin (CET) on `day`.
Instant at_ten(LocalDate day) {
    return utc(day, 9h);
}

LocalDate plus_days(LocalDate day, int days) {
    return LocalDate{date::sys_days{day} + date::days{days}};
}

// What `regimenctl report` loads: the window's events and the before span's.
ReportInput loaded(const Regimen& regimen, const std::vector<HistoryEvent>& diary, Instant now,
                   int days) {
    ReportInput input = window_of(now, days);
    input.tracking_since = input.window.from;
    Instant events_from = events_needed_from(regimen, input.window);
    for (const auto& event : diary) {
        if (event.at >= events_from && event.at <= now) {
            input.events.push_back(event);
        }
    }
    if (auto before = before_span(regimen, std::nullopt, days)) {
        for (const auto& event : diary) {
            if (event.at >= before->from && event.at < before->to) {
                input.before_events.push_back(event);
            }
        }
    }
    return input;
}

}  // namespace

TEST_CASE("report gives a difference only once each side covers 14 days", "[report]") {
    // Three weeks of a paper diary copied in (Nov 15 .. Dec 5, migraine every third day),
    // the regimen started Dec 6.
    const LocalDate start = 2026_y / 12 / 6;
    auto regimen = started_on(start);
    std::vector<HistoryEvent> diary;
    for (int day = -21; day < 0; ++day) {
        if (day % 3 == 0) {
            diary.push_back(symptom("migraine", 6, at_ten(plus_days(start, day))));
        }
    }

    SECTION("one entry after the start: too early to tell, with each side's days") {
        diary.push_back(symptom("migraine", 7, at_ten(start)));
        auto report = build_report(regimen, loaded(regimen, diary, utc(start, 19h), 30), 30);
        const auto& migraine = report.symptoms[0];
        CHECK(migraine.before.covered_days == 21);
        CHECK(migraine.during.covered_days == 1);
        const auto& per_week = migraine.comparison.days_per_week;
        CHECK(per_week.too_early());
        CHECK_FALSE(per_week.estimate);
        CHECK_FALSE(migraine.comparison.mean_severity.estimate);
        CHECK(days_reading("migraine", per_week) ==
              "migraine days: too early to tell: the diary covers 21 days before the start and "
              "1 day after it; each side needs 14 (13 more after the start)");
        CHECK(severity_reading("migraine", migraine.comparison.mean_severity)
                  .starts_with("migraine severity: too early to tell: the diary covers 21 days"));
    }

    SECTION("13 covered days after the start are too few, 14 are enough") {
        for (int day = 0; day < 14; ++day) {
            if (day % 2 == 0) {
                diary.push_back(symptom("migraine", 4, at_ten(plus_days(start, day))));
            }
        }
        // Day 13 has no entry: on it, before it ends, 13 days are covered.
        auto thirteen =
            build_report(regimen, loaded(regimen, diary, utc(plus_days(start, 13), 19h), 30), 30);
        CHECK(thirteen.symptoms[0].during.covered_days == 13);
        CHECK_FALSE(thirteen.symptoms[0].comparison.days_per_week.estimate);
        // The next morning day 13 has ended: 14 days.
        auto fourteen =
            build_report(regimen, loaded(regimen, diary, utc(plus_days(start, 14), 6h), 30), 30);
        CHECK(fourteen.symptoms[0].during.covered_days == 14);
        const auto& per_week = fourteen.symptoms[0].comparison.days_per_week;
        REQUIRE(per_week.estimate);
        CHECK(*per_week.after == Approx(7 * 7.0 / 14));
        // Severity: 7 rated days each side, enough.
        CHECK(fourteen.symptoms[0].comparison.mean_severity.estimate);
    }

    SECTION("severity needs 5 days with a rating on each side") {
        for (int day : {1, 5, 9, 12}) {  // 4 rated days after the start
            diary.push_back(symptom("migraine", 4, at_ten(plus_days(start, day))));
        }
        auto now = utc(plus_days(start, 14), 6h);
        auto four = build_report(regimen, loaded(regimen, diary, now, 30), 30);
        CHECK(four.symptoms[0].comparison.days_per_week.estimate);
        const auto& severity = four.symptoms[0].comparison.mean_severity;
        CHECK_FALSE(severity.estimate);
        CHECK(severity.after_rated == 4);
        CHECK(severity_reading("migraine", severity).ends_with("(1 more after the start)"));
        diary.push_back(symptom("migraine", 5, at_ten(plus_days(start, 13))));
        auto five = build_report(regimen, loaded(regimen, diary, now, 30), 30);
        CHECK(five.symptoms[0].comparison.mean_severity.estimate);
    }
}

TEST_CASE("report's sides are the days the diary covers", "[report]") {
    const LocalDate start = 2026_y / 12 / 6;
    auto regimen = started_on(start);
    std::vector<HistoryEvent> diary;
    // 21 days of diary before the start: migraine on 9 of them (3.0 a week), a sleep rating
    // every day.
    for (int day = -21; day < 0; ++day) {
        if (day % 7 == 0 || day % 7 == -3 || day % 7 == -5) {
            diary.push_back(symptom("migraine", 6, at_ten(plus_days(start, day))));
        }
        diary.push_back(symptom("sleep", 5, utc(plus_days(start, day), 6h)));
    }
    // 20 days after it, the same.
    for (int day = 0; day < 20; ++day) {
        diary.push_back(symptom("sleep", 6, utc(plus_days(start, day), 6h)));
    }

    SECTION("before starts at the first diary entry, not 30 days back") {
        auto report =
            build_report(regimen, loaded(regimen, diary, utc(plus_days(start, 19), 19h), 30), 30);
        const auto& migraine = report.symptoms[0];
        CHECK(migraine.before.covered_days == 21);
        REQUIRE(migraine.before.covered);
        CHECK(migraine.before.covered->from == utc(plus_days(start, -22), 23h));  // 00:00 CET
        CHECK(*migraine.comparison.days_per_week.before == Approx(3.0));
        // A daily rating is 7.0 a week on both sides, not an artefact of the window.
        const auto& sleep = report.symptoms[1].comparison.days_per_week;
        CHECK(*sleep.before == Approx(7.0));
        CHECK(*sleep.after == Approx(7.0));
        REQUIRE(sleep.estimate);
        CHECK(sleep.estimate->difference == Approx(0.0));
    }

    SECTION("a diary that began earlier than the loaded events covers the whole side") {
        auto input = loaded(regimen, diary, utc(plus_days(start, 19), 19h), 30);
        input.first_diary_entry = utc(2026_y / 1 / 1);
        auto report = build_report(regimen, input, 30);
        CHECK(report.symptoms[0].before.covered_days == 30);
    }

    SECTION("today counts once it has an entry of any kind") {
        auto report =
            build_report(regimen, loaded(regimen, diary, utc(plus_days(start, 20), 19h), 30), 30);
        CHECK(report.symptoms[0].during.covered_days == 20);  // day 20 has no entry yet
        CHECK(*report.symptoms[1].comparison.days_per_week.after == Approx(7.0));
        diary.push_back(symptom("migraine", 3, at_ten(plus_days(start, 20))));
        auto with_entry =
            build_report(regimen, loaded(regimen, diary, utc(plus_days(start, 20), 19h), 30), 30);
        CHECK(with_entry.symptoms[0].during.covered_days == 21);
        CHECK(with_entry.symptoms[1].during.covered_days == 21);
    }

    SECTION("an entry made in the same second as the report is in it") {
        const Instant now = utc(plus_days(start, 20), 19h);
        diary.push_back(symptom("sleep", 5, now));
        auto report = build_report(regimen, loaded(regimen, diary, now, 30), 30);
        CHECK(report.symptoms[1].during.entries == 20 + 1);
        CHECK(report.symptoms[1].during.covered_days == 21);
        CHECK(report.days.back().symptom);
    }
}

TEST_CASE("report without a start says the regimen has not started", "[report]") {
    // The first day: no dose taken yet, no `start:`; a migraine copied in for 10 days ago.
    auto regimen = regimen_with({daily_item("am", 8h)});
    const Instant now = utc(2026_y / 12 / 6, 12h);
    ReportInput input = window_of(now, 30);
    input.tracking_since = utc(2026_y / 12 / 6, 8h);
    input.events = {symptom("migraine", 6, utc(2026_y / 11 / 26, 10h))};
    auto report = build_report(regimen, input, 30);
    CHECK_FALSE(report.regimen_start);
    CHECK_FALSE(report.after);
    CHECK(report.phases.empty());
    const auto& comparison = report.symptoms[0].comparison;
    CHECK_FALSE(comparison.days_per_week.started);
    CHECK_FALSE(comparison.days_per_week.estimate);
    CHECK(days_reading("migraine", comparison.days_per_week) ==
          "migraine days: the regimen has not started yet (no item has a `start:` that has come "
          "and no dose has been taken), so nothing is \"after\" to compare");
    CHECK(severity_reading("migraine", comparison.mean_severity).find("after the start") ==
          std::string::npos);

    SECTION("a start still to come is not a start either") {
        auto later = started_on(2026_y / 12 / 20);
        auto planned = build_report(later, input, 30);
        CHECK_FALSE(planned.symptoms[0].comparison.days_per_week.started);
        CHECK(days_reading("migraine", planned.symptoms[0].comparison.days_per_week)
                  .find("has not started") != std::string::npos);
    }
}

TEST_CASE("report reads a change as better or worse where the kind says which way", "[report]") {
    ComparedFigure figure = compared(4.0, 6.0, 2.0, 1.0, 3.0);
    figure.before_rated = 20;
    figure.after_rated = 20;

    figure.better = Better::Higher;
    CHECK(severity_reading("sleep", figure) ==
          "sleep rating: 4.0 \u2192 6.0 mean (difference +2.0, 95% interval 1.0 to 3.0): better");
    figure.better = Better::Lower;
    CHECK(severity_reading("pain", figure).ends_with("interval 1.0 to 3.0): worse"));
    figure.better = Better::Unstated;
    CHECK(severity_reading("migraine", figure).ends_with("interval 1.0 to 3.0): higher"));
    figure.estimate->difference = -2.0;
    figure.estimate->low = -3.0;
    figure.estimate->high = -1.0;
    figure.better = Better::Higher;
    CHECK(severity_reading("sleep", figure).ends_with("): worse"));
    figure.estimate->low = -3.0;
    figure.estimate->high = 0.5;  // holds 0: no direction is claimed
    CHECK(severity_reading("sleep", figure).find("worse") == std::string::npos);

    SECTION("the report carries each kind's direction; a daily rating's days have none") {
        const LocalDate start = 2026_y / 12 / 6;
        auto regimen = started_on(start);
        std::vector<HistoryEvent> diary;
        for (int day = -20; day < 20; ++day) {
            diary.push_back(symptom("sleep", day < 0 ? 4 : 7, utc(plus_days(start, day), 6h)));
        }
        auto report =
            build_report(regimen, loaded(regimen, diary, utc(plus_days(start, 19), 19h), 30), 30);
        const auto& sleep = report.symptoms[1];
        CHECK(sleep.comparison.mean_severity.better == Better::Higher);
        CHECK(sleep.comparison.days_per_week.better == Better::Unstated);
        CHECK(severity_reading("sleep", sleep.comparison.mean_severity)
                  .starts_with("sleep rating: 4.0 \u2192 7.0 mean (difference +3.0"));
        CHECK(severity_reading("sleep", sleep.comparison.mean_severity).ends_with(": better"));
        CHECK(report.symptoms[0].comparison.mean_severity.better == Better::Unstated);
    }
}

TEST_CASE("report on a synthetic diary with a known change", "[report]") {
    // Eight weeks before the start, migraine on 3 days a week (Mon, Wed, Fri, severity 6);
    // eight weeks after, on 2 (Tue, Sat, severity 4); a sleep rating every morning. The
    // true change: 3.0 -> 2.0 days a week, severity 6 -> 4.
    const LocalDate start = 2026_y / 11 / 2;  // a Monday
    auto regimen = started_on(start);
    std::vector<HistoryEvent> diary;
    for (int day = -56; day < 56; ++day) {
        const LocalDate date = plus_days(start, day);
        const unsigned weekday = date::weekday{date::sys_days{date}}.iso_encoding();
        const bool migraine = day < 0 ? (weekday == 1 || weekday == 3 || weekday == 5)
                                      : (weekday == 2 || weekday == 6);
        if (migraine) {
            diary.push_back(symptom("migraine", day < 0 ? 6 : 4, utc(date, 13h)));
        }
        diary.push_back(symptom("sleep", 6, utc(date, 6h)));
    }

    SECTION("eight weeks after: the change, with an interval that holds it") {
        const Instant now = utc(plus_days(start, 55), 20h);  // the last day, its entries made
        auto report = build_report(regimen, loaded(regimen, diary, now, 56), 56);
        const auto& migraine = report.symptoms[0];
        CHECK(migraine.before.covered_days == 56);
        CHECK(migraine.during.covered_days == 56);
        const auto& per_week = migraine.comparison.days_per_week;
        CHECK(*per_week.before == Approx(3.0));
        CHECK(*per_week.after == Approx(2.0));
        REQUIRE(per_week.estimate);
        CHECK(per_week.estimate->difference == Approx(-1.0));
        CHECK(per_week.estimate->low <= -1.0);
        CHECK(per_week.estimate->high >= -1.0);
        CHECK(days_reading("migraine", per_week)
                  .starts_with("migraine days: 3.0 \u2192 2.0 a week (difference \u22121.0, 95% "
                               "interval "));
        const auto& severity = migraine.comparison.mean_severity;
        REQUIRE(severity.estimate);
        CHECK(severity.estimate->difference == Approx(-2.0));
        CHECK(severity.estimate->low <= -2.0 + 1e-9);
        CHECK(severity.estimate->high >= -2.0 - 1e-9);
        CHECK(severity_reading("migraine", severity) ==
              "migraine severity: 6.0 \u2192 4.0 mean (difference \u22122.0, 95% interval "
              "\u22122.0 to \u22122.0): lower");
    }

    SECTION("the same diary cut to 3 days after the start: too early to tell") {
        const Instant now = utc(plus_days(start, 2), 20h);
        auto report = build_report(regimen, loaded(regimen, diary, now, 56), 56);
        const auto& migraine = report.symptoms[0];
        CHECK(migraine.during.covered_days == 3);
        CHECK_FALSE(migraine.comparison.days_per_week.estimate);
        CHECK_FALSE(migraine.comparison.mean_severity.estimate);
        CHECK(days_reading("migraine", migraine.comparison.days_per_week) ==
              "migraine days: too early to tell: the diary covers 56 days before the start and "
              "3 days after it; each side needs 14 (11 more after the start)");
        CHECK(severity_reading("migraine", migraine.comparison.mean_severity)
                  .starts_with("migraine severity: too early to tell"));
    }
}

TEST_CASE("report's phase labels keep one day's changes apart", "[report]") {
    Item ramped = daily_item("riboflavin", 8h);
    ramped.amount = Amount{200, "mg", "200 mg"};
    ramped.schedule.start = 2026_y / 11 / 1;
    ramped.ramp = {{date::days{7}, Amount{400, "mg", "400 mg"}, {}}};
    Item other = daily_item("magnesium", 21h);
    other.amount = Amount{300, "mg", "300 mg"};
    other.schedule.start = 2026_y / 11 / 8;
    auto changes = plan_changes(regimen_with({ramped, other}), 2026_y / 11 / 1, 2026_y / 11 / 30);
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].second == "riboflavin starts at 200 mg");
    CHECK(changes[1].second == "riboflavin goes to 400 mg; magnesium starts at 300 mg");
}
