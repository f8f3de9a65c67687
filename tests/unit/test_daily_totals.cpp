#include <catch2/catch.hpp>

#include <string>

#include "core/daily_totals.hpp"
#include "core/parse.hpp"
#include "host/zoneinfo.hpp"
#include "regimen_texts.hpp"

using namespace regimend;

namespace {

const std::string kRegimen = std::string("version: 1\ntimezone: Europe/Berlin\n") +
                             test::kMagnesiumLimitAndMorningDose + R"(  - id: glycinate-pm
    name: Magnesium glycinate
    amount: 0.2 g
    tags: [magnesium]
    at: "21:30"
  - id: vitamin-d
    name: Vitamin D
    amount: 1000 mg
    at: "09:00"
)";

Instant berlin(int hour, int minute) {
    // 2026-11-22 is CET (UTC+1).
    return date::sys_days{date::year{2026} / 11 / 22} + std::chrono::hours{hour - 1} +
           std::chrono::minutes{minute};
}

}  // namespace

TEST_CASE("Confirmed amounts are summed per limit", "[daily_totals]") {
    auto parsed = parse_regimen(kRegimen, "regimen.yaml", nullptr, regimend::find_zone);
    REQUIRE(parsed.ok());
    const Regimen& regimen = *parsed.regimen;
    const LocalDate day{date::year{2026} / 11 / 22};

    SECTION("under the limit: nothing to say") {
        auto totals = confirmed_totals(regimen, day, {{"threonate-am", berlin(8, 0)}});
        REQUIRE(totals.size() == 1);
        CHECK(totals[0].total == Approx(144));
        CHECK_FALSE(totals[0].over);
        CHECK(limit_warnings(totals).empty());
    }
    SECTION("over the limit, grams counted as milligrams, untagged items left out") {
        auto totals = confirmed_totals(regimen, day,
                                       {{"threonate-am", berlin(8, 0)},
                                        {"glycinate-pm", berlin(21, 30)},
                                        {"vitamin-d", berlin(9, 0)}});
        REQUIRE(totals.size() == 1);
        CHECK(totals[0].total == Approx(344));
        CHECK_FALSE(totals[0].over);
    }
    SECTION("a dose confirmed that is not in the day's plan does not count") {
        auto totals = confirmed_totals(regimen, day, {{"glycinate-pm", berlin(20, 30)}});
        CHECK(totals[0].total == Approx(0));
    }
}

TEST_CASE("A day over the limit is flagged as information", "[daily_totals]") {
    std::string text = kRegimen;
    text.replace(text.find("per_day: 350 mg"), 15, "per_day: 300 mg");
    auto parsed = parse_regimen(text, "regimen.yaml", nullptr, regimend::find_zone);
    REQUIRE(parsed.ok());
    const LocalDate day{date::year{2026} / 11 / 22};
    auto totals = confirmed_totals(
        *parsed.regimen, day, {{"threonate-am", berlin(8, 0)}, {"glycinate-pm", berlin(21, 30)}});
    REQUIRE(totals[0].over);
    auto warnings = limit_warnings(totals);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] ==
          "for information: confirmed supplemental magnesium today is 344 mg, above the 300 mg "
          "per_day limit");
}
