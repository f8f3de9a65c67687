#include "app/first_run.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "core/first_run_text.hpp"
#include "example_regimen.hpp"
#include "store/directory.hpp"

namespace regimend {
namespace {

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        text.remove_prefix(static_cast<size_t>(written));
    }
    return true;
}

}  // namespace

FirstRun write_example_regimen_if_missing(const std::string& path) {
    std::error_code error;
    if (std::filesystem::exists(path, error) || error) {
        return FirstRun::AlreadyThere;
    }
    const std::filesystem::path target(path);
    // ~/.config/regimend and the parents we create are private (0700); existing ones keep
    // their modes.
    if (auto failed = make_private_directories(target.parent_path())) {
        spdlog::error("{}", *failed);
        return FirstRun::Failed;
    }
    std::string temporary = path + ".XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0) {
        spdlog::error("cannot write {}: {}", path, std::strerror(errno));
        return FirstRun::Failed;
    }
    const bool written = write_all(fd, inactive_example(kExampleRegimen)) && ::fsync(fd) == 0;
    ::close(fd);
    // link() rather than rename(): it never replaces a regimen that appeared meanwhile.
    if (!written || ::link(temporary.c_str(), path.c_str()) != 0) {
        spdlog::error("cannot write {}: {}", path, std::strerror(errno));
        ::unlink(temporary.c_str());
        return FirstRun::Failed;
    }
    ::unlink(temporary.c_str());
    spdlog::info("first run: wrote the example regimen to {}", path);
    return FirstRun::Written;
}

}  // namespace regimend
