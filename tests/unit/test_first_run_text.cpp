// The first run's example: valid, inactive, and the example's items still there to read.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "core/first_run_text.hpp"
#include "core/lint.hpp"
#include "core/parse.hpp"
#include "host/zoneinfo.hpp"

using namespace regimend;

namespace {

std::string example_text() {
    std::ifstream in(std::string(REGIMEND_TEST_DATA) + "/../../config/regimen.yaml");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("the first run's example reminds of nothing until the user makes it theirs",
          "[first_run]") {
    const std::string example = example_text();
    REQUIRE(example.find("\nitems:\n") != std::string::npos);
    auto active =
        parse_regimen(example, "regimen.yaml", &regimend::TimeZone::utc(), regimend::find_zone);
    REQUIRE(active.ok());
    CHECK_FALSE(active.regimen->items.empty());
    CHECK(lint(*active.regimen).empty());  // the example passes its own lint

    const std::string written = inactive_example(example);
    auto inactive =
        parse_regimen(written, "regimen.yaml", &regimend::TimeZone::utc(), regimend::find_zone);
    REQUIRE(inactive.ok());
    CHECK(inactive.regimen->items.empty());
    // Its settings stay in force, and the items are there, commented, to uncomment.
    CHECK(inactive.regimen->symptoms == active.regimen->symptoms);
    CHECK(written.find("#   - id: threonate-am") != std::string::npos);
    CHECK(written.find("regimenctl edit") != std::string::npos);
    CHECK(written.find("Copy this file") == std::string::npos);
}
