// CalDAV sync on the loop thread (../shared/SPEC.md "Phone and other devices (CalDAV)"):
// keeps the collection's tasks in step with the dose tracker and carries answers given on
// another device into the engine as a Confirm or Skip would.
//
// The tracker is the truth. After every change of the engine (its reschedule) the doses of
// the last 8 days are compared with what was last published: a due dose not yet published
// is PUT with If-None-Match: *, a task whose dose changed state is PUT with If-Match and its
// ETag, a task older than 8 days is DELETEd. One request per task at a time; the HTTP work
// happens on CaldavWorker's thread. While a dose is open, a sync-collection REPORT every
// `poll` fetches what changed; with no open dose no timer is armed (no wakeup at rest).
// A failed request is retried with backoff (5 s doubling to 10 min); nothing local waits
// for it, and nothing is lost: the next reconcile publishes the tracker's state again.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "app/clock.hpp"
#include "app/engine.hpp"
#include "host/sd_handles.hpp"
#include "sync/caldav_worker.hpp"

namespace regimend {

// What `status` shows of the sync (status --json's `sync`).
struct SyncStatus {
    std::optional<Instant> last_ok;
    std::string error;  // the last failure, empty once a request succeeds again
};

class DeviceSync {
  public:
    DeviceSync(sd_event* event, Engine& engine);
    ~DeviceSync();

    // After every change of the engine (a dose due, an answer, a reload): compares on the
    // next loop iteration, once however many changes came.
    void changed();
    // nullopt without a device.
    std::optional<SyncStatus> status() const;
    // Called when the status changes (to emit PropertiesChanged).
    void on_status_changed(std::function<void()> then) { status_changed_ = std::move(then); }

  private:
    struct Published {
        std::string etag;
        caldav::TaskStatus status = caldav::TaskStatus::NeedsAction;
        std::optional<Instant> completed;
    };

    void reconcile();
    void configure();
    void request_sync();
    void handle(CaldavResult result);
    void handle_sync(const CaldavResult& result);
    void apply_remote(const RemoteMember& member, Micros now,
                      const std::map<DoseKey, DoseState>& states);
    void failed(const std::string& error);
    void succeeded();
    void arm_poll(bool any_open);
    void arm_retry();
    static int on_defer(sd_event_source* source, void* userdata) noexcept;
    static int on_timer(sd_event_source* source, uint64_t usec, void* userdata) noexcept;

    sd_event* event_;
    Engine& engine_;
    std::optional<CaldavDevice> device_;
    std::unique_ptr<CaldavWorker> worker_;
    SourcePtr defer_;
    SourcePtr poll_timer_;
    SourcePtr retry_timer_;
    std::map<DoseKey, Published> published_;
    std::map<std::string, DoseKey> by_href_;  // the last path segment -> dose
    std::set<DoseKey> in_flight_;
    // 412s in a row per task: a server that keeps refusing a task the collection does not
    // list is a failure (with backoff), not a loop of PUT and sync.
    std::map<DoseKey, int> conflicts_;
    bool synced_once_ = false;  // the first (full) sync has told what the server holds
    bool sync_in_flight_ = false;
    bool sync_wanted_ = false;
    std::string sync_token_;
    SyncStatus status_;
    Seconds backoff_{0};
    bool failing_ = false;
    std::function<void()> status_changed_;
};

// The engine's wakeup scheduler, seen through: every change of the engine ends with a
// reschedule, so it is where the sync learns that the tracker changed.
class SyncingScheduler : public WakeupScheduler {
  public:
    explicit SyncingScheduler(WakeupScheduler& inner) : inner_(inner) {}
    void follow(DeviceSync* sync) { sync_ = sync; }
    void schedule(std::optional<Instant> deadline) override {
        inner_.schedule(deadline);
        if (sync_ != nullptr) {
            sync_->changed();
        }
    }

  private:
    WakeupScheduler& inner_;
    DeviceSync* sync_ = nullptr;
};

}  // namespace regimend
