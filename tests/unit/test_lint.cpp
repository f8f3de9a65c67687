// Lint rules, one section each, with the position every warning points at; regimens are
// built in C++ with made-up file positions so the tests do not depend on the parser.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/lint.hpp"
#include "core/parse.hpp"
#include "host/zoneinfo.hpp"
#include "regimen_texts.hpp"
#include "time_helpers.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

TimeOfDay clock_time(const std::string& text, SourcePos pos = {}) {
    TimeOfDay time;
    time.offset = *parse_clock_time(text);
    time.text = text;
    time.pos = pos;
    return time;
}

TimeOfDay from_bedtime(Seconds offset, SourcePos pos = {}) {
    TimeOfDay time;
    time.base = TimeOfDay::Base::Bedtime;
    time.offset = offset;
    time.pos = pos;
    return time;
}

Amount amount(double value, const std::string& unit) {
    char text[32];
    std::snprintf(text, sizeof text, "%g %s", value, unit.c_str());
    return Amount{value, unit, text};
}

// `item` given `tags` and an amount per dose.
Item& with_dose(Item& item, std::vector<std::string> tags, Amount per_dose) {
    item.tags = std::move(tags);
    item.amount = std::move(per_dose);
    return item;
}

// `warnings` is one warning, at `line`:`column`, saying `message`.
void check_only_warning(const std::vector<Diagnostic>& warnings, int line, int column,
                        const std::string& message) {
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].line == line);
    CHECK(warnings[0].column == column);
    CHECK(warnings[0].message == message);
}

// `warnings` is one warning, saying `message`.
void check_only_warning(const std::vector<Diagnostic>& warnings, const std::string& message) {
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].message == message);
}

struct RegimenBuilder {
    Regimen regimen;
    int next_line = 20;  // items get made-up lines after the limits

    RegimenBuilder() {
        regimen.file = "regimen.yaml";
        regimen.zone = regimend::locate_zone("Europe/Berlin");
        regimen.bedtime = 22h + 30min;
        // add() hands out references that tests keep while adding more items.
        regimen.items.reserve(1024);
    }

    Limit& limit(const std::string& name, Amount per_day, std::vector<std::string> tags,
                 SourcePos pos) {
        regimen.limits.push_back(Limit{name, std::move(per_day), std::move(tags), pos});
        return regimen.limits.back();
    }

    Item& add(const std::string& id, const std::string& name, std::vector<TimeOfDay> times) {
        Item item;
        item.id = id;
        item.name = name;
        item.schedule.times = std::move(times);
        item.pos = SourcePos{next_line, 5};
        item.amount_pos = item.pos;
        next_line += 10;
        regimen.items.push_back(std::move(item));
        return regimen.items.back();
    }

    // The SPEC's example regimen; `with_ramp` adds glycinate's titration to 400 mg.
    static RegimenBuilder example(bool with_ramp) {
        RegimenBuilder builder;
        builder.limit("supplemental magnesium", amount(350, "mg"), {"magnesium"}, {12, 7});
        with_dose(
            builder.add("threonate-am", "Magnesium L-threonate", {clock_time("08:00", {25, 9})}),
            {"magnesium"}, amount(144, "mg"));
        auto& glycinate = with_dose(
            builder.add("glycinate-pm", "Magnesium glycinate", {from_bedtime(-1h, {35, 9})}),
            {"magnesium"}, amount(200, "mg"));
        glycinate.schedule.start = ymd(2026, 11, 1);
        if (with_ramp) {
            glycinate.ramp = {RampStep{date::days{14}, amount(300, "mg"), {38, 11}},
                              RampStep{date::days{28}, amount(400, "mg"), {40, 11}}};
        }
        auto& bath = builder.add("epsom-bath", "Epsom salt bath", {clock_time("20:00")});
        bath.schedule.frequency = Frequency::Weekly;
        bath.schedule.weekdays = 1U << 0;  // Sunday
        auto& topical = builder.add("topical", "Topical magnesium, neck and shoulders", {});
        topical.as_needed = true;
        topical.max_per_day = 3;
        topical.tags = {"magnesium"};
        topical.amount = amount(100, "mg");
        return builder;
    }
};

}  // namespace

