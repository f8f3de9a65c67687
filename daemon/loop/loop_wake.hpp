// How a worker thread hands results to the loop thread: an eventfd the worker writes and
// the loop watches (sd-event and sd-bus are not thread-safe, so only this write crosses),
// and the worker thread itself, started with every signal blocked. Shared by
// RegimenWorker and CaldavWorker.
#pragma once

#include <functional>
#include <thread>

#include "host/sd_handles.hpp"

namespace regimend {

class LoopWake {
  public:
    // Calls `handler(source, fd, revents, userdata)` on the loop thread once notify() ran;
    // the handler calls drain(fd) first. Throws std::system_error when the eventfd or its
    // event source cannot be made.
    LoopWake(sd_event* event, sd_event_io_handler_t handler, void* userdata);

    // From any thread. EAGAIN means the counter is already set, which wakes the loop just
    // the same.
    void notify() const noexcept;
    // Resets the counter, so the loop sleeps until the next notify().
    static void drain(int fd) noexcept;

  private:
    UniqueFd fd_;  // before the source: it goes first
    SourcePtr source_;
};

// The loop takes its signals (SIGTERM, SIGHUP) through a signalfd, which works only while
// every thread blocks them: a worker thread starts with all signals blocked.
std::thread start_worker_thread(std::function<void()> body);

}  // namespace regimend
