// The calls BusClient makes, shared by its two files: bus_client.cpp and bus_history.cpp
// (HistoryColumns, the longest reply to read). Internal to regimenctl's bus client; verbs
// use bus_client.hpp.
#pragma once

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/paths.hpp"
#include "bus_client.hpp"
#include "core/i18n.hpp"
#include "core/reply_limits.hpp"
#include "error.hpp"
#include "host/bus_names.hpp"
#include "host/sd_handles.hpp"
#include "time_args.hpp"

namespace regimenctl::bus_call {

using namespace regimend::bus_names;
using regimend::BusError;
using regimend::MessagePtr;

constexpr std::string_view kOurErrorPrefix = kErrorPrefix;

// What to do when regimend cannot be reached: start it, or, when its user unit is
// installed but this user never enabled it (the package enables it for nobody), enable it.
inline std::string how_to_start() {
    if (regimend::user_unit_state() == regimend::UserUnit::kNotEnabled) {
        return _(
            "regimend is not running and its user unit is not enabled for you: run "
            "`systemctl --user enable --now regimend`");
    }
    return _(
        "regimend is not running: start it with `systemctl --user start regimend` (or run "
        "`regimend &`)");
}

inline bool means_no_daemon(std::string_view name) {
    return name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
           name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
           name == "org.freedesktop.DBus.Error.NoServer" ||
           name == "org.freedesktop.DBus.Error.Disconnected" ||
           name == "org.freedesktop.DBus.Error.NoReply" ||
           name == "org.freedesktop.DBus.Error.TimedOut" ||
           name.starts_with("org.freedesktop.DBus.Error.Spawn.") ||
           name.starts_with("org.freedesktop.systemd1.");
}

// The daemon refused a span as too long for one reply (core/reply_limits.hpp): the caller
// splits it and asks again.
class SpanTooLong : public CtlError {
  public:
    explicit SpanTooLong(const std::string& message) : CtlError(kExitFailed, message) {}
};

// The daemon's longest span for one call (service.cpp): longer ones are split up front.
constexpr regimend::Seconds kMaxDaemonSpan{400LL * 86'400};

[[noreturn]] inline void throw_call_error(int result, const BusError& error, const char* member) {
    const std::string_view name = error.name();
    const std::string message = error.message();
    if (name == kErrorInvalidArgument &&
        message.find(regimend::kShorterSpanHint) != std::string::npos) {
        throw SpanTooLong(message);
    }
    if (name.starts_with(kOurErrorPrefix)) {
        throw CtlError(kExitFailed, message);
    }
    if (name == "org.freedesktop.DBus.Error.NoReply" ||
        name == "org.freedesktop.DBus.Error.TimedOut") {
        throw CtlError(kExitNoDaemon, regimend::fill(_("regimend did not answer {0} in time ({1})"),
                                                     {member, message}));
    }
    if (means_no_daemon(name)) {
        throw CtlError(kExitNoDaemon, how_to_start());
    }
    if (!name.empty()) {
        throw CtlError(kExitFailed, std::string(name) + ": " + message);
    }
    // No error name: the connection itself failed (refused, reset, ...).
    throw CtlError(kExitNoDaemon, regimend::fill(_("cannot reach the session bus ({0}); {1}"),
                                                 {std::strerror(-result), how_to_start()}));
}

[[noreturn]] inline void throw_bad_reply(int result, const char* member) {
    throw CtlError(kExitFailed, regimend::fill(_("unexpected reply to {0} from regimend: {1}"),
                                               {member, std::strerror(-result)}));
}

// Sends `message` and waits for its reply, like sd_bus_call but without first waiting for
// the bus to answer Hello: sd_bus_call does (bus_ensure_running), so a fresh connection
// took two round trips to the bus before the daemon saw the call. An asynchronous call made
// while Hello is outstanding is written right behind it, and the bus handles them in
// order. The reply, or the error the daemon, the bus or sd-bus (a timeout, a lost
// connection) answered with, ends the wait. Returns sd_bus_call's convention: < 0 with
// `error` set, or with `error` empty when the connection itself failed.
inline int send_and_wait(sd_bus* bus, sd_bus_message* message, BusError& error, MessagePtr& reply) {
    struct Pending {
        BusError* error;
        MessagePtr* reply;
        int result = 0;
        bool answered = false;
    } pending{&error, &reply};
    auto on_reply = [](sd_bus_message* answer, void* userdata, sd_bus_error*) -> int {
        auto* waiting = static_cast<Pending*>(userdata);
        waiting->answered = true;
        if (const sd_bus_error* failure = sd_bus_message_get_error(answer)) {
            waiting->result = sd_bus_error_copy(waiting->error->get(), failure);
            if (waiting->result >= 0) {
                waiting->result = -EIO;  // an error without an errno of its own
            }
            return 0;
        }
        waiting->reply->reset(sd_bus_message_ref(answer));
        return 0;
    };
    sd_bus_slot* raw_slot = nullptr;
    // 0: sd-bus's default, 25 s (time for D-Bus activation to start the daemon) or
    // $SYSTEMD_BUS_TIMEOUT, as for systemctl and busctl.
    int result = sd_bus_call_async(bus, &raw_slot, message, on_reply, &pending, 0);
    regimend::SlotPtr slot(raw_slot);
    if (result < 0) {
        return result;
    }
    for (;;) {
        result = sd_bus_process(bus, nullptr);
        if (result < 0) {
            return result;
        }
        // Before waiting: sd_bus_process may run the callback and still return 0 (it does
        // for the timeout's error reply), and nothing would then wake the wait.
        if (pending.answered) {
            return pending.result;
        }
        if (result == 0 && (result = sd_bus_wait(bus, UINT64_MAX)) < 0) {
            return result;  // the wait itself ends at the call's timeout
        }
    }
}

// Builds a method call, appends `args` with `types` and waits for the reply. Without
// `auto_start` the bus never D-Bus-activates the daemon for it (a missing daemon is then
// exit 3 at once).
template <class... Args>
MessagePtr call_on(sd_bus* bus, bool auto_start, const char* interface, const char* member,
                   const char* types, Args... args) {
    sd_bus_message* raw = nullptr;
    int result =
        sd_bus_message_new_method_call(bus, &raw, kService, kObjectPath, interface, member);
    MessagePtr message(raw);
    if (result < 0) {
        throw CtlError(kExitFailed, regimend::fill(_("cannot build a D-Bus call: {}"),
                                                   {std::strerror(-result)}));
    }
    if (!auto_start) {
        sd_bus_message_set_auto_start(message.get(), 0);
    }
    if (types != nullptr && types[0] != '\0') {
        result = sd_bus_message_append(message.get(), types, args...);
        if (result < 0) {
            throw CtlError(kExitFailed, regimend::fill(_("cannot build a D-Bus call: {}"),
                                                       {std::strerror(-result)}));
        }
    }
    BusError error;
    MessagePtr reply;
    result = send_and_wait(bus, message.get(), error, reply);
    if (result < 0) {
        throw_call_error(result, error, member);
    }
    return reply;
}

template <class... Args>
MessagePtr call(sd_bus* bus, const char* interface, const char* member, const char* types,
                Args... args) {
    return call_on(bus, true, interface, member, types, args...);
}

// Asks `once` for [from, to) in pieces no longer than the daemon takes, and halves a piece
// the daemon refuses as too large for one reply, so a user never meets the reply limit.
// Rows come back in the daemon's (time) order.
template <class Row, class Once>
void collect_split(Instant from, Instant to, const Once& once, std::vector<Row>& rows) {
    if (to - from > kMaxDaemonSpan) {
        const Instant middle = from + kMaxDaemonSpan;
        collect_split<Row>(from, middle, once, rows);
        collect_split<Row>(middle, to, once, rows);
        return;
    }
    try {
        std::vector<Row> piece = once(from, to);
        rows.insert(rows.end(), std::make_move_iterator(piece.begin()),
                    std::make_move_iterator(piece.end()));
    } catch (const SpanTooLong&) {
        if (to - from <= regimend::Seconds{1}) {
            throw;  // one second that does not fit: nothing left to split
        }
        const Instant middle = from + (to - from) / 2;
        collect_split<Row>(from, middle, once, rows);
        collect_split<Row>(middle, to, once, rows);
    }
}

template <class T>
T read_single(sd_bus_message* reply, const char* type, const char* member) {
    T value{};
    int result = sd_bus_message_read(reply, type, &value);
    if (result < 0) {
        throw_bad_reply(result, member);
    }
    return value;
}

inline std::string read_string(sd_bus_message* reply, const char* member) {
    return read_single<const char*>(reply, "s", member);
}

// org.freedesktop.DBus.Properties.Get, positioned inside the variant of `type`.
inline MessagePtr get_property_on(sd_bus* bus, bool auto_start, const char* property,
                                  const char* type) {
    auto reply = call_on(bus, auto_start, "org.freedesktop.DBus.Properties", "Get", "ss",
                         kInterface, property);
    int result = sd_bus_message_enter_container(reply.get(), 'v', type);
    if (result < 0) {
        throw_bad_reply(result, property);
    }
    return reply;
}

inline MessagePtr get_property(sd_bus* bus, const char* property, const char* type) {
    return get_property_on(bus, true, property, type);
}

inline std::optional<Instant> optional_time(std::uint64_t microseconds) {
    if (microseconds == 0) {
        return std::nullopt;
    }
    return from_bus_time(microseconds);
}

inline std::uint64_t bus_time_or_now(std::optional<Instant> at) {
    return at ? to_bus_time(*at) : 0;
}

}  // namespace regimenctl::bus_call
