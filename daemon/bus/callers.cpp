#include "bus/callers.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include "host/bus_names.hpp"

namespace regimend {
namespace {

using namespace bus_names;

constexpr const char* kCannotTell = "Cannot tell which user is calling, so the call is refused";

int deny(sd_bus_error* error, const std::string& message) {
    return sd_bus_error_set(error, kErrorAccessDenied, message.c_str());
}

std::uint64_t monotonic_usec(RefusalLog::Clock::time_point instant) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(instant.time_since_epoch()).count());
}

}  // namespace

int Callers::admit(sd_bus_message* message, sd_bus_error* error) {
    const char* sender = sd_bus_message_get_sender(message);
    if (sender == nullptr) {
        return check_peer(message, error);
    }
    auto found = callers_.find(sender);
    if (found != callers_.end()) {
        found->second.used = ++clock_;
        if (found->second.state != State::Asking) {
            return verdict(found->second, message, error);
        }
    }
    if (parked_ >= kMaxParked ||
        (found != callers_.end() && found->second.parked.size() >= kMaxParkedPerCaller)) {
        return sd_bus_error_set(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                "Too many calls are waiting for the bus to say who is calling; "
                                "try again");
    }
    if (found == callers_.end()) {
        if (callers_.size() >= kMaxCallers) {
            forget_oldest();
        }
        found = callers_.try_emplace(sender).first;
        Caller& caller = found->second;
        caller.owner = this;
        caller.name = sender;
        caller.used = ++clock_;
        if (const int result = ask(caller); result < 0) {
            callers_.erase(found);
            spdlog::warn("cannot ask the bus who {} is: {}", sender, std::strerror(-result));
            return deny(error, kCannotTell);
        }
    }
    found->second.parked.emplace_back(sd_bus_message_ref(message));
    ++parked_;
    return 1;
}

int Callers::check(sd_bus_message* message, sd_bus_error* error) {
    const char* sender = sd_bus_message_get_sender(message);
    if (sender == nullptr) {
        return check_peer(message, error);
    }
    const auto found = callers_.find(sender);
    if (found == callers_.end() || found->second.state == State::Asking) {
        return deny(error, kCannotTell);  // only a call that passed the filter gets here
    }
    return verdict(found->second, message, error);
}

int Callers::ask(Caller& caller) {
    sd_bus_slot* slot = nullptr;
    const int result = sd_bus_call_method_async(
        bus_, &slot, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "GetConnectionUnixUser", &on_answer, &caller, "s", caller.name.c_str());
    caller.question.reset(slot);
    return result;
}

int Callers::on_answer(sd_bus_message* reply, void* userdata, sd_bus_error*) noexcept {
    auto* caller = static_cast<Caller*>(userdata);
    Callers* self = caller->owner;
    std::deque<MessagePtr> parked;
    parked.swap(caller->parked);
    self->parked_ -= parked.size();
    std::uint32_t uid = 0;
    if (sd_bus_message_is_method_error(reply, nullptr) ||
        sd_bus_message_read(reply, "u", &uid) < 0) {
        const sd_bus_error* failure = sd_bus_message_get_error(reply);
        spdlog::warn(
            "the bus did not say who {} is: {}", caller->name,
            failure != nullptr && failure->message != nullptr ? failure->message : "no answer");
        const std::string name = caller->name;  // the key of the node erased
        self->callers_.erase(name);             // a later call asks again
        for (const auto& call : parked) {
            sd_bus_reply_method_errorf(call.get(), kErrorAccessDenied, "%s", kCannotTell);
        }
        return 0;
    }
    caller->uid = static_cast<uid_t>(uid);
    caller->state = caller->uid == geteuid() ? State::Accepted : State::Refused;
    caller->question.reset();
    // Read again, in their order, now that the filter has the verdict.
    for (const auto& call : parked) {
        if (const int result = sd_bus_enqueue_for_read(self->bus_, call.get()); result < 0) {
            spdlog::warn("cannot take up {} again: {}", sd_bus_message_get_member(call.get()),
                         std::strerror(-result));
            sd_bus_reply_method_errorf(call.get(), SD_BUS_ERROR_FAILED,
                                       "The call could not be taken up again: %s",
                                       std::strerror(-result));
        }
    }
    return 0;
}

int Callers::verdict(const Caller& caller, sd_bus_message* message, sd_bus_error* error) {
    return caller.state == State::Accepted ? 0 : refuse(caller.uid, message, error);
}

int Callers::check_peer(sd_bus_message* message, sd_bus_error* error) {
    // A direct connection (no bus): sd-bus has the peer's credentials from the socket, no
    // round trip.
    sd_bus_creds* raw = nullptr;
    const int result = sd_bus_query_sender_creds(message, SD_BUS_CREDS_EUID, &raw);
    CredsPtr creds(raw);
    uid_t uid = 0;
    if (result < 0 || sd_bus_creds_get_euid(raw, &uid) < 0) {
        return deny(error, kCannotTell);
    }
    return uid == geteuid() ? 0 : refuse(uid, message, error);
}

int Callers::refuse(uid_t uid, sd_bus_message* message, sd_bus_error* error) {
    const char* member = sd_bus_message_get_member(message);
    if (auto line = refusals_.refused(uid, member != nullptr ? member : "a call",
                                      RefusalLog::Clock::now())) {
        spdlog::warn("{}", *line);
    }
    arm_summary();
    return deny(error, "This regimend belongs to user " + std::to_string(geteuid()) +
                           " and takes no calls from user " + std::to_string(uid));
}

void Callers::forget_oldest() {
    auto oldest = callers_.end();
    for (auto it = callers_.begin(); it != callers_.end(); ++it) {
        if (it->second.state != State::Asking &&
            (oldest == callers_.end() || it->second.used < oldest->second.used)) {
            oldest = it;
        }
    }
    if (oldest != callers_.end()) {
        callers_.erase(oldest);
    }
}

void Callers::arm_summary() {
    const auto next = refusals_.next_due();
    sd_event* event = sd_bus_get_event(bus_);
    if (!next || event == nullptr) {
        return;
    }
    if (summary_timer_) {
        int enabled = SD_EVENT_OFF;
        sd_event_source_get_enabled(summary_timer_.get(), &enabled);
        if (enabled == SD_EVENT_OFF) {
            sd_event_source_set_time(summary_timer_.get(), monotonic_usec(*next));
            sd_event_source_set_enabled(summary_timer_.get(), SD_EVENT_ONESHOT);
        }
        return;
    }
    sd_event_source* source = nullptr;
    if (sd_event_add_time(event, &source, CLOCK_MONOTONIC, monotonic_usec(*next), 0, &on_summary,
                          this) >= 0) {
        summary_timer_.reset(source);
    }
}

int Callers::on_summary(sd_event_source*, std::uint64_t, void* userdata) noexcept {
    auto* self = static_cast<Callers*>(userdata);
    try {
        for (const auto& line : self->refusals_.due(RefusalLog::Clock::now())) {
            spdlog::warn("{}", line);
        }
        self->arm_summary();
    } catch (const std::exception& failure) {
        spdlog::error("cannot log the refused calls: {}", failure.what());
    }
    return 0;
}

}  // namespace regimend