TEST_CASE("a clean regimen has no warnings", "[lint]") {
    auto builder = RegimenBuilder::example(false);  // 144 + 200 mg: under 350 every day
    CHECK(lint(builder.regimen).empty());
    RegimenBuilder empty;
    CHECK(lint(empty.regimen).empty());
}

TEST_CASE("planned daily amount over a limit", "[lint]") {
    SECTION("the example's ramp crosses 350 mg on day 14 and peaks on day 28") {
        auto builder = RegimenBuilder::example(true);
        auto warnings = lint(builder.regimen);
        REQUIRE(warnings.size() == 1);
        const auto& warning = warnings[0];
        CHECK(warning.severity == Severity::Warning);
        CHECK(warning.file == "regimen.yaml");
        CHECK(warning.line == 12);
        CHECK(warning.column == 7);
        CHECK(warning.message ==
              "planned supplemental magnesium reaches 444 mg on 2026-11-15 (from day 14 of "
              "glycinate-pm's ramp) and 544 mg on 2026-11-29 (from day 28 of glycinate-pm's "
              "ramp), above the 350 mg per_day limit");
    }

    SECTION("exactly the limit is not over it") {
        RegimenBuilder builder;
        builder.limit("magnesium", amount(350, "mg"), {"magnesium"}, {3, 5});
        with_dose(builder.add("a", "A", {clock_time("08:00")}), {"magnesium"}, amount(150, "mg"));
        auto& b = with_dose(builder.add("b", "B", {clock_time("20:00")}), {"magnesium"},
                            amount(0.2, "g"));
        CHECK(lint(builder.regimen).empty());
        b.amount = amount(0.201, "g");
        check_only_warning(
            lint(builder.regimen),
            "planned magnesium reaches 351 mg on 2000-01-03, above the 350 mg per_day limit");
    }

    SECTION("grams and micrograms count as milligrams; other units and tags do not") {
        RegimenBuilder builder;
        builder.limit("vitamin", amount(0.5, "g"), {"vit"}, {4, 5});
        auto& a = with_dose(builder.add("a", "A", {clock_time("08:00"), clock_time("12:00")}),
                            {"vit"}, amount(250000, "mcg"));
        with_dose(builder.add("caps", "Caps", {clock_time("09:00")}), {"vit"},
                  amount(3, "capsules"));
        auto& untagged = builder.add("other", "Other", {clock_time("09:00")});
        untagged.amount = amount(900, "mg");
        CHECK(lint(builder.regimen).empty());  // 500 mg exactly
        a.schedule.times.push_back(clock_time("16:00"));
        auto warnings = lint(builder.regimen);
        REQUIRE(warnings.size() == 1);
        CHECK(warnings[0].line == 4);
        CHECK(warnings[0].message ==
              "planned vitamin reaches 750 mg on 2000-01-03, above the 0.5 g per_day limit");
    }

    SECTION("a count limit adds only amounts in its own unit, per local date") {
        RegimenBuilder builder;
        builder.limit("capsules", amount(3, "capsules"), {"caps"}, {4, 5});
        with_dose(builder.add("a", "A", {clock_time("08:00")}), {"caps"}, amount(2, "capsules"));
        auto& b = with_dose(builder.add("b", "B", {clock_time("20:00")}), {"caps"},
                            amount(2, "capsules"));
        b.schedule.frequency = Frequency::Weekly;
        b.schedule.weekdays = 1U << 3;  // Wednesday; 2000-01-05 is one
        check_only_warning(
            lint(builder.regimen),
            "planned capsules reaches 4 capsules on 2000-01-05, above the 3 capsules per_day "
            "limit");
    }

    SECTION("an item starting later is seen from its start") {
        RegimenBuilder builder;
        builder.limit("magnesium", amount(350, "mg"), {"magnesium"}, {3, 5});
        auto& a = with_dose(builder.add("a", "A", {clock_time("08:00")}), {"magnesium"},
                            amount(200, "mg"));
        a.schedule.start = ymd(2026, 1, 1);
        a.schedule.end = ymd(2026, 1, 31);
        auto& b = with_dose(builder.add("b", "B", {clock_time("20:00")}), {"magnesium"},
                            amount(200, "mg"));
        b.schedule.start = ymd(2026, 1, 25);
        check_only_warning(
            lint(builder.regimen),
            "planned magnesium reaches 400 mg on 2026-01-25, above the 350 mg per_day limit");
        b.schedule.start = ymd(2026, 2, 1);  // a has ended by then
        CHECK(lint(builder.regimen).empty());
    }
}

