// The daemon's only reads of the wall clock. Core code never calls these: `now` is passed in.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/time.hpp"

namespace regimend {

// D-Bus carries instants as microseconds since the epoch, as systemd does.
using Micros = std::chrono::sys_time<std::chrono::microseconds>;

inline Micros now_micros() {
    return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
}

inline Instant to_instant(Micros micros) {
    return std::chrono::floor<Seconds>(micros);
}

inline Instant now_instant() {
    return to_instant(now_micros());
}

inline std::uint64_t to_bus_time(Instant instant) {
    const auto count =
        std::chrono::duration_cast<std::chrono::microseconds>(instant.time_since_epoch()).count();
    return count < 0 ? 0 : static_cast<std::uint64_t>(count);
}

inline Micros from_bus_time(std::uint64_t usec) {
    return Micros{std::chrono::microseconds{static_cast<std::int64_t>(usec)}};
}

}  // namespace regimend
