#include "bus/notifier.hpp"
#include "core/i18n.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "core/markup.hpp"
#include "host/bus_names.hpp"

namespace regimend {
namespace {

using namespace bus_names;

// The server answers in milliseconds; five seconds means it is stuck, not slow.
constexpr uint64_t kCallTimeoutUsec = 5'000'000;
// Starting (activating) a server may take as long as the bus allows an activation.
constexpr uint64_t kStartTimeoutUsec = 25'000'000;

constexpr const char* kBusName = "org.freedesktop.DBus";
constexpr const char* kBusPath = "/org/freedesktop/DBus";

constexpr std::uint8_t kUrgencyNormal = 1;
constexpr std::uint8_t kUrgencyCritical = 2;

std::string owner_match() {
    return std::string(
               "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
               "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='") +
           kNotifications + "'";
}

std::string server_signal_match(const char* member) {
    return std::string("type='signal',sender='") + kNotifications + "',path='" +
           kNotificationsPath + "',interface='" + kNotifications + "',member='" + member + "'";
}

// The helpers below keep sd-bus's convention: a negative errno when they fail.

// A call to the server: always to its unique name, the connection whose uid was checked.
int new_call(sd_bus* bus, const std::string& server, const char* member, MessagePtr* ret) {
    if (server.empty()) {
        return -ENOTCONN;  // no notification server of this user is on the bus
    }
    sd_bus_message* message = nullptr;
    const int result = sd_bus_message_new_method_call(bus, &message, server.c_str(),
                                                      kNotificationsPath, kNotifications, member);
    ret->reset(message);
    return result;
}

int new_bus_call(sd_bus* bus, const char* member, MessagePtr* ret) {
    sd_bus_message* message = nullptr;
    const int result =
        sd_bus_message_new_method_call(bus, &message, kBusName, kBusPath, kBusName, member);
    ret->reset(message);
    return result;
}

const char* reason(int result) {
    return std::strerror(-result);
}

std::string sender_of(sd_bus_message* message) {
    const char* sender = sd_bus_message_get_sender(message);
    return sender != nullptr ? sender : "";
}

}  // namespace

std::string shown_text(std::string_view text) {
    std::string shown;
    shown.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const auto next = [&](std::size_t k) {
            return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
        };
        if ((byte < 0x20 && byte != '\n') || byte == 0x7F) {
            continue;  // C0 and DEL; a NUL would also cut the D-Bus string short
        }
        if (byte == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) {
            ++i;  // C1
            continue;
        }
        // U+202A..U+202E (E2 80 AA..AE) and U+2066..U+2069 (E2 81 A6..A9): bidirectional
        // embeddings, overrides and isolates.
        if (byte == 0xE2 && ((next(1) == 0x80 && next(2) >= 0xAA && next(2) <= 0xAE) ||
                             (next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9))) {
            i += 2;
            continue;
        }
        shown += static_cast<char>(byte);
    }
    return shown;
}

Notifier::Notifier(sd_bus* bus, ActionHandler on_action, std::string ids_path)
    : bus_(bus), on_action_(std::move(on_action)), ids_path_(std::move(ids_path)) {
    sd_id128_t bus_id;
    if (sd_bus_get_bus_id(bus_, &bus_id) >= 0) {
        char text[SD_ID128_STRING_MAX];
        bus_id_ = sd_id128_to_string(bus_id, text);
    }
    if (!ids_path_.empty()) {
        saved_ids_ = load_notification_ids(ids_path_);
    }
    const std::pair<std::string, sd_bus_message_handler_t> matches[] = {
        {owner_match(), &Notifier::on_owner_changed},
        {server_signal_match("ActionInvoked"), &Notifier::on_action_invoked},
        {server_signal_match("NotificationClosed"), &Notifier::on_closed},
    };
    for (const auto& [rule, handler] : matches) {
        sd_bus_slot* slot = nullptr;
        const int result =
            sd_bus_add_match_async(bus_, &slot, rule.c_str(), handler, nullptr, this);
        if (result < 0) {
            throw std::system_error(-result, std::generic_category(), "sd_bus_add_match_async");
        }
        matches_.emplace_back(slot);
    }
    ask_server();
}

bool Notifier::has(std::string_view capability) const {
    return capabilities_.find(capability) != capabilities_.end();
}

