// The regimen parser (core/parse.hpp): the example config and every schedule form parse to
// the expected model; every kind of bad input comes back as errors with file, line, column
// and what was expected, never as an exception.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/parse.hpp"
#include "core/parse_values.hpp"
#include "host/zoneinfo.hpp"
#include "time_helpers.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

const regimend::TimeZone* berlin() {
    return regimend::locate_zone("Europe/Berlin");
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string data_path(const std::string& relative) {
    return std::string(REGIMEND_TEST_DATA) + "/" + relative;
}

ParseResult parse(const std::string& text) {
    return parse_regimen(text, "test.yaml", berlin(), regimend::find_zone);
}

// The single error a bad input must produce, or the test shows what came instead.
std::string all_messages(const ParseResult& result) {
    std::string text;
    for (const auto& diagnostic : result.diagnostics) {
        text += format_diagnostic(diagnostic) + "\n";
    }
    return text;
}

// `result` is one error, at `line`:`column`, whose message contains `message_part`.
void check_only_error(const ParseResult& result, int line, int column,
                      const std::string& message_part) {
    INFO(all_messages(result));
    CHECK_FALSE(result.ok());
    REQUIRE(result.diagnostics.size() == 1);
    CHECK(result.diagnostics[0].severity == Severity::Error);
    CHECK(result.diagnostics[0].line == line);
    CHECK(result.diagnostics[0].column == column);
    CHECK_THAT(result.diagnostics[0].message, Catch::Contains(message_part));
}

// The 1-based line and column where `needle` starts in `text`, to check positions against
// the example file without hard-coding its comment layout.
SourcePos find_position(const std::string& text, const std::string& needle) {
    auto offset = text.find(needle);
    REQUIRE(offset != std::string::npos);
    auto line_start = text.rfind('\n', offset);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
    return SourcePos{line, static_cast<int>(offset - line_start) + 1};
}

std::uint8_t day_bit(unsigned c_encoding) {
    return static_cast<std::uint8_t>(1u << c_encoding);
}

const Item& item(const Regimen& regimen, std::string_view id) {
    const Item* found = regimen.find(id);
    REQUIRE(found != nullptr);
    return *found;
}

}  // namespace

TEST_CASE("the example regimen parses to the expected model", "[parse]") {
    const std::string path = std::string(REGIMEND_TEST_DATA) + "/../../config/regimen.yaml";
    const std::string text = read_file(path);
    ParseResult result = parse_regimen(text, "regimen.yaml", berlin(), regimend::find_zone);
    INFO(all_messages(result));
    REQUIRE(result.ok());
    REQUIRE(result.diagnostics.empty());
    const Regimen& regimen = *result.regimen;

    SECTION("top level") {
        CHECK(regimen.file == "regimen.yaml");
        CHECK(regimen.version == 1);
        CHECK(regimen.timezone_name.empty());  // left out: the default zone applies
        CHECK(regimen.zone == berlin());
        REQUIRE(regimen.bedtime);
        CHECK(*regimen.bedtime == 22h + 30min);
        CHECK(regimen.reminders.repeat_every == 15min);
        CHECK(regimen.reminders.escalate_after == 1h);
        CHECK(regimen.reminders.missed_after == 3h);
        CHECK(regimen.reminders.snooze == 15min);
        CHECK(regimen.symptoms == std::vector<std::string>{"migraine", "sleep"});
        CHECK(regimen.better_of("sleep") == Better::Higher);
        CHECK(regimen.better_of("migraine") == Better::Unstated);
        REQUIRE(regimen.items.size() == 4);
        CHECK(regimen.items[0].id == "threonate-am");  // file order is kept
        CHECK(regimen.items[3].id == "topical");
    }
    SECTION("limits") {
        REQUIRE(regimen.limits.size() == 1);
        const Limit& limit = regimen.limits[0];
        CHECK(limit.name == "supplemental magnesium");
        CHECK(limit.per_day.value == 350);
        CHECK(limit.per_day.unit == "mg");
        CHECK(limit.per_day.text == "350 mg");
        CHECK(limit.tags == std::vector<std::string>{"magnesium"});
        SourcePos expected = find_position(text, "name: supplemental magnesium");
        CHECK(limit.pos.line == expected.line);
        CHECK(limit.pos.column == expected.column);
    }
    SECTION("a daily dose at a fixed time") {
        const Item& threonate = item(regimen, "threonate-am");
        CHECK(threonate.name == "Magnesium L-threonate");
        CHECK(threonate.dose == "2 capsules");
        REQUIRE(threonate.amount);
        CHECK(threonate.amount->value == 144);
        CHECK(threonate.amount->unit == "mg");
        CHECK(threonate.amount->text == "144 mg");
        CHECK(threonate.tags == std::vector<std::string>{"magnesium"});
        CHECK(threonate.schedule.frequency == Frequency::Daily);
        CHECK(threonate.schedule.weekdays == 0x7f);
        REQUIRE(threonate.schedule.times.size() == 1);
        const TimeOfDay& at = threonate.schedule.times[0];
        CHECK(at.base == TimeOfDay::Base::Midnight);
        CHECK(at.offset == 8h);
        CHECK(at.text == "08:00");
        SourcePos at_pos = find_position(text, "\"08:00\"");
        CHECK(at.pos.line == at_pos.line);
        CHECK(at.pos.column == at_pos.column);
        SourcePos item_pos = find_position(text, "id: threonate-am");
        CHECK(threonate.pos.line == item_pos.line);
        CHECK(threonate.pos.column == item_pos.column);
        SourcePos amount_pos = find_position(text, "144 mg");
        CHECK(threonate.amount_pos.line == amount_pos.line);
        CHECK(threonate.amount_pos.column == amount_pos.column);
        CHECK_FALSE(threonate.as_needed);
        CHECK_FALSE(threonate.separate);
        CHECK(threonate.reminders.missed_after == 3h);
    }
    SECTION("a dose before bedtime with a ramp") {
        const Item& glycinate = item(regimen, "glycinate-pm");
        REQUIRE(glycinate.schedule.times.size() == 1);
        CHECK(glycinate.schedule.times[0].base == TimeOfDay::Base::Bedtime);
        CHECK(glycinate.schedule.times[0].offset == -3600s);
        CHECK(glycinate.schedule.start == ymd(2026, 11, 1));
        CHECK_FALSE(glycinate.schedule.end);
        CHECK(glycinate.notes == "With a glass of water.");
        REQUIRE(glycinate.ramp.size() == 2);
        CHECK(glycinate.ramp[0].after == date::days{14});
        CHECK(glycinate.ramp[0].amount.text == "150 mg");
        CHECK(glycinate.ramp[1].after == date::days{28});
        CHECK(glycinate.ramp[1].amount.value == 200);
        SourcePos step_pos = find_position(text, "after: 28d");
        CHECK(glycinate.ramp[1].pos.line == step_pos.line);
        CHECK(glycinate.ramp[1].pos.column == step_pos.column);
        CHECK(glycinate.amount_on(ymd(2026, 11, 14))->text == "100 mg");
        CHECK(glycinate.amount_on(ymd(2026, 11, 15))->text == "150 mg");
        CHECK(glycinate.amount_on(ymd(2026, 12, 1))->text == "200 mg");
    }
    SECTION("a weekly item overriding some reminder settings") {
        const Item& bath = item(regimen, "epsom-bath");
        CHECK(bath.schedule.frequency == Frequency::Weekly);
        CHECK(bath.schedule.weekdays == day_bit(0));  // Sunday is c_encoding 0
        REQUIRE(bath.schedule.times.size() == 1);
        CHECK(bath.schedule.times[0].offset == 20h);
        CHECK_FALSE(bath.amount);
        CHECK(bath.amount_pos.line == bath.pos.line);  // no amount: the item's place
        CHECK(bath.reminders.repeat_every == 30min);   // its own
        CHECK(bath.reminders.missed_after == 2h);      // its own
        CHECK(bath.reminders.escalate_after == 1h);    // inherited
        CHECK(bath.reminders.snooze == 15min);         // inherited
    }
    SECTION("an as-needed item") {
        const Item& topical = item(regimen, "topical");
        CHECK(topical.as_needed);
        CHECK(topical.max_per_day == 3);
        CHECK(topical.schedule.times.empty());
    }
}

