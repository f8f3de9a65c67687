// regimenctl's atomic replacement of a file (ctl/install_file.hpp): the new content in
// place by rename, modes kept or private, symlinks followed, nothing half-done on failure.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "error.hpp"
#include "file_helpers.hpp"
#include "install_file.hpp"
#include "temp_dir.hpp"

using regimenctl::CtlError;
using regimenctl::install_atomically;
using namespace regimend::testing;  // TempDir and the file helpers
namespace fs = std::filesystem;

namespace {

ino_t inode_of(const fs::path& path) {
    struct stat status {};
    REQUIRE(::lstat(path.c_str(), &status) == 0);
    return status.st_ino;
}

}  // namespace

TEST_CASE("a file is installed whole, by rename", "[install_file]") {
    TempDir dir;
    const mode_t old_umask = ::umask(022);

    SECTION("a new file in new directories: private (0600, directories 0700)") {
        const fs::path target = dir.path() / "a" / "b" / "regimen.yaml";
        install_atomically(target.string(), "version: 1\n");
        CHECK(read_file(target) == "version: 1\n");
        CHECK(mode_of(target) == 0600);
        CHECK(mode_of(dir.path() / "a") == 0700);
        CHECK(mode_of(dir.path() / "a" / "b") == 0700);
        CHECK(entries_in(target.parent_path()) == 1);
    }
    SECTION("an existing file: replaced by another inode, its mode kept") {
        const fs::path target = dir.path() / "regimen.yaml";
        std::ofstream(target) << "old";
        REQUIRE(::chmod(target.c_str(), 0640) == 0);
        const ino_t old_inode = inode_of(target);
        install_atomically(target.string(), "new");
        CHECK(read_file(target) == "new");
        CHECK(mode_of(target) == 0640);
        CHECK(inode_of(target) != old_inode);
        CHECK(entries_in(dir.path()) == 1);
    }
    SECTION("through a symlink: the target is replaced, the link stays a link") {
        fs::create_directory(dir.path() / "dotfiles");
        const fs::path real = dir.path() / "dotfiles" / "regimen.yaml";
        std::ofstream(real) << "old";
        const fs::path link = dir.path() / "regimen.yaml";
        fs::create_symlink(real, link);
        install_atomically(link.string(), "new");
        CHECK(fs::is_symlink(link));
        CHECK(read_file(real) == "new");
        CHECK(entries_in(dir.path() / "dotfiles") == 1);
    }
    ::umask(old_umask);
}

TEST_CASE("a failed install leaves the target untouched, even as root", "[install_file]") {
    TempDir dir;
    SECTION("a directory that cannot be made (its parent is a file)") {
        std::ofstream(dir.file("not-a-dir")) << "x";
        try {
            install_atomically(dir.file("not-a-dir/sub/regimen.yaml"), "new");
            FAIL("no error");
        } catch (const CtlError& error) {
            CHECK(error.exit_code() == regimenctl::kExitFailed);
            CHECK_THAT(error.what(), Catch::Contains("Not a directory"));
        }
        CHECK(read_file(dir.path() / "not-a-dir") == "x");
    }
    SECTION("a target that is a directory: the rename fails, no temporary file is left") {
        fs::create_directory(dir.path() / "regimen.yaml");
        std::ofstream(dir.path() / "regimen.yaml" / "inside") << "kept";
        try {
            install_atomically(dir.file("regimen.yaml"), "new");
            FAIL("no error");
        } catch (const CtlError& error) {
            CHECK(error.exit_code() == regimenctl::kExitFailed);
            CHECK_THAT(error.what(),
                       Catch::StartsWith("cannot replace " + dir.file("regimen.yaml")));
        }
        CHECK(fs::is_directory(dir.path() / "regimen.yaml"));
        CHECK(read_file(dir.path() / "regimen.yaml" / "inside") == "kept");
        CHECK(entries_in(dir.path()) == 1);
    }
}
