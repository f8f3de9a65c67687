#include "bus/method_call.hpp"

#include <spdlog/spdlog.h>

#include <cstring>

#include "core/i18n.hpp"
#include "host/bus_names.hpp"

namespace regimend {
namespace {

// Notes and reasons are a sentence or two; a megabyte is a mistake or an attack.
constexpr std::size_t kMaxTextBytes = 4096;
// Before the second day of the epoch a time is a bug (a 0 or a seconds-for-microseconds
// mix-up), not a dose.
constexpr std::uint64_t kEarliestUsec = 86'400ULL * 1'000'000;
// 9999-12-31T23:59:59Z: beyond it, instants overflow the date arithmetic.
constexpr std::uint64_t kLatestUsec = 253'402'300'799ULL * 1'000'000;
constexpr Seconds kMaxFuture{86'400};
constexpr Seconds kMaxSpan{400LL * 86'400};

int fail(sd_bus_error* error, const char* name, const std::string& message) {
    return sd_bus_error_set(error, name, message.c_str());
}

}  // namespace

void log_loop_time(const char* member, std::chrono::steady_clock::time_point started) {
    // The figure behind the spec's 100 ms rule (bench/loop_stall.py reads it from the debug
    // log); over the rule it is a warning.
    const auto held = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (held > std::chrono::milliseconds{100}) {
        spdlog::warn("{} held the event loop for {:.1f} ms", member, held.count() / 1000.0);
    } else {
        spdlog::debug("{} held the event loop for {:.1f} ms", member, held.count() / 1000.0);
    }
}

int internal_error(sd_bus_message* message, const std::exception& exception, sd_bus_error* error) {
    spdlog::error("{} failed: {}", sd_bus_message_get_member(message), exception.what());
    return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Internal error: %s", exception.what());
}

int invalid_argument(sd_bus_error* error, const std::string& message) {
    return fail(error, bus_names::kErrorInvalidArgument, message);
}

int method_error(sd_bus_error* error, const Error& failure) {
    switch (failure.kind) {
        case ErrorKind::UnknownItem:
            return fail(error, bus_names::kErrorUnknownItem, failure.message);
        case ErrorKind::NothingDue:
            return fail(error, bus_names::kErrorNothingDue, failure.message);
        case ErrorKind::NothingToUndo:
            return fail(error, bus_names::kErrorNothingToUndo, failure.message);
        case ErrorKind::InvalidRegimen:
            return fail(error, bus_names::kErrorInvalidRegimen, failure.message);
        case ErrorKind::InvalidArgument:
            return fail(error, bus_names::kErrorInvalidArgument, failure.message);
        case ErrorKind::StorageFailed:
        default:
            return fail(error, bus_names::kErrorStorageFailed, failure.message);
    }
}

int check_text(const char* value, const char* what, bool required, sd_bus_error* error) {
    const std::size_t length = std::strlen(value);
    if (required && length == 0) {
        // TRANSLATORS: {} is "item", "note", "reason", "amount" or "symptom kind".
        return invalid_argument(error, fill(_("The {} must not be empty"), {translated(what)}));
    }
    if (length > kMaxTextBytes) {
        return invalid_argument(
            error, fill(_("The {0} is {1} bytes long; at most {2} are accepted"),
                        {translated(what), std::to_string(length), std::to_string(kMaxTextBytes)}));
    }
    return 0;
}

int check_at(std::uint64_t usec, Micros now, std::optional<Instant>* ret_at, sd_bus_error* error) {
    if (usec == 0) {
        ret_at->reset();
        return 0;
    }
    if (usec < kEarliestUsec) {
        return invalid_argument(error, fill(_("The time {} (microseconds since 1970) is before "
                                              "1970-01-02; 0 means now"),
                                            {std::to_string(usec)}));
    }
    if (usec > kLatestUsec || from_bus_time(usec) > now + kMaxFuture) {
        return invalid_argument(error, fill(_("The time {} (microseconds since 1970) is more than "
                                              "a day in the future"),
                                            {std::to_string(usec)}));
    }
    *ret_at = to_instant(from_bus_time(usec));
    return 0;
}

int check_span(std::uint64_t from_usec, std::uint64_t to_usec, Micros now, Instant* ret_from,
               Instant* ret_to, sd_bus_error* error) {
    for (std::uint64_t value : {from_usec, to_usec}) {
        if (value > kLatestUsec) {
            return invalid_argument(error,
                                    fill(_("The time {} (microseconds since 1970) is after 9999"),
                                         {std::to_string(value)}));
        }
    }
    const Micros precise_from = from_usec == 0 ? now : from_bus_time(from_usec);
    const Micros precise_to = to_usec == 0 ? now : from_bus_time(to_usec);
    const Instant from = to_instant(precise_from);
    const Instant to = to_instant(precise_to);
    *ret_from = from;
    *ret_to = to;
    if (precise_to < precise_from) {
        return invalid_argument(error, _("The span ends before it begins (to < from)"));
    }
    if (to - from > kMaxSpan) {
        return invalid_argument(error, fill(_("The span is {} days long; at most 400 days are "
                                              "accepted"),
                                            {std::to_string((to - from).count() / 86'400)}));
    }
    return 0;
}

int send_reply(sd_bus_message* call, const std::function<int(sd_bus_message* reply)>& fill) {
    sd_bus_message* raw = nullptr;
    int result = sd_bus_message_new_method_return(call, &raw);
    if (result < 0) {
        return result;
    }
    MessagePtr reply(raw);
    if ((result = fill(raw)) < 0) {
        return result;
    }
    return sd_bus_send(nullptr, raw, nullptr);
}

}  // namespace regimend
