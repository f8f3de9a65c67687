// The first run (app/first_run.hpp): the inactive example is written where the regimen
// belongs when nothing is there, privately and atomically; anything already there is kept.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/first_run.hpp"
#include "core/first_run_text.hpp"
#include "core/parse.hpp"
#include "file_helpers.hpp"
#include "host/zoneinfo.hpp"
#include "temp_dir.hpp"

using regimend::FirstRun;
using regimend::write_example_regimen_if_missing;
using namespace regimend::testing;  // TempDir and the file helpers
namespace fs = std::filesystem;

TEST_CASE("the first run writes the inactive example where the regimen belongs", "[first_run]") {
    TempDir dir;
    const fs::path target = dir.path() / "config" / "regimend" / "regimen.yaml";
    const mode_t old_umask = ::umask(022);
    REQUIRE(write_example_regimen_if_missing(target.string()) == FirstRun::Written);
    ::umask(old_umask);

    const std::string example =
        read_file(fs::path(REGIMEND_TEST_DATA) / ".." / ".." / "config" / "regimen.yaml");
    REQUIRE_FALSE(example.empty());
    const std::string written = read_file(target);
    CHECK(written == regimend::inactive_example(example));
    SECTION("private: the file 0600, the directories it made 0700") {
        CHECK(mode_of(target) == 0600);
        CHECK(mode_of(target.parent_path()) == 0700);
        CHECK(mode_of(target.parent_path().parent_path()) == 0700);
    }
    SECTION("a valid regimen with nothing to remind") {
        auto parsed = regimend::parse_regimen(written, target.string(), &regimend::TimeZone::utc(),
                                              regimend::find_zone);
        REQUIRE(parsed.ok());
        CHECK(parsed.regimen->items.empty());
    }
    SECTION("no temporary file is left beside it") {
        CHECK(entries_in(target.parent_path()) == 1);
    }
}

TEST_CASE("the first run keeps what is there and fails cleanly", "[first_run]") {
    TempDir dir;
    SECTION("an existing regimen is never replaced") {
        const fs::path target = dir.path() / "regimen.yaml";
        std::ofstream(target) << "version: 1\nitems: []\n# mine\n";
        CHECK(write_example_regimen_if_missing(target.string()) == FirstRun::AlreadyThere);
        CHECK(read_file(target) == "version: 1\nitems: []\n# mine\n");
        CHECK(entries_in(dir.path()) == 1);
    }
    SECTION("a directory that cannot be made (its parent is a file), even as root") {
        std::ofstream(dir.file("not-a-dir")) << "x";
        const fs::path target = dir.path() / "not-a-dir" / "regimend" / "regimen.yaml";
        CHECK(write_example_regimen_if_missing(target.string()) == FirstRun::Failed);
        CHECK(read_file(dir.path() / "not-a-dir") == "x");
    }
}
