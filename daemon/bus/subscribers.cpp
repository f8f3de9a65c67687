#include "bus/subscribers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

namespace regimend {
namespace {

constexpr const char* kBus = "org.freedesktop.DBus";

}  // namespace

int Subscribers::add(const char* name, sd_bus_error* error) {
    if (std::any_of(entries_.begin(), entries_.end(),
                    [&](const auto& entry) { return entry->name == name; })) {
        return 0;
    }
    if (entries_.size() >= kMaxSubscribers) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                 "%zu connections already receive the daemon's signals",
                                 entries_.size());
    }
    auto entry = std::make_unique<Entry>();
    entry->owner = this;
    entry->name = name;
    const std::string rule = std::string("type='signal',sender='") + kBus +
                             "',path='/org/freedesktop/DBus',interface='" + kBus +
                             "',member='NameOwnerChanged',arg0='" + name + "'";
    sd_bus_slot* slot = nullptr;
    int result =
        sd_bus_add_match_async(bus_, &slot, rule.c_str(), &on_owner_changed, nullptr, entry.get());
    entry->left.reset(slot);
    // The bus handles our messages in order: once it answers this, the match is in place,
    // so a name that goes later is reported, and one already gone is told by the answer.
    if (result >= 0) {
        result = sd_bus_call_method_async(bus_, &slot, kBus, "/org/freedesktop/DBus", kBus,
                                          "GetNameOwner", &on_owner, entry.get(), "s", name);
        entry->question.reset(slot);
    }
    if (result < 0) {
        return sd_bus_error_set_errno(error, result);
    }
    spdlog::debug("{} subscribed to the daemon's signals", name);
    entries_.push_back(std::move(entry));
    return 0;
}

void Subscribers::remove(const std::string& name) {
    std::erase_if(entries_, [&](const auto& entry) { return entry->name == name; });
}

void Subscribers::send(const char* path, const char* interface, const char* member,
                       const std::function<int(sd_bus_message*)>& append) {
    for (const auto& entry : entries_) {
        sd_bus_message* raw = nullptr;
        int result = sd_bus_message_new_signal(bus_, &raw, path, interface, member);
        MessagePtr message(raw);
        if (result >= 0) {
            result = sd_bus_message_set_destination(raw, entry->name.c_str());
        }
        if (result >= 0) {
            result = append(raw);
        }
        if (result >= 0) {
            result = sd_bus_send(bus_, raw, nullptr);
        }
        if (result < 0) {
            spdlog::warn("cannot send {} to {}: {}", member, entry->name, std::strerror(-result));
        }
    }
}

int Subscribers::on_owner_changed(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* entry = static_cast<Entry*>(userdata);
    // Anyone can send a NameOwnerChanged straight to the daemon; only the bus's counts.
    const char* sender = sd_bus_message_get_sender(message);
    const char* name = nullptr;
    const char* old_owner = nullptr;
    const char* new_owner = nullptr;
    if (sender == nullptr || std::strcmp(sender, kBus) != 0 ||
        sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0 ||
        entry->name != name || *new_owner != '\0') {
        return 0;
    }
    spdlog::debug("{} left: unsubscribed", entry->name);
    entry->owner->remove(std::string(name));
    return 0;
}

int Subscribers::on_owner(sd_bus_message* reply, void* userdata, sd_bus_error*) noexcept {
    auto* entry = static_cast<Entry*>(userdata);
    entry->question.reset();
    if (sd_bus_message_is_method_error(reply, nullptr)) {
        spdlog::debug("{} left: unsubscribed", entry->name);
        entry->owner->remove(std::string(entry->name));
    }
    return 0;
}

}  // namespace regimend
