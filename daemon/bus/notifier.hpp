// Client of org.freedesktop.Notifications on the daemon's bus connection. Every call is
// asynchronous with a timeout, so a slow or missing server never stalls the loop; a
// missing, restarting or failing server is logged and the daemon goes on (the engine has
// already written the reminder to the journal).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/outputs.hpp"
#include "bus/notification_ids.hpp"
#include "bus/notify_queue.hpp"
#include "host/sd_handles.hpp"

namespace regimend {

class Notifier : public ReminderDisplay {
  public:
    // A button on a dose's notification: "taken", "snooze" or "skip".
    using ActionHandler = std::function<void(const DoseKey& dose, std::string_view action)>;

    // Subscribes to the server's signals and asks for its capabilities. `ids_path` keeps
    // which notification shows which dose across restarts (empty: not kept). Throws
    // std::system_error when the matches cannot be installed.
    Notifier(sd_bus* bus, ActionHandler on_action, std::string ids_path = {});

    void show(const ReminderText& reminder) override;
    void show_group(const std::vector<ReminderText>& group) override;
    void close(const DoseKey& dose) override;
    void notice(const std::string& key, const std::string& summary,
                const std::string& body) override;
    void close_notice(const std::string& key) override;

  private:
    struct Notice {
        std::string key;
        std::string summary;
        std::string body;
    };
    using Group = std::vector<ReminderText>;  // one dose, or several due at the same instant
    using Request = std::variant<Group, Notice>;

    // One asynchronous call waiting for its reply.
    struct Call {
        Notifier* self = nullptr;
        SlotPtr slot;
        std::uint64_t generation = 0;  // the server instance it went to
        std::variant<std::monostate, std::vector<DoseKey>, std::string> target;  // doses, notice
    };

    enum class Capabilities { Unknown, Asking, Known, Unavailable };

    void ask_capabilities();
    // Sends now, or queues behind the Notify calls in flight (NotifyQueue).
    void send(const Request& request);
    // Sends one request; false (logged) when it could not go out.
    bool dispatch(const Request& request);
    // A Notify call is done: sends the next queued request, if any.
    void release_notify_slot();
    void send_reminder(const Group& group);
    // Shows the notification's remaining doses again (one was answered from elsewhere).
    void reshow(std::uint32_t id);
    void send_notice(const Notice& notice);
    void send_close(std::uint32_t id);  // CloseNotification, asynchronously
    // Sends a prepared Notify asynchronously; its reply comes back to on_notify_reply.
    void send_notify(const MessagePtr& message, Call* call);
    void forget_server();
    Call* start_call(std::variant<std::monostate, std::vector<DoseKey>, std::string> target);
    std::unique_ptr<Call> take_call(Call* call);
    static bool reply_ok(sd_bus_message* message, const char* what);
    std::string reminder_body(const ReminderText& reminder) const;
    std::string group_body(const Group& group) const;
    bool has(std::string_view capability) const;
    // Adopts the ids an earlier run saved when they belong to this server on this bus.
    void resume_ids(const char* server);
    void save_ids() const;

    static int on_capabilities(sd_bus_message* message, void* userdata,
                               sd_bus_error* error) noexcept;
    static int on_notify_reply(sd_bus_message* message, void* userdata,
                               sd_bus_error* error) noexcept;
    static int on_close_reply(sd_bus_message* message, void* userdata,
                              sd_bus_error* error) noexcept;
    static int on_owner_changed(sd_bus_message* message, void* userdata,
                                sd_bus_error* error) noexcept;
    static int on_action_invoked(sd_bus_message* message, void* userdata,
                                 sd_bus_error* error) noexcept;
    static int on_closed(sd_bus_message* message, void* userdata, sd_bus_error* error) noexcept;

    sd_bus* bus_;
    ActionHandler on_action_;
    std::vector<SlotPtr> matches_;
    std::map<Call*, std::unique_ptr<Call>> calls_;
    std::uint64_t generation_ = 0;

    Capabilities capabilities_state_ = Capabilities::Unknown;
    std::set<std::string, std::less<>> capabilities_;
    std::vector<Request> waiting_;  // shown once the capabilities are known

    std::string ids_path_;
    std::optional<NotificationIds> saved_ids_;  // read at start, until the server is known
    std::string bus_id_;
    std::string server_;  // the current server's unique name, once it answered

    std::map<DoseKey, std::uint32_t> dose_ids_;
    std::map<std::uint32_t, std::vector<DoseKey>> id_doses_;
    std::map<DoseKey, ReminderText> texts_;  // what each shown dose's lines say
    std::uint32_t answering_ = 0;            // the notification whose button is being handled
    std::map<std::string, std::uint32_t> notice_ids_;
    std::set<DoseKey> notify_in_flight_;
    std::set<DoseKey> close_when_shown_;  // answered while its Notify was in flight
    NotifyQueue<std::variant<DoseKey, std::string>, Request> notify_queue_;
};

// `text` without what must never reach a notification: control characters (C0 but the
// line feed, DEL, C1) and bidirectional embeddings, overrides and isolates (U+202A..U+202E,
// U+2066..U+2069), which could make a reminder read as something else. The parser refuses
// them in a regimen; this also covers names from the history and notes from elsewhere.
std::string shown_text(std::string_view text);

}  // namespace regimend
