// The reply bounds of core/reply_limits.hpp: ListDoses' bound never under-counts what the
// planner produces (DST days, bedtime past midnight, intervals, spans cutting days), and
// the regimens of the issue (a 900 KB name, 1,000 hourly items over 100 days) are refused
// before anything is planned.
#include <catch2/catch.hpp>

#include <string>

#include "core/parse.hpp"
#include "core/plan.hpp"
#include "core/reply_limits.hpp"
#include "host/zoneinfo.hpp"
#include "time_helpers.hpp"

using namespace regimend;
using namespace regimend::test;

namespace {

Regimen parsed(const std::string& yaml) {
    auto result = parse_regimen(yaml, "test.yaml", &regimend::TimeZone::utc(), regimend::find_zone);
    std::string messages;
    for (const auto& diagnostic : result.diagnostics) {
        messages += format_diagnostic(diagnostic) + "\n";
    }
    INFO(messages);
    REQUIRE(result.ok());
    return std::move(*result.regimen);
}

// What the reply would really weigh.
std::uint64_t actual_bytes(const Regimen& regimen, Instant from, Instant to) {
    std::uint64_t bytes = 0;
    for (const auto& dose : plan(regimen, from, to)) {
        const Item* item = regimen.find(dose.item_id);
        bytes += dose_row_bytes(dose.item_id, item->name.empty() ? item->id : item->name);
    }
    return bytes;
}

const char* const kMixed = R"(version: 1
timezone: Europe/Berlin
bedtime: "23:30"
items:
  - id: am
    name: Morning
    at: ["02:30", "08:00", "08:00:30", "21:00"]
  - id: late
    name: Late
    at: [1h after bedtime, 30m before bedtime]
  - id: hourly
    name: Hourly
    every: 5 hours
    start: 2026-03-01
    at: "01:00"
  - id: weekly
    name: Weekly
    every: week
    days: [sun]
    at: "02:30"
  - id: topical
    name: Topical
    as_needed: true
)";

}  // namespace

TEST_CASE("the ListDoses bound is never below what the planner lists", "[reply_limits]") {
    const Regimen regimen = parsed(kMixed);
    // Spans around both Berlin DST changes of 2026, from a second to 40 days, cutting days
    // at odd hours.
    const Instant starts[] = {utc(2026, 3, 28, 23), utc(2026, 3, 29, 1), utc(2026, 10, 24, 22),
                              utc(2026, 10, 25, 0), utc(2026, 6, 1, 7)};
    const Seconds lengths[] = {Seconds{1},      Seconds{3600},   Seconds{86'399},
                               Seconds{86'400}, Seconds{90'000}, Seconds{40LL * 86'400}};
    for (const Instant from : starts) {
        for (const Seconds length : lengths) {
            const Instant to = from + length;
            const auto listed = plan(regimen, from, to);
            const ReplyBound bound = list_doses_bound(regimen, from, to);
            INFO("from " << from.time_since_epoch().count() << " length " << length.count());
            CHECK(bound.rows >= listed.size());
            CHECK(bound.bytes >= actual_bytes(regimen, from, to));
        }
    }
}

TEST_CASE("the ListDoses bound stays close enough for everyday spans", "[reply_limits]") {
    const Regimen regimen = parsed(kMixed);
    // A year of this small regimen is far below both limits: regimenctl never has to split.
    const ReplyBound year = list_doses_bound(regimen, utc(2026, 1, 1), utc(2027, 1, 1));
    CHECK(year.rows < kMaxListedDoses);
    CHECK(year.bytes < kMaxReplyBytes);
    // An as-needed item is never listed.
    const Regimen only_topical =
        parsed("version: 1\nitems:\n  - id: t\n    name: T\n    as_needed: true\n");
    CHECK(list_doses_bound(only_topical, utc(2026, 1, 1), utc(2027, 1, 1)).rows == 0);
}

TEST_CASE("the issue's regimens are refused before planning", "[reply_limits]") {
    SECTION("a 900 KB name over 100 days passes the 16 MiB reply limit") {
        // The parser refuses such a name now (200 characters at most); the bound is a second
        // line of defence, so the name is set on a parsed regimen directly.
        const std::string huge(900'000, 'x');
        CHECK_FALSE(parse_regimen("version: 1\nitems:\n  - id: big\n    name: " + huge +
                                      "\n    at: \"08:00\"\n",
                                  "test.yaml", &regimend::TimeZone::utc(), regimend::find_zone)
                        .ok());
        Regimen regimen =
            parsed("version: 1\nitems:\n  - id: big\n    name: Big\n    at: \"08:00\"\n");
        regimen.items.front().name = huge;
        const ReplyBound bound = list_doses_bound(regimen, utc(2026, 1, 1), utc(2026, 4, 11));
        CHECK(bound.bytes > kMaxReplyBytes);
        // A day of it fits: regimenctl status still works.
        CHECK(list_doses_bound(regimen, utc(2026, 1, 1), utc(2026, 1, 2)).bytes < kMaxReplyBytes);
    }
    SECTION("1,000 hourly items over 100 days pass the dose limit") {
        std::string yaml = "version: 1\nitems:\n";
        for (int i = 0; i < 1000; ++i) {
            yaml += "  - id: i" + std::to_string(i) +
                    "\n    name: I\n    every: 1 hours\n    start: 2026-01-01\n    at: \"00:00\"\n";
        }
        const Regimen regimen = parsed(yaml);
        const ReplyBound bound = list_doses_bound(regimen, utc(2026, 1, 1), utc(2026, 4, 11));
        CHECK(bound.rows > kMaxListedDoses);
        // Half a day fits in one call: regimenctl halves until a piece does.
        CHECK(list_doses_bound(regimen, utc(2026, 1, 1), utc(2026, 1, 1, 12)).rows <
              kMaxListedDoses);
    }
}

TEST_CASE("the refusal names the limit and tells the client to split", "[reply_limits]") {
    const std::string message = reply_too_large_message("History", kMaxReplyBytes + 1);
    CHECK(message.find("16 MiB") != std::string::npos);
    CHECK(message.find(kShorterSpanHint) != std::string::npos);
    const std::string doses = too_many_doses_message(2'400'000);
    CHECK(doses.find(std::to_string(kMaxListedDoses)) != std::string::npos);
    CHECK(doses.find(kShorterSpanHint) != std::string::npos);
}
