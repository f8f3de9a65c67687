// regimend::TimeZone (daemon/core/time_zone.hpp) reads one zone's TZif file; date's tzdb
// reads the same files. For every zone date knows on this machine, both must give the same
// offsets, abbreviations and spans, and the same answers for local times in gaps and
// overlaps, which is where the spec's DST rule lives. Past the file's table (2037) date
// keeps the last offset, while TimeZone follows the file's footer rule: checked by hand.
#include <catch2/catch.hpp>

#include <date/tz.h>

#include <sstream>
#include <string>

#include "core/parse.hpp"
#include "core/time.hpp"
#include "host/zoneinfo.hpp"
#include "time_helpers.hpp"

using regimend::Instant;
using regimend::LocalTime;
using regimend::Seconds;

namespace {

// The end of the tables in the TZif files tzdata builds ("fat" files stop in 2037).
const Instant kTableEnd{Seconds{2145916800}};  // 2038-01-01
const Instant kFrom{Seconds{-2208988800}};     // 1900-01-01

std::string describe(const date::sys_info& info) {
    std::ostringstream text;
    text << info.begin.time_since_epoch().count() << ".." << info.end.time_since_epoch().count()
         << " " << info.offset.count() << " " << info.abbrev
         << (info.save != std::chrono::minutes{0} ? " dst" : "");
    return text.str();
}

std::string describe(const date::local_info& info) {
    return std::to_string(info.result) + " [" + describe(info.first) + "] [" +
           (info.result == date::local_info::unique ? "" : describe(info.second)) + "]";
}

// The same span, where both tell it: date's first span starts at the beginning of time and
// its last ends at the end, while ours may end where the footer's rule changes.
bool same_span(const date::sys_info& ours, const date::sys_info& dates) {
    const bool ours_is_last = ours.end >= kTableEnd;
    return ours.begin == dates.begin && (ours_is_last || ours.end == dates.end) &&
           ours.offset == dates.offset && ours.abbrev == dates.abbrev &&
           (ours.save != std::chrono::minutes{0}) == (dates.save != std::chrono::minutes{0});
}

// The first difference between the two at and around every transition of `name` from 1900
// to 2037 (and every `step` in between), or an empty string.
std::string first_difference(const std::string& name, Seconds step) {
    const auto* ours = regimend::locate_zone(name);
    const auto* dates = date::locate_zone(name);
    if (ours->name() != name) {
        return "name " + ours->name();
    }
    auto compare_at = [&](Instant instant) -> std::string {
        if (instant >= kTableEnd) {
            return {};
        }
        const auto mine = ours->get_info(instant);
        const auto theirs = dates->get_info(instant);
        if (!same_span(mine, theirs)) {
            return "at " + std::to_string(instant.time_since_epoch().count()) + ": " +
                   describe(mine) + " vs " + describe(theirs);
        }
        if (ours->to_local(instant) != dates->to_local(instant)) {
            return "to_local at " + std::to_string(instant.time_since_epoch().count());
        }
        return {};
    };
    auto compare_local = [&](LocalTime local) -> std::string {
        if (Instant{local.time_since_epoch()} >= kTableEnd - date::days{2}) {
            return {};
        }
        const auto mine = ours->get_info(local);
        const auto theirs = dates->get_info(local);
        const bool same =
            mine.result == theirs.result && same_span(mine.first, theirs.first) &&
            (mine.result == date::local_info::unique || same_span(mine.second, theirs.second));
        if (!same) {
            return "local " + std::to_string(local.time_since_epoch().count()) + ": " +
                   describe(mine) + " vs " + describe(theirs);
        }
        for (auto choice : {date::choose::earliest, date::choose::latest}) {
            if (ours->to_sys(local, choice) != dates->to_sys(local, choice)) {
                return "to_sys at local " + std::to_string(local.time_since_epoch().count());
            }
        }
        return {};
    };
    for (Instant instant = kFrom; instant < kTableEnd; instant += step) {
        if (auto difference = compare_at(instant); !difference.empty()) {
            return difference;
        }
    }
    for (auto info = dates->get_info(kFrom); info.end < kTableEnd;) {
        const Instant change = std::chrono::time_point_cast<Seconds>(info.end);
        const auto next = dates->get_info(change);
        for (Seconds delta : {Seconds{-1}, Seconds{0}, Seconds{1}}) {
            if (auto difference = compare_at(change + delta); !difference.empty()) {
                return difference;
            }
        }
        // Local times on both sides of the change as read before and after it: the edges
        // of a gap or an overlap, its middle, and an hour either side.
        for (Seconds offset : {info.offset, next.offset}) {
            const LocalTime local{change.time_since_epoch() + offset};
            for (Seconds delta : {Seconds{-3600}, Seconds{-1}, Seconds{0}, Seconds{1},
                                  (next.offset - info.offset) / 2, Seconds{3600}}) {
                if (auto difference = compare_local(local + delta); !difference.empty()) {
                    return difference;
                }
            }
        }
        info = next;
    }
    return {};
}

}  // namespace

