#include "host/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace regimend {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a file";
}

struct Descriptor {
    int fd = -1;
    ~Descriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

std::optional<std::string> read_regular_file(const std::string& path, std::string& error,
                                             std::size_t max_bytes) {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for
    // one; a regular file ignores the flag. O_NOCTTY: a terminal never becomes ours.
    Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (file.fd < 0) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    struct stat status {};
    if (::fstat(file.fd, &status) != 0) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    if (!S_ISREG(status.st_mode)) {
        error = "it is " + kind_of(status.st_mode) + ", not a regular file";
        return std::nullopt;
    }
    if (static_cast<std::size_t>(status.st_size) > max_bytes) {
        error = "the file is larger than 1 MiB; a regimen is a few kilobytes";
        return std::nullopt;
    }
    // The size may change while we read: room for one byte more than fstat said, grown as
    // needed up to one byte past the cap, to notice a file that grew beyond it. (A buffer of
    // the whole cap, zeroed on every load, cost 257 page faults for a 2 kB regimen.)
    std::string text(std::min(static_cast<std::size_t>(status.st_size), max_bytes) + 1, '\0');
    std::size_t filled = 0;
    for (;;) {
        if (filled == text.size()) {
            if (text.size() > max_bytes) {
                break;
            }
            text.resize(std::min(text.size() * 2, max_bytes + 1));
        }
        const ssize_t got = ::read(file.fd, text.data() + filled, text.size() - filled);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            error = std::strerror(errno);
            return std::nullopt;
        }
        if (got == 0) {
            break;
        }
        filled += static_cast<std::size_t>(got);
    }
    if (filled > max_bytes) {
        error = "the file is larger than 1 MiB; a regimen is a few kilobytes";
        return std::nullopt;
    }
    text.resize(filled);
    return text;
}

}  // namespace regimend
