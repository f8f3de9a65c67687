// regimenctl's output helpers (ctl/output.hpp). Tests run without a terminal on stdout, so
// colour is off and the text is plain.
#include <catch2/catch.hpp>

#include <sstream>

#include "host/zoneinfo.hpp"
#include "output.hpp"
#include "time_args.hpp"
#include "time_helpers.hpp"

using regimenctl::Cell;
using regimenctl::Table;

using namespace regimend::test;

TEST_CASE("tables align columns by what the terminal shows", "[ctl_output]") {
    SECTION("columns are padded to the widest cell, the last is not") {
        Table table;
        table.add_row({{"08:00"}, {"threonate-am"}, {"taken"}});
        table.add_row({{"21:30"}, {"mg"}, {"upcoming"}});
        std::ostringstream out;
        table.print(out, "  ");
        CHECK(out.str() ==
              "  08:00  threonate-am  taken\n"
              "  21:30  mg            upcoming\n");
    }
    SECTION("multi-byte characters count as one column") {
        CHECK(regimenctl::display_width("500 µg") == 6);
        Table table;
        table.add_row({{"µg"}, {"x"}});
        table.add_row({{"mg"}, {"y"}});
        std::ostringstream out;
        table.print(out);
        CHECK(out.str() == "µg  x\nmg  y\n");
    }
    SECTION("trailing empty cells leave no trailing spaces") {
        Table table;
        table.add_row({{"a"}, {""}});
        table.add_row({{"bbb"}, {"c"}});
        std::ostringstream out;
        table.print(out);
        CHECK(out.str() == "a\nbbb  c\n");
    }
    SECTION("lines between rows take no part in the widths") {
        Table table;
        table.add_line({"Sun 2026-11-22 (today)"});
        table.add_row({{"08:00"}, {"a"}});
        std::ostringstream out;
        table.print(out, "  ");
        CHECK(out.str() == "Sun 2026-11-22 (today)\n  08:00  a\n");
    }
}

TEST_CASE("a long table prints whole, aligned over every row", "[ctl_output]") {
    // Table::print writes in pieces (about 64 KiB): the widths still come from all rows.
    Table table;
    std::string expected;
    for (int row = 0; row < 20'000; ++row) {
        const std::string item = row == 19'999 ? "the-longest-item-id" : "mg";
        table.add_row({{"2026-11-22 08:00"}, {"taken"}, {item}, {row % 2 == 0 ? "" : "x"}});
        expected += "2026-11-22 08:00  taken  " + item +
                    (row % 2 == 0 ? "" : std::string(19 - item.size() + 2, ' ') + "x") + "\n";
    }
    std::ostringstream out;
    table.print(out);
    CHECK(out.str().size() == expected.size());
    CHECK(out.str() == expected);
}

TEST_CASE("instants are shown in the regimen's zone", "[ctl_output]") {
    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    const regimend::LocalDate today = date::year{2026} / 11 / 22;
    CHECK(regimenctl::format_clock(berlin, utc(2026, 11, 22, 20, 30)) == "21:30");
    CHECK(regimenctl::format_clock(berlin, utc(2026, 11, 22, 20, 30, 15)) == "21:30:15");
    CHECK(regimenctl::format_when(berlin, utc(2026, 11, 22, 20, 30), today) == "21:30");
    CHECK(regimenctl::format_when(berlin, utc(2026, 11, 21, 20, 30), today) == "2026-11-21 21:30");
    CHECK(regimenctl::format_day_heading(today) == "Sun 2026-11-22");
    CHECK(regimenctl::instant_json(berlin, utc(2026, 3, 29, 1, 0)) == "2026-03-29T03:00:00+02:00");
    CHECK(regimenctl::instant_json(berlin, std::nullopt).is_null());
    CHECK(regimenctl::text_or_null("").is_null());
    CHECK(regimenctl::text_or_null("300 mg") == "300 mg");
}

TEST_CASE("instants read as date::format writes them, at every width", "[ctl_output]") {
    // format_when writes its digits by hand (history prints tens of thousands): the same
    // text as date's formatting, in a zone with DST, for instants with and without seconds.
    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    const regimend::LocalDate today = date::year{2026} / 3 / 29;
    for (std::int64_t seconds = 1'700'000'000; seconds < 1'790'000'000; seconds += 86'413) {
        const regimend::Instant instant{regimend::Seconds{seconds}};
        const auto local = regimend::to_local(berlin, instant);
        const bool whole_minute = seconds % 60 == 0;
        const auto clock = date::format(whole_minute ? "%H:%M" : "%H:%M:%S", local);
        const regimend::LocalDate day{date::floor<date::days>(local)};
        const auto expected = day == today ? clock : date::format("%Y-%m-%d ", local) + clock;
        INFO(seconds);
        CHECK(regimenctl::format_clock(berlin, instant) == clock);
        CHECK(regimenctl::format_when(berlin, instant, today) == expected);
    }
    CHECK(regimenctl::format_when(berlin, utc(2026, 1, 5, 8, 4, 9), today) ==
          "2026-01-05 09:04:09");
    CHECK(regimenctl::format_when(berlin, utc(2026, 3, 29, 0, 0), today) == "01:00");
}