TEST_CASE("magnesium oxide", "[lint]") {
    RegimenBuilder builder;
    builder.add("mag-ox", "Magnesium Oxide 400", {clock_time("08:00")});
    builder.add("tagged", "Cheap capsules", {clock_time("08:00")}).tags = {"Magnesium-Oxide"};
    builder.add("zinc", "Zinc oxide cream", {clock_time("08:00")});
    builder.add("glycinate", "Magnesium glycinate", {clock_time("08:00")});
    auto warnings = lint(builder.regimen);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].line == 20);
    CHECK(warnings[0].column == 5);
    CHECK(warnings[0].message ==
          "'mag-ox' is magnesium oxide, a poorly absorbed form of magnesium");
    CHECK(warnings[1].line == 30);
    CHECK(warnings[1].message ==
          "'tagged' is magnesium oxide, a poorly absorbed form of magnesium");
}

TEST_CASE("magnesium citrate late in the day", "[lint]") {
    RegimenBuilder builder;
    auto& citrate = builder.add("citrate", "Magnesium citrate",
                                {clock_time("08:00", {21, 9}), clock_time("21:00", {22, 9})});

    SECTION("warns at the `at` entry after 18:00") {
        check_only_warning(
            lint(builder.regimen), 22, 9,
            "'citrate' (magnesium citrate) is planned at 21:00, after 18:00; it is best taken "
            "earlier in the day: it can act as a laxative");
    }

    SECTION("18:00 itself and earlier are fine") {
        citrate.schedule.times = {clock_time("08:00"), clock_time("18:00")};
        CHECK(lint(builder.regimen).empty());
    }

    SECTION("after a late bedtime, past midnight") {
        builder.regimen.bedtime = 23h + 30min;
        citrate.schedule.times = {from_bedtime(1h, {23, 9})};
        auto warnings = lint(builder.regimen);
        REQUIRE(warnings.size() == 1);
        CHECK(warnings[0].line == 23);
        CHECK(warnings[0].message.find("planned at 00:30") != std::string::npos);
    }

    SECTION("a citrate tag on a magnesium item, and not citrate without magnesium") {
        citrate.name = "Calm powder";
        citrate.tags = {"magnesium", "citrate"};
        CHECK(lint(builder.regimen).size() == 1);
        citrate.tags = {"citrate"};
        CHECK(lint(builder.regimen).empty());
    }
}

