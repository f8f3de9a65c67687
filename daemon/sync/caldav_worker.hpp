// The network half of CalDAV sync: one worker thread that carries out HTTP requests with
// libcurl, one at a time from a queue, and hands each result back to the event loop
// through an eventfd (sd-event and sd-bus are not thread-safe: only the queues, under a
// mutex, and the eventfd write cross threads; every callback runs on the loop thread).
// A slow or hostile server therefore holds only this thread: reminders and callers never
// wait for it. Each request is bounded: connect and total timeouts, a stall timeout, and
// a reply body cap (core/caldav.hpp kMaxReplyBytes) enforced as it arrives.
//
// The password is read here, on first use and again after a 401: `password_command` runs
// with a pipe and a deadline, `password_file` must be the user's own regular file of mode
// 0600 or stricter. No credential ever appears in a log line or an error text.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/caldav.hpp"
#include "host/sd_handles.hpp"
#include "loop/loop_wake.hpp"

namespace regimend {

struct CaldavRequest {
    enum class Kind { Put, Delete, Sync };
    Kind kind = Kind::Sync;
    caldav::Task task;       // Put: what to publish; Delete: its dose
    std::string etag;        // Put/Delete: If-Match; empty Put: If-None-Match: *
    std::string sync_token;  // Sync: empty for the first, full sync
    Instant stamp{};         // Put: DTSTAMP
};

// A member of the collection as a sync returned it.
struct RemoteMember {
    std::string href;
    std::string etag;
    bool removed = false;
    std::optional<caldav::RemoteTask> task;  // nullopt: not a VTODO of ours, or unreadable
};

struct CaldavResult {
    CaldavRequest request;
    long http_status = 0;               // 0 when no HTTP reply came
    std::string error;                  // empty on success; never holds a credential
    std::string etag;                   // Put: the new ETag, when the server said it
    std::vector<RemoteMember> members;  // Sync
    std::string sync_token;             // Sync: the new token
    bool ok() const { return error.empty(); }
};

class CaldavWorker {
  public:
    using Done = std::function<void(CaldavResult)>;

    // Throws std::system_error when the eventfd or its source cannot be made.
    CaldavWorker(sd_event* event, CaldavDevice device, Done done);
    ~CaldavWorker();
    CaldavWorker(const CaldavWorker&) = delete;
    CaldavWorker& operator=(const CaldavWorker&) = delete;

    void submit(CaldavRequest request);
    // Requests queued or running.
    std::size_t pending() const { return pending_; }

  private:
    void run();
    CaldavResult carry_out(const CaldavRequest& request);
    std::optional<std::string> password(std::string& error);
    static int on_ready(sd_event_source* source, int fd, uint32_t revents, void* userdata) noexcept;

    CaldavDevice device_;
    Done done_;
    LoopWake ready_;  // results_ has something for the loop thread
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<CaldavRequest> jobs_;       // guarded by mutex_
    std::deque<CaldavResult> results_;     // guarded by mutex_
    std::atomic<bool> stopping_{false};    // also read by curl's progress callback
    std::size_t pending_ = 0;              // loop thread only
    std::optional<std::string> password_;  // worker thread only
    std::thread thread_;
};

}  // namespace regimend