TEST_CASE("every schedule form parses", "[parse]") {
    ParseResult result = parse(read_file(data_path("good/schedule_forms.yaml")));
    INFO(all_messages(result));
    REQUIRE(result.ok());
    const Regimen& regimen = *result.regimen;

    SECTION("a named time zone wins over the default") {
        CHECK(regimen.timezone_name == "America/New_York");
        CHECK(regimen.zone == regimend::locate_zone("America/New_York"));
        CHECK(*regimen.bedtime == 23h + 15min);
    }
    SECTION("file-wide reminder defaults") {
        CHECK(regimen.reminders.repeat_every == 10min);
        CHECK(regimen.reminders.escalate_after == 45min);
        CHECK(regimen.reminders.missed_after == 2h);
        CHECK(regimen.reminders.snooze == 5min);
        CHECK(item(regimen, "drops").reminders.missed_after == 2h);
    }
    SECTION("symptom kinds and limits") {
        CHECK(regimen.symptoms ==
              std::vector<std::string>{"headache", "sleep_quality", "nausea-level"});
        REQUIRE(regimen.limits.size() == 1);
        CHECK(milligrams(regimen.limits[0].per_day) == 1000.0);
    }
    SECTION("an unquoted time of day (YAML 1.1 would read 08:00 as a number)") {
        const auto& times = item(regimen, "unquoted-time").schedule.times;
        REQUIRE(times.size() == 1);
        CHECK(times[0].offset == 8h);
    }
    SECTION("a list of times keeps file order, with seconds and a one-digit hour") {
        const Item& several = item(regimen, "several-times");
        REQUIRE(several.schedule.times.size() == 3);
        CHECK(several.schedule.times[0].offset == 7h + 30min);
        CHECK(several.schedule.times[1].offset == 12h + 30s);
        CHECK(several.schedule.times[2].offset == 9h + 5min);
        CHECK(several.schedule.times[1].pos.column > several.schedule.times[0].pos.column);
        CHECK(several.amount->value == 0.5);
        CHECK(several.amount->unit == "g");
    }
    SECTION("times relative to bedtime") {
        const Item& relative = item(regimen, "bedtime-relative");
        REQUIRE(relative.schedule.times.size() == 3);
        for (const auto& time : relative.schedule.times) {
            CHECK(time.base == TimeOfDay::Base::Bedtime);
        }
        CHECK(relative.schedule.times[0].offset == -90min);
        CHECK(relative.schedule.times[1].offset == 30min);
        CHECK(relative.schedule.times[2].offset == 0s);
        CHECK(relative.amount->unit == "iu");
        CHECK(relative.amount->text == "400 IU");
    }
    SECTION("every day on some days of the week") {
        const Schedule& schedule = item(regimen, "weekdays-only").schedule;
        CHECK(schedule.frequency == Frequency::Daily);
        CHECK(schedule.weekdays ==
              (day_bit(1) | day_bit(2) | day_bit(3) | day_bit(4) | day_bit(5)));
    }
    SECTION("every week") {
        const Schedule& schedule = item(regimen, "weekly").schedule;
        CHECK(schedule.frequency == Frequency::Weekly);
        CHECK(schedule.weekdays == (day_bit(6) | day_bit(0)));
    }
    SECTION("every N days, between start and end") {
        const Schedule& schedule = item(regimen, "every-three-days").schedule;
        CHECK(schedule.frequency == Frequency::EveryNDays);
        CHECK(schedule.interval == 3);
        CHECK(schedule.start == ymd(2026, 3, 1));
        CHECK(schedule.end == ymd(2026, 6, 30));
    }
    SECTION("every N hours, with its own reminder setting and a separate rule") {
        const Item& antibiotic = item(regimen, "every-eight-hours");
        CHECK(antibiotic.schedule.frequency == Frequency::EveryNHours);
        CHECK(antibiotic.schedule.interval == 8);
        CHECK(antibiotic.schedule.start == ymd(2026, 3, 27));
        CHECK(antibiotic.dose == "1 tablet");
        CHECK(antibiotic.reminders.escalate_after == 15min);
        CHECK(antibiotic.reminders.repeat_every == 10min);  // the file's default
        REQUIRE(antibiotic.separate);
        CHECK(antibiotic.separate->from == std::vector<std::string>{"calcium", "several-times"});
        CHECK(antibiotic.separate->by == 2h);
        CHECK(antibiotic.separate->pos.line > antibiotic.pos.line);
    }
    SECTION("a count unit and notes") {
        const Item& drops = item(regimen, "drops");
        CHECK(drops.amount->unit == "drops");
        CHECK_FALSE(milligrams(*drops.amount));
        CHECK(drops.notes == "Under the tongue.");
    }
    SECTION("as needed") {
        const Item& rescue = item(regimen, "rescue");
        CHECK(rescue.as_needed);
        CHECK(rescue.max_per_day == 2);
        CHECK(rescue.schedule.start == ymd(2026, 1, 1));
    }
}