TEST_CASE("separate rules", "[lint]") {
    RegimenBuilder builder;
    auto& antibiotic = builder.add("doxycycline", "Doxycycline", {clock_time("08:00")});
    antibiotic.separate = SeparateRule{{"magnesium"}, 2h, {24, 15}};
    antibiotic.tags = {"antibiotic"};
    auto& threonate = builder.add("threonate-am", "Magnesium L-threonate", {clock_time("09:00")});
    threonate.tags = {"magnesium"};

    SECTION("a tagged item an hour later breaks it") {
        check_only_warning(
            lint(builder.regimen), 24, 15,
            "'doxycycline' is planned at 08:00 daily, 1h from 'threonate-am' at 09:00; "
            "its separate rule keeps them 2h apart");
    }

    SECTION("exactly `by` apart keeps it") {
        threonate.schedule.times = {clock_time("10:00")};
        CHECK(lint(builder.regimen).empty());
        threonate.schedule.times = {clock_time("06:00")};
        CHECK(lint(builder.regimen).empty());
    }

    SECTION("by id, across midnight, and only on days both run") {
        antibiotic.separate->from = {"threonate-am"};
        antibiotic.schedule.times = {clock_time("23:30")};
        threonate.schedule.times = {clock_time("00:30")};
        check_only_warning(
            lint(builder.regimen),
            "'doxycycline' is planned at 23:30 daily, 1h from 'threonate-am' at 00:30; "
            "its separate rule keeps them 2h apart");
        threonate.schedule.start = ymd(2000, 2, 2);
        antibiotic.schedule.end = ymd(2000, 1, 31);
        CHECK(lint(builder.regimen).empty());
    }

    SECTION("the same time") {
        threonate.schedule.times = {clock_time("08:00")};
        auto warnings = lint(builder.regimen);
        REQUIRE(warnings.size() == 1);
        CHECK(warnings[0].message.find("08:00 daily, at the same time as 'threonate-am'") !=
              std::string::npos);
    }

    SECTION("an item's own tags do not break its rule") {
        antibiotic.separate->from = {"antibiotic"};
        CHECK(lint(builder.regimen).empty());
    }
}

TEST_CASE("warnings come in file order", "[lint]") {
    auto builder = RegimenBuilder::example(true);
    builder.add("mag-ox", "Magnesium oxide", {clock_time("08:00")});
    auto& citrate = builder.add("citrate", "Magnesium citrate", {clock_time("19:00", {71, 9})});
    citrate.schedule.start = ymd(2026, 11, 1);
    auto warnings = lint(builder.regimen);
    REQUIRE(warnings.size() == 3);
    CHECK(warnings[0].line == 12);
    CHECK(warnings[1].line == 60);
    CHECK(warnings[2].line == 71);
}

TEST_CASE("lint of a parsed file points into it", "[lint]") {
    const std::string yaml =
        std::string("version: 1\ntimezone: Europe/Berlin\nbedtime: \"22:30\"\n") +
        kMagnesiumLimitAndMorningDose + R"(  - id: glycinate-pm
    name: Magnesium glycinate
    amount: 200 mg
    tags: [magnesium]
    at: 1h before bedtime
    start: 2026-11-01
    ramp:
      - after: 14d
        amount: 300 mg
  - id: citrate
    name: Magnesium citrate
    at: ["07:00", "19:30"]
  - id: antibiotic
    name: Ciprofloxacin
    at: "09:00"
    separate: {from: [magnesium], by: 2h}
)";
    auto parsed =
        parse_regimen(yaml, "regimen.yaml", &regimend::TimeZone::utc(), regimend::find_zone);
    INFO((parsed.diagnostics.empty() ? "" : format_diagnostic(parsed.diagnostics.front())));
    REQUIRE(parsed.ok());
    auto warnings = lint(*parsed.regimen);
    REQUIRE(warnings.size() == 3);
    CHECK(warnings[0].file == "regimen.yaml");
    CHECK(warnings[0].line == 5);
    CHECK(warnings[0].message ==
          "planned supplemental magnesium reaches 444 mg on 2026-11-15 (from day 14 of "
          "glycinate-pm's ramp), above the 350 mg per_day limit");
    CHECK(warnings[1].line == 25);
    CHECK(warnings[1].column == 19);
    CHECK(warnings[1].message.find("planned at 19:30, after 18:00") != std::string::npos);
    CHECK(warnings[2].line == 29);
    CHECK(warnings[2].message.find("'antibiotic' is planned at ") == 0);
    CHECK(warnings[2].message.find("1h from 'threonate-am' at 08:00") != std::string::npos);
}

