#include <catch2/catch.hpp>

#include <regex>

#include "core/ics.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;
using namespace date::literals;
using namespace std::chrono_literals;

namespace {

Item scheduled(const std::string& id, TimeOfDay time) {
    Item item;
    item.id = id;
    item.name = id;
    item.schedule.times.push_back(time);
    return item;
}

TimeOfDay clock(std::chrono::seconds offset) {
    return {TimeOfDay::Base::Midnight, offset, "", {}};
}
TimeOfDay bedtime(std::chrono::seconds offset) {
    return {TimeOfDay::Base::Bedtime, offset, "", {}};
}

Amount mg(double value) {
    return {value, "mg", std::to_string(static_cast<int>(value)) + " mg"};
}

Regimen sample_regimen() {
    Regimen regimen;
    regimen.zone = regimend::locate_zone("Europe/Berlin");
    regimen.bedtime = 22h + 30min;

    auto threonate = scheduled("threonate-am", clock(8h));
    threonate.name = "Magnesium L-threonate";
    threonate.dose = "2 capsules";

    auto glycinate = scheduled("glycinate-pm", bedtime(-1h));
    glycinate.name = "Magnesium glycinate";
    glycinate.amount = mg(200);
    glycinate.schedule.start = 2026_y / 11 / 1;
    glycinate.ramp = {{date::days{14}, mg(300), {}}, {date::days{28}, mg(400), {}}};

    auto bath = scheduled("epsom-bath", clock(20h));
    bath.schedule.frequency = Frequency::Weekly;
    bath.schedule.weekdays = 1;  // Sunday
    bath.schedule.end = 2026_y / 12 / 31;

    auto interval = scheduled("every-8h", clock(8h));
    interval.schedule.frequency = Frequency::EveryNHours;
    interval.schedule.interval = 8;
    interval.schedule.start = 2026_y / 11 / 20;

    auto every_third = scheduled("every-3d", clock(9h));
    every_third.schedule.frequency = Frequency::EveryNDays;
    every_third.schedule.interval = 3;
    every_third.schedule.start = 2026_y / 11 / 2;

    Item topical;
    topical.id = "topical";
    topical.name = "Topical magnesium";
    topical.as_needed = true;

    regimen.items = {threonate, glycinate, bath, interval, every_third, topical};
    return regimen;
}

// Undoes line folding and splits into content lines.
std::vector<std::string> unfolded_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find("\r\n", pos);
        REQUIRE(end != std::string::npos);
        std::string line = text.substr(pos, end - pos);
        if (!line.empty() && line[0] == ' ') {
            REQUIRE_FALSE(lines.empty());
            lines.back() += line.substr(1);
        } else {
            lines.push_back(line);
        }
        pos = end + 2;
    }
    return lines;
}

size_t count_of(const std::vector<std::string>& lines, const std::string& line) {
    return std::count(lines.begin(), lines.end(), line);
}

std::vector<std::string> events_of(const std::string& uid_prefix,
                                   const std::vector<std::string>& lines) {
    std::vector<std::string> found;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].starts_with("UID:" + uid_prefix)) {
            for (size_t j = i; j < lines.size() && lines[j] != "END:VEVENT"; ++j) {
                found.push_back(lines[j]);
            }
        }
    }
    return found;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return count_of(lines, line) > 0;
}

}  // namespace

