// The one wall-clock timer: armed at the engine's next deadline, off when there is none.
// CLOCK_REALTIME, so a deadline passed during suspend fires on resume (a CLOCK_MONOTONIC
// timer stops while the machine sleeps).
#pragma once

#include <functional>
#include <optional>

#include "app/clock.hpp"
#include "app/outputs.hpp"
#include "host/sd_handles.hpp"

namespace regimend {

class WakeupTimer : public WakeupScheduler {
  public:
    // `on_fire` gets the current time. Throws std::system_error.
    WakeupTimer(sd_event* event, std::function<void(Micros now)> on_fire);

    void schedule(std::optional<Instant> deadline) override;

    std::optional<Instant> armed_for() const { return armed_for_; }

  private:
    static int fired(sd_event_source* source, uint64_t usec, void* userdata) noexcept;

    std::function<void(Micros)> on_fire_;
    SourcePtr source_;
    std::optional<Instant> armed_for_;
};

}  // namespace regimend
