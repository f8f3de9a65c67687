// Corrections and amounts in the diary (issue 26, cases 6, 9, 10, 11, 12): undone entries
// leave the counts, `take --amount`, min_interval, day entries and the stock forecast along
// a ramp. Literal instants throughout.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/daily_totals.hpp"
#include "core/diary.hpp"
#include "core/inventory.hpp"
#include "core/parse.hpp"
#include "core/report.hpp"
#include "dose_fixtures.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> parse_errors(const std::string& yaml) {
    std::vector<std::string> messages;
    for (const auto& diagnostic : parse_failure(yaml)) {
        messages.push_back(format_diagnostic(diagnostic));
    }
    return messages;
}

HistoryEvent undone_entry(const std::string& item, EventKind cancelled, Instant at) {
    HistoryEvent event = entry(item, EventKind::Undone, at);
    event.note = std::string(to_string(cancelled));
    return event;
}

const std::string kDiary = R"(version: 1
timezone: Europe/Berlin
symptoms: [migraine, sleep, topical-rash]
items:
  - id: topical
    name: Topical magnesium
    as_needed: true
    max_per_day: 3
    min_interval: 4h
    stock: {per_dose: 1, unit: sprays}
  - id: glycinate-pm
    name: Magnesium glycinate
    amount: 300 mg
    tags: [magnesium]
    at: "21:30"
    stock: {per_dose: 3, unit: capsules}
  - id: sleep
    name: Sleep tea
    as_needed: true
limits:
  - name: supplemental magnesium
    per_day: 250 mg
    tags: [magnesium]
)";

}  // namespace

