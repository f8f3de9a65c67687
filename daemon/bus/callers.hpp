// Who is calling: the spec's "calls from a different user than the daemon's are refused",
// decided without ever blocking the loop.
//
// The bus vouches for a caller's user: dbus-daemon's GetConnectionUnixUser, the effective
// uid the kernel reported (SO_PEERCRED) when the caller connected. Asking is a round trip
// to the bus, and its answer queues behind everything the bus already has for the daemon:
// asked synchronously, a flood of large calls would hold the loop (timers, every other
// caller) until the answer came. So the first call of a connection is parked (its message
// referenced) while the question is out, and re-queued for reading (sd_bus_enqueue_for_read) when
// the answer is here; the filter, the object vtables and the handlers then see it as if it had just
// arrived. The verdict is kept per unique name (never reused on a bus, its uid fixed when
// it connects), the most recent kMaxCallers of them.
//
// Bounds: at most kMaxParkedPerCaller calls of one connection and kMaxParked in all wait for
// an answer; a call beyond is refused at once with org.freedesktop.DBus.Error.LimitsExceeded.
// Refusals are logged through RefusalLog (first per user, then a summary a minute).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "bus/refusal_log.hpp"
#include "host/sd_handles.hpp"

namespace regimend {

class Callers {
  public:
    static constexpr std::size_t kMaxCallers = 256;
    static constexpr std::size_t kMaxParkedPerCaller = 32;
    static constexpr std::size_t kMaxParked = 128;

    // `bus` must outlive this; its sd-event loop (if attached) times the refusal summaries.
    explicit Callers(sd_bus* bus) : bus_(bus) {}
    Callers(const Callers&) = delete;
    Callers& operator=(const Callers&) = delete;

    // For the bus filter, sd-bus style: 0 when the caller is the daemon's user (go on to the
    // vtable), 1 when the call was parked until the bus says who is calling, a negative
    // errno with `error` set (AccessDenied, LimitsExceeded) when it is refused.
    int admit(sd_bus_message* message, sd_bus_error* error);

    // For handlers behind the filter: 0 or a refusal, never parking (a call no filter
    // checked, on a direct peer connection, is checked against the peer's credentials).
    int check(sd_bus_message* message, sd_bus_error* error);

  private:
    enum class State { Asking, Accepted, Refused };
    struct Caller {
        Callers* owner = nullptr;
        std::string name;
        State state = State::Asking;
        uid_t uid = 0;
        std::uint64_t used = 0;  // for forgetting the least recently used
        std::deque<MessagePtr> parked;
        SlotPtr question;
    };

    int ask(Caller& caller);
    int verdict(const Caller& caller, sd_bus_message* message, sd_bus_error* error);
    int check_peer(sd_bus_message* message, sd_bus_error* error);
    int refuse(uid_t uid, sd_bus_message* message, sd_bus_error* error);
    void forget_oldest();
    void arm_summary();
    static int on_answer(sd_bus_message* reply, void* userdata, sd_bus_error* error) noexcept;
    static int on_summary(sd_event_source* source, std::uint64_t usec, void* userdata) noexcept;

    sd_bus* bus_;
    std::unordered_map<std::string, Caller> callers_;
    std::size_t parked_ = 0;
    std::uint64_t clock_ = 0;
    RefusalLog refusals_;
    SourcePtr summary_timer_;
};

}  // namespace regimend
