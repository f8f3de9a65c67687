#include "store/directory.hpp"
#include "core/i18n.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/handles.hpp"

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
        return fill(
            _("cannot create directory {0}: {1}"),
            {partial.string(), std::strerror(mkdir_errno == EEXIST ? ENOTDIR : mkdir_errno)});
    }
    return std::nullopt;
}

void create_private_file(const std::filesystem::path& file) {
    // Exclusive and never through a symlink: in a directory others can write to, a name
    // planted there (a file, or a link to one elsewhere) is never adopted or created through;
    // check_history judges what is there. O_NONBLOCK keeps a FIFO from blocking the open.
    const UniqueFd created(
        ::open(file.c_str(),
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600));
}

}  // namespace regimend