TEST_CASE("iCalendar text escaping and folding", "[ics]") {
    SECTION("TEXT escapes backslash, semicolon, comma and newline") {
        CHECK(ics_escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf");
        CHECK(ics_escape_text("bell\x07") == "bell");
    }
    SECTION("a short line is only terminated") {
        CHECK(ics_fold("VERSION:2.0") == "VERSION:2.0\r\n");
    }
    SECTION("long lines fold at 75 octets and never inside a UTF-8 sequence") {
        std::string line = "SUMMARY:";
        for (int i = 0; i < 100; ++i) {
            line += "é";  // two octets each
        }
        auto folded = ics_fold(line);
        size_t pos = 0;
        std::string rebuilt;
        while (pos < folded.size()) {
            size_t end = folded.find("\r\n", pos);
            auto physical = folded.substr(pos, end - pos);
            CHECK(physical.size() <= 75);
            rebuilt += pos == 0 ? physical : physical.substr(1);
            pos = end + 2;
        }
        CHECK(rebuilt == line);
        CHECK(folded.find("\r\n \xa9") == std::string::npos);  // no continuation byte first
    }
}

TEST_CASE("the plan as iCalendar", "[ics]") {
    const Instant now = Instant{date::sys_days{2026_y / 11 / 20}} + 12h;
    auto text = regimen_ics(sample_regimen(), now);
    auto lines = unfolded_lines(text);

    SECTION("a calendar with a VTIMEZONE built from the zone's transitions") {
        CHECK(lines.front() == "BEGIN:VCALENDAR");
        CHECK(lines.back() == "END:VCALENDAR");
        CHECK(has(lines, "VERSION:2.0"));
        CHECK(has(lines, "TZID:Europe/Berlin"));
        CHECK(has(lines, "DTSTART:20270328T020000"));  // spring forward 2027
        CHECK(has(lines, "DTSTART:20271031T030000"));  // fall back 2027
        CHECK(has(lines, "TZOFFSETTO:+0200"));
        CHECK(has(lines, "TZNAME:CEST"));
        CHECK(text.find("\n") == text.find("\r\n") + 1);
    }

    SECTION("one series per `at` and ramp phase, with RRULE, UNTIL and VALARM") {
        // Each series by its UID, with lines it must hold.
        const std::vector<std::pair<std::string, std::vector<std::string>>> series = {
            {"threonate-am-1@regimend",
             {"DTSTART;TZID=Europe/Berlin:20261120T080000", "RRULE:FREQ=DAILY",
              "SUMMARY:Magnesium L-threonate (2 capsules)", "DTSTAMP:20261120T120000Z"}},
            {"glycinate-pm-1@regimend",
             {"DTSTART;TZID=Europe/Berlin:20261101T213000",
              "RRULE:FREQ=DAILY;UNTIL=20261114T225959Z", "SUMMARY:Magnesium glycinate (200 mg)"}},
            {"glycinate-pm-2@regimend",
             {"DTSTART;TZID=Europe/Berlin:20261115T213000",
              "RRULE:FREQ=DAILY;UNTIL=20261128T225959Z"}},
            {"glycinate-pm-3@regimend",
             {"DTSTART;TZID=Europe/Berlin:20261129T213000", "RRULE:FREQ=DAILY",
              "SUMMARY:Magnesium glycinate (400 mg)"}},
            // The first Sunday.
            {"epsom-bath-1@regimend",
             {"DTSTART;TZID=Europe/Berlin:20261122T200000",
              "RRULE:FREQ=WEEKLY;UNTIL=20261231T225959Z;BYDAY=SU"}},
            {"every-3d-1@regimend",
             {"DTSTART;TZID=Europe/Berlin:20261102T090000", "RRULE:FREQ=DAILY;INTERVAL=3"}},
        };
        for (const auto& [uid, expected] : series) {
            auto event = events_of(uid, lines);
            for (const auto& line : expected) {
                INFO(uid << " should hold " << line);
                CHECK(has(event, line));
            }
        }

        CHECK(count_of(lines, "BEGIN:VALARM") == count_of(lines, "BEGIN:VEVENT"));
        CHECK(count_of(lines, "TRIGGER:PT0M") == count_of(lines, "BEGIN:VEVENT"));
        CHECK(text.find("topical") == std::string::npos);
    }

    SECTION("`every: N hours` is written out dose by dose for 90 days") {
        auto doses = events_of("every-8h-", lines);
        // From 08:00 on the first day: the last day's 00:00 dose is the 91st day's.
        CHECK(count_of(doses, "BEGIN:VALARM") == 90 * 3 - 1);
        CHECK(has(doses, "UID:every-8h-20261120T070000Z@regimend"));
        CHECK(has(doses, "DTSTART;TZID=Europe/Berlin:20261121T000000"));
        // Six series items: threonate, three glycinate phases, bath, every-3d.
        CHECK(count_of(lines, "BEGIN:VEVENT") == 6 + 90 * 3 - 1);
    }

    SECTION("the same input gives the same text: stable UIDs") {
        CHECK(regimen_ics(sample_regimen(), now) == text);
    }

    SECTION("every physical line is at most 75 octets and ends in CRLF") {
        size_t pos = 0;
        while (pos < text.size()) {
            size_t end = text.find("\r\n", pos);
            REQUIRE(end != std::string::npos);
            CHECK(end - pos <= 75);
            CHECK(text.substr(pos, end - pos).find('\n') == std::string::npos);
            pos = end + 2;
        }
    }
}

TEST_CASE("iCalendar moves a dose after a late bedtime to the next weekday", "[ics]") {
    Regimen regimen;
    regimen.zone = regimend::locate_zone("Europe/Berlin");
    regimen.bedtime = 23h + 30min;
    auto item = scheduled("late", bedtime(1h));
    item.schedule.weekdays = 1U << 1;  // Monday
    regimen.items = {item};
    const Instant now = Instant{date::sys_days{2026_y / 11 / 20}} + 12h;  // a Friday
    auto lines = unfolded_lines(regimen_ics(regimen, now));
    CHECK(has(lines, "DTSTART;TZID=Europe/Berlin:20261124T003000"));  // Tuesday 00:30
    CHECK(has(lines, "RRULE:FREQ=WEEKLY;BYDAY=TU"));
}

TEST_CASE("an every-N-hours item starting after the expanded window is still written out",
          "[ics]") {
    auto regimen = sample_regimen();
    const Instant now = to_instant(*regimen.zone, LocalTime{date::local_days{2026_y / 11 / 1}});
    IcsOptions options;
    options.expand_days = 7;  // every-8h starts on Nov 20, 19 days later
    auto lines = unfolded_lines(regimen_ics(regimen, now, options));
    auto events = events_of("every-8h-", lines);
    // 7 days from its first dose on Nov 20 08:00: 08:00 and 16:00, then three a day.
    CHECK(std::count_if(events.begin(), events.end(),
                        [](const std::string& line) { return line.starts_with("UID:"); }) == 20);
    CHECK(has(lines, "DTSTART;TZID=Europe/Berlin:20261120T080000"));
}

TEST_CASE("the calendar is handed out as it is made, line by line", "[ics]") {
    // Before the first event reaches the sink nothing else of it is held: every piece is
    // one folded content line, and the VTIMEZONE (which needs the span of all events) comes
    // first all the same.
    auto regimen = sample_regimen();
    const Instant now = Instant{date::sys_days{2026_y / 11 / 20}} + 12h;
    IcsOptions options;
    options.expand_days = 3660;
    std::size_t pieces = 0;
    std::size_t largest = 0;
    std::string text;
    write_regimen_ics(regimen, now, options, [&](std::string_view piece) {
        ++pieces;
        largest = std::max(largest, piece.size());
        text += piece;
    });
    CHECK(text == regimen_ics(regimen, now, options));
    CHECK(largest < 1024);
    CHECK(pieces > 3660 * 3 * 12);  // an every-8h item: 3 doses a day, 12+ lines each
    CHECK(text.starts_with("BEGIN:VCALENDAR\r\n"));
    CHECK(text.ends_with("END:VCALENDAR\r\n"));
    const auto lines = unfolded_lines(text);
    // The zone's rules reach the last expanded dose, ten years on.
    CHECK(has(lines, "DTSTART:20361026T030000"));
    CHECK(std::find(lines.begin(), lines.end(), "END:VTIMEZONE") <
          std::find(lines.begin(), lines.end(), "BEGIN:VEVENT"));
}