TEST_CASE("small syntaxes of the regimen", "[parse]") {
    SECTION("amounts") {
        CHECK(parse_amount("144 mg").value->value == 144);
        CHECK(parse_amount("0.5 g").value->unit == "g");
        CHECK(parse_amount("400 IU").value->unit == "iu");
        CHECK(parse_amount("2 capsules").value->unit == "capsules");
        CHECK(parse_amount("50mcg").value->unit == "mcg");
        CHECK(parse_amount("5 \xCE\xBCg").value->unit == "\xC2\xB5g");  // Greek mu: micro sign
        CHECK(milligrams(*parse_amount("5 \xC2\xB5g").value) == Approx(0.005));
        CHECK_FALSE(parse_amount("0 mg").value);
        CHECK_FALSE(parse_amount("-1 mg").value);
        CHECK_FALSE(parse_amount("1e3 mg").value);
        CHECK_FALSE(parse_amount("mg").value);
        CHECK_FALSE(parse_amount("12 parsecs").value);
        CHECK_FALSE(parse_amount(".5 g").value);
    }
    SECTION("times of day") {
        CHECK(parse_time_of_day("23:59:59").value->offset == 86399s);
        CHECK(parse_time_of_day("1h30m before bedtime").value->offset == -90min);
        CHECK(parse_time_of_day("2h After Bedtime").value->offset == 2h);
        CHECK_FALSE(parse_time_of_day("24:00").value);
        CHECK_FALSE(parse_time_of_day("12:60").value);
        CHECK_FALSE(parse_time_of_day("1d before bedtime").value);  // a day or more
        CHECK_FALSE(parse_time_of_day("before bedtime").value);
        CHECK_FALSE(parse_time_of_day("").value);
    }
    SECTION("frequencies") {
        CHECK(parse_every("day").value->frequency == Frequency::Daily);
        CHECK(parse_every("week").value->frequency == Frequency::Weekly);
        CHECK(parse_every("2 days").value->interval == 2);
        CHECK(parse_every("1 hour").value->frequency == Frequency::EveryNHours);
        CHECK_FALSE(parse_every("0 days").value);
        CHECK_FALSE(parse_every("2 weeks").value);
        CHECK_FALSE(parse_every("days").value);
    }
    SECTION("ids") {
        CHECK(is_valid_id("glycinate-pm"));
        CHECK(is_valid_id("b12"));
        CHECK_FALSE(is_valid_id("B12"));
        CHECK_FALSE(is_valid_id("a_b"));
        CHECK_FALSE(is_valid_id("a b"));
        CHECK_FALSE(is_valid_id(""));
    }
}

