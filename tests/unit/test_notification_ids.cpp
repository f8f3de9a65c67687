// The file that keeps which notification shows which dose across a restart.
#include <sys/stat.h>
#include <unistd.h>

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

// Issue 24 case 6 and issue 25 case 4: the file is read as a state file (never blocking,
// never through a symlink, only the user's own) and written under a fresh temporary name.
TEST_CASE("notification ids are read only from a private regular file", "[ids]") {
    TempDir dir;
    const std::string path = dir.file("notification-ids");
    NotificationIds ids;
    ids.bus_id = "0123456789abcdef0123456789abcdef";
    ids.server = ":1.7";
    ids.doses[3] = {DoseKey{"threonate-am", Instant{Seconds{1795334400}}}};
    SECTION("a FIFO is ignored at once (it used to block the start)") {
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
        CHECK_FALSE(load_notification_ids(path));
    }
    SECTION("a symlink to a valid file is ignored") {
        save_notification_ids(dir.file("elsewhere"), ids);
        REQUIRE(::symlink(dir.file("elsewhere").c_str(), path.c_str()) == 0);
        CHECK_FALSE(load_notification_ids(path));
    }
    SECTION("a valid file others can write is ignored") {
        save_notification_ids(path, ids);
        REQUIRE(::chmod(path.c_str(), 0666) == 0);
        CHECK_FALSE(load_notification_ids(path));
    }
    SECTION("a file at the old fixed temporary name is neither followed nor left to block") {
        // The old save opened `path.tmp` with O_TRUNC: a FIFO there blocked the loop.
        REQUIRE(::mkfifo((path + ".tmp").c_str(), 0600) == 0);
        save_notification_ids(path, ids);
        CHECK(load_notification_ids(path) == ids);
    }
}
