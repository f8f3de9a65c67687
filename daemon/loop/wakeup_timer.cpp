#include "loop/wakeup_timer.hpp"

#include <spdlog/spdlog.h>

#include <system_error>

namespace regimend {
namespace {

// sd-event's default accuracy is 250 ms (to coalesce wakeups); a reminder a quarter of a
// second late is visible next to a clock; 10 ms costs nothing with one timer.
constexpr uint64_t kAccuracyUsec = 10'000;

}  // namespace

WakeupTimer::WakeupTimer(sd_event* event, std::function<void(Micros)> on_fire)
    : on_fire_(std::move(on_fire)) {
    sd_event_source* source = nullptr;
    // Created far in the future and off; schedule() sets the real time.
    const int result = sd_event_add_time(event, &source, CLOCK_REALTIME, UINT64_MAX - 1,
                                         kAccuracyUsec, &WakeupTimer::fired, this);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_event_add_time");
    }
    source_.reset(source);
    sd_event_source_set_enabled(source, SD_EVENT_OFF);
    sd_event_source_set_description(source, "wakeup");
}

void WakeupTimer::schedule(std::optional<Instant> deadline) {
    armed_for_ = deadline;
    if (!deadline) {
        sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF);
        spdlog::debug("nothing ahead: the wakeup timer is off");
        return;
    }
    const uint64_t usec = to_bus_time(*deadline);
    sd_event_source_set_time(source_.get(), usec == 0 ? 1 : usec);
    sd_event_source_set_enabled(source_.get(), SD_EVENT_ONESHOT);
    spdlog::debug("next wakeup at {} (in {} s)", date::format("%FT%TZ", *deadline),
                  (*deadline - now_instant()).count());
}

int WakeupTimer::fired(sd_event_source*, uint64_t usec, void* userdata) noexcept {
    auto* self = static_cast<WakeupTimer*>(userdata);
    const Micros now = now_micros();
    spdlog::debug("wakeup timer fired {} us after its deadline",
                  (now - from_bus_time(usec)).count());
    self->armed_for_.reset();
    try {
        self->on_fire_(now);
    } catch (const std::exception& error) {
        spdlog::error("handling the wakeup failed: {}", error.what());
    }
    return 0;
}

}  // namespace regimend
