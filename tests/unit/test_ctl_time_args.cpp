// The times regimenctl reads from the command line (ctl/time_args.hpp).
#include <catch2/catch.hpp>

#include "error.hpp"
#include "host/zoneinfo.hpp"
#include "time_args.hpp"
#include "time_helpers.hpp"

using regimenctl::parse_at;
using regimenctl::parse_since;
using namespace std::chrono_literals;

using namespace regimend::test;

TEST_CASE("Option --at times are read in the regimen's zone", "[ctl_time_args]") {
    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    // 2026-11-22 12:00 UTC = 13:00 in Berlin (CET, +01:00).
    const auto now = utc(2026, 11, 22, 12, 0);

    SECTION("a clock time is today") {
        CHECK(parse_at("21:10", berlin, now) == utc(2026, 11, 22, 20, 10));
        CHECK(parse_at("08:05:30", berlin, now) == utc(2026, 11, 22, 7, 5, 30));
        CHECK(parse_at(" today 21:10 ", berlin, now) == utc(2026, 11, 22, 20, 10));
    }
    SECTION("a clock time later today stays today: the daemon judges the future") {
        CHECK(parse_at("23:59", berlin, now) == utc(2026, 11, 22, 22, 59));
    }
    SECTION("today is the zone's date, not UTC's") {
        // 23:30 UTC on the 22nd is already the 23rd in Berlin.
        CHECK(parse_at("00:10", berlin, utc(2026, 11, 22, 23, 30)) == utc(2026, 11, 22, 23, 10));
    }
    SECTION("yesterday") {
        CHECK(parse_at("yesterday 21:10", berlin, now) == utc(2026, 11, 21, 20, 10));
    }
    SECTION("a date and a time, with a space or a T") {
        CHECK(parse_at("2026-11-20 21:10", berlin, now) == utc(2026, 11, 20, 20, 10));
        CHECK(parse_at("2026-11-20T21:10", berlin, now) == utc(2026, 11, 20, 20, 10));
        CHECK(parse_at("2026-07-20T21:10:00", berlin, now) == utc(2026, 7, 20, 19, 10));
    }
    SECTION("an RFC 3339 instant keeps its own offset") {
        CHECK(parse_at("2026-11-20T21:10:00+05:00", berlin, now) == utc(2026, 11, 20, 16, 10));
        CHECK(parse_at("2026-11-20T21:10:00-02:30", berlin, now) == utc(2026, 11, 20, 23, 40));
        CHECK(parse_at("2026-11-20T21:10:00Z", berlin, now) == utc(2026, 11, 20, 21, 10));
    }
    SECTION("a time in the spring-forward gap follows the spec's rule") {
        // 02:30 does not exist on 2026-03-29 in Berlin: 03:00 CEST = 01:00 UTC.
        CHECK(parse_at("2026-03-29 02:30", berlin, now) == utc(2026, 3, 29, 1, 0));
    }
    SECTION("now") {
        CHECK(parse_at("now", berlin, now) == now);
    }
    SECTION("malformed text is refused") {
        for (const char* text :
             {"", "9pm", "25:00", "21:60", "2026-02-30 10:00", "2026-11-22", "tomorrow 10:00",
              "yesterday", "2026-11-22X10:00", "2026-11-22T10:00+5"}) {
            INFO(text);
            CHECK_FALSE(parse_at(text, berlin, now).has_value());
        }
    }
    SECTION("at_argument is a usage error (exit 2)") {
        try {
            regimenctl::at_argument("9pm", berlin, now);
            FAIL("no error");
        } catch (const regimenctl::CtlError& error) {
            CHECK(error.exit_code() == regimenctl::kExitUsage);
            CHECK_THAT(error.what(), Catch::Contains("9pm"));
        }
    }
}

TEST_CASE("A diary entry's --at may be a date alone: that day's noon", "[ctl_time_args][diary]") {
    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    const auto now = utc(2026, 11, 22, 10, 0);  // 11:00 in Berlin
    using regimenctl::parse_entry_at;
    CHECK(parse_entry_at("2026-11-15", berlin, now) == utc(2026, 11, 15, 11, 0));
    CHECK(parse_entry_at("yesterday", berlin, now) == utc(2026, 11, 21, 11, 0));
    CHECK(regimend::is_day_entry(berlin, *parse_entry_at("2026-07-15", berlin, now)));
    // Today before noon: now, never a time in the future.
    CHECK(parse_entry_at("today", berlin, now) == now);
    // Every form with a time is read as --at reads it.
    CHECK(parse_entry_at("2026-11-15 08:30", berlin, now) == utc(2026, 11, 15, 7, 30));
    CHECK_FALSE(parse_entry_at("2026-02-30", berlin, now));
    CHECK_FALSE(parse_entry_at("tomorrow", berlin, now));
    // take --at needs a time, and says so.
    try {
        regimenctl::at_argument("2026-11-15", berlin, now);
        FAIL("no error");
    } catch (const regimenctl::CtlError& error) {
        CHECK(error.exit_code() == regimenctl::kExitUsage);
        CHECK_THAT(error.what(), Catch::Contains("a time is needed"));
    }
}

