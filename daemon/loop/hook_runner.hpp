// Runs hooks' commands on the event loop: started with posix_spawn (no shell) in a process
// group of their own, stdin /dev/null, stdout and stderr into a pipe the loop reads, their
// end seen through a child source (a pidfd), at most HookQueue::kMaxRunning at once with
// the rest waiting in HookQueue's bounded queue, killed (the whole group, SIGKILL) after
// their timeout. What they print and how they end goes to the journal, truncated; a failure
// is logged and nothing more. Nothing here ever waits for a command.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "app/outputs.hpp"
#include "core/hooks.hpp"
#include "host/handles.hpp"
#include "host/sd_handles.hpp"

namespace regimend {

// How a command ended, for the journal and for tests.
struct HookOutcome {
    std::string label;
    bool started = false;  // false: posix_spawn refused (no such command, ...)
    bool exited = false;   // true: exit status in `status`; false: killed by signal `status`
    int status = 0;
    bool timed_out = false;     // killed by the runner after its timeout
    std::string output;         // the first kMaxOutputBytes of stdout and stderr
    std::size_t cut_bytes = 0;  // what was read beyond that and not kept
};

class HookRunner : public HookLauncher {
  public:
    // What the journal keeps of a command's output.
    static constexpr std::size_t kMaxOutputBytes = 4096;

    // Blocks SIGCHLD (sd-event's child sources need it blocked; the daemon never handles
    // it otherwise). Throws std::system_error when that fails.
    explicit HookRunner(sd_event* event, HookQueue queue = HookQueue{});
    // Kills the process group of every command still running.
    ~HookRunner() override;
    HookRunner(const HookRunner&) = delete;
    HookRunner& operator=(const HookRunner&) = delete;

    void launch(HookCall call) override;

    std::size_t running() const { return queue_.running(); }
    std::size_t waiting() const { return queue_.waiting(); }
    // Called after each command ended and was logged (tests wait on it).
    void on_finished(std::function<void(const HookOutcome&)> finished) {
        finished_ = std::move(finished);
    }

    struct Run;  // one running command (hook_runner.cpp)

  private:
    void start_ready();
    bool start(HookCall call);
    void end(Run& run, const siginfo_t& info);
    void report(const HookOutcome& outcome, double seconds);

    sd_event* event_;
    HookQueue queue_;
    std::list<std::unique_ptr<Run>> runs_;
    std::function<void(const HookOutcome&)> finished_;
};

}  // namespace regimend
