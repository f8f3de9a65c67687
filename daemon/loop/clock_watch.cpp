#include "loop/clock_watch.hpp"

#include <spdlog/spdlog.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <system_error>

namespace regimend {

ClockWatch::ClockWatch(sd_event* event, std::function<void()> on_clock_set)
    : on_clock_set_(std::move(on_clock_set)) {
    fd_.reset(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!fd_) {
        throw std::system_error(errno, std::generic_category(), "timerfd_create");
    }
    arm();
    sd_event_source* source = nullptr;
    const int result =
        sd_event_add_io(event, &source, fd_.get(), EPOLLIN, &ClockWatch::readable, this);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_event_add_io");
    }
    source_.reset(source);
    sd_event_source_set_description(source, "clock-watch");
}

ClockWatch::~ClockWatch() = default;

void ClockWatch::arm() {
    // Never expires; only the cancellation on a clock change matters.
    itimerspec far_future{};
    far_future.it_value.tv_sec = std::numeric_limits<time_t>::max() / 2;
    if (timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &far_future,
                        nullptr) < 0) {
        spdlog::warn("cannot watch for clock changes: {}", std::strerror(errno));
    }
}

int ClockWatch::readable(sd_event_source*, int fd, uint32_t, void* userdata) noexcept {
    auto* self = static_cast<ClockWatch*>(userdata);
    std::uint64_t expirations = 0;
    if (read(fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED) {
        spdlog::info("the system clock was set; re-planning");
        self->arm();
        try {
            self->on_clock_set_();
        } catch (const std::exception& error) {
            spdlog::error("handling the clock change failed: {}", error.what());
        }
    }
    return 0;
}

}  // namespace regimend
