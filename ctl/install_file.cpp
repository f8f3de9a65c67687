#include "install_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "error.hpp"
#include "store/directory.hpp"

namespace regimenctl {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const std::string& path, int error) {
    throw CtlError(kExitFailed, "cannot " + what + " " + path + ": " + std::strerror(error));
}

// Closes the descriptor and removes the temporary file unless it was renamed into place.
struct TemporaryFile {
    int fd = -1;
    std::string path;
    bool installed = false;
    ~TemporaryFile() {
        if (fd >= 0) {
            ::close(fd);
        }
        if (!installed && !path.empty()) {
            ::unlink(path.c_str());
        }
    }
};

void write_all(int fd, const std::string& text, const std::string& path) {
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t result = ::write(fd, text.data() + written, text.size() - written);
        if (result < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("write", path, errno);
        }
        written += static_cast<std::size_t>(result);
    }
}

}  // namespace

void install_atomically(const std::string& path, const std::string& text) {
    std::error_code error;
    fs::path target = path;
    if (fs::is_symlink(target, error)) {
        target = fs::canonical(target, error);
        if (error) {
            fail("follow the link", path, error.value());
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

    TemporaryFile temporary;
    std::string name_template =
        (directory / ("." + target.filename().string() + ".XXXXXX")).string();
    temporary.fd = ::mkstemp(name_template.data());
    if (temporary.fd < 0) {
        fail("create a temporary file in", directory.string(), errno);
    }
    temporary.path = name_template;
    write_all(temporary.fd, text, temporary.path);
    if (::fchmod(temporary.fd, mode) != 0) {
        fail("set the permissions of", temporary.path, errno);
    }
    if (::fsync(temporary.fd) != 0) {
        fail("sync", temporary.path, errno);
    }
    if (::close(temporary.fd) != 0) {
        temporary.fd = -1;
        fail("close", temporary.path, errno);
    }
    temporary.fd = -1;
    if (::rename(temporary.path.c_str(), target.c_str()) != 0) {
        fail("replace", target.string(), errno);
    }
    temporary.installed = true;

    // The rename is durable only once the directory entry is.
    int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd >= 0) {
        ::fsync(directory_fd);
        ::close(directory_fd);
    }
}

}  // namespace regimenctl
