// The connections the daemon's signals go to (issue 25). A broadcast signal reaches every
// connection with a matching rule, another user's too on a bus that admits them, so the
// daemon broadcasts nothing: a client calls Subscribe (which passes the caller check like
// every method) and each signal is sent to each subscriber's unique name. A subscriber is
// dropped by Unsubscribe or when the bus says its name has gone (NameOwnerChanged, counted
// only when the bus itself sent it).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/sd_handles.hpp"

namespace regimend {

class Subscribers {
  public:
    static constexpr std::size_t kMaxSubscribers = 32;

    // `bus` must outlive this.
    explicit Subscribers(sd_bus* bus) : bus_(bus) {}
    Subscribers(const Subscribers&) = delete;
    Subscribers& operator=(const Subscribers&) = delete;

    // sd-bus style: 0, or a negative errno with `error` set (LimitsExceeded when full).
    int add(const char* name, sd_bus_error* error);
    void remove(const std::string& name);
    std::size_t size() const { return entries_.size(); }

    // One copy of the signal to each subscriber; `append` writes its arguments.
    void send(const char* path, const char* interface, const char* member,
              const std::function<int(sd_bus_message*)>& append);

  private:
    struct Entry {
        Subscribers* owner = nullptr;
        std::string name;
        SlotPtr left;      // NameOwnerChanged of the name
        SlotPtr question;  // GetNameOwner: it may have gone before the match was in place
    };

    static int on_owner_changed(sd_bus_message* message, void* userdata,
                                sd_bus_error* error) noexcept;
    static int on_owner(sd_bus_message* reply, void* userdata, sd_bus_error* error) noexcept;

    sd_bus* bus_;
    std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace regimend
