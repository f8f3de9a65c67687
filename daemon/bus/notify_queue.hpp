// At most a fixed number of Notify calls in flight; the rest wait here, in order.
//
// A bus limits how many method calls of one connection may wait for a reply (dbus-daemon's
// max_replies_per_connection: 128 without session.conf), so 400 doses due at once lost 119
// reminders. The notifier asks try_start() before each Notify, parks the request with
// wait() when the answer is no, and calls finish() with every reply (or failure) to get the
// next request to send. A waiting request is keyed (the dose, or the notice's key): a newer
// request for the same key replaces it in place, and drop() forgets one whose dose was
// answered before it went out, so nothing stale is ever shown. Pure: no bus, no clock.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

namespace regimend {

template <class Key, class Request>
class NotifyQueue {
  public:
    // Enough to show a burst quickly, far below any bus's pending-reply limit.
    static constexpr std::size_t kDefaultLimit = 16;

    explicit NotifyQueue(std::size_t limit = kDefaultLimit)
        : limit_(std::max<std::size_t>(limit, 1)) {}

    // True (and the call counted as in flight) when a call may go out now. Requests wait
    // behind the ones already waiting, so order is kept.
    bool try_start() {
        if (in_flight_ >= limit_ || !waiting_.empty()) {
            return false;
        }
        ++in_flight_;
        return true;
    }

    // Parks a request; a waiting request with the same key is replaced where it stands.
    void wait(Key key, Request request) {
        for (auto& entry : waiting_) {
            if (entry.first == key) {
                entry.second = std::move(request);
                return;
            }
        }
        waiting_.emplace_back(std::move(key), std::move(request));
    }

    // One call in flight is done (replied, failed or never sent). Returns the next request
    // to send, already counted as in flight, if one waits.
    std::optional<Request> finish() {
        if (in_flight_ > 0) {
            --in_flight_;
        }
        if (waiting_.empty() || in_flight_ >= limit_) {
            return std::nullopt;
        }
        Request next = std::move(waiting_.front().second);
        waiting_.pop_front();
        ++in_flight_;
        return next;
    }

    // Forgets the waiting request with this key; true when there was one.
    bool drop(const Key& key) {
        const auto found = std::find_if(waiting_.begin(), waiting_.end(),
                                        [&](const auto& entry) { return entry.first == key; });
        if (found == waiting_.end()) {
            return false;
        }
        waiting_.erase(found);
        return true;
    }

    std::size_t in_flight() const { return in_flight_; }
    std::size_t waiting() const { return waiting_.size(); }

  private:
    std::size_t limit_;
    std::size_t in_flight_ = 0;
    std::deque<std::pair<Key, Request>> waiting_;
};

}  // namespace regimend
