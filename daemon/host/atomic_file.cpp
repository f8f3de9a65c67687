#include "host/atomic_file.hpp"
#include "core/i18n.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "host/handles.hpp"

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
        text.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// `message`: a translated sentence with the path ({0}) and the system's reason ({1}).
std::string failure(const char* message, const std::string& path, int error) {
    return fill(message, {path, std::strerror(error)});
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::string& path, std::string_view text,
                                                 const AtomicWrite& how) {
    const std::filesystem::path target(path);
    const std::filesystem::path directory =
        target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
    std::string temporary = (directory / ("." + target.filename().string() + ".XXXXXX")).string();
    UniqueFd file(::mkostemp(temporary.data(), O_CLOEXEC));
    if (!file) {
        return failure(_("cannot create a temporary file in {0}: {1}"), directory.string(), errno);
    }
    // Removes the temporary file unless it became `path`.
    struct Remove {
        const std::string& name;
        bool keep = false;
        ~Remove() {
            if (!keep) {
                ::unlink(name.c_str());
            }
        }
    } remove{temporary};
    if (!write_all(file.get(), text)) {
        return failure(_("cannot write {0}: {1}"), temporary, errno);
    }
    if (how.mode != 0600 && ::fchmod(file.get(), how.mode) != 0) {
        return failure(_("cannot set the permissions of {0}: {1}"), temporary, errno);
    }
    if (::fsync(file.get()) != 0) {
        return failure(_("cannot sync {0}: {1}"), temporary, errno);
    }
    file.reset();
    if (how.replace) {
        if (::rename(temporary.c_str(), path.c_str()) != 0) {
            return failure(_("cannot replace {0}: {1}"), path, errno);
        }
        remove.keep = true;
    } else if (::link(temporary.c_str(), path.c_str()) != 0) {
        return failure(_("cannot write {0}: {1}"), path, errno);
    }
    // The new name is durable only once the directory entry is.
    const UniqueFd directory_fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (directory_fd) {
        ::fsync(directory_fd.get());
    }
    return std::nullopt;
}

}  // namespace regimend
