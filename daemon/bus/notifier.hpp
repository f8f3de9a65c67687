// Client of org.freedesktop.Notifications on the daemon's bus connection. Every call is
// asynchronous with a timeout, so a slow or missing server never stalls the loop; a
// missing, restarting or failing server is logged and the daemon goes on (the engine has
// already written the reminder to the journal).
//
// Trust: the server is the unique name that owns org.freedesktop.Notifications (asked of
// the bus with GetNameOwner), and only once the bus says it runs as the daemon's own uid
// (GetConnectionCredentials): nothing is sent to another user's server. Every call goes to
// that unique name; ActionInvoked and NotificationClosed count only from it, and
// NameOwnerChanged only from the bus itself (sd-bus cannot check a well-known sender
// locally, so a signal sent straight to the daemon passes the match rule whoever sent it).
// Whenever a trusted server is found (at start, or a new owner of the name), it is given
// every open reminder at once, replacing the notifications an earlier run showed.
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
#include "bus/shown_doses.hpp"
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

    // Every open reminder as it would be shown now, grouped as they are shown: given to
    // each server found (set before the loop runs).
    using Group = std::vector<ReminderText>;  // one dose, or several due at the same instant
    void use_open_reminders(std::function<std::vector<Group>()> open_reminders) {
        open_reminders_ = std::move(open_reminders);
    }
    // Called whenever warning() may have changed.
    void on_warning_changed(std::function<void()> changed) {
        warning_changed_ = std::move(changed);
    }
    // Why reminders are not shown (a server of another user owns the name); empty if none.
    const std::string& warning() const { return warning_; }

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
    using Request = std::variant<Group, Notice>;

    // One asynchronous call waiting for its reply.
    struct Call {
        Notifier* self = nullptr;
        SlotPtr slot;
        std::uint64_t generation = 0;  // the server instance it went to
        std::variant<std::monostate, std::vector<DoseKey>, std::string> target;  // doses, notice
    };

    // Unknown: not asked yet (or the server left); Asking: GetNameOwner, then the owner's
    // credentials, then its capabilities; Known: server_ is trusted; Unavailable: no
    // server; Foreign: the owner is another user's.
    enum class Capabilities { Unknown, Asking, Known, Unavailable, Foreign };

    // Finds the server: GetNameOwner (StartServiceByName when the name has no owner), the
    // owner's uid, then GetCapabilities from that unique name.
    void ask_server();
    void ask_owner();
    void start_service();
    void ask_credentials(const std::string& owner);
    void ask_capabilities();
    // Sends an asynchronous call with a Call of the current generation.
    int call_async(const MessagePtr& message, sd_bus_message_handler_t handler,
                   std::uint64_t timeout_usec = 0);
    // The search ended without a server to send to: waiting reminders stay in the log.
    void no_server(Capabilities state);
    // A trusted server answered its capabilities: give it every open reminder.
    void server_ready();
    void set_warning(std::string warning);
    // True for a signal from the trusted server (ActionInvoked, NotificationClosed).
    bool from_server(sd_bus_message* message, const char* what) const;
    // Sends now, or queues behind the Notify calls in flight (NotifyQueue).
    void send(const Request& request);
    // Sends one request; false (logged) when it could not go out.
    bool dispatch(const Request& request);
    // A Notify call is done: sends the next queued request, if any.
    void release_notify_slot();
    int send_reminder(const Group& group);
    // Shows the notification's remaining doses again (one was answered from elsewhere).
    void reshow(std::uint32_t id);
    int send_notice(const Notice& notice);
    void send_close(std::uint32_t id);  // CloseNotification, asynchronously
    // Sends a prepared Notify asynchronously; its reply comes back to on_notify_reply.
    int send_notify(const MessagePtr& message, Call* call);
    void forget_server();
    Call* start_call(std::variant<std::monostate, std::vector<DoseKey>, std::string> target);
    std::unique_ptr<Call> take_call(Call* call);
    // An asynchronous reply's call, taken out of calls_ and kept alive by `owned` to the end
    // of the callback (sd-bus holds its own reference to the slot); `current` is false when
    // the name changed owner since the call was made (a newer search is under way).
    struct Reply {
        Notifier* self;
        std::unique_ptr<Call> owned;
        bool current;
    };
    static Reply reply_of(void* userdata);
    static bool reply_ok(sd_bus_message* message, const char* what);
    std::string reminder_body(const ReminderText& reminder) const;
    std::string group_body(const Group& group) const;
    bool has(std::string_view capability) const;
    // Adopts the ids an earlier run saved when they belong to this server on this bus.
    void resume_ids();
    // Shows every open reminder again (grouped as the ids an earlier run saved group them)
    // and closes saved notifications that show no open dose.
    void reshow_all(const std::vector<Group>& groups);
    void save_ids() const;

    static int on_owner(sd_bus_message* message, void* userdata, sd_bus_error* error) noexcept;
    static int on_service_started(sd_bus_message* message, void* userdata,
                                  sd_bus_error* error) noexcept;
    static int on_credentials(sd_bus_message* message, void* userdata,
                              sd_bus_error* error) noexcept;
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
    std::uint64_t generation_ = 0;  // a new search for the server starts a new one
    bool service_started_ = false;  // this search asked the bus to start the server

    Capabilities capabilities_state_ = Capabilities::Unknown;
    std::set<std::string, std::less<>> capabilities_;
    std::vector<Request> waiting_;  // shown once the capabilities are known

    std::string ids_path_;
    std::optional<NotificationIds> saved_ids_;  // read at start, until the server is known
    std::string bus_id_;
    std::string server_;     // the trusted server's unique name (calls go there)
    std::string candidate_;  // the owner whose credentials are being asked
    std::string warning_;
    std::function<void()> warning_changed_;
    std::function<std::vector<Group>()> open_reminders_;

    ShownDoses shown_;
    std::uint32_t answering_ = 0;  // the notification whose button is being handled
    std::map<std::string, std::uint32_t> notice_ids_;
    NotifyQueue<std::variant<DoseKey, std::string>, Request> notify_queue_;
};

// `text` without what must never reach a notification: control characters (C0 but the
// line feed, DEL, C1) and bidirectional embeddings, overrides and isolates (U+202A..U+202E,
// U+2066..U+2069), which could make a reminder read as something else. The parser refuses
// them in a regimen; this also covers names from the history and notes from elsewhere.
std::string shown_text(std::string_view text);

}  // namespace regimend
