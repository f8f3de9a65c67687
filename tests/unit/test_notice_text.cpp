// The "missed" notice's words, with literal instants.
#include <catch2/catch.hpp>

#include "core/notice_text.hpp"
#include "dose_fixtures.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

TEST_CASE("the missed notice says how to record each dose, never 'while away'", "[notice]") {
    auto regimen = make_regimen(
        "Europe/Berlin", {daily_item("threonate-am", {"08:00"}), daily_item("b", {"09:00"})});
    const Instant morning = local(*regimen, "2026-11-20 08:00");
    const Instant now = local(*regimen, "2026-11-20 11:00");

    SECTION("one dose today: the time alone") {
        auto text = missed_notice(*regimen, {DoseKey{"threonate-am", morning}}, now);
        CHECK(text.summary == "Missed: Item threonate-am at 08:00");
        CHECK(text.body ==
              "If you took it, record it with: regimenctl take threonate-am --at 08:00");
    }
    SECTION("one dose of another day: the date too, or --at would name today's") {
        auto text = missed_notice(*regimen, {DoseKey{"threonate-am", morning - 24h}}, now);
        CHECK(text.summary == "Missed: Item threonate-am at Thu 08:00");
        CHECK(text.body ==
              "If you took it, record it with: regimenctl take threonate-am --at "
              "\"2026-11-19 08:00\"");
    }
    SECTION("several doses: each with its command") {
        auto text = missed_notice(
            *regimen, {DoseKey{"threonate-am", morning}, DoseKey{"b", morning + 1h}}, now);
        CHECK(text.summary == "Missed 2 doses");
        CHECK(text.body ==
              "If you took them, record each with the command after it:\n"
              "Item threonate-am at 08:00: regimenctl take threonate-am --at 08:00\n"
              "Item b at 09:00: regimenctl take b --at 09:00");
    }
}
