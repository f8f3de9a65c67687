#include "loop/event_loop.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <system_error>

namespace regimend {
namespace {

void throw_if_failed(int result, const char* what) {
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), what);
    }
}

// Runs a handler the loop owns; unwinding through sd-event's C frames would be undefined.
int call_handler(void* userdata, const char* what) noexcept {
    try {
        (*static_cast<std::function<void()>*>(userdata))();
    } catch (const std::exception& error) {
        spdlog::error("{} failed: {}", what, error.what());
    }
    return 0;
}

int dispatch_signal(sd_event_source*, const signalfd_siginfo*, void* userdata) noexcept {
    return call_handler(userdata, "signal handler");
}

// Defer sources are one-shot: it is enabled again by the next when_idle().
int dispatch_idle(sd_event_source*, void* userdata) noexcept {
    return call_handler(userdata, "idle handler");
}

}  // namespace

EventLoop::EventLoop() {
    sd_event* event = nullptr;
    throw_if_failed(sd_event_new(&event), "sd_event_new");
    event_.reset(event);
}

void EventLoop::on_signal(int signal_number, std::function<void()> handler) {
    // sd-event needs the signal blocked, or the default action would run instead.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, signal_number);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) {
        throw std::system_error(errno, std::generic_category(), "sigprocmask");
    }

    auto entry = std::make_unique<SignalHandler>();
    entry->handler = std::move(handler);
    sd_event_source* source = nullptr;
    throw_if_failed(
        sd_event_add_signal(event_.get(), &source, signal_number, dispatch_signal, &entry->handler),
        "sd_event_add_signal");
    entry->source.reset(source);
    signals_.push_back(std::move(entry));
}

void EventLoop::when_idle(std::function<void()> then) {
    idle_then_ = std::move(then);
    if (idle_source_) {
        throw_if_failed(sd_event_source_set_enabled(idle_source_.get(), SD_EVENT_ONESHOT),
                        "sd_event_source_set_enabled");
        return;
    }
    sd_event_source* source = nullptr;
    throw_if_failed(sd_event_add_defer(event_.get(), &source, dispatch_idle, &idle_then_),
                    "sd_event_add_defer");
    idle_source_.reset(source);
    throw_if_failed(sd_event_source_set_priority(source, SD_EVENT_PRIORITY_IDLE),
                    "sd_event_source_set_priority");
}

int EventLoop::run() {
    return sd_event_loop(event_.get());
}

void EventLoop::exit(int code) {
    sd_event_exit(event_.get(), code);
}

}  // namespace regimend