TEST_CASE("every zone on this machine reads as date reads it", "[time_zone]") {
    const auto& database = date::get_tzdb();
    REQUIRE(database.zones.size() > 300);
    std::size_t compared = 0;
    for (const auto& zone : database.zones) {
        INFO(zone.name());
        const auto difference =
            first_difference(zone.name(), Seconds{7 * 86400 + 3 * 3600 + 17 * 60});
        if (!difference.empty()) {
            FAIL(difference);
        }
        ++compared;
    }
    CHECK(compared == database.zones.size());
}

TEST_CASE("the zones the tests plan in read as date reads them, every 3 h 17 min", "[time_zone]") {
    // Daylight saving both ways, half and quarter hours, a 30-minute DST shift, DST at
    // midnight, no DST, UTC.
    for (const std::string name :
         {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
          "Asia/Kolkata", "Asia/Kathmandu", "America/Sao_Paulo", "Pacific/Chatham", "Etc/UTC",
          "UTC", "America/St_Johns", "Africa/Casablanca"}) {
        INFO(name);
        const auto difference = first_difference(name, Seconds{3 * 3600 + 17 * 60});
        if (!difference.empty()) {
            FAIL(difference);
        }
    }
}

TEST_CASE("the spec's DST rule on zones read from their files", "[time_zone]") {
    using regimend::test::utc;
    const auto at = [](const char* zone, int y, unsigned m, unsigned d, int h, int min) {
        return regimend::to_instant(*regimend::locate_zone(zone),
                                    LocalTime{date::local_days{regimend::test::ymd(y, m, d)} +
                                              std::chrono::hours{h} + std::chrono::minutes{min}});
    };
    // Gaps: the first instant after. Overlaps: the first occurrence.
    CHECK(at("Europe/Berlin", 2026, 3, 29, 2, 30) == utc(2026, 3, 29, 1, 0));
    CHECK(at("Europe/Berlin", 2026, 10, 25, 2, 30) == utc(2026, 10, 25, 0, 30));
    CHECK(at("America/New_York", 2027, 3, 14, 2, 30) == utc(2027, 3, 14, 7, 0));
    CHECK(at("America/New_York", 2026, 11, 1, 1, 30) == utc(2026, 11, 1, 5, 30));
    // Lord Howe moves half an hour: 02:00 -> 02:30 in October, 02:00 -> 01:30 in April.
    CHECK(at("Australia/Lord_Howe", 2026, 10, 4, 2, 15) == utc(2026, 10, 3, 15, 30));
    CHECK(at("Australia/Lord_Howe", 2027, 4, 4, 1, 45) == utc(2027, 4, 3, 14, 45));
    // Santiago springs forward at midnight: 00:00 does not exist on 2026-09-06.
    CHECK(at("America/Santiago", 2026, 9, 6, 0, 0) == utc(2026, 9, 6, 4, 0));
    CHECK(regimend::start_of_day(*regimend::locate_zone("America/Santiago"),
                                 regimend::test::ymd(2026, 9, 6)) == utc(2026, 9, 6, 4, 0));
}