Notifier::Call* Notifier::start_call(
    std::variant<std::monostate, std::vector<DoseKey>, std::string> target) {
    auto call = std::make_unique<Call>();
    call->self = this;
    call->generation = generation_;
    call->target = std::move(target);
    Call* raw = call.get();
    calls_.emplace(raw, std::move(call));
    return raw;
}

std::unique_ptr<Notifier::Call> Notifier::take_call(Call* call) {
    auto node = calls_.extract(call);
    return node.empty() ? nullptr : std::move(node.mapped());
}

Notifier::Reply Notifier::reply_of(void* userdata) {
    auto* call = static_cast<Call*>(userdata);
    Notifier* self = call->self;
    const bool current = call->generation == self->generation_;
    return Reply{self, self->take_call(call), current};
}

// False (after logging) when the reply is an error.
bool Notifier::reply_ok(sd_bus_message* message, const char* what) {
    const sd_bus_error* error = sd_bus_message_get_error(message);
    if (error != nullptr) {
        spdlog::warn("notification server: {} failed: {}", what,
                     error->message != nullptr ? error->message : error->name);
        return false;
    }
    return true;
}

void Notifier::resume_ids() {
    if (!saved_ids_) {
        return;
    }
    const NotificationIds saved = std::move(*saved_ids_);
    saved_ids_.reset();
    if (saved.bus_id != bus_id_ || saved.server != server_ || server_.empty()) {
        spdlog::debug("notification ids of an earlier run belong to another server; not reused");
        save_ids();
        return;
    }
    shown_.adopt(saved.doses);
    spdlog::info("resumed {} notification(s) shown by an earlier run", saved.doses.size());
}

void Notifier::save_ids() const {
    if (ids_path_.empty() || saved_ids_) {
        return;  // not kept, or the earlier run's ids are not yet read back
    }
    NotificationIds ids{bus_id_, server_, shown_.ids()};
    save_notification_ids(ids_path_, ids);
}

int Notifier::call_async(const MessagePtr& message, sd_bus_message_handler_t handler,
                         std::uint64_t timeout_usec) {
    Call* call = start_call(std::monostate{});
    sd_bus_slot* slot = nullptr;
    const int result = sd_bus_call_async(bus_, &slot, message.get(), handler, call,
                                         timeout_usec != 0 ? timeout_usec : kCallTimeoutUsec);
    if (result < 0) {
        calls_.erase(call);
        return result;
    }
    call->slot.reset(slot);
    return 0;
}

void Notifier::ask_server() {
    if (capabilities_state_ == Capabilities::Asking) {
        return;
    }
    capabilities_state_ = Capabilities::Asking;
    service_started_ = false;
    ask_owner();
}

void Notifier::ask_owner() {
    MessagePtr message;
    int result = 0;
    if ((result = new_bus_call(bus_, "GetNameOwner", &message)) < 0 ||
        (result = sd_bus_message_append(message.get(), "s", kNotifications)) < 0 ||
        (result = call_async(message, &Notifier::on_owner)) < 0) {
        spdlog::warn("cannot ask the bus for the notification server: {}", reason(result));
        no_server(Capabilities::Unavailable);
    }
}

void Notifier::start_service() {
    // What a Notify to the well-known name would do (activate a server that is installed
    // but not running), without sending anything to whoever then owns the name.
    service_started_ = true;
    MessagePtr message;
    int result = 0;
    if ((result = new_bus_call(bus_, "StartServiceByName", &message)) < 0 ||
        (result = sd_bus_message_append(message.get(), "su", kNotifications, 0u)) < 0 ||
        (result = call_async(message, &Notifier::on_service_started, kStartTimeoutUsec)) < 0) {
        spdlog::warn("cannot start a notification server: {}", reason(result));
        no_server(Capabilities::Unavailable);
    }
}

void Notifier::ask_credentials(const std::string& owner) {
    candidate_ = owner;
    MessagePtr message;
    int result = 0;
    if ((result = new_bus_call(bus_, "GetConnectionCredentials", &message)) < 0 ||
        (result = sd_bus_message_append(message.get(), "s", owner.c_str())) < 0 ||
        (result = call_async(message, &Notifier::on_credentials)) < 0) {
        spdlog::warn("cannot ask who runs the notification server: {}", reason(result));
        no_server(Capabilities::Unavailable);
    }
}