TEST_CASE("separate rules of many items: one warning per pair, capped", "[lint]") {
    // Every item hourly, tagged x, kept two weeks from x: every pair of items breaks it.
    RegimenBuilder builder;
    std::vector<TimeOfDay> hourly;
    for (int hour = 0; hour < 24; ++hour) {
        char text[8];
        std::snprintf(text, sizeof text, "%02d:00", hour);
        hourly.push_back(clock_time(text));
    }
    const int count = 30;
    for (int index = 0; index < count; ++index) {
        auto& item = builder.add("i" + std::to_string(index), "Item", hourly);
        item.tags = {"x"};
        item.separate = SeparateRule{{"x"}, date::days{14}, {item.pos.line + 1, 7}};
    }
    auto warnings = lint(builder.regimen);
    REQUIRE(warnings.size() == kMaxWarnings + 1);
    // 30 * 29 ordered pairs, each once, in file order: i0's 29 first.
    CHECK(warnings.back().message == "... and 770 more warnings; stopped after 100");
    CHECK(warnings.back().line == warnings[kMaxWarnings - 1].line);
    CHECK(warnings[0].line == 21);
    CHECK(warnings[0].message ==
          "'i0' is planned at 00:00 daily, at the same time as 'i1' at 00:00; its "
          "separate rule keeps them 14d apart");
    CHECK(warnings[28].message.find("'i0' is planned at 00:00 daily, at the same time as "
                                    "'i29'") == 0);
    CHECK(warnings[29].message.find("'i1' is planned at 00:00 daily, at the same time as "
                                    "'i0'") == 0);
}

TEST_CASE("separate rules: the sweep finds a pair close on one day of the fortnight", "[lint]") {
    RegimenBuilder builder;
    auto& daily = builder.add("daily", "Daily", {clock_time("08:00")});
    daily.separate = SeparateRule{{"weekly", "far"}, 2h, {21, 7}};
    auto& weekly = builder.add("weekly", "Weekly", {clock_time("09:30")});
    weekly.schedule.frequency = Frequency::Weekly;
    weekly.schedule.weekdays = 1U << 3;  // Wednesday
    auto& far = builder.add("far", "Far", {clock_time("10:00"), clock_time("06:00")});
    far.schedule.frequency = Frequency::Weekly;
    far.schedule.weekdays = 1U << 5;  // Friday: exactly 2h from 08:00 on both sides
    check_only_warning(
        lint(builder.regimen),
        "'daily' is planned at Wednesday 08:00, 1h30m from 'weekly' at 09:30; its separate "
        "rule keeps them 2h apart");
}

TEST_CASE("reminder timings that cannot happen", "[lint]") {
    RegimenBuilder builder;
    auto& fine = builder.add("fine", "Fine", {clock_time("08:00")});
    fine.reminders.missed_after = 2h;  // repeat 15m, escalate 1h
    auto& early = builder.add("early", "Early", {clock_time("09:00")});
    early.reminders.missed_after = 30min;
    auto& both = builder.add("both", "Both", {clock_time("10:00")});
    both.reminders.missed_after = 10min;
    auto& rescue = builder.add("rescue", "Rescue", {});
    rescue.as_needed = true;
    rescue.reminders.missed_after = 1min;
    auto warnings = lint(builder.regimen);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].line == early.pos.line);
    CHECK(warnings[0].message ==
          "'early' is missed after 30m, shorter than its escalate_after (1h): a dose is missed "
          "before that reminder comes");
    CHECK(warnings[1].message ==
          "'both' is missed after 10m, shorter than its repeat_every (15m) and escalate_after "
          "(1h): a dose is missed before that reminder comes");
}