TEST_CASE("bad regimens are reported with line, column and what was expected", "[parse]") {
    struct Case {
        const char* file;
        int line;
        int column;
        const char* message_part;
    };
    // One error each, at the place a user would look for it.
    const std::vector<Case> cases = {
        {"items_not_list.yaml", 3, 3, "'items' must be a list, got a mapping"},
        {"name_is_list.yaml", 4, 11, "'name' must be a text, got a list"},
        {"tags_is_mapping.yaml", 6, 11, "'tags' must be a list, got a mapping"},
        {"item_not_mapping.yaml", 3, 5,
         "an item must be a mapping of keys to values, got \"threonate\""},
        {"at_25_00.yaml", 5, 9,
         "\"<duration> before bedtime\" or \"<duration> after bedtime\", got \"25:00\""},
        {"at_8am.yaml", 5, 9, "'at' must be \"HH:MM\", \"HH:MM:SS\""},
        {"at_list_bad_entry.yaml", 5, 19, "got \"noon\""},
        {"duplicate_ids.yaml", 6, 9, "duplicate id \"x\": already used by the item at line 3"},
        {"unknown_key_top.yaml", 2, 1,
         "unknown key \"bedtim\" in the regimen (top level) (did you mean 'bedtime'?); allowed "
         "keys: "
         "version, timezone"},
        {"reminders_unknown_key.yaml", 7, 7,
         "unknown key \"repeat\" in 'reminders'; allowed keys: repeat_every,"},
        {"duplicate_key.yaml", 6, 5, "duplicate key \"at\" in an item (first at line 5)"},
        {"empty.yaml", 1, 1, "the file is empty: expected a mapping with 'version' and 'items'"},
        {"comments_only.yaml", 1, 1, "the file is empty"},
        {"top_is_list.yaml", 1, 1,
         "the regimen (top level) must be a mapping of keys to values, got a list"},
        {"top_is_scalar.yaml", 1, 1, "must be a mapping of keys to values, got \"hello\""},
        {"tab_indent.yaml", 4, 1, "YAML allows only spaces for indentation"},
        {"yaml_syntax.yaml", 4, 1, "YAML syntax error: end of map flow not found"},
        {"two_documents.yaml", 3, 1, "more than one YAML document"},
        {"invalid_utf8.yaml", 4, 16, "not valid UTF-8"},  // column in characters: "Café " is 5
        {"overlong_utf8.yaml", 2, 3, "not valid UTF-8"},
        {"bad_duration.yaml", 3, 17,
         "'repeat_every' must be a duration such as 90s, 15m, 2h, 1h30m, 3d or 2w, got \"15 "
         "minutes\""},
        {"bad_date.yaml", 6, 12,
         "'start' must be a date \"YYYY-MM-DD\" (a real calendar date), got \"2026-02-30\""},
        {"bad_day.yaml", 6, 17,
         "'days' entries must be mon, tue, wed, thu, fri, sat or sun, got \"funday\""},
        {"bad_every.yaml", 6, 12, "'every' must be \"day\", \"week\", \"N days\" or \"N hours\""},
        {"bad_bedtime.yaml", 2, 10, "'bedtime' must be a time of day \"HH:MM\""},
        {"week_without_days.yaml", 6, 12, "'every: week' needs 'days'"},
        {"days_with_n_days.yaml", 8, 5,
         "'days' works with 'every: day' or 'every: week', not with 'every: 2 days'"},
        {"n_days_without_start.yaml", 6, 12,
         "'every: 2 days' is counted from 'start', but item 'x' has no 'start"},
        {"hours_two_ats.yaml", 7, 9, "'every: 8 hours' takes a single 'at'"},
        {"as_needed_with_at.yaml", 6, 5, "an as-needed item is never scheduled: remove 'at'"},
        {"ramp_with_as_needed.yaml", 6, 5, "remove 'ramp'"},
        {"max_per_day_scheduled.yaml", 6, 5, "'max_per_day' applies to as-needed items only"},
        {"scheduled_without_at.yaml", 3, 5, "item 'x' has no 'at'"},
        {"bedtime_missing.yaml", 5, 9,
         "\"1h before bedtime\" is counted from bedtime, but the file sets no 'bedtime"},
        {"unknown_timezone.yaml", 2, 11, "unknown time zone \"Europe/Atlantis\""},
        {"version_2.yaml", 1, 10, "unsupported 'version' \"2\": this regimend reads version 1"},
        {"version_text.yaml", 1, 10, "unsupported 'version' \"one\""},
        {"missing_version.yaml", 1, 1, "the regimen has no 'version'"},
        {"missing_items.yaml", 1, 1, "the regimen has no 'items'"},
        {"bad_id_chars.yaml", 3, 9,
         "'id' must be 1 to 64 lowercase letters, digits or dashes (a-z, 0-9, -), got "
         "\"Glycinate_PM\""},
        {"missing_id.yaml", 3, 5, "the item has no 'id'"},
        {"missing_name.yaml", 3, 5, "item 'x' has no 'name'"},
        {"empty_name.yaml", 4, 11, "'name' must not be empty"},
        {"ramp_without_start.yaml", 7, 5,
         "'ramp' counts days from 'start', but item 'x' has no 'start"},
        {"ramp_not_increasing.yaml", 11, 16,
         "ramp steps must come in increasing order of 'after': \"14d\" follows the step at line 9"},
        {"ramp_after_not_days.yaml", 9, 16, "'after' must be a whole number of days"},
        {"ramp_unit_mismatch.yaml", 10, 17, "not in a unit comparable with 'amount' \"200 mg\""},
        {"start_after_end.yaml", 7, 10, "'end' (2026-10-01) is before 'start' (2026-11-01)"},
        {"bad_unit.yaml", 6, 13, "'amount' has an unknown unit \"mgg\""},
        {"zero_amount.yaml", 6, 13, "'amount' must be more than 0, got \"0 mg\""},
        {"amount_no_unit.yaml", 6, 13, "(the unit is missing)"},
        {"separate_unknown.yaml", 6, 23,
         "'separate.from' names \"antibiotic\", which is neither an item id nor a tag"},
        {"limit_without_per_day.yaml", 3, 5, "a limit needs 'name', 'per_day' and 'tags'"},
        {"bad_symptom.yaml", 2, 22, "a symptom kind must be lowercase letters, digits, '-' or '_'"},
    };
    for (const auto& expected : cases) {
        DYNAMIC_SECTION(expected.file) {
            ParseResult result =
                parse_regimen(read_file(data_path(std::string("bad/") + expected.file)),
                              expected.file, berlin(), regimend::find_zone);
            check_only_error(result, expected.line, expected.column, expected.message_part);
            REQUIRE(result.diagnostics.size() == 1);
            CHECK(result.diagnostics[0].file == expected.file);
        }
    }
}

