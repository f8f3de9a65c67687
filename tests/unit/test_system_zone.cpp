// The system's zone (host/system_zone.hpp), as regimend and regimenctl both look it up:
// $TZ in its forms first (a name, ":Name", a path under a zoneinfo directory, the posix/
// and right/ variants), then the machine's own zone.
#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "host/system_zone.hpp"
#include "scoped_env.hpp"

using regimend::testing::ScopedEnv;

namespace {

// The zone with $TZ unset: what the machine says (/etc/localtime, /etc/timezone or UTC).
std::string machine_zone_name() {
    ScopedEnv tz("TZ", nullptr);
    return std::string(regimend::system_zone()->name());
}

// The zone and the problem reported with $TZ set to `value`.
std::pair<std::string, std::string> zone_with_tz(const char* value) {
    ScopedEnv tz("TZ", value);
    std::string problem = "not cleared";
    const auto* zone = regimend::system_zone(&problem);
    REQUIRE(zone != nullptr);
    return {std::string(zone->name()), problem};
}

}  // namespace

TEST_CASE("the system zone honours $TZ", "[system_zone]") {
    {
        ScopedEnv tz("TZ", "Asia/Tokyo");
        CHECK(regimend::system_zone()->name() == "Asia/Tokyo");
    }
    {
        ScopedEnv tz("TZ", ":America/New_York");
        CHECK(regimend::system_zone()->name() == "America/New_York");
    }
    {
        ScopedEnv tz("TZ", "Not/A_Zone");
        std::string problem;
        CHECK(regimend::system_zone(&problem) != nullptr);
        CHECK(problem == "TZ='Not/A_Zone' is not an IANA time zone name; using the system zone");
    }
}

TEST_CASE("$TZ in each of its forms names the same zone", "[system_zone]") {
    SECTION("a plain name, and the problem is cleared") {
        CHECK(zone_with_tz("Europe/Berlin") ==
              std::pair<std::string, std::string>{"Europe/Berlin", ""});
    }
    SECTION("a leading colon") {
        CHECK(zone_with_tz(":Europe/Berlin").first == "Europe/Berlin");
    }
    SECTION("the posix/ and right/ variants are the same zones") {
        CHECK(zone_with_tz("posix/Europe/Berlin").first == "Europe/Berlin");
        CHECK(zone_with_tz("right/Asia/Tokyo").first == "Asia/Tokyo");
        CHECK(zone_with_tz(":right/Europe/Berlin").first == "Europe/Berlin");
    }
    SECTION("a path under a zoneinfo directory, with or without a variant") {
        CHECK(zone_with_tz("/usr/share/zoneinfo/Asia/Tokyo").first == "Asia/Tokyo");
        CHECK(zone_with_tz(":/usr/share/zoneinfo/posix/America/New_York").first ==
              "America/New_York");
        CHECK(zone_with_tz("/usr/share/zoneinfo/right/Europe/Berlin").first == "Europe/Berlin");
    }
}

TEST_CASE("an empty or unusable $TZ falls back to the machine's zone", "[system_zone]") {
    const std::string machine = machine_zone_name();
    SECTION("TZ= (empty) is as if unset, and no problem is reported") {
        CHECK(zone_with_tz("") == std::pair<std::string, std::string>{machine, ""});
    }
    SECTION("a bad name: the machine's zone, and the problem says why") {
        const auto [name, problem] = zone_with_tz("Mars/Olympus_Mons");
        CHECK(name == machine);
        CHECK(problem ==
              "TZ='Mars/Olympus_Mons' is not an IANA time zone name; using the system zone");
    }
    SECTION("a bare colon names nothing") {
        const auto [name, problem] = zone_with_tz(":");
        CHECK(name == machine);
        CHECK(problem == "TZ=':' is not an IANA time zone name; using the system zone");
    }
    SECTION("a variant prefix alone names nothing") {
        const auto [name, problem] = zone_with_tz("posix/");
        CHECK(name == machine);
        CHECK_FALSE(problem.empty());
    }
}