TEST_CASE("undone entries leave the events that stand, the undone events with them", "[diary]") {
    const Instant noon = Instant{Seconds{1'800'000'000}};
    std::vector<HistoryEvent> events{
        entry("topical", EventKind::AsNeeded, noon),
        entry("topical", EventKind::AsNeeded, noon),  // logged twice in the same second
        entry("migraine", EventKind::Symptom, noon, 6),
        undone_entry("topical", EventKind::AsNeeded, noon),
        undone_entry("migraine", EventKind::Symptom, noon),
        // An undone with nothing to take back takes nothing.
        undone_entry("sleep", EventKind::Symptom, noon),
        stored("glycinate-pm", EventKind::Taken, noon - 1h, noon - 1h),
        stored("glycinate-pm", EventKind::Undone, noon - 1h, noon, "taken"),
        stored("glycinate-pm", EventKind::Taken, noon - 1h, noon + 1min),
    };
    auto standing = standing_events(events);
    REQUIRE(standing.size() == 2);
    CHECK(standing[0].kind == EventKind::AsNeeded);
    CHECK(standing[1].kind == EventKind::Taken);
    CHECK(standing[1].at == noon + 1min);
}

TEST_CASE("undo takes back the last as-needed dose or symptom entry", "[diary]") {
    auto regimen = parse_ok(kDiary);
    const Instant now = local_instant(*regimen.zone, "2026-11-30 18:00");
    std::vector<HistoryEvent> recent;
    for (int use = 0; use < 4; ++use) {
        recent.push_back(entry("topical", EventKind::AsNeeded, now - 2h));
    }
    CHECK(as_needed_uses_on_day(regimen, recent, "topical", now) == 4);

    auto target = std::get<UndoTarget>(undo_target(regimen, "top"));
    CHECK(target.kind == UndoTarget::Kind::AsNeeded);
    auto undone = std::get<HistoryEvent>(undo_entry(regimen, target, recent, now));
    CHECK(undone.kind == EventKind::Undone);
    CHECK(undone.at == now - 2h);
    CHECK(undone.note == "as_needed");
    recent.push_back(undone);
    // The daily count (max_per_day) leaves it out: 3, within the limit.
    CHECK(as_needed_uses_on_day(regimen, recent, "topical", now) == 3);
    CHECK_FALSE(max_per_day_note(regimen.items[0], 3, local_date(*regimen.zone, now)));

    SECTION("a symptom kind: its latest entry within 8 days") {
        std::vector<HistoryEvent> diary{entry("migraine", EventKind::Symptom, now - 3h, 4),
                                        entry("migraine", EventKind::Symptom, now - 1h, 7),
                                        entry("migraine", EventKind::Symptom, now - 2h, 5)};
        auto kind = std::get<UndoTarget>(undo_target(regimen, "migraine"));
        CHECK(kind.kind == UndoTarget::Kind::Symptom);
        auto first = std::get<HistoryEvent>(undo_entry(regimen, kind, diary, now));
        CHECK(first.at == now - 1h);
        CHECK(first.severity == 7);
        diary.push_back(first);
        auto second = std::get<HistoryEvent>(undo_entry(regimen, kind, diary, now));
        CHECK(second.at == now - 2h);
        std::vector<HistoryEvent> old{entry("migraine", EventKind::Symptom, now - 9 * 24h, 4)};
        auto none = std::get<Error>(undo_entry(regimen, kind, old, now));
        CHECK(none.kind == ErrorKind::NothingToUndo);
        CHECK(none.message == "No 'migraine' symptom entry in the last 8d to take back");
    }
    SECTION("names: an item id first, then a symptom kind, then an id prefix") {
        // "sleep" is both an item id and a symptom kind: the item wins ...
        CHECK(std::get<UndoTarget>(undo_target(regimen, "sleep")).kind ==
              UndoTarget::Kind::AsNeeded);
        // ... and symptom:KIND reaches the kind.
        auto kind = std::get<UndoTarget>(undo_target(regimen, "symptom:sleep"));
        CHECK(kind.kind == UndoTarget::Kind::Symptom);
        CHECK(kind.name == "sleep");
        // A symptom kind beats an item id that it is a prefix of.
        CHECK(std::get<UndoTarget>(undo_target(regimen, "topical-rash")).kind ==
              UndoTarget::Kind::Symptom);
        CHECK(std::get<UndoTarget>(undo_target(regimen, "glyc")).kind == UndoTarget::Kind::Dose);
        auto unknown = std::get<Error>(undo_target(regimen, "nausea"));
        CHECK(unknown.kind == ErrorKind::UnknownItem);
        CHECK(unknown.message == "No item or symptom kind 'nausea' in regimen.yaml");
    }
}

TEST_CASE("an undone as-needed dose gives its units back to the stock", "[diary][inventory]") {
    auto regimen = parse_ok(kDiary);
    const Item& topical = regimen.items[0];
    const Instant now = local_instant(*regimen.zone, "2026-11-30 18:00");
    HistoryEvent count = entry("topical", EventKind::Stock, now - 5h);
    count.quantity = 20;
    std::vector<HistoryEvent> events{count, entry("topical", EventKind::AsNeeded, now - 2h),
                                     entry("topical", EventKind::AsNeeded, now - 2h)};
    CHECK(count_on_hand(regimen, topical, events, now) == 18.0);
    events.push_back(undone_entry("topical", EventKind::AsNeeded, now - 2h));
    CHECK(count_on_hand(regimen, topical, events, now) == 19.0);
}

TEST_CASE("min_interval: as-needed items only, a duration, refusing a use too soon", "[diary]") {
    auto regimen = parse_ok(kDiary);
    const Item& topical = regimen.items[0];
    REQUIRE(topical.min_interval == Seconds{4 * 3600});
    const Instant last = local_instant(*regimen.zone, "2026-11-30 14:05");
    std::vector<HistoryEvent> events{entry("topical", EventKind::AsNeeded, last)};
    CHECK(min_interval_refusal(regimen, topical, events, last + 3h) ==
          "'topical' was last used at 2026-11-30 14:05; its min_interval is 4h, so the next use "
          "is allowed from 2026-11-30 18:05 (Europe/Berlin); `regimenctl log --force` records "
          "it anyway");
    CHECK_FALSE(min_interval_refusal(regimen, topical, events, last + 4h));
    // A backdated use just before a later one is too close as well.
    CHECK(min_interval_refusal(regimen, topical, events, last - 1h));
    // The last use taken back does not count.
    events.push_back(undone_entry("topical", EventKind::AsNeeded, last));
    CHECK_FALSE(min_interval_refusal(regimen, topical, events, last + 3h));

    auto errors = parse_errors(R"(version: 1
items:
  - id: a
    name: A
    at: "08:00"
    min_interval: 4h
  - id: b
    name: B
    as_needed: true
    min_interval: soon
)");
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] ==
          "regimen.yaml:6:5: error: 'min_interval' applies to as-needed items only "
          "('as_needed: true')");
    CHECK_THAT(errors[1], Catch::StartsWith("regimen.yaml:10:19: ") &&
                              Catch::Contains("a duration such as 90s"));
}

TEST_CASE("take --amount: the unit family of the item's amount", "[diary]") {
    auto regimen = parse_ok(kDiary);
    const Item& glycinate = regimen.items[1];
    auto amount = std::get<Amount>(taken_amount(glycinate, " 200 mg "));
    CHECK(amount.text == "200 mg");
    CHECK(std::get<Amount>(taken_amount(glycinate, "0.2 g")).unit == "g");
    CHECK_THAT(std::get<Error>(taken_amount(glycinate, "2 capsules")).message,
               Catch::Contains("not in the unit of 'glycinate-pm' (300 mg)"));
    CHECK(std::get<Error>(taken_amount(glycinate, "lots")).kind == ErrorKind::InvalidArgument);
    CHECK(std::get<Error>(taken_amount(glycinate, "-5 mg")).kind == ErrorKind::InvalidArgument);
    CHECK_THAT(std::get<Error>(taken_amount(regimen.items[0], "1 ml")).message,
               Catch::Contains("has no `amount`"));
}

