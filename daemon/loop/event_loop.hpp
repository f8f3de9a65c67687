// The daemon's one sd_event loop, and the Unix signals it turns into events.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "host/sd_handles.hpp"

namespace regimend {

class EventLoop {
  public:
    // Throws std::system_error when sd-event cannot be set up.
    EventLoop();

    sd_event* get() const { return event_.get(); }

    // Blocks `signal_number` for the process and runs `handler` from the loop when it
    // arrives (sd-event reads it from a signalfd). Throws std::system_error.
    void on_signal(int signal_number, std::function<void()> handler);

    // Runs `then` once, the next time the loop has nothing else to dispatch (an idle
    // priority defer source). A second call before it ran replaces the first.
    void when_idle(std::function<void()> then);

    // Runs until exit(); returns the exit code.
    int run();
    void exit(int code);

  private:
    struct SignalHandler {
        std::function<void()> handler;
        SourcePtr source;
    };
    EventPtr event_;
    std::vector<std::unique_ptr<SignalHandler>> signals_;
    std::function<void()> idle_then_;
    SourcePtr idle_source_;
};

}  // namespace regimend
