// What regimend and regimenctl share about this host (daemon/host/): a regimen is read only
// from a regular file, never blocking, at most 1 MiB; and the directories and files we
// create are private (store/directory.hpp). The system zone: test_system_zone.cpp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "file_helpers.hpp"
#include "host/regular_file.hpp"
#include "store/directory.hpp"
#include "temp_dir.hpp"

using regimend::testing::TempDir;

using regimend::testing::mode_of;
using regimend::testing::write_file;

TEST_CASE("only a regular file is read as a regimen", "[host]") {
    TempDir dir;
    std::string error;
    SECTION("a regular file, whole") {
        write_file(dir.file("r.yaml"), "version: 1\n");
        auto text = regimend::read_regular_file(dir.file("r.yaml"), error);
        REQUIRE(text);
        CHECK(*text == "version: 1\n");
    }
    SECTION("a file longer than its size said, read whole as it is now") {
        // /proc files say size 0: the buffer sized from fstat grows until the end.
        auto text = regimend::read_regular_file("/proc/self/maps", error);
        REQUIRE(text);
        CHECK(text->size() > 256);
        CHECK(text->back() == '\n');
        CHECK(text->find("[stack]") != std::string::npos);
    }
    SECTION("a FIFO without a writer is refused at once instead of blocking") {
        REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
        CHECK_FALSE(regimend::read_regular_file(dir.file("fifo"), error));
        CHECK(error == "it is a FIFO, not a regular file");
    }
    SECTION("a directory and a character device") {
        CHECK_FALSE(regimend::read_regular_file(dir.path().string(), error));
        CHECK(error == "it is a directory, not a regular file");
        CHECK_FALSE(regimend::read_regular_file("/dev/null", error));
        CHECK(error == "it is a character device, not a regular file");
    }
    SECTION("a missing file") {
        CHECK_FALSE(regimend::read_regular_file(dir.file("none"), error));
        CHECK(error == "No such file or directory");
    }
    SECTION("at most 1 MiB") {
        write_file(dir.file("max"), std::string(regimend::kMaxRegimenBytes, '#'));
        CHECK(regimend::read_regular_file(dir.file("max"), error)->size() ==
              regimend::kMaxRegimenBytes);
        write_file(dir.file("big"), std::string(regimend::kMaxRegimenBytes + 1, '#'));
        CHECK_FALSE(regimend::read_regular_file(dir.file("big"), error));
        CHECK(error == "the file is larger than 1 MiB; a regimen is a few kilobytes");
    }
}

TEST_CASE("directories and files we create are private; existing ones keep their modes", "[host]") {
    TempDir dir;
    const mode_t old_umask = ::umask(022);
    SECTION("missing directories are created 0700, parents included") {
        REQUIRE_FALSE(regimend::make_private_directories(dir.path() / "a" / "b"));
        CHECK(mode_of(dir.file("a")) == 0700);
        CHECK(mode_of(dir.file("a/b")) == 0700);
    }
    SECTION("an existing directory keeps its mode") {
        REQUIRE(::mkdir(dir.file("shared").c_str(), 0755) == 0);
        REQUIRE(::chmod(dir.file("shared").c_str(), 01777) == 0);
        REQUIRE_FALSE(regimend::make_private_directories(dir.path() / "shared"));
        CHECK(mode_of(dir.file("shared")) == 01777);
    }
    SECTION("a new file is 0600, an existing one keeps its mode and content") {
        regimend::create_private_file(dir.path() / "new.db");
        CHECK(mode_of(dir.file("new.db")) == 0600);
        write_file(dir.file("old.db"), "kept");
        REQUIRE(::chmod(dir.file("old.db").c_str(), 0640) == 0);
        regimend::create_private_file(dir.path() / "old.db");
        CHECK(mode_of(dir.file("old.db")) == 0640);
        std::string error;
        CHECK(*regimend::read_regular_file(dir.file("old.db"), error) == "kept");
    }
    SECTION("through a dangling symlink the target is created 0600") {
        REQUIRE(::symlink(dir.file("target.db").c_str(), dir.file("link.db").c_str()) == 0);
        regimend::create_private_file(dir.path() / "link.db");
        CHECK(mode_of(dir.file("target.db")) == 0600);
    }
    ::umask(old_umask);
}