TEST_CASE("a recorded amount counts in the limits and the stock instead of the plan",
          "[diary][inventory]") {
    auto regimen = parse_ok(kDiary);
    const Item& glycinate = regimen.items[1];
    const Instant planned = local_instant(*regimen.zone, "2026-11-30 21:30");
    const auto day = local_date(*regimen.zone, planned);
    HistoryEvent taken = stored("glycinate-pm", EventKind::Taken, planned, planned + 5min);
    taken.amount = "200 mg";
    taken.amount_recorded = true;
    // The plan's 300 mg is over 250 mg; the 200 mg really taken is not.
    CHECK(confirmed_totals(regimen, day, {{"glycinate-pm", planned}})[0].over);
    auto totals = confirmed_totals(regimen, day, {{"glycinate-pm", planned}}, {taken});
    CHECK(totals[0].total == 200.0);
    CHECK_FALSE(totals[0].over);
    // per_dose is units of the item's `amount`: 3 capsules of 300 mg, so 200 mg is 2.
    HistoryEvent count = entry("glycinate-pm", EventKind::Stock, planned - 1h);
    count.quantity = 30;
    CHECK(count_on_hand(regimen, glycinate, {count, taken}, planned + 1h) == 28.0);
    taken.amount_recorded = false;
    CHECK(count_on_hand(regimen, glycinate, {count, taken}, planned + 1h) == 27.0);
}

TEST_CASE("doses left follow the ramp's planned amounts", "[diary][inventory]") {
    auto regimen = parse_ok(R"(version: 1
timezone: Europe/Berlin
items:
  - id: glycinate
    name: Magnesium glycinate
    amount: 200 mg
    at: "21:30"
    start: 2026-12-01
    ramp:
      - after: 10d
        amount: 300 mg
      - after: 20d
        amount: 400 mg
    stock: {per_dose: 2, unit: capsules}
)");
    const Item& item = regimen.items[0];
    const Instant now = local_instant(*regimen.zone, "2026-12-01 08:00");
    StockInputs inputs;
    inputs.on_hand = 120;
    auto forecast = forecast_stock(regimen, item, inputs, now);
    // 10 doses of 2 (20), 10 of 3 (30), then 70 capsules at 4 a dose: 17 more doses.
    CHECK(forecast.per_dose == 2);
    CHECK(forecast.doses_left == 37);
    REQUIRE(forecast.runs_out);
    CHECK(*forecast.runs_out == local_instant(*regimen.zone, "2027-01-07 21:30"));

    SECTION("past the last step, the count over its units") {
        auto later =
            forecast_stock(regimen, item, inputs, local_instant(*regimen.zone, "2026-12-25 08:00"));
        CHECK(later.doses_left == 30);
    }
    SECTION("a count the year cannot use up still counts its doses") {
        inputs.on_hand = 5000;
        auto plenty = forecast_stock(regimen, item, inputs, now);
        CHECK_FALSE(plenty.runs_out);
        CHECK(plenty.doses_left == 20 + (5000 - 50) / 4);
    }
}

TEST_CASE("a day entry is the local day's noon", "[diary]") {
    const auto& zone = *regimend::locate_zone("Europe/Berlin");
    const Instant noon = day_entry_instant(zone, LocalDate{date::year{2026} / 11 / 15});
    CHECK(format_rfc3339(zone, noon) == "2026-11-15T12:00:00+01:00");
    CHECK(is_day_entry(zone, noon));
    CHECK_FALSE(is_day_entry(zone, noon + 1s));
}

TEST_CASE("the report leaves undone diary entries and as-needed doses out", "[diary][report]") {
    auto regimen = parse_ok(kDiary);
    const Instant now = local_instant(*regimen.zone, "2026-11-30 18:00");
    ReportInput input;
    input.window = last_days(*regimen.zone, now, 7);
    input.tracking_since = now - 30 * 24h;
    const Instant morning = local_instant(*regimen.zone, "2026-11-29 09:00");
    input.events = {entry("migraine", EventKind::Symptom, morning, 6),
                    entry("topical", EventKind::AsNeeded, morning),
                    entry("topical", EventKind::AsNeeded, morning)};
    auto uses = [&](const Report& report) {
        for (const auto& use : report.as_needed) {
            if (use.item == "topical") {
                return use.uses;
            }
        }
        return -1;
    };
    auto before = build_report(regimen, input, 7);
    CHECK(uses(before) == 2);
    input.events.push_back(undone_entry("topical", EventKind::AsNeeded, morning));
    input.events.push_back(undone_entry("migraine", EventKind::Symptom, morning));
    auto after = build_report(regimen, input, 7);
    CHECK(uses(after) == 1);
    for (const auto& day : after.days) {
        CHECK_FALSE(day.symptom);
    }

    SECTION("a dose taken at a recorded amount is counted as such") {
        const Instant planned = local_instant(*regimen.zone, "2026-11-29 21:30");
        HistoryEvent taken = stored("glycinate-pm", EventKind::Taken, planned, planned + 1min);
        taken.amount = "200 mg";
        taken.amount_recorded = true;
        input.events.push_back(taken);
        auto report = build_report(regimen, input, 7);
        REQUIRE(report.items.size() == 1);
        CHECK(report.items[0].taken == 1);
        CHECK(report.items[0].taken_other_amount == 1);
    }
}
