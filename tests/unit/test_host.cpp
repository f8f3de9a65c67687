// What regimend and regimenctl share about this host (daemon/host/): a regimen is read only
// from a regular file, never blocking, at most 1 MiB; and the directories and files we
// create are private (store/directory.hpp). The system zone: test_system_zone.cpp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "file_helpers.hpp"
#include "host/atomic_file.hpp"
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
    SECTION("nothing is created through a dangling symlink") {
        REQUIRE(::symlink(dir.file("target.db").c_str(), dir.file("link.db").c_str()) == 0);
        regimend::create_private_file(dir.path() / "link.db");
        CHECK_FALSE(std::filesystem::exists(dir.file("target.db")));
    }
    ::umask(old_umask);
}

// The state directory may be shared (--state-dir /tmp): a state file is used only when it is
// a regular file of the user's own that no one else can write, never through a symlink, and
// reading it never blocks.
TEST_CASE("state files are read only when they are the user's own", "[host]") {
    using regimend::StateFileVerdict;
    TempDir dir;
    const mode_t old_umask = ::umask(022);
    const std::string path = dir.file("notification-ids");
    SECTION("a private regular file is read") {
        write_file(path, "ids\n");
        REQUIRE(::chmod(path.c_str(), 0600) == 0);
        const auto read = regimend::read_state_file(path, 100);
        CHECK(read.check.verdict == StateFileVerdict::Usable);
        REQUIRE(read.text);
        CHECK(*read.text == "ids\n");
        CHECK(regimend::check_state_file(path).verdict == StateFileVerdict::Usable);
    }
    SECTION("a missing file is only missing") {
        CHECK(regimend::read_state_file(path, 100).check.verdict == StateFileVerdict::Missing);
        CHECK(regimend::check_state_file(path).verdict == StateFileVerdict::Missing);
    }
    SECTION("a FIFO is not opened for reading and never blocks") {
        REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
        const auto read = regimend::read_state_file(path, 100);
        CHECK_FALSE(read.text);
        CHECK(read.check.verdict == StateFileVerdict::Unreadable);
        CHECK(read.check.why == "it is a FIFO, not a regular file");
    }
    SECTION("a symlink is never followed, even to a private file") {
        write_file(dir.file("target"), "ids\n");
        REQUIRE(::chmod(dir.file("target").c_str(), 0600) == 0);
        REQUIRE(::symlink(dir.file("target").c_str(), path.c_str()) == 0);
        const auto read = regimend::read_state_file(path, 100);
        CHECK_FALSE(read.text);
        CHECK(read.check.verdict == StateFileVerdict::Untrusted);
        CHECK(read.check.why == "it is a symbolic link");
        CHECK(regimend::check_state_file(path).verdict == StateFileVerdict::Untrusted);
    }
    SECTION("a file group or others can write is not trusted") {
        for (const mode_t mode : {0620, 0602, 0666}) {
            write_file(path, "ids\n");
            REQUIRE(::chmod(path.c_str(), mode) == 0);
            const auto read = regimend::read_state_file(path, 100);
            CHECK_FALSE(read.text);
            CHECK(read.check.verdict == StateFileVerdict::Untrusted);
            CHECK_THAT(read.check.why, Catch::StartsWith("group or others can write it"));
            CHECK(regimend::check_state_file(path).verdict == StateFileVerdict::Untrusted);
        }
    }
    SECTION("another user's file is not trusted") {
        if (::geteuid() != 0) {
            WARN("not root: cannot give a file to another user here (CI runs as root)");
            return;
        }
        write_file(path, "ids\n");
        REQUIRE(::chmod(path.c_str(), 0600) == 0);
        REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
        const auto read = regimend::read_state_file(path, 100);
        CHECK_FALSE(read.text);
        CHECK(read.check.verdict == StateFileVerdict::Untrusted);
        CHECK_THAT(read.check.why, Catch::StartsWith("it belongs to uid 65534"));
    }
    SECTION("the size is capped") {
        write_file(path, std::string(101, 'x'));
        REQUIRE(::chmod(path.c_str(), 0600) == 0);
        const auto read = regimend::read_state_file(path, 100);
        CHECK_FALSE(read.text);
        CHECK(read.check.verdict == StateFileVerdict::Unreadable);
    }
    ::umask(old_umask);
}

TEST_CASE("a file is replaced atomically, privately and whole", "[host]") {
    TempDir dir;
    const mode_t old_umask = ::umask(0);
    const std::string path = dir.file("state");
    SECTION("new: 0600 whatever the umask, no temporary file left") {
        REQUIRE_FALSE(regimend::write_file_atomically(path, "one"));
        CHECK(mode_of(path) == 0600);
        std::string error;
        CHECK(*regimend::read_regular_file(path, error) == "one");
        CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()) == 1);
    }
    SECTION("a large text is written whole") {
        const std::string large(3 * 1024 * 1024 + 7, 'z');
        REQUIRE_FALSE(regimend::write_file_atomically(path, large));
        CHECK(std::filesystem::file_size(path) == large.size());
    }
    SECTION("a symlink at the name is replaced, its target untouched") {
        write_file(dir.file("target"), "kept");
        REQUIRE(::symlink(dir.file("target").c_str(), path.c_str()) == 0);
        REQUIRE_FALSE(regimend::write_file_atomically(path, "new"));
        CHECK_FALSE(std::filesystem::is_symlink(path));
        std::string error;
        CHECK(*regimend::read_regular_file(dir.file("target"), error) == "kept");
    }
    SECTION("without replace, an existing file stays and nothing is left behind") {
        write_file(path, "theirs");
        const auto failed =
            regimend::write_file_atomically(path, "mine", regimend::AtomicWrite{.replace = false});
        REQUIRE(failed);
        std::string error;
        CHECK(*regimend::read_regular_file(path, error) == "theirs");
        CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()) == 1);
    }
    SECTION("a directory that does not exist fails with a reason") {
        const auto failed = regimend::write_file_atomically(dir.file("none/state"), "x");
        REQUIRE(failed);
        CHECK_THAT(*failed, Catch::StartsWith("cannot create a temporary file in"));
    }
    ::umask(old_umask);
}