TEST_CASE("Option --since takes a duration, a date or a time", "[ctl_time_args]") {
    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    const auto now = utc(2026, 11, 22, 12, 0);

    CHECK(parse_since("7d", berlin, now) == now - 7 * 24h);
    CHECK(parse_since("1h30m", berlin, now) == now - 90min);
    CHECK(parse_since("2026-11-01", berlin, now) == utc(2026, 10, 31, 23, 0));
    CHECK(parse_since("today", berlin, now) == utc(2026, 11, 21, 23, 0));
    CHECK(parse_since("yesterday", berlin, now) == utc(2026, 11, 20, 23, 0));
    CHECK(parse_since("2026-11-20 08:00", berlin, now) == utc(2026, 11, 20, 7, 0));
    CHECK_FALSE(parse_since("last week", berlin, now).has_value());
    CHECK_THROWS_AS(regimenctl::since_argument("7 days", berlin, now), regimenctl::CtlError);
    CHECK(regimenctl::duration_argument("15m", "snooze") == 15min);
    CHECK_THROWS_AS(regimenctl::duration_argument("15 minutes", "snooze"), regimenctl::CtlError);
}

TEST_CASE("the same day words everywhere: today, tomorrow, yesterday, weekdays, dates",
          "[ctl_time_args]") {
    using regimenctl::DayDirection;
    using regimenctl::parse_day;
    const regimend::LocalDate sunday{date::year{2026} / 11 / 22};
    const regimend::LocalDate monday{date::year{2026} / 11 / 23};
    const regimend::LocalDate last_monday{date::year{2026} / 11 / 16};
    CHECK(parse_day("today", sunday, DayDirection::Future) == sunday);
    CHECK(parse_day("Tomorrow", sunday, DayDirection::Past) == monday);
    CHECK(parse_day("yesterday", monday, DayDirection::Future) == sunday);
    CHECK(parse_day("mon", sunday, DayDirection::Future) == monday);
    CHECK(parse_day("monday", sunday, DayDirection::Past) == last_monday);
    CHECK(parse_day("sun", sunday, DayDirection::Past) == sunday);  // today counts
    CHECK(parse_day("2026-12-01", sunday, DayDirection::Past) ==
          regimend::LocalDate{date::year{2026} / 12 / 1});
    CHECK_FALSE(parse_day("someday", sunday, DayDirection::Past));
    CHECK_FALSE(parse_day("mo", sunday, DayDirection::Past));

    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    const auto now = utc(2026, 11, 22, 12, 0);  // a Sunday
    CHECK(parse_since("mon", berlin, now) == utc(2026, 11, 15, 23, 0));
    CHECK(parse_at("fri 08:00", berlin, now) == utc(2026, 11, 20, 7, 0));
    CHECK(parse_at("yesterday 21:10", berlin, now) == utc(2026, 11, 21, 20, 10));
}

TEST_CASE("D-Bus times are microseconds since the epoch", "[ctl_time_args]") {
    const auto instant = utc(2026, 11, 22, 12, 0);
    CHECK(regimenctl::to_bus_time(instant) == 1795348800ULL * 1000000ULL);
    CHECK(regimenctl::from_bus_time(1795348800ULL * 1000000ULL + 999999) == instant);
}

TEST_CASE("an --at before 1970-01-02 is a usage error, never sent as 0 (now)", "[ctl_time_args]") {
    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    const auto& utc_zone = *regimend::locate_zone("UTC");
    const auto now = utc(2026, 11, 22, 12, 0);
    for (const std::string text :
         {"1970-01-01 00:00", "1970-01-01T00:00:00Z", "1970-01-01 12:00", "1969-12-31 23:59",
          "1900-01-01 08:00", "1970-01-01T23:59:59+00:00"}) {
        CAPTURE(text);
        try {
            regimenctl::at_argument(text, utc_zone, now);
            FAIL("accepted");
        } catch (const regimenctl::CtlError& error) {
            CHECK(error.exit_code() == regimenctl::kExitUsage);
            // Dates before 1970 are not read at all; 1970-01-01 is read, then refused.
            if (text.starts_with("1970")) {
                CHECK(std::string(error.what()).find("before 1970-01-02") != std::string::npos);
                CHECK_NOTHROW(regimenctl::check_at_form(text));
            }
        }
    }
    // 1970-01-02 01:00 in Berlin is 00:00 UTC: the first instant accepted.
    CHECK(regimenctl::at_argument("1970-01-02 01:00", berlin, now) == utc(1970, 1, 2));
    CHECK_THROWS_AS(regimenctl::at_argument("1970-01-02 00:59", berlin, now), regimenctl::CtlError);
    CHECK(regimenctl::to_bus_time(utc(1970, 1, 2)) == 86400ULL * 1000000ULL);
}