TEST_CASE("past its table a zone follows its file's rule", "[time_zone]") {
    using regimend::test::utc;
    const auto& berlin = *regimend::locate_zone("Europe/Berlin");
    // 2040: last Sundays of March (25th) and October (28th), at 01:00 UTC.
    CHECK(berlin.get_info(utc(2040, 3, 25, 0, 59)).offset == std::chrono::hours{1});
    CHECK(berlin.get_info(utc(2040, 3, 25, 1, 0)).offset == std::chrono::hours{2});
    CHECK(berlin.get_info(utc(2040, 3, 25, 1, 0)).abbrev == "CEST");
    CHECK(berlin.get_info(utc(2040, 10, 28, 0, 59)).offset == std::chrono::hours{2});
    CHECK(berlin.get_info(utc(2040, 10, 28, 1, 0)).offset == std::chrono::hours{1});
    const auto gap = berlin.get_info(
        LocalTime{date::local_days{regimend::test::ymd(2040, 3, 25)} + std::chrono::minutes{150}});
    CHECK(gap.result == date::local_info::nonexistent);
    const auto& sydney = *regimend::locate_zone("Australia/Sydney");
    // Southern hemisphere, 2045: daylight saving until the first Sunday of April (2nd).
    CHECK(sydney.get_info(utc(2045, 1, 15, 0, 0)).offset == std::chrono::hours{11});
    CHECK(sydney.get_info(utc(2045, 6, 15, 0, 0)).offset == std::chrono::hours{10});
    // The last span of the table ends where the rule's next change is.
    const auto last = berlin.get_info(utc(2037, 11, 1, 0, 0));
    CHECK(last.end == utc(2038, 3, 28, 1, 0));
}

TEST_CASE("a name that is not a zone file is refused", "[time_zone]") {
    for (const std::string name :
         {"",
          "Not/A_Zone",
          "/etc/passwd",
          "../zoneinfo/Europe/Berlin",
          "Europe//Berlin",
          "posix/Europe/Berlin",
          "right/Europe/Berlin",
          "Factory",
          "zone.tab",
          "tzdata.zi",
          "Europe",
          ".",
          "Europe/../Europe/Berlin",
          "iso3166.tab",
          "leapseconds",
          "Europe/Berlin ",
          " Europe/Berlin",
          "Europe/Berlin\n",
          "Europe/*",
          "Europe/"
          "Berlin__________________________________________________________________________________"
          "________________________________________________________________________________________"
          "________________________________________________________________________________________"
          "_____"}) {
        INFO(name);
        CHECK_THROWS_AS(regimend::locate_zone(name), std::runtime_error);
    }
    // A NUL would end the path at "Europe/Berlin" and name the zone with what follows.
    CHECK_THROWS_AS(regimend::locate_zone(std::string("Europe/Berlin\0x", 15)), std::runtime_error);
    // Names with every character IANA uses.
    for (const std::string name : {"America/Port-au-Prince", "Etc/GMT+5", "Etc/GMT-14",
                                   "America/Argentina/Buenos_Aires", "US/Eastern"}) {
        INFO(name);
        CHECK(regimend::locate_zone(name)->name() == name);
    }
    // The same zone, read once: callers compare zones by address.
    CHECK(regimend::locate_zone("Europe/Berlin") == regimend::locate_zone("Europe/Berlin"));
}

TEST_CASE("a TZif file that is cut or corrupt is not a zone", "[time_zone]") {
    const std::string bytes = regimend::read_zone_file("Europe/Berlin");
    REQUIRE(regimend::TimeZone::from_tzif("Europe/Berlin", bytes));
    // Every cut of the file short of its footer is refused, never read past its end.
    const auto footer = bytes.rfind('\n', bytes.size() - 2);
    REQUIRE(footer != std::string::npos);
    std::size_t accepted = 0;
    for (std::size_t size = 0; size < footer; size += 3) {
        accepted += regimend::TimeZone::from_tzif("cut", bytes.substr(0, size)) ? 1 : 0;
    }
    CHECK(accepted == 0);
    // Version 1 files, without 64-bit data, and a type index past the types.
    auto version_one = bytes;
    version_one[4] = '\0';
    CHECK_FALSE(regimend::TimeZone::from_tzif("v1", version_one));
    auto not_tzif = bytes;
    not_tzif[0] = 'X';
    CHECK_FALSE(regimend::TimeZone::from_tzif("x", not_tzif));
}

namespace {

void put_be(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.push_back(static_cast<char>((value >> shift) & 0xff));
    }
}