TEST_CASE("bad inputs that produce more than one error", "[parse]") {
    SECTION("several errors in one file are all reported, in file order") {
        ParseResult result = parse_regimen(read_file(data_path("bad/several_errors.yaml")),
                                           "several_errors.yaml", berlin(), regimend::find_zone);
        INFO(all_messages(result));
        CHECK_FALSE(result.ok());
        struct Expected {
            int line;
            int column;
            const char* message_part;
        };
        const std::vector<Expected> expected = {
            {2, 10, "'bedtime' must be a time of day"},
            {6, 9, "got \"8am\""},
            {7, 9, "duplicate id \"a\""},
            {10, 12, "'every: week' needs 'days'"},
            {11, 5, "item 'c' has no 'name'"},
            {12, 5, "unknown key \"nam\" in an item (did you mean 'name'?)"},
        };
        REQUIRE(result.diagnostics.size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            CHECK(result.diagnostics[i].line == expected[i].line);
            CHECK(result.diagnostics[i].column == expected[i].column);
            CHECK_THAT(result.diagnostics[i].message, Catch::Contains(expected[i].message_part));
        }
    }
    SECTION("an unknown key also leaves a required one missing") {
        ParseResult result = parse_regimen(read_file(data_path("bad/unknown_key_item.yaml")),
                                           "unknown_key_item.yaml", berlin(), regimend::find_zone);
        REQUIRE(result.diagnostics.size() == 2);
        CHECK(result.diagnostics[0].line == 3);  // the item: no 'at'
        CHECK_THAT(result.diagnostics[1].message,
                   Catch::Contains("unknown key \"atx\" in an item (did you mean 'at'?)"));
        CHECK(result.diagnostics[1].line == 5);
        CHECK(result.diagnostics[1].column == 5);
    }
    SECTION("a flood of errors is cut short") {
        std::string text = "version: 1\nitems:\n";
        for (int i = 0; i < 500; ++i) {
            text += "  - {id: Bad}\n";
        }
        ParseResult result = parse(text);
        REQUIRE(result.diagnostics.size() == 101);
        CHECK_THAT(result.diagnostics.back().message, Catch::Contains("too many errors"));
    }
}

TEST_CASE("oversized and hostile inputs are refused cleanly", "[parse]") {
    SECTION("a 10 MB file is refused by its size, before YAML parsing") {
        std::string text = "version: 1\nitems: []\n# ";
        text.append(10 * 1024 * 1024, 'x');
        ParseResult result = parse(text);
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].line == 1);
        CHECK(result.diagnostics[0].column == 1);
        CHECK_THAT(result.diagnostics[0].message,
                   Catch::Contains("the regimen is " + std::to_string(text.size()) +
                                   " bytes; the limit is 1 MiB"));
    }
    SECTION("more items than the limit") {
        std::string text = "version: 1\nitems:\n";
        for (int i = 0; i < 10001; ++i) {
            text += "- {}\n";
        }
        ParseResult result = parse(text);
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].line == 3);
        CHECK_THAT(result.diagnostics[0].message,
                   Catch::Contains("'items' has 10001 entries; the limit is 10000"));
    }
    SECTION("deep nesting") {
        std::string text = "version: 1\nitems: " + std::string(100000, '[');
        ParseResult result = parse(text);
        REQUIRE(result.diagnostics.size() == 1);
        CHECK_THAT(result.diagnostics[0].message, Catch::Contains("nested too deeply"));
    }
    SECTION("an undefined alias") {
        check_only_error(parse("version: 1\nitems: *nothing\n"), 2, 8, "YAML syntax error");
    }
    SECTION("a stray top-level comma (yaml-cpp's LoadAll would loop on it forever)") {
        for (const char* text : {", a\nb: 1\n", "[a], b\n"}) {
            ParseResult result = parse(text);
            REQUIRE(result.diagnostics.size() == 1);
            CHECK(result.diagnostics[0].line == 1);
            CHECK_THAT(result.diagnostics[0].message, Catch::Contains("unexpected ','"));
        }
    }
    SECTION("a syntax error column counts characters, not bytes") {
        ParseResult result = parse("version: 1\nname: \"\xC3\xBC\xC3\xBC\", x: [\n");
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].line == 2);
        CHECK(result.diagnostics[0].column == 11);  // the comma after "üü"
    }
}

TEST_CASE("text encodings and defaults", "[parse]") {
    SECTION("a byte order mark and CRLF line ends are accepted") {
        ParseResult result = parse(
            "\xEF\xBB\xBFversion: 1\r\nitems:\r\n  - id: a\r\n    name: A\r\n    at: 08:00\r\n");
        INFO(all_messages(result));
        REQUIRE(result.ok());
        CHECK(result.regimen->items[0].schedule.times[0].offset == 8h);
        CHECK(result.regimen->items[0].pos.line == 3);
        CHECK(result.regimen->items[0].pos.column == 5);
    }
    SECTION("without a default zone and without 'timezone', UTC keeps the zone defined") {
        ParseResult result =
            parse_regimen("version: 1\nitems: []\n", "x.yaml", nullptr, regimend::find_zone);
        REQUIRE(result.ok());
        CHECK(result.regimen->zone == &regimend::TimeZone::utc());
        CHECK(result.regimen->items.empty());
    }
    SECTION("reminder defaults apply when the file sets none") {
        ParseResult result = parse("version: 1\nitems:\n  - {id: a, name: A, at: \"09:00\"}\n");
        REQUIRE(result.ok());
        CHECK(result.regimen->items[0].reminders.missed_after == 3h);
        CHECK(result.regimen->items[0].reminders.snooze == 15min);
    }
}

