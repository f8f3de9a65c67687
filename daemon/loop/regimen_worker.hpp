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
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "app/regimen_loader.hpp"
#include "host/sd_handles.hpp"

namespace regimend {

class RegimenWorker {
  public:
    using Done = std::function<void(LoadedRegimen)>;

    // Throws std::system_error when the eventfd or its event source cannot be made.
    explicit RegimenWorker(sd_event* event);
    ~RegimenWorker();
    RegimenWorker(const RegimenWorker&) = delete;
    RegimenWorker& operator=(const RegimenWorker&) = delete;

    // load_regimen_file(path) on the worker; `done` on the loop thread. With `coalesce`, a
    // waiting coalescing job is replaced instead of queueing another (file changes).
    void load(std::string path, Done done, bool coalesce = false);
    // check_regimen_text(text, file_name, system_zone()) on the worker.
    void check(std::string text, std::string file_name, Done done);
    // Runs on the loop thread after each batch of results has been handed out.
    void after_results(std::function<void()> then) { after_results_ = std::move(then); }

  private:
    struct Job {
        bool is_file = true;
        bool coalesce = false;
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

    UniqueFd eventfd_;  // before the source: it goes first
    SourcePtr source_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;                 // guarded by mutex_
    std::deque<Result> results_;           // guarded by mutex_
    bool stopping_ = false;                // guarded by mutex_
    std::function<void()> after_results_;  // loop thread only
    std::thread thread_;                   // last: started once everything above exists
};

}  // namespace regimend
