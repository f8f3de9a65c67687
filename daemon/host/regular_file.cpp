#include "host/regular_file.hpp"
#include "core/i18n.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "host/handles.hpp"

namespace regimend {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) {
        return _("a FIFO");
    }
    if (S_ISDIR(mode)) {
        return _("a directory");
    }
    if (S_ISCHR(mode)) {
        return _("a character device");
    }
    if (S_ISBLK(mode)) {
        return _("a block device");
    }
    if (S_ISSOCK(mode)) {
        return _("a socket");
    }
    if (S_ISLNK(mode)) {
        return _("a symbolic link");
    }
    return _("not a file");
}

std::string too_large(std::size_t max_bytes) {
    if (max_bytes == kMaxRegimenBytes) {
        return _("the file is larger than 1 MiB; a regimen is a few kilobytes");
    }
    return fill(_("the file is larger than the {} bytes expected"), {std::to_string(max_bytes)});
}

// Reads the open regular file `fd` whose fstat gave `status`: at most `max_bytes`.
std::optional<std::string> read_open_file(int fd, const struct stat& status, std::string& error,
                                          std::size_t max_bytes) {
    if (static_cast<std::size_t>(status.st_size) > max_bytes) {
        error = too_large(max_bytes);
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
        const ssize_t got = ::read(fd, text.data() + filled, text.size() - filled);
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
        error = too_large(max_bytes);
        return std::nullopt;
    }
    text.resize(filled);
    return text;
}

StateFileCheck judge(const struct stat& status) {
    if (S_ISLNK(status.st_mode)) {
        return {StateFileVerdict::Untrusted, _("it is a symbolic link")};
    }
    const uid_t user = ::geteuid();
    if (status.st_uid != user) {
        return {StateFileVerdict::Untrusted,
                fill(_("it belongs to uid {0}, not to uid {1}"),
                     {std::to_string(status.st_uid), std::to_string(user)})};
    }
    if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
        return {StateFileVerdict::Untrusted,
                fill(_("group or others can write it (mode {})"), {mode})};
    }
    if (!S_ISREG(status.st_mode)) {
        return {StateFileVerdict::Unreadable,
                fill(_("it is {}, not a regular file"), {kind_of(status.st_mode)})};
    }
    return {};
}

}  // namespace

std::optional<std::string> read_regular_file(const std::string& path, std::string& error,
                                             std::size_t max_bytes) {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for
    // one; a regular file ignores the flag. O_NOCTTY: a terminal never becomes ours.
    const UniqueFd file(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (!file) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    struct stat status {};
    if (::fstat(file.get(), &status) != 0) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    if (!S_ISREG(status.st_mode)) {
        error = fill(_("it is {}, not a regular file"), {kind_of(status.st_mode)});
        return std::nullopt;
    }
    return read_open_file(file.get(), status, error, max_bytes);
}

StateFileCheck check_state_file(const std::string& path) {
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) {
        // Not there, or its directory is not one (the open that would create it says why).
        if (errno == ENOENT || errno == ENOTDIR) {
            return {StateFileVerdict::Missing, std::strerror(errno)};
        }
        return {StateFileVerdict::Unreadable, std::strerror(errno)};
    }
    return judge(status);
}

StateFileRead read_state_file(const std::string& path, std::size_t max_bytes) {
    StateFileRead result;
    // O_NOFOLLOW: a symlink fails with ELOOP rather than leading elsewhere.
    const UniqueFd file(
        ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (!file) {
        const int error = errno;
        if (error == ELOOP) {
            result.check = {StateFileVerdict::Untrusted, _("it is a symbolic link")};
        } else if (error == ENOENT || error == ENOTDIR) {
            result.check = {StateFileVerdict::Missing, std::strerror(error)};
        } else {
            result.check = {StateFileVerdict::Unreadable, std::strerror(error)};
        }
        return result;
    }
    struct stat status {};
    if (::fstat(file.get(), &status) != 0) {
        result.check = {StateFileVerdict::Unreadable, std::strerror(errno)};
        return result;
    }
    result.check = judge(status);
    if (result.check.verdict != StateFileVerdict::Usable) {
        return result;
    }
    std::string error;
    result.text = read_open_file(file.get(), status, error, max_bytes);
    if (!result.text) {
        result.check = {StateFileVerdict::Unreadable, error};
    }
    return result;
}

}  // namespace regimend
