#include "store/directory.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace regimend {

std::optional<std::string> make_private_directories(const std::filesystem::path& directory) {
    std::filesystem::path partial;
    for (const auto& component : directory) {
        partial /= component;
        if (component.empty() || component == partial.root_path()) {
            continue;
        }
        if (::mkdir(partial.c_str(), 0700) == 0) {
            continue;
        }
        const int mkdir_errno = errno;
        struct stat status {};
        // EEXIST is fine only for a directory; EACCES on an existing directory we may
        // traverse (a parent we cannot write) is fine too.
        if (::stat(partial.c_str(), &status) == 0 && S_ISDIR(status.st_mode)) {
            continue;
        }
        return "cannot create directory " + partial.string() + ": " +
               std::strerror(mkdir_errno == EEXIST ? ENOTDIR : mkdir_errno);
    }
    return std::nullopt;
}

void create_private_file(const std::filesystem::path& file) {
    // No O_EXCL: through a dangling symlink the target is then created 0600 here rather
    // than by SQLite with the umask's mode. An existing file keeps its mode and content;
    // O_NONBLOCK keeps a FIFO from blocking the open.
    const int descriptor =
        ::open(file.c_str(), O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
    if (descriptor >= 0) {
        ::close(descriptor);
    }
}

}  // namespace regimend
