#include "loop/file_watch.hpp"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

namespace regimend {
namespace {

// Long enough to cover an editor's write-rename-chmod sequence, short enough to feel
// immediate.
constexpr uint64_t kQuietUsec = 200'000;

constexpr uint32_t kDirectoryEvents =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ONLYDIR;

// "/a/b/c" -> {"/a/b", "c"}; "c" -> {".", "c"}; "/c" -> {"/", "c"}.
std::pair<std::string, std::string> split_path(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) {
        return {".", path};
    }
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

// Where a symlink finally points, or "" when `path` is not a symlink (or is dangling).
std::string link_target(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::is_symlink(path, error) || error) {
        return {};
    }
    auto target = std::filesystem::canonical(path, error);
    return error ? std::string() : target.string();
}

}  // namespace

FileWatch::FileWatch(sd_event* event, const std::string& file_path, std::function<void()> on_change)
    : path_(file_path), on_change_(std::move(on_change)) {
    const auto [directory, name] = split_path(file_path);
    name_ = name;

    fd_.reset(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!fd_) {
        throw std::system_error(errno, std::generic_category(), "inotify_init1");
    }
    const int directory_watch = inotify_add_watch(fd_.get(), directory.c_str(), kDirectoryEvents);
    if (directory_watch < 0) {
        const int error = errno;
        throw std::system_error(error, std::generic_category(), "inotify_add_watch " + directory);
    }
    watched_.push_back({directory_watch, name_});
    follow_link();
    sd_event_source* source = nullptr;
    int result = sd_event_add_io(event, &source, fd_.get(), EPOLLIN, &FileWatch::readable, this);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_event_add_io");
    }
    io_source_.reset(source);

    sd_event_source* timer = nullptr;
    result = sd_event_add_time_relative(event, &timer, CLOCK_MONOTONIC, kQuietUsec, 0,
                                        &FileWatch::settled, this);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_event_add_time_relative");
    }
    quiet_timer_.reset(timer);
    sd_event_source_set_enabled(timer, SD_EVENT_OFF);
}

FileWatch::~FileWatch() = default;

void FileWatch::restart_quiet_period() {
    sd_event_source_set_time_relative(quiet_timer_.get(), kQuietUsec);
    sd_event_source_set_enabled(quiet_timer_.get(), SD_EVENT_ONESHOT);
}

int FileWatch::readable(sd_event_source*, int fd, uint32_t, void* userdata) noexcept {
    auto* self = static_cast<FileWatch*>(userdata);
    alignas(inotify_event) std::array<char, 4096> buffer;
    bool relevant = false;
    for (;;) {
        const ssize_t length = read(fd, buffer.data(), buffer.size());
        if (length <= 0) {
            break;  // EAGAIN: drained
        }
        for (ssize_t offset = 0; offset < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + offset);
            if ((event->mask & IN_Q_OVERFLOW) != 0 ||
                (event->len > 0 && self->watches(event->wd, event->name))) {
                relevant = true;
            }
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        }
    }
    if (relevant) {
        self->restart_quiet_period();
    }
    return 0;
}

bool FileWatch::watches(int wd, std::string_view name) const {
    for (const auto& watched : watched_) {
        if (watched.wd == wd && watched.name == name) {
            return true;
        }
    }
    return false;
}

void FileWatch::follow_link() {
    const std::string target = link_target(path_);
    if (target == target_) {
        return;
    }
    // The target's directory may be the link's own (a sibling file): inotify then hands out
    // the same watch, which must stay.
    if (watched_.size() > 1) {
        if (watched_[1].wd != watched_[0].wd) {
            inotify_rm_watch(fd_.get(), watched_[1].wd);
        }
        watched_.resize(1);
    }
    target_ = target;
    if (target.empty()) {
        return;
    }
    const auto [directory, name] = split_path(target);
    const int wd = inotify_add_watch(fd_.get(), directory.c_str(), kDirectoryEvents);
    if (wd < 0) {
        spdlog::warn("cannot watch {}, the target of {}: {}; edits there are not noticed",
                     directory, path_, std::strerror(errno));
        return;
    }
    watched_.push_back({wd, name});
    spdlog::debug("{} is a link to {}: watching both", path_, target);
}

int FileWatch::settled(sd_event_source*, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<FileWatch*>(userdata);
    try {
        // The link may point elsewhere now (a dotfile manager re-linked it).
        self->follow_link();
        self->on_change_();
    } catch (const std::exception& error) {
        spdlog::error("handling a change of {} failed: {}", self->name_, error.what());
    }
    return 0;
}

}  // namespace regimend