TEST_CASE("no input makes the parser throw", "[parse]") {
    const std::string example = read_file(data_path("good/schedule_forms.yaml"));
    SECTION("every prefix of a good file") {
        for (std::size_t length = 0; length <= example.size(); length += 3) {
            CHECK_NOTHROW(parse(example.substr(0, length)));
        }
    }
    SECTION("random byte changes") {
        std::mt19937 random(20261101);  // fixed seed: the same inputs on every run
        const std::string alphabet =
            "-:[]{}&*!|>'\"%@`#,? \n\t\x80\xff"
            "abc019";
        std::size_t errors = 0;
        for (int round = 0; round < 2000; ++round) {
            std::string text = example;
            for (int change = 0; change < 4; ++change) {
                text[random() % text.size()] = alphabet[random() % alphabet.size()];
            }
            ParseResult result;
            CHECK_NOTHROW(result = parse(text));
            CHECK(result.ok() == result.diagnostics.empty());
            errors += result.diagnostics.size();
        }
        CHECK(errors > 0);
    }
}

TEST_CASE("text that is shown to people is bounded and printable", "[parse]") {
    // One item with `key: value` (written as is) on line 5, column 11 for name and dose.
    auto one_item = [](const std::string& line) {
        return parse("version: 1\nitems:\n  - id: x\n    at: \"08:00\"\n    " + line + "\n");
    };
    auto single_error = [](const ParseResult& result) {
        INFO(all_messages(result));
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].severity == Severity::Error);
        return result.diagnostics[0];
    };
    SECTION("a NUL written as an escape") {
        auto error = single_error(one_item("name: \"a\\0b\""));
        CHECK(error.line == 5);
        CHECK(error.column == 11);
        CHECK(error.message ==
              "'name' contains the control character U+0000 at character 2; a name, dose or "
              "note is shown to people: write it without one");
    }
    SECTION("other C0, DEL and C1 controls") {
        CHECK_THAT(single_error(one_item("name: \"a\\tb\"")).message, Catch::Contains("U+0009"));
        CHECK_THAT(single_error(one_item("name: \"a\\eb\"")).message, Catch::Contains("U+001B"));
        CHECK_THAT(single_error(one_item("name: \"a\\x7Fb\"")).message, Catch::Contains("U+007F"));
        CHECK_THAT(single_error(one_item("name: \"a\\x85b\"")).message, Catch::Contains("U+0085"));
        CHECK_THAT(single_error(one_item("name: X\n    dose: \"2\\ncaps\"")).message,
                   Catch::Contains("'dose' contains the control character U+000A"));
    }
    SECTION("bidirectional overrides and isolates, raw or escaped") {
        auto error =
            single_error(one_item("name: Vitamin \xE2\x80\xAE"
                                  "D"));
        CHECK(error.message ==
              "'name' contains the bidirectional control character U+202E at character 9; it "
              "could make the text show as something else");
        CHECK_THAT(single_error(one_item("name: X\n    notes: \"a\\u2066b\"")).message,
                   Catch::Contains("'notes' contains the bidirectional control character U+2066"));
    }
    SECTION("notes may span lines; names and notes have length limits") {
        ParseResult multi_line = one_item(
            "name: X\n    notes: |\n      Take with food.\n      "
            "Not with milk.\n");
        INFO(all_messages(multi_line));
        REQUIRE(multi_line.ok());
        CHECK(multi_line.regimen->items[0].notes == "Take with food.\nNot with milk.\n");

        CHECK(one_item("name: " + std::string(200, 'n')).ok());
        auto long_name = single_error(one_item("name: " + std::string(201, 'n')));
        CHECK(long_name.line == 5);
        CHECK(long_name.message == "'name' is 201 characters long; at most 200 are allowed");
        // Characters, not bytes: 200 "ü" are 400 bytes.
        std::string umlauts;
        for (int i = 0; i < 200; ++i) {
            umlauts += "\xC3\xBC";
        }
        CHECK(one_item("name: " + umlauts).ok());
        CHECK(one_item("name: X\n    notes: " + std::string(1000, 'n')).ok());
        CHECK(single_error(one_item("name: X\n    notes: " + std::string(1001, 'n'))).message ==
              "'notes' is 1001 characters long; at most 1000 are allowed");
        CHECK_THAT(
            single_error(one_item("name: X\n    tags: [" + std::string(201, 't') + "]")).message,
            Catch::Contains("an entry of 'tags' is 201 characters long"));
    }
}

