// Tells when the wall clock is set (date -s, NTP step, resume with a corrected RTC): a
// timerfd armed far in the future with TFD_TIMER_CANCEL_ON_SET is cancelled by every
// discontinuous change of CLOCK_REALTIME.
#pragma once

#include <functional>

#include "host/sd_handles.hpp"

namespace regimend {

class ClockWatch {
  public:
    // Throws std::system_error.
    ClockWatch(sd_event* event, std::function<void()> on_clock_set);
    ~ClockWatch();
    ClockWatch(const ClockWatch&) = delete;
    ClockWatch& operator=(const ClockWatch&) = delete;

  private:
    static int readable(sd_event_source* source, int fd, uint32_t revents, void* userdata) noexcept;
    void arm();

    std::function<void()> on_clock_set_;
    UniqueFd fd_;  // before the source: it goes first
    SourcePtr source_;
};

}  // namespace regimend
