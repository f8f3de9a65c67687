// The time vocabulary of core/time.hpp: parsing the regimen's durations, clock times and
// dates, and the conversions between instants and wall-clock time.
#include <catch2/catch.hpp>

#include <chrono>

#include "core/time.hpp"
#include "host/zoneinfo.hpp"
#include "time_helpers.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

const regimend::TimeZone& zone(const char* name) {
    return *regimend::locate_zone(name);
}

}  // namespace

TEST_CASE("parse_duration", "[time]") {
    SECTION("the spec's forms") {
        CHECK(parse_duration("90s") == Seconds{90});
        CHECK(parse_duration("15m") == Seconds{15 * 60});
        CHECK(parse_duration("2h") == Seconds{2 * 3600});
        CHECK(parse_duration("1h30m") == Seconds{5400});
        CHECK(parse_duration("3d") == Seconds{3 * 86400});
        CHECK(parse_duration("2w") == Seconds{14 * 86400});
        CHECK(parse_duration("1d2h3m4s") == Seconds{86400 + 7200 + 180 + 4});
        CHECK(parse_duration("0h30m") == Seconds{1800});
    }

    SECTION("malformed, out of order, repeated or zero") {
        for (const char* bad :
             {"", "1x", "30m1h", "0m", "0s", "h", "1h30", "1h 30m", " 1h", "1h ", "-1h", "+1h",
              "1.5h", "1H", "1h1h", "2hh", "99999999999s", "11000d"}) {
            INFO("duration: \"" << bad << "\"");
            CHECK_FALSE(parse_duration(bad));
        }
    }
}

TEST_CASE("parse_clock_time", "[time]") {
    CHECK(parse_clock_time("00:00") == Seconds{0});
    CHECK(parse_clock_time("08:00") == Seconds{8 * 3600});
    CHECK(parse_clock_time("23:59:59") == Seconds{86399});
    CHECK(parse_clock_time("22:30:00") == Seconds{22 * 3600 + 30 * 60});
    for (const char* bad : {"", "24:00", "8:00", "08:60", "08:00:60", "0800", "ab:cd", "08-00",
                            "08:00:", "08:00:0", "+8:00", "08:0a", " 08:00"}) {
        INFO("clock time: \"" << bad << "\"");
        CHECK_FALSE(parse_clock_time(bad));
    }
}

TEST_CASE("parse_date", "[time]") {
    CHECK(parse_date("2026-11-01") == ymd(2026, 11, 1));
    CHECK(parse_date("2024-02-29") == ymd(2024, 2, 29));
    for (const char* bad :
         {"", "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "26-01-01",
          "2026-1-01", "2026/01/01", "2026-01-01x", "20260101", "abcd-ef-gh"}) {
        INFO("date: \"" << bad << "\"");
        CHECK_FALSE(parse_date(bad));
    }
}

TEST_CASE("local and UTC conversions", "[time]") {
    const auto& berlin = zone("Europe/Berlin");

    SECTION("to_instant follows the spec's daylight-saving rule") {
        CHECK(to_instant(berlin, local(2026, 1, 5, 8)) == utc(2026, 1, 5, 7));
        CHECK(to_instant(berlin, local(2026, 3, 29, 2, 30)) == utc(2026, 3, 29, 1));
        CHECK(to_instant(berlin, local(2026, 10, 25, 2, 30)) == utc(2026, 10, 25, 0, 30));
        const auto& lord_howe = zone("Australia/Lord_Howe");
        CHECK(to_instant(lord_howe, local(2026, 10, 4, 2, 15)) == utc(2026, 10, 3, 15, 30));
        CHECK(to_instant(lord_howe, local(2026, 4, 5, 1, 45)) == utc(2026, 4, 4, 14, 45));
    }

    SECTION("to_local and local_date") {
        CHECK(to_local(berlin, utc(2026, 6, 30, 22, 30)) == local(2026, 7, 1, 0, 30));
        CHECK(local_date(berlin, utc(2026, 6, 30, 22, 30)) == ymd(2026, 7, 1));
        CHECK(local_date(berlin, utc(2026, 6, 30, 21, 59)) == ymd(2026, 6, 30));
    }

    SECTION("start_of_day, also where midnight does not exist") {
        CHECK(start_of_day(berlin, ymd(2026, 3, 29)) == utc(2026, 3, 28, 23));
        CHECK(start_of_day(berlin, ymd(2026, 3, 30)) == utc(2026, 3, 29, 22));
        // Sao Paulo sprang forward at midnight on 2018-11-04: the day began at 01:00 -02:00.
        CHECK(start_of_day(zone("America/Sao_Paulo"), ymd(2018, 11, 4)) == utc(2018, 11, 4, 3));
    }
}

TEST_CASE("format_rfc3339", "[time]") {
    CHECK(format_rfc3339(zone("Europe/Berlin"), utc(2026, 3, 29, 1)) ==
          "2026-03-29T03:00:00+02:00");
    CHECK(format_rfc3339(zone("Asia/Kathmandu"), utc(2026, 1, 5, 0)) ==
          "2026-01-05T05:45:00+05:45");
    CHECK(format_rfc3339(zone("Australia/Lord_Howe"), utc(2026, 7, 1, 0)) ==
          "2026-07-01T10:30:00+10:30");
    CHECK(format_rfc3339(zone("Australia/Lord_Howe"), utc(2026, 1, 1, 0)) ==
          "2026-01-01T11:00:00+11:00");
    CHECK(format_rfc3339(zone("America/New_York"), utc(2026, 1, 5, 3) + 7s) ==
          "2026-01-04T22:00:07-05:00");
    CHECK(format_rfc3339(zone("America/St_Johns"), utc(2026, 1, 5, 12)) ==
          "2026-01-05T08:30:00-03:30");
    CHECK(format_rfc3339(zone("UTC"), utc(2026, 1, 5, 12)) == "2026-01-05T12:00:00+00:00");
}

TEST_CASE("format_duration", "[time]") {
    CHECK(format_duration(2h) == "2h");
    CHECK(format_duration(1h + 30min) == "1h30m");
    CHECK(format_duration(15min) == "15m");
    CHECK(format_duration(90s) == "1m30s");
    CHECK(format_duration(Seconds{3 * 86400 + 5}) == "3d5s");
    CHECK(format_duration(0s) == "0s");
    CHECK(format_duration(-5s) == "0s");
    for (const char* text : {"90s", "15m", "1h30m", "3d", "2w", "1d2h3m4s"}) {
        INFO("round trip of " << text);
        CHECK(parse_duration(format_duration(*parse_duration(text))) == parse_duration(text));
    }
}