void Notifier::ask_capabilities() {
    MessagePtr message;
    int result = 0;
    if ((result = new_call(bus_, server_, "GetCapabilities", &message)) < 0 ||
        (result = call_async(message, &Notifier::on_capabilities)) < 0) {
        spdlog::warn("cannot ask the notification server for its capabilities: {}", reason(result));
        no_server(Capabilities::Unavailable);
    }
}

void Notifier::no_server(Capabilities state) {
    capabilities_state_ = state;
    server_.clear();
    capabilities_.clear();
    if (!waiting_.empty()) {
        spdlog::info("{} notification(s) not shown: they are in this log only", waiting_.size());
        waiting_.clear();
    }
}

void Notifier::set_warning(std::string warning) {
    if (warning == warning_) {
        return;
    }
    warning_ = std::move(warning);
    if (warning_changed_) {
        warning_changed_();
    }
}

int Notifier::on_owner(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    const auto reply = reply_of(userdata);
    Notifier* self = reply.self;
    if (!reply.current) {
        return 0;
    }
    const sd_bus_error* error = sd_bus_message_get_error(message);
    if (error != nullptr && !self->service_started_ &&
        sd_bus_error_has_name(error, SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
        self->start_service();
        return 0;
    }
    if (error != nullptr) {
        spdlog::warn("no notification server: reminders go to the log only");
        self->no_server(Capabilities::Unavailable);
        return 0;
    }
    const char* owner = nullptr;
    if (const int result = sd_bus_message_read(message, "s", &owner); result < 0) {
        spdlog::warn("cannot find the notification server: {}", reason(result));
        self->no_server(Capabilities::Unavailable);
        return 0;
    }
    self->ask_credentials(owner);
    return 0;
}

int Notifier::on_service_started(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    const auto reply = reply_of(userdata);
    Notifier* self = reply.self;
    if (!reply.current) {
        return 0;
    }
    if (sd_bus_message_get_error(message) != nullptr) {
        spdlog::warn("no notification server: reminders go to the log only");
        self->no_server(Capabilities::Unavailable);
        return 0;
    }
    self->ask_owner();
    return 0;
}

int Notifier::on_credentials(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    const auto reply = reply_of(userdata);
    Notifier* self = reply.self;
    if (!reply.current) {
        return 0;
    }
    if (!reply_ok(message, "GetConnectionCredentials")) {
        self->no_server(Capabilities::Unavailable);
        return 0;
    }
    std::optional<std::uint32_t> uid;
    int result = sd_bus_message_enter_container(message, 'a', "{sv}");
    while (result >= 0 && sd_bus_message_enter_container(message, 'e', "sv") > 0) {
        const char* key = nullptr;
        std::uint32_t value = 0;
        if ((result = sd_bus_message_read(message, "s", &key)) >= 0) {
            const bool is_uid = std::strcmp(key, "UnixUserID") == 0;
            result = is_uid ? sd_bus_message_read(message, "v", "u", &value)
                            : sd_bus_message_skip(message, "v");
            uid = is_uid && result >= 0 ? std::optional<std::uint32_t>{value} : uid;
        }
        if (result >= 0) {
            result = sd_bus_message_exit_container(message);
        }
    }
    if (result < 0) {
        spdlog::warn("cannot read the notification server's credentials: {}", reason(result));
        self->no_server(Capabilities::Unavailable);
        return 0;
    }
    if (uid != geteuid()) {
        const std::string who = uid ? "user " + std::to_string(*uid) : "an unknown user";
        std::string warning =
            uid ? fill(_("The notification server on the bus ({0}) belongs to user {1}: "
                         "reminders are not shown, only logged; confirm with regimenctl take"),
                       {self->candidate_, std::to_string(*uid)})
                : fill(_("The notification server on the bus ({}) belongs to an unknown "
                         "user: reminders are not shown, only logged; confirm with "
                         "regimenctl take"),
                       {self->candidate_});
        // Once per server, not at every reminder that asks again.
        spdlog::log(warning == self->warning_ ? spdlog::level::debug : spdlog::level::warn,
                    "the notification server {} runs as {}, not as this user: nothing is "
                    "sent to it or taken from it; reminders go to the log only",
                    self->candidate_, who);
        self->set_warning(std::move(warning));
        self->no_server(Capabilities::Foreign);
        return 0;
    }
    self->set_warning({});
    self->server_ = self->candidate_;
    self->ask_capabilities();
    return 0;
}

int Notifier::on_capabilities(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    const auto reply = reply_of(userdata);
    Notifier* self = reply.self;
    if (!reply.current) {
        return 0;
    }
    self->capabilities_.clear();
    if (!self->reply_ok(message, "GetCapabilities")) {
        spdlog::warn("no notification server: reminders go to the log only");
        self->no_server(Capabilities::Unavailable);
        return 0;
    }
    const char* capability = nullptr;
    if (const int result = sd_bus_message_enter_container(message, 'a', "s"); result < 0) {
        spdlog::warn("cannot read the notification server's capabilities: {}", reason(result));
        self->no_server(Capabilities::Unavailable);
        return 0;
    }
    while (sd_bus_message_read(message, "s", &capability) > 0) {
        self->capabilities_.emplace(capability);
    }
    self->capabilities_state_ = Capabilities::Known;
    self->resume_ids();
    std::string list;
    for (const auto& name : self->capabilities_) {
        list += (list.empty() ? "" : " ") + name;
    }
    spdlog::info("notification server {} capabilities: {}", self->server_, list);
    if (!self->has("actions")) {
        spdlog::info(
            "the notification server has no buttons; reminders say how to "
            "confirm from the command line");
    }
    // The C boundary: the open reminders come from the engine, which may throw.
    try {
        self->server_ready();
    } catch (const std::exception& error) {
        spdlog::warn("cannot show the open reminders: {}", error.what());
    }
    return 0;
}

void Notifier::server_ready() {
    auto waiting = std::move(waiting_);
    waiting_.clear();
    if (open_reminders_) {
        // Every open reminder, as shown now, covers the reminders that waited too.
        reshow_all(open_reminders_());
    }
    for (const auto& request : waiting) {
        if (!open_reminders_ || std::holds_alternative<Notice>(request)) {
            send(request);
        }
    }
}

void Notifier::reshow_all(const std::vector<Group>& groups) {
    std::set<DoseKey> open;
    // A notification an earlier run showed keeps its doses together under its id.
    std::map<std::uint32_t, Group> by_id;
    std::vector<Group> fresh;
    for (const auto& group : groups) {
        Group rest;
        for (const auto& reminder : group) {
            open.insert(reminder.dose);
            if (const std::uint32_t id = shown_.id_of(reminder.dose); id != 0) {
                by_id[id].push_back(reminder);
            } else {
                rest.push_back(reminder);
            }
        }
        if (!rest.empty()) {
            fresh.push_back(std::move(rest));
        }
    }
    // What an earlier run showed and is no longer open (answered or missed meanwhile).
    for (const auto id : shown_.keep_only(open)) {
        send_close(id);
    }
    save_ids();
    if (!by_id.empty() || !fresh.empty()) {
        spdlog::info("showing {} open reminder(s) to the notification server",
                     by_id.size() + fresh.size());
    }
    for (const auto& [id, group] : by_id) {
        send(group);
    }
    for (const auto& group : fresh) {
        send(group);
    }
}

void Notifier::show(const ReminderText& reminder) {
    show_group({reminder});
}

void Notifier::show_group(const std::vector<ReminderText>& group) {
    if (group.empty()) {
        return;
    }
    if (capabilities_state_ == Capabilities::Known) {
        send(group);
        return;
    }
    // The body and the buttons depend on what the server can do: ask first. Asking again
    // after a failure may start (activate) a server that was missing.
    waiting_.emplace_back(group);
    ask_server();
}

void Notifier::notice(const std::string& key, const std::string& summary, const std::string& body) {
    Notice request{key, summary, body};
    if (capabilities_state_ == Capabilities::Known) {
        send(request);
        return;
    }
    waiting_.emplace_back(std::move(request));
    ask_server();
}

void Notifier::send(const Request& request) {
    // Each request is one Notify call; a bus refuses calls past its pending-reply limit.
    if (!notify_queue_.try_start()) {
        const auto* group = std::get_if<Group>(&request);
        notify_queue_.wait(group != nullptr && !group->empty()
                               ? std::variant<DoseKey, std::string>{group->front().dose}
                               : std::variant<DoseKey, std::string>{std::get<Notice>(request).key},
                           request);
        return;
    }
    if (!dispatch(request)) {
        release_notify_slot();
    }
}

bool Notifier::dispatch(const Request& request) {
    const auto* group = std::get_if<Group>(&request);
    const int result =
        group != nullptr ? send_reminder(*group) : send_notice(std::get<Notice>(request));
    if (result < 0) {
        spdlog::warn("cannot send a notification: {}", reason(result));
        return false;
    }
    return true;
}

void Notifier::release_notify_slot() {
    while (auto next = notify_queue_.finish()) {
        if (dispatch(*next)) {
            return;
        }
    }
}

std::string Notifier::reminder_body(const ReminderText& reminder) const {
    const bool markup = has("body-markup");
    auto text = [&](const std::string& value) {
        return markup ? escape_markup(shown_text(value)) : shown_text(value);
    };
    std::string body;
    auto add_line = [&](const std::string& line) {
        if (!line.empty()) {
            body += (body.empty() ? "" : "\n") + line;
        }
    };
    add_line(text(reminder.detail.empty() ? reminder.due_text
                                          : reminder.detail + " — " + reminder.due_text));
    add_line(text(reminder.notes));
    add_line(text(reminder.stock));
    if (!has("actions")) {
        add_line(text(fill(_("Confirm with: regimenctl take {}"), {reminder.dose.item_id})));
    }
    return body;
}

std::string Notifier::group_body(const Group& group) const {
    const bool markup = has("body-markup");
    std::string body;
    for (const auto& reminder : group) {
        std::string line = reminder.summary;
        if (!reminder.detail.empty()) {
            line += " — " + reminder.detail;
        }
        if (!reminder.notes.empty()) {
            line += " (" + reminder.notes + ")";
        }
        if (!reminder.stock.empty()) {
            line += " — " + reminder.stock;
        }
        body += (body.empty() ? "" : "\n") +
                (markup ? escape_markup(shown_text(line)) : shown_text(line));
    }
    if (!has("actions")) {
        body += '\n';
        body += _("Confirm all with: regimenctl take --all");
    }
    return body;
}

int Notifier::send_reminder(const Group& group) {
    // The notification this group belongs to: the one already showing any of its doses, else
    // one showing doses of the same planned instant (doses due together share one
    // notification, also when one of them comes back through an undo).
    const std::uint32_t replaces_id = shown_.id_for(group);
    // Replacing must not drop the notification's other doses from the screen.
    Group members = group;
    for (const auto& dose : shown_.doses_of(replaces_id)) {
        const bool listed = std::any_of(members.begin(), members.end(),
                                        [&](const auto& member) { return member.dose == dose; });
        if (const ReminderText* text = shown_.text_of(dose); !listed && text != nullptr) {
            members.push_back(*text);
        }
    }
    std::vector<DoseKey> doses;
    bool critical = false;
    for (const auto& member : members) {
        doses.push_back(member.dose);
        critical = critical || member.urgency == Urgency::Critical;
    }
    const std::string summary =
        members.size() == 1 ? members.front().summary
                            : fill(P_("{0} dose due {1}", "{0} doses due {1}", members.size()),
                                   {std::to_string(members.size()), members.front().due_clock});
    const std::string body =
        members.size() == 1 ? reminder_body(members.front()) : group_body(members);
    const std::uint8_t urgency = critical ? kUrgencyCritical : kUrgencyNormal;

    MessagePtr message;
    int result = 0;
    // resident: the notification stays after a button is pressed; the daemon closes it once
    // the answer is recorded. expire_timeout 0: it stays until answered.
    if ((result = new_call(bus_, server_, "Notify", &message)) < 0 ||
        (result = sd_bus_message_append(message.get(), "susss", "regimend", replaces_id, "",
                                        shown_text(summary).c_str(), body.c_str())) < 0 ||
        (result = has("actions")
                      ? sd_bus_message_append(message.get(), "as", 6, "taken", _("Taken"), "snooze",
                                              _("Snooze"), "skip", _("Skip"))
                      : sd_bus_message_append(message.get(), "as", 0)) < 0 ||
        (result = sd_bus_message_append(message.get(), "a{sv}i", 4, "urgency", "y", urgency,
                                        "category", "s", "x-regimend.reminder", "desktop-entry",
                                        "s", "regimend", "resident", "b", 1, 0)) < 0 ||
        (result = send_notify(message, start_call(doses))) < 0) {
        return result;
    }
    shown_.sending(members);
    return 0;
}

void Notifier::reshow(std::uint32_t id) {
    Group group;
    for (const auto& dose : shown_.doses_of(id)) {
        const ReminderText* text = shown_.text_of(dose);
        if (text == nullptr) {
            return;  // shown by an earlier run: its next repeat brings the words back
        }
        group.push_back(*text);
    }
    if (!group.empty()) {
        send(group);
    }
}

int Notifier::send_notice(const Notice& notice) {
    const auto known = notice_ids_.find(notice.key);
    const std::uint32_t replaces_id = known == notice_ids_.end() ? 0 : known->second;
    const std::string plain = shown_text(notice.body);
    const std::string body = has("body-markup") ? escape_markup(plain) : plain;
    const std::string category = "x-regimend." + notice.key;
    MessagePtr message;
    int result = 0;
    if ((result = new_call(bus_, server_, "Notify", &message)) < 0 ||
        (result = sd_bus_message_append(message.get(), "susssas", "regimend", replaces_id, "",
                                        shown_text(notice.summary).c_str(), body.c_str(), 0)) < 0 ||
        (result = sd_bus_message_append(message.get(), "a{sv}i", 3, "urgency", "y", kUrgencyNormal,
                                        "category", "s", category.c_str(), "desktop-entry", "s",
                                        "regimend", 0)) < 0) {
        return result;
    }
    return send_notify(message, start_call(notice.key));
}

int Notifier::send_notify(const MessagePtr& message, Call* call) {
    sd_bus_slot* slot = nullptr;
    const int result = sd_bus_call_async(bus_, &slot, message.get(), &Notifier::on_notify_reply,
                                         call, kCallTimeoutUsec);
    if (result < 0) {
        calls_.erase(call);
        return result;
    }
    call->slot.reset(slot);
    return 0;
}

int Notifier::on_notify_reply(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* call = static_cast<Call*>(userdata);
    Notifier* self = call->self;
    // Kept alive to the end of this callback; sd-bus holds its own reference to the slot.
    const auto owned = self->take_call(call);
    // However this reply ends, its slot goes to the next queued Notify (after the id below
    // is recorded, so a queued repeat replaces this notification).
    struct ReleaseSlot {
        Notifier* notifier;
        ~ReleaseSlot() { notifier->release_notify_slot(); }
    } const release{self};
    std::uint32_t id = 0;
    if (!self->reply_ok(message, "Notify") || sd_bus_message_read(message, "u", &id) < 0 ||
        call->generation != self->generation_) {
        id = 0;  // nothing shown, or an id from a server that has since gone away
    }
    if (const auto* doses = std::get_if<std::vector<DoseKey>>(&call->target)) {
        const std::vector<DoseKey> answered = self->shown_.replied(*doses, id);
        if (id == 0 || doses->empty()) {
            return 0;
        }
        self->save_ids();
        spdlog::debug("notification {} shows '{}'{}", id, doses->front().item_id,
                      doses->size() > 1 ? " and " + std::to_string(doses->size() - 1) + " more"
                                        : std::string{});
        for (const auto& dose : answered) {
            self->close(dose);
        }
    } else if (id == 0) {
        return 0;
    } else if (const auto* key = std::get_if<std::string>(&call->target)) {
        self->notice_ids_[*key] = id;
    }
    return 0;
}

void Notifier::close(const DoseKey& dose) {
    // A queued reminder keyed by it is stale now: never send it (a group is keyed by its
    // first dose; the rest of it is re-shown below).
    notify_queue_.drop(dose);
    const auto removed = shown_.remove(dose);
    if (!removed) {
        return;
    }
    save_ids();
    if (removed->emptied) {
        send_close(removed->id);
    } else if (answering_ != removed->id) {
        // The rest of a group stays on screen, listed anew (unless all of them are being
        // answered by the notification's own button right now).
        reshow(removed->id);
    }
}

void Notifier::send_close(std::uint32_t id) {
    if (server_.empty()) {
        return;  // its server is gone, and the notification with it
    }
    MessagePtr message;
    int result = 0;
    if ((result = new_call(bus_, server_, "CloseNotification", &message)) < 0 ||
        (result = sd_bus_message_append(message.get(), "u", id)) < 0 ||
        (result = call_async(message, &Notifier::on_close_reply)) < 0) {
        spdlog::warn("cannot close notification {}: {}", id, reason(result));
    }
}

void Notifier::close_notice(const std::string& key) {
    const auto known = notice_ids_.find(key);
    if (known == notice_ids_.end()) {
        return;
    }
    const std::uint32_t id = known->second;
    notice_ids_.erase(known);
    send_close(id);
}

int Notifier::on_close_reply(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* call = static_cast<Call*>(userdata);
    Notifier* self = call->self;
    // Kept alive to the end of this callback; sd-bus holds its own reference to the slot.
    const auto owned = self->take_call(call);
    self->reply_ok(message, "CloseNotification");
    return 0;
}

void Notifier::forget_server() {
    ++generation_;
    shown_.clear();
    notice_ids_.clear();
    capabilities_.clear();
    server_.clear();
    candidate_.clear();
    capabilities_state_ = Capabilities::Unknown;
    save_ids();
}

bool Notifier::from_server(sd_bus_message* message, const char* what) const {
    const std::string sender = sender_of(message);
    if (capabilities_state_ == Capabilities::Known && !server_.empty() && sender == server_) {
        return true;
    }
    spdlog::debug("ignored {} from {}: not the notification server", what,
                  sender.empty() ? "an unknown sender" : sender);
    return false;
}

int Notifier::on_owner_changed(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Notifier*>(userdata);
    const char* name = nullptr;
    const char* old_owner = nullptr;
    const char* new_owner = nullptr;
    // Only the bus itself tells who owns a name: anyone can send this signal to the
    // daemon's unique name, and sd-bus cannot check the match rule's sender locally.
    if (sender_of(message) != kBusName) {
        spdlog::debug("ignored NameOwnerChanged from {}: not the bus", sender_of(message));
        return 0;
    }
    if (sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0 ||
        std::strcmp(name, kNotifications) != 0) {
        return 0;
    }
    // Its notification ids belonged to the old server; a new one is given every open
    // reminder as soon as it is found trustworthy.
    self->forget_server();
    self->set_warning({});
    if (new_owner == nullptr || *new_owner == '\0') {
        spdlog::warn(
            "the notification server left the bus; reminders go to the log until "
            "one comes back");
        return 0;
    }
    spdlog::info("a notification server appeared ({})", new_owner);
    self->ask_server();
    return 0;
}

int Notifier::on_action_invoked(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Notifier*>(userdata);
    std::uint32_t id = 0;
    const char* action = nullptr;
    if (!self->from_server(message, "ActionInvoked") ||
        sd_bus_message_read(message, "us", &id, &action) < 0) {
        return 0;
    }
    // A group's button answers every dose it lists.
    const std::vector<DoseKey> doses = self->shown_.doses_of(id);
    if (doses.empty()) {
        return 0;  // another program's notification, or a notice
    }
    self->answering_ = id;
    for (const auto& dose : doses) {
        try {
            self->on_action_(dose, action);
        } catch (const std::exception& error) {
            spdlog::error("handling '{}' on notification {} failed: {}", action, id, error.what());
        }
    }
    self->answering_ = 0;
    // Some could not be answered (an error was logged): show what is left.
    if (const auto& left = self->shown_.doses_of(id); !left.empty() && left.size() < doses.size()) {
        self->reshow(id);
    }
    return 0;
}

int Notifier::on_closed(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Notifier*>(userdata);
    std::uint32_t id = 0;
    std::uint32_t reason = 0;
    if (!self->from_server(message, "NotificationClosed") ||
        sd_bus_message_read(message, "uu", &id, &reason) < 0) {
        return 0;
    }
    if (const std::size_t doses = self->shown_.closed(id); doses > 0) {
        spdlog::debug("notification {} for {} dose(s) was closed (reason {})", id, doses, reason);
        self->save_ids();
    }
    for (auto it = self->notice_ids_.begin(); it != self->notice_ids_.end(); ++it) {
        if (it->second == id) {
            self->notice_ids_.erase(it);
            break;
        }
    }
    return 0;
}

}  // namespace regimend
