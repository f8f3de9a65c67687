// Parses, lints and plans-to-check a regimen off the event loop (SPEC "Limits that keep the
// daemon responsive": a 10,000-item Validate held every other caller for 3.4 s).
//
// One worker thread takes jobs in order (one parse at a time; requests queue) and hands
// each result back to the loop thread through an eventfd watched by the loop: sd-event and
// sd-bus are not thread-safe, so only the job queue (under a mutex) and the eventfd write
// cross threads; every callback runs on the loop thread. A file-change job still waiting
// is replaced by a newer one (the latest wins). The destructor stops the thread after the
// job it is running (a parse is bounded by the file limits) and drops results not yet
// delivered.
//
// Calls (Reload, Validate) wait in the queue only up to kMaxWaitingCalls: otherwise a flood
// of 1 MiB Validate calls holds a copy of each and takes minutes to work through. The service
// asks has_room_for_call() first and answers a call beyond with LimitsExceeded; the
// daemon's own jobs (file changes, SIGHUP, a zone change) are always taken.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "app/regimen_loader.hpp"
#include "host/sd_handles.hpp"
#include "loop/loop_wake.hpp"

namespace regimend {

class RegimenWorker {
  public:
    using Done = std::function<void(LoadedRegimen)>;

    // Throws std::system_error when the eventfd or its event source cannot be made.
    explicit RegimenWorker(sd_event* event);
    ~RegimenWorker();
    RegimenWorker(const RegimenWorker&) = delete;
    RegimenWorker& operator=(const RegimenWorker&) = delete;

    static constexpr std::size_t kMaxWaitingCalls = 4;

    // load_regimen_file(path) on the worker; `done` on the loop thread. With `coalesce`, a
    // waiting coalescing job is replaced instead of queueing another (file changes).
    void load(std::string path, Done done, bool coalesce = false);
    // The same for a Reload call: counted against kMaxWaitingCalls.
    void load_for_call(std::string path, Done done);
    // check_regimen_text(text, file_name, system_zone()) on the worker, for a Validate
    // call: counted against kMaxWaitingCalls.
    void check(std::string text, std::string file_name, Done done);
    // False when kMaxWaitingCalls calls wait already (loop thread: it alone adds jobs).
    bool has_room_for_call();
    // Runs on the loop thread after each batch of results has been handed out.
    void after_results(std::function<void()> then) { after_results_ = std::move(then); }

  private:
    struct Job {
        bool is_file = true;
        bool coalesce = false;
        bool call = false;
        std::string path_or_text;
        std::string file_name;
        Done done;
    };
    struct Result {
        LoadedRegimen loaded;
        Done done;
    };

    void submit(Job job);
    void run();
    static int on_ready(sd_event_source* source, int fd, uint32_t revents, void* userdata) noexcept;

    LoopWake ready_;  // results_ has something for the loop thread
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;                 // guarded by mutex_
    std::size_t waiting_calls_ = 0;        // guarded by mutex_: jobs_ with `call`
    std::deque<Result> results_;           // guarded by mutex_
    bool stopping_ = false;                // guarded by mutex_
    std::function<void()> after_results_;  // loop thread only
    std::thread thread_;                   // last: started once everything above exists
};

}  // namespace regimend