TEST_CASE("lint's plan is bounded: starts spread out stop it early, and it says so", "[lint]") {
    // Hourly items starting 15 days apart: every start opens a fortnight in which every item
    // already started is planned, so the plan grew with the square of the items (400 of
    // them took 5 s and 800 MB before the bound).
    std::vector<TimeOfDay> hourly;
    for (int hour = 0; hour < 24; ++hour) {
        char text[8];
        std::snprintf(text, sizeof text, "%02d:00", hour);
        hourly.push_back(clock_time(text));
    }
    RegimenBuilder builder;
    const int count = 1000;
    for (int index = 0; index < count; ++index) {
        auto& item = builder.add("i" + std::to_string(index), "Item", hourly);
        item.schedule.start = LocalDate{date::sys_days{ymd(2020, 1, 1)} + date::days{15 * index}};
    }
    auto warnings = lint(builder.regimen);
    REQUIRE(warnings.size() == 1);
    const auto& said = warnings[0];
    CHECK(said.severity == Severity::Warning);
    CHECK(said.message.find("lint checked the plan only before ") == 0);
    CHECK(said.message.find("doses from then on were not checked") != std::string::npos);
    // It points at the first item starting on or after that day: the unchecked part.
    const std::string day = said.message.substr(34, 10);
    const int first_unchecked = (said.line - 20) / 10;
    REQUIRE(first_unchecked > 0);
    REQUIRE(first_unchecked < count);
    const auto& item = builder.regimen.items[static_cast<std::size_t>(first_unchecked)];
    CHECK(date::format("%Y-%m-%d", date::sys_days{*item.schedule.start}) >= day);
    const auto& before = builder.regimen.items[static_cast<std::size_t>(first_unchecked - 1)];
    CHECK(date::format("%Y-%m-%d", date::sys_days{*before.schedule.start}) < day);
}

TEST_CASE("lint plans a long run of windows in pieces and still finds what is in the last",
          "[lint]") {
    // Starts 10 days apart chain the fortnights into one run of 60 days, planned in pieces
    // of 28 days; the only conflict is in the last piece.
    RegimenBuilder builder;
    for (int index = 0; index < 5; ++index) {
        auto& item = builder.add("i" + std::to_string(index), "Item", {clock_time("12:00")});
        item.schedule.start = LocalDate{date::sys_days{ymd(2026, 1, 1)} + date::days{10 * index}};
    }
    auto& late = builder.add("late", "Late", {clock_time("12:30")});
    late.schedule.start = ymd(2026, 2, 25);
    late.tags = {"x"};
    auto& keeper = builder.add("keeper", "Keeper", {clock_time("13:00")});
    keeper.schedule.start = ymd(2026, 1, 1);
    keeper.separate = SeparateRule{{"x"}, 1h, {keeper.pos.line + 1, 7}};
    check_only_warning(
        lint(builder.regimen),
        "'keeper' is planned at 2026-02-25 13:00, 30m from 'late' at 12:30; its separate "
        "rule keeps them 1h apart");
}

TEST_CASE("lint orders a plan of thousands of distinct times of day too", "[lint]") {
    // 5,000 daily items a second apart: more distinct instants than the counting sort
    // takes (merging each item into them cost 9.6 s at 10,000 items), so the piece is
    // sorted by comparison; the one pair that breaks a rule is still found.
    RegimenBuilder builder;
    for (int index = 0; index < 5000; ++index) {
        char text[16];
        std::snprintf(text, sizeof text, "%02d:%02d:%02d", 6 + index / 3600, index / 60 % 60,
                      index % 60);
        builder.add("i" + std::to_string(index), "Item", {clock_time(text)});
    }
    auto& late = builder.add("late", "Late", {clock_time("23:00")});
    late.tags = {"x"};
    auto& keeper = builder.add("keeper", "Keeper", {clock_time("22:30")});
    keeper.separate = SeparateRule{{"x"}, 1h, {keeper.pos.line + 1, 7}};
    check_only_warning(
        lint(builder.regimen),
        "'keeper' is planned at 22:30 daily, 30m from 'late' at 23:00; its separate rule "
        "keeps them 1h apart");
}