// A version 2 TZif file: an empty version 1 block, then `transitions` alternating between
// UTC ("A") and one hour ahead ("B", daylight saving), and no footer rule.
std::string alternating_zone(const std::vector<std::int64_t>& transitions) {
    auto header = [](std::string& out, std::uint32_t times, std::uint32_t types,
                     std::uint32_t chars) {
        out += "TZif2";
        out.append(15, '\0');
        for (std::uint32_t count : {0u, 0u, 0u, times, types, chars}) {
            put_be(out, count, 4);
        }
    };
    std::string out;
    header(out, 0, 1, 2);
    put_be(out, 0, 4);
    out += std::string("\0\0", 2) + std::string("A\0", 2);
    header(out, static_cast<std::uint32_t>(transitions.size()), 2, 4);
    for (auto at : transitions) {
        put_be(out, static_cast<std::uint64_t>(at), 8);
    }
    for (std::size_t i = 0; i < transitions.size(); ++i) {
        out.push_back(static_cast<char>(i % 2 == 0 ? 1 : 0));
    }
    put_be(out, 0, 4);
    out += std::string("\0\0", 2);
    put_be(out, 3600, 4);
    out += std::string("\1\2", 2);
    out += std::string("A\0B\0", 4);
    out += "\n\n";
    return out;
}

}  // namespace

TEST_CASE("a zone that changes every two hours still reads every local time sensibly",
          "[time_zone]") {
    // 40 changes two hours apart: more spans within a day either side of a local time than
    // get_info keeps room for. A gap or a day's local time must never read as 1970.
    std::vector<std::int64_t> transitions;
    const std::int64_t first = 1'800'000'000;
    for (int i = 0; i < 40; ++i) {
        transitions.push_back(first + i * 7200);
    }
    const auto zone = regimend::TimeZone::from_tzif("Test/Flapping", alternating_zone(transitions));
    REQUIRE(zone);
    CHECK(zone->get_info(Instant{Seconds{first}}).offset == std::chrono::hours{1});
    CHECK(zone->get_info(Instant{Seconds{first + 7200}}).offset == std::chrono::hours{0});
    for (std::int64_t at = first - 86400; at < first + 40 * 7200 + 86400; at += 600) {
        const LocalTime local{Seconds{at}};
        const auto instant = zone->to_sys(local, date::choose::earliest);
        INFO(at);
        CHECK(std::chrono::abs(instant.time_since_epoch() - local.time_since_epoch()) <=
              std::chrono::hours{1});
        // Read back, the instant is the local time or, in a gap, the first instant after it.
        CHECK(zone->to_local(instant) >= local);
    }
}

TEST_CASE("the core reads no zone file: UTC is built in, other zones come from the lookup given",
          "[time_zone]") {
    const auto& utc = regimend::TimeZone::utc();
    CHECK(utc.name() == "UTC");
    CHECK(utc.get_info(Instant{Seconds{1'790'000'000}}).offset == Seconds{0});
    CHECK(utc.get_info(Instant{Seconds{1'790'000'000}}).abbrev == "UTC");
    CHECK(regimend::find_zone("UTC") == &utc);
    // A zone decoded from bytes the test holds, found under a name no file has: the parser
    // knows zones only through the lookup it is passed.
    const auto kept =
        regimend::TimeZone::from_tzif("Test/Berlin", regimend::read_zone_file("Europe/Berlin"));
    REQUIRE(kept);
    const regimend::FindZone only_test = [&](const std::string& name) {
        return name == "Test/Berlin" ? &*kept : nullptr;
    };
    const std::string items =
        "items:\n  - id: a\n    name: A\n    dose: 1 tablet\n    at: \"08:00\"\n";
    auto found = regimend::parse_regimen("version: 1\ntimezone: Test/Berlin\n" + items, "r.yaml",
                                         nullptr, only_test);
    REQUIRE(found.ok());
    CHECK(found.regimen->zone == &*kept);
    auto unknown = regimend::parse_regimen("version: 1\ntimezone: Europe/Berlin\n" + items,
                                           "r.yaml", nullptr, only_test);
    CHECK_FALSE(unknown.ok());
    auto default_utc =
        regimend::parse_regimen("version: 1\n" + items, "r.yaml", nullptr, only_test);
    REQUIRE(default_utc.ok());
    CHECK(default_utc.regimen->zone == &utc);
}