TEST_CASE("day headings read as date::format's \"%a %F\" writes them", "[ctl_output]") {
    // format_day_heading writes its text by hand (status prints one on every run).
    const date::local_days first{date::year{2026} / 1 / 1};
    for (int offset = -400; offset < 400; offset += 3) {
        const regimend::LocalDate day{first + date::days{offset}};
        INFO(offset);
        CHECK(regimenctl::format_day_heading(day) == date::format("%a %F", date::local_days{day}));
    }
    for (const regimend::LocalDate day : {regimend::LocalDate{date::year{0} / 1 / 1},
                                          regimend::LocalDate{date::year{9999} / 12 / 31}}) {
        CHECK(regimenctl::format_day_heading(day) == date::format("%a %F", date::local_days{day}));
    }
}

TEST_CASE("a year out of 0000-9999 reads the same from every verb's path", "[ctl_output]") {
    // One formatter (core/time.hpp): the status heading and table, history's rows, the JSON
    // of every verb, --at's echo and the daemon's messages all write the year one way.
    const auto& utc = regimend::TimeZone::utc();
    const regimend::LocalDate elsewhere = date::year{2026} / 11 / 22;
    struct Case {
        regimend::LocalDate day;
        std::string date;
    };
    for (const auto& [day, text] : {Case{date::year{10000} / 1 / 1, "10000-01-01"},
                                    Case{date::year{-1} / 6 / 1, "-0001-06-01"},
                                    Case{date::year{12} / 6 / 1, "0012-06-01"}}) {
        INFO(text);
        const regimend::Instant instant =
            regimend::start_of_day(utc, day) + std::chrono::hours{8} + std::chrono::minutes{5};
        CHECK(regimend::format_date(day) == text);
        CHECK(regimenctl::format_day_heading(day) == regimend::format_weekday(day) + " " + text);
        CHECK(regimenctl::format_when(utc, instant, elsewhere) == text + " 08:05");
        CHECK(regimenctl::instant_json(utc, instant) == text + "T08:05:00+00:00");
        CHECK(regimenctl::at_read_as(utc, instant) == "--at was read as " + text + " 08:05 UTC");
        CHECK(regimend::format_date_hh_mm(regimend::to_local(utc, instant)) == text + " 08:05");
    }
}

TEST_CASE("diagnostic lines read file:line:column: severity: message", "[ctl_output]") {
    regimend::Diagnostic diagnostic{"regimen.yaml", 12, 9, regimend::Severity::Warning,
                                    "magnesium oxide is poorly absorbed"};
    CHECK(regimenctl::format_diagnostic_line(diagnostic) ==
          "regimen.yaml:12:9: warning: magnesium oxide is poorly absorbed");
}

TEST_CASE("lateness reads in minutes, hours or days", "[ctl_output]") {
    CHECK(regimenctl::lateness_text(std::nullopt).empty());
    CHECK(regimenctl::lateness_text(0.4) == "on time");
    CHECK(regimenctl::lateness_text(10) == "10 min late");
    CHECK(regimenctl::lateness_text(-25) == "25 min early");
    CHECK(regimenctl::lateness_text(200) == "3h20m late");
    CHECK(regimenctl::lateness_text(2880) == "2d late");
}

TEST_CASE("text from the history reaches the terminal with its control characters escaped",
          "[ctl_output]") {
    using regimenctl::terminal_text;
    // OSC 52 (writes the terminal's clipboard), a CR that overprints, a C1 CSI.
    CHECK(terminal_text("calm\x1b]52;c;cm0gLXJmIH4=\x07") == "calm\\x1b]52;c;cm0gLXJmIH4=\\x07");
    CHECK(terminal_text("fine\rOVERPRINTED") == "fine\\rOVERPRINTED");
    CHECK(terminal_text("a\nb\tc\x7f") == "a\\nb\\tc\\x7f");
    CHECK(terminal_text("c1 \xc2\x9b"
                        "31m") == "c1 \\u009b31m");
    CHECK(terminal_text("µg, é, 日本") == "µg, é, 日本");
    CHECK(terminal_text("") == "");

    Table table;
    table.add_row({{"12:00"}, {"note\x1b[2J\rgone"}});
    table.add_line({"day\x1b]0;title\x07"});
    std::ostringstream out;
    table.print(out);
    CHECK(out.str() == "12:00  note\\x1b[2J\\rgone\nday\\x1b]0;title\\x07\n");
}
