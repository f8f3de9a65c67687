#include "install_file.hpp"
#include "core/i18n.hpp"

#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "error.hpp"
#include "host/atomic_file.hpp"
#include "store/directory.hpp"

namespace regimenctl {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const char* what, const std::string& path, int error) {
    throw CtlError(kExitFailed, regimend::fill(what, {path, std::strerror(error)}));
}

}  // namespace

void install_atomically(const std::string& path, const std::string& text) {
    std::error_code error;
    fs::path target = path;
    if (fs::is_symlink(target, error)) {
        target = fs::canonical(target, error);
        if (error) {
            fail(_("cannot follow the link {0}: {1}"), path, error.value());
        }
    }
    fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    // Missing directories are created 0700 (existing ones keep their modes) and a new
    // regimen 0600: it is health data.
    if (auto failed = regimend::make_private_directories(directory)) {
        throw CtlError(kExitFailed, *failed);
    }

    mode_t mode = 0600;
    struct stat existing {};
    if (::stat(target.c_str(), &existing) == 0) {
        mode = existing.st_mode & 07777;
    }

    if (auto failed = regimend::write_file_atomically(target.string(), text, {.mode = mode})) {
        throw CtlError(kExitFailed, *failed);
    }
}

}  // namespace regimenctl