TEST_CASE("booleans are true or false only", "[parse]") {
    auto as_needed = [](const std::string& value) {
        return parse("version: 1\nitems:\n  - id: x\n    name: X\n    as_needed: " + value + "\n");
    };
    for (const char* yes : {"true", "True", "TRUE"}) {
        ParseResult result = as_needed(yes);
        INFO(yes << "\n" << all_messages(result));
        REQUIRE(result.ok());
        CHECK(result.regimen->items[0].as_needed);
    }
    for (const char* yaml_1_1 : {"yes", "Yes", "no", "on", "off", "y", "n"}) {
        ParseResult result = as_needed(yaml_1_1);
        INFO(yaml_1_1 << "\n" << all_messages(result));
        CHECK_FALSE(result.ok());
        // The item is then read as scheduled, which also misses its `at`.
        auto found = std::find_if(result.diagnostics.begin(), result.diagnostics.end(),
                                  [](const Diagnostic& d) { return d.line == 5; });
        REQUIRE(found != result.diagnostics.end());
        CHECK(found->column == 16);
        CHECK(found->message ==
              "'as_needed' must be true or false, got \"" + std::string(yaml_1_1) +
                  "\" (yes/no and on/off are not read as booleans: use true or false)");
    }
}

TEST_CASE("one pass over the text builds the document and still refuses a second one", "[parse]") {
    // The first document is built from yaml-cpp's parser events (core/parse_document.cpp)
    // and the same parser then only looks for a second document: the nodes must be what
    // YAML::Load built, with their marks, anchors and aliases.
    SECTION("anchors and aliases resolve to the anchored node") {
        ParseResult result = parse(
            "version: 1\n"
            "items:\n"
            "  - id: a\n"
            "    name: &shared Magnesium glycinate\n"
            "    at: &times [\"08:00\", \"20:00\"]\n"
            "  - id: b\n"
            "    name: *shared\n"
            "    at: *times\n");
        REQUIRE(result.ok());
        REQUIRE(result.regimen->items.size() == 2);
        CHECK(result.regimen->items[1].name == "Magnesium glycinate");
        CHECK(result.regimen->items[1].schedule.times.size() == 2);
    }
    SECTION("marks of nested nodes point at their own line and column") {
        ParseResult result = parse(
            "version: 1\n"
            "items:\n"
            "  - id: a\n"
            "    name: A\n"
            "    at: [\"08:00\", 8am]\n");
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].line == 5);
        CHECK(result.diagnostics[0].column == 19);
    }
    SECTION("a second document after a valid first one") {
        ParseResult result = parse(
            "version: 1\n"
            "items: []\n"
            "---\n"
            "version: 1\n");
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].line == 3);
        CHECK_THAT(result.diagnostics[0].message, Catch::Contains("more than one YAML document"));
    }
    SECTION("a syntax error after the first document is still reported") {
        ParseResult result = parse("version: 1\nitems: []\n---\n[unclosed\n");
        REQUIRE(result.diagnostics.size() == 1);
        CHECK_THAT(result.diagnostics[0].message, Catch::Contains("YAML syntax error"));
    }
}

TEST_CASE("find() by id: indexed in a parsed regimen, searched in a copy or a built one",
          "[parse]") {
    std::string yaml = "version: 1\ntimezone: UTC\nitems:\n";
    for (int index = 0; index < 50; ++index) {
        yaml += "  - {id: item" + std::to_string(index) + ", name: Item, at: \"08:00\"}\n";
    }
    auto parsed =
        parse_regimen(yaml, "regimen.yaml", &regimend::TimeZone::utc(), regimend::find_zone);
    REQUIRE(parsed.regimen);
    const Regimen& regimen = *parsed.regimen;
    CHECK(regimen.item_index.built_for == regimen.items.data());
    CHECK(regimen.item_index.by_id.size() == 50);
    for (int index : {0, 17, 49}) {
        const Item* found = regimen.find("item" + std::to_string(index));
        REQUIRE(found != nullptr);
        CHECK(found == &regimen.items[static_cast<std::size_t>(index)]);
    }
    CHECK(regimen.find("item50") == nullptr);
    CHECK(regimen.find("item") == nullptr);  // a prefix is resolve()'s business
    CHECK(regimen.resolve("item49") == &regimen.items[49]);

    // A copy has its own items: the index names the original's, so it searches.
    Regimen copy = regimen;
    CHECK(copy.find("item17") == &copy.items[17]);
    // A regimen grown after indexing (tests build them so) finds its new items too.
    copy.items.push_back(copy.items[0]);
    copy.items.back().id = "late";
    CHECK(copy.find("late") == &copy.items.back());
    copy.index_items();
    CHECK(copy.find("late") == &copy.items.back());
    // Renamed after indexing: the index's hit is checked, so the stale name is not found;
    // the new one is once the index is built again.
    copy.items[3].id = "renamed";
    CHECK(copy.find("item3") == nullptr);
    copy.index_items();
    CHECK(copy.find("renamed") == &copy.items[3]);
}

