// The file that keeps which notification shows which dose across a restart.
#include <catch2/catch.hpp>

#include <filesystem>

#include "bus/notification_ids.hpp"
#include "temp_dir.hpp"

using namespace regimend;
using regimend::testing::TempDir;

TEST_CASE("notification ids round-trip, groups included; anything else is ignored", "[ids]") {
    NotificationIds ids;
    ids.bus_id = "0123456789abcdef0123456789abcdef";
    ids.server = ":1.7";
    ids.doses[3] = {DoseKey{"threonate-am", Instant{Seconds{1795334400}}},
                    DoseKey{"glycinate-pm", Instant{Seconds{1795334400}}}};
    ids.doses[9] = {DoseKey{"epsom-bath", Instant{Seconds{1795370400}}}};
    const std::string text = format_notification_ids(ids);
    CHECK(parse_notification_ids(text) == ids);

    CHECK_FALSE(parse_notification_ids(""));
    CHECK_FALSE(parse_notification_ids("something else\nbus x\nserver y\n"));
    CHECK_FALSE(parse_notification_ids(text + "0 12 zero-id\n"));
    CHECK_FALSE(parse_notification_ids(text + "5 not-a-number x\n"));

    SECTION("saved atomically and private; an empty map removes the file") {
        TempDir dir;
        const std::string path = dir.file("notification-ids");
        save_notification_ids(path, ids);
        CHECK(load_notification_ids(path) == ids);
        CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
              (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
        save_notification_ids(path, NotificationIds{ids.bus_id, ids.server, {}});
        CHECK_FALSE(std::filesystem::exists(path));
        CHECK_FALSE(load_notification_ids(path));
    }
}
