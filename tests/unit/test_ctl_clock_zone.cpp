// regimenctl's ClockZone (ctl/clock_zone.hpp): the offsets it reads from a zone's TZif file
// are the ones date gives for the same zone, at every instant, and a name date would not
// find is refused so that the caller asks date as before.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>

#include "clock_zone.hpp"
#include "output.hpp"
#include "time_helpers.hpp"

using regimenctl::ClockZone;

namespace {

// Sets $TZ for one scope.
class ScopedTz {
  public:
    explicit ScopedTz(const char* value) {
        if (const char* old = std::getenv("TZ")) {
            old_ = old;
        }
        ::setenv("TZ", value, 1);
    }
    ~ScopedTz() {
        if (old_) {
            ::setenv("TZ", old_->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
    }

  private:
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("a zone read from its file has date's offsets", "[ctl_clock_zone]") {
    // Daylight saving both ways, half and quarter hours, a 30-minute DST shift, no DST, UTC.
    for (const std::string name :
         {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
          "Asia/Kathmandu", "America/Sao_Paulo", "Pacific/Chatham", "Etc/UTC", "UTC",
          "America/St_Johns", "Africa/Casablanca"}) {
        INFO(name);
        const auto clock = ClockZone::read(name);
        REQUIRE(clock);
        CHECK(clock->from_file());
        CHECK(clock->name() == name);
        const auto* zone = date::locate_zone(name);
        // Every 3h17m from 1960 to 2045: both sides of every transition in between, and
        // past the file's table, where date answers.
        for (auto instant = regimend::Instant{regimend::Seconds{-315619200}};
             instant < regimend::Instant{regimend::Seconds{2366841600}};
             instant += regimend::Seconds{3 * 3600 + 17 * 60}) {
            if (clock->offset(instant) != zone->get_info(instant).offset) {
                FAIL("offset differs at " << instant.time_since_epoch().count());
            }
        }
        // The instants of the transitions themselves, and one second before each.
        for (auto instant = regimend::Instant{regimend::Seconds{0}};
             instant < regimend::Instant{regimend::Seconds{2145916800}};) {
            const auto info = zone->get_info(instant);
            if (info.end >= regimend::Instant{regimend::Seconds{2145916800}}) {
                break;
            }
            instant = std::chrono::time_point_cast<regimend::Seconds>(info.end);
            CHECK(clock->offset(instant) == zone->get_info(instant).offset);
            CHECK(clock->offset(instant - regimend::Seconds{1}) ==
                  zone->get_info(instant - regimend::Seconds{1}).offset);
        }
    }
}

TEST_CASE("a name date would not find is not read", "[ctl_clock_zone]") {
    for (const std::string name :
         {"", "Not/A_Zone", "/etc/passwd", "../zoneinfo/Europe/Berlin", "Europe//Berlin",
          "posix/Europe/Berlin", "right/Europe/Berlin", "Factory", "zone.tab", "tzdata.zi",
          "Europe", ".", "Europe/../Europe/Berlin"}) {
        INFO(name);
        CHECK_FALSE(ClockZone::read(name));
    }
}

TEST_CASE("printing in a ClockZone gives the text date's zone gives", "[ctl_clock_zone]") {
    const auto instant = regimend::test::utc(2026, 3, 29, 1, 30);
    const auto today = regimend::test::ymd(2026, 3, 29);
    for (const char* system : {"Europe/Berlin", "Asia/Tokyo", "Not/A_Zone", ":Europe/Berlin"}) {
        ScopedTz tz(system);
        for (const std::string name : {"Europe/Berlin", "Asia/Tokyo", "UTC"}) {
            INFO(system << " " << name);
            const auto clock = ClockZone::read(name);
            REQUIRE(clock);
            const auto& zone = *date::locate_zone(name);
            for (const auto& via : {*clock, ClockZone::of(zone)}) {
                CHECK(regimenctl::zone_note(via) == regimenctl::zone_note(zone));
                CHECK(regimenctl::format_clock(via, instant) ==
                      regimenctl::format_clock(zone, instant));
                CHECK(regimenctl::format_when(via, instant, today) ==
                      regimenctl::format_when(zone, instant, today));
                CHECK(regimenctl::format_when(via, instant + regimend::Seconds{86400}, today) ==
                      regimenctl::format_when(zone, instant + regimend::Seconds{86400}, today));
                CHECK(regimenctl::instant_json(via, instant) ==
                      regimenctl::instant_json(zone, instant));
                CHECK(regimenctl::instant_json(via, std::nullopt) == nullptr);
            }
        }
    }
}
