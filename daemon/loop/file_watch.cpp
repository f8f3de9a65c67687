#include "loop/file_watch.hpp"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace regimend {
namespace {

// Long enough to cover an editor's write-rename-chmod sequence, short enough to feel
// immediate.
constexpr uint64_t kQuietUsec = 200'000;

constexpr uint32_t kDirectoryEvents =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ONLYDIR;

}  // namespace

FileWatch::FileWatch(sd_event* event, const std::string& file_path, std::function<void()> on_change)
    : on_change_(std::move(on_change)) {
    const auto slash = file_path.find_last_of('/');
    const std::string directory =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : file_path.substr(0, slash));
    name_ = slash == std::string::npos ? file_path : file_path.substr(slash + 1);

    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) {
        throw std::system_error(errno, std::generic_category(), "inotify_init1");
    }
    if (inotify_add_watch(fd_, directory.c_str(), kDirectoryEvents) < 0) {
        const int error = errno;
        close(fd_);
        throw std::system_error(error, std::generic_category(), "inotify_add_watch " + directory);
    }
    sd_event_source* source = nullptr;
    int result = sd_event_add_io(event, &source, fd_, EPOLLIN, &FileWatch::readable, this);
    if (result < 0) {
        close(fd_);
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

FileWatch::~FileWatch() {
    io_source_.reset();
    quiet_timer_.reset();
    if (fd_ >= 0) {
        close(fd_);
    }
}

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
                (event->len > 0 && self->name_ == event->name)) {
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

int FileWatch::settled(sd_event_source*, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<FileWatch*>(userdata);
    try {
        self->on_change_();
    } catch (const std::exception& error) {
        spdlog::error("handling a change of {} failed: {}", self->name_, error.what());
    }
    return 0;
}

}  // namespace regimend