TEST_CASE("a symptom kind may say which way is better", "[parse]") {
    const std::string items = "items:\n  - {id: a, name: A, at: \"08:00\"}\n";

    SECTION("a kind alone or with `better: higher` or `lower`") {
        auto result = parse(
            "version: 1\nsymptoms: [migraine, {sleep: {better: higher}}, {pain: {better: "
            "lower}}, {mood: {}}]\n" +
            items);
        INFO(all_messages(result));
        REQUIRE(result.ok());
        const auto& regimen = *result.regimen;
        CHECK(regimen.symptoms == std::vector<std::string>{"migraine", "sleep", "pain", "mood"});
        CHECK(regimen.better_of("sleep") == Better::Higher);
        CHECK(regimen.better_of("pain") == Better::Lower);
        CHECK(regimen.better_of("migraine") == Better::Unstated);
        CHECK(regimen.better_of("mood") == Better::Unstated);
    }

    SECTION("block style, as a person writes it") {
        auto result = parse(
            "version: 1\nsymptoms:\n  - migraine\n  - sleep:\n      better: higher\n" + items);
        INFO(all_messages(result));
        REQUIRE(result.ok());
        CHECK(result.regimen->better_of("sleep") == Better::Higher);
    }

    SECTION("errors say what was expected, where") {
        struct Case {
            const char* yaml;
            int line;
            int column;
            const char* message_part;
        };
        const Case cases[] = {
            {"symptoms: [{sleep: {better: up}}]\n", 2, 29,
             "'better' must be \"higher\" or \"lower\", got \"up\""},
            {"symptoms: [{sleep: {worse: higher}}]\n", 2, 21, "unknown key \"worse\""},
            {"symptoms: [{sleep: higher}]\n", 2, 20, "must be a mapping"},
            {"symptoms: [{sleep: {better: higher}, pain: {}}]\n", 2, 12,
             "each entry of 'symptoms' must be a kind"},
            {"symptoms: [[sleep]]\n", 2, 12, "each entry of 'symptoms' must be a kind"},
            {"symptoms: [{Sleep: {better: higher}}]\n", 2, 13, "a symptom kind must be"},
            {"symptoms: [sleep, {sleep: {better: higher}}]\n", 2, 20, "listed twice"},
        };
        for (const auto& expected : cases) {
            INFO(expected.yaml);
            check_only_error(parse("version: 1\n" + std::string(expected.yaml) + items),
                             expected.line, expected.column, expected.message_part);
        }
    }
}

TEST_CASE("the likeliest first mistakes are explained, at the parser's place", "[parse]") {
    struct Case {
        const char* text;
        int line;
        int column;
        const char* message;
    };
    const std::string empty_list =
        "`items:` is followed by `[]`, an empty list: remove `[]` to list items below it";
    const std::string indented = "this line is indented more than the key above it";
    const std::vector<Case> cases = {
        {"version: 1\nitems: []\n  - id: x\n    name: X\n", 3, 3, empty_list.c_str()},
        {"version: 1\nitems: []   # none yet\n  # A daily dose\n  - id: x\n", 4, 3,
         empty_list.c_str()},
        {"version: 1\nitems: []\n- id: x\n  name: X\n", 3, 1, empty_list.c_str()},
        {"version: 1\nsymptoms: []\n  - migraine\nitems: []\n", 3, 3,
         "`symptoms:` is followed by `[]`, an empty list: remove `[]` to list items below it"},
        {"version: 1\nitems:\n  - id: x\n    name: X\n     at: \"08:00\"\n", 5, 8,
         indented.c_str()},
        {"version: 1\nitems:\n  - id: x\n     name: X\n", 4, 10, indented.c_str()},
        {"version: 1\nbedtime: \"22:30\"\n  items:\n  - id: x\n", 3, 3, indented.c_str()},
        {"version: 1\nitems:\n  - id: x\n    reminders:\n      snooze: 15m\n       "
         "repeat_every: 1h\n",
         6, 20, indented.c_str()},
    };
    for (const auto& expected : cases) {
        ParseResult result = parse(expected.text);
        INFO(expected.text << "\n" << all_messages(result));
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].line == expected.line);
        CHECK(result.diagnostics[0].column == expected.column);
        CHECK(result.diagnostics[0].message == expected.message);
    }
    // Other syntax errors keep the parser's words.
    ParseResult other = parse("version: 1\nitems: [a, b\n");
    REQUIRE(other.diagnostics.size() == 1);
    CHECK_THAT(other.diagnostics[0].message, Catch::StartsWith("YAML syntax error: "));
}

TEST_CASE("spellings a person writes: accepted, or refused with the form to use", "[parse]") {
    const std::string head = "version: 1\nbedtime: \"22:30\"\nitems:\n  - id: x\n    name: X\n";
    SECTION("days by full name, in any case") {
        ParseResult result =
            parse(head + "    at: \"08:00\"\n    every: week\n    days: [Sunday, MONDAY, tue]\n");
        INFO(all_messages(result));
        REQUIRE(result.ok());
        CHECK(result.regimen->items[0].schedule.weekdays == 0b0000111);
        CHECK_FALSE(parse_weekday("sundays"));
        CHECK_FALSE(parse_weekday("su"));
    }
    SECTION("a duration before bedtime written in words") {
        ParseResult result = parse(head + "    at: 1 hour before bedtime\n");
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].line == 6);
        CHECK(result.diagnostics[0].message ==
              "'at' counts from bedtime with a duration written as 1h, 30m or 1h30m (such as "
              "\"1h before bedtime\"), got \"1 hour before bedtime\"");
    }
    SECTION("a range is not an amount") {
        for (const char* range : {"300-400 mg", "300 - 400 mg", "300mg-400mg", "300 to 400 mg",
                                  "1\xE2\x80\x93"
                                  "2 capsules"}) {
            ParseResult result = parse(head + "    at: \"08:00\"\n    amount: " + range + "\n");
            INFO(range << "\n" << all_messages(result));
            REQUIRE(result.diagnostics.size() == 1);
            CHECK(result.diagnostics[0].message ==
                  "'amount' is a range, not an amount: pick one amount, or use a 'ramp' to "
                  "change it over time, got \"" +
                      std::string(range) + "\"");
        }
        CHECK(parse_amount("300 mg").value);
    }
    SECTION("as_needed: yes is one error, with the fix") {
        ParseResult result = parse(head + "    as_needed: yes\n    max_per_day: 3\n");
        INFO(all_messages(result));
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].message ==
              "'as_needed' must be true or false, got \"yes\" (yes/no and on/off are not read as "
              "booleans: use true or false)");
    }
}
