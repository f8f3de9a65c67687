#include "bus/notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <system_error>

#include "core/markup.hpp"
#include "host/bus_names.hpp"

namespace regimend {
namespace {

using namespace bus_names;

// The server answers in milliseconds; five seconds means it is stuck, not slow.
constexpr uint64_t kCallTimeoutUsec = 5'000'000;

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

MessagePtr new_call(sd_bus* bus, const char* member) {
    sd_bus_message* message = nullptr;
    const int result = sd_bus_message_new_method_call(bus, &message, kNotifications,
                                                      kNotificationsPath, kNotifications, member);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), member);
    }
    return MessagePtr(message);
}

void check(int result, const char* what) {
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), what);
    }
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
        check(sd_bus_add_match_async(bus_, &slot, rule.c_str(), handler, nullptr, this),
              "sd_bus_add_match_async");
        matches_.emplace_back(slot);
    }
    ask_capabilities();
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

void Notifier::resume_ids(const char* server) {
    server_ = server != nullptr ? server : "";
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
    for (const auto& [id, doses] : saved.doses) {
        for (const auto& dose : doses) {
            dose_ids_[dose] = id;
        }
        id_doses_[id] = doses;
    }
    spdlog::info("resumed {} notification(s) shown by an earlier run", saved.doses.size());
}

void Notifier::save_ids() const {
    if (ids_path_.empty() || saved_ids_) {
        return;  // not kept, or the earlier run's ids are not yet read back
    }
    NotificationIds ids{bus_id_, server_, id_doses_};
    save_notification_ids(ids_path_, ids);
}

void Notifier::ask_capabilities() {
    capabilities_state_ = Capabilities::Asking;
    try {
        MessagePtr message = new_call(bus_, "GetCapabilities");
        Call* call = start_call(std::monostate{});
        sd_bus_slot* slot = nullptr;
        const int result = sd_bus_call_async(bus_, &slot, message.get(), &Notifier::on_capabilities,
                                             call, kCallTimeoutUsec);
        if (result < 0) {
            calls_.erase(call);
            throw std::system_error(-result, std::generic_category(), "GetCapabilities");
        }
        call->slot.reset(slot);
    } catch (const std::exception& error) {
        spdlog::warn("cannot ask the notification server for its capabilities: {}", error.what());
        capabilities_state_ = Capabilities::Unavailable;
    }
}

int Notifier::on_capabilities(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* call = static_cast<Call*>(userdata);
    Notifier* self = call->self;
    // Kept alive to the end of this callback; sd-bus holds its own reference to the slot.
    const auto owned = self->take_call(call);
    try {
        self->capabilities_.clear();
        if (!self->reply_ok(message, "GetCapabilities")) {
            spdlog::warn("no notification server: reminders go to the log only");
            self->capabilities_state_ = Capabilities::Unavailable;
        } else {
            const char* capability = nullptr;
            check(sd_bus_message_enter_container(message, 'a', "s"), "read capabilities");
            while (sd_bus_message_read(message, "s", &capability) > 0) {
                self->capabilities_.emplace(capability);
            }
            self->capabilities_state_ = Capabilities::Known;
            self->resume_ids(sd_bus_message_get_sender(message));
            std::string list;
            for (const auto& name : self->capabilities_) {
                list += (list.empty() ? "" : " ") + name;
            }
            spdlog::info("notification server capabilities: {}", list);
            if (!self->has("actions")) {
                spdlog::info(
                    "the notification server has no buttons; reminders say how to "
                    "confirm from the command line");
            }
        }
        auto waiting = std::move(self->waiting_);
        self->waiting_.clear();
        for (const auto& request : waiting) {
            self->send(request);
        }
    } catch (const std::exception& error) {
        spdlog::warn("cannot read the notification server's capabilities: {}", error.what());
    }
    return 0;
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
    if (capabilities_state_ != Capabilities::Asking) {
        ask_capabilities();
    }
    if (capabilities_state_ == Capabilities::Unavailable) {
        auto waiting = std::move(waiting_);
        waiting_.clear();
        for (const auto& request : waiting) {
            send(request);
        }
    }
}

void Notifier::notice(const std::string& key, const std::string& summary, const std::string& body) {
    Notice request{key, summary, body};
    if (capabilities_state_ == Capabilities::Asking) {
        waiting_.emplace_back(std::move(request));
        return;
    }
    send(request);
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
    try {
        if (const auto* group = std::get_if<Group>(&request)) {
            send_reminder(*group);
        } else {
            send_notice(std::get<Notice>(request));
        }
        return true;
    } catch (const std::exception& error) {
        spdlog::warn("cannot send a notification: {}", error.what());
        return false;
    }
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
        add_line(text("Confirm with: regimenctl take " + reminder.dose.item_id));
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
        body += "\nConfirm all with: regimenctl take --all";
    }
    return body;
}

void Notifier::send_reminder(const Group& group) {
    // The notification this group belongs to: the one already showing any of its doses.
    std::uint32_t replaces_id = 0;
    for (const auto& reminder : group) {
        if (auto known = dose_ids_.find(reminder.dose); known != dose_ids_.end()) {
            replaces_id = known->second;
            break;
        }
    }
    // Replacing must not drop the notification's other doses from the screen.
    Group members = group;
    if (replaces_id != 0) {
        for (const auto& dose : id_doses_[replaces_id]) {
            const bool listed =
                std::any_of(members.begin(), members.end(),
                            [&](const auto& member) { return member.dose == dose; });
            if (auto text = texts_.find(dose); !listed && text != texts_.end()) {
                members.push_back(text->second);
            }
        }
    }
    std::vector<DoseKey> doses;
    bool critical = false;
    for (const auto& member : members) {
        texts_[member.dose] = member;
        doses.push_back(member.dose);
        critical = critical || member.urgency == Urgency::Critical;
    }
    const std::string summary =
        members.size() == 1 ? members.front().summary
                            : std::to_string(members.size()) + " doses " + members.front().due_text;
    const std::string body =
        members.size() == 1 ? reminder_body(members.front()) : group_body(members);
    const std::uint8_t urgency = critical ? kUrgencyCritical : kUrgencyNormal;

    MessagePtr message = new_call(bus_, "Notify");
    check(sd_bus_message_append(message.get(), "susss", "regimend", replaces_id, "",
                                shown_text(summary).c_str(), body.c_str()),
          "Notify arguments");
    if (has("actions")) {
        check(sd_bus_message_append(message.get(), "as", 6, "taken", "Taken", "snooze", "Snooze",
                                    "skip", "Skip"),
              "Notify actions");
    } else {
        check(sd_bus_message_append(message.get(), "as", 0), "Notify actions");
    }
    // resident: the notification stays after a button is pressed; the daemon closes it once
    // the answer is recorded. expire_timeout 0: it stays until answered.
    check(sd_bus_message_append(message.get(), "a{sv}i", 4, "urgency", "y", urgency, "category",
                                "s", "x-regimend.reminder", "desktop-entry", "s", "regimend",
                                "resident", "b", 1, 0),
          "Notify hints");

    send_notify(message, start_call(doses));
    for (const auto& dose : doses) {
        notify_in_flight_.insert(dose);
    }
}

void Notifier::reshow(std::uint32_t id) {
    const auto members = id_doses_.find(id);
    if (members == id_doses_.end() || members->second.empty()) {
        return;
    }
    Group group;
    for (const auto& dose : members->second) {
        auto text = texts_.find(dose);
        if (text == texts_.end()) {
            return;  // shown by an earlier run: its next repeat brings the words back
        }
        group.push_back(text->second);
    }
    send(group);
}

void Notifier::send_notice(const Notice& notice) {
    const auto known = notice_ids_.find(notice.key);
    const std::uint32_t replaces_id = known == notice_ids_.end() ? 0 : known->second;
    const std::string plain = shown_text(notice.body);
    const std::string body = has("body-markup") ? escape_markup(plain) : plain;
    MessagePtr message = new_call(bus_, "Notify");
    check(sd_bus_message_append(message.get(), "susssas", "regimend", replaces_id, "",
                                shown_text(notice.summary).c_str(), body.c_str(), 0),
          "Notify arguments");
    const std::string category = "x-regimend." + notice.key;
    check(sd_bus_message_append(message.get(), "a{sv}i", 3, "urgency", "y", kUrgencyNormal,
                                "category", "s", category.c_str(), "desktop-entry", "s", "regimend",
                                0),
          "Notify hints");
    send_notify(message, start_call(notice.key));
}

void Notifier::send_notify(const MessagePtr& message, Call* call) {
    sd_bus_slot* slot = nullptr;
    const int result = sd_bus_call_async(bus_, &slot, message.get(), &Notifier::on_notify_reply,
                                         call, kCallTimeoutUsec);
    if (result < 0) {
        calls_.erase(call);
        throw std::system_error(-result, std::generic_category(), "Notify");
    }
    call->slot.reset(slot);
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
    const auto* doses = std::get_if<std::vector<DoseKey>>(&call->target);
    if (doses != nullptr) {
        for (const auto& dose : *doses) {
            self->notify_in_flight_.erase(dose);
        }
    }
    if (!self->reply_ok(message, "Notify")) {
        return 0;
    }
    std::uint32_t id = 0;
    if (sd_bus_message_read(message, "u", &id) < 0 || id == 0) {
        return 0;
    }
    if (call->generation != self->generation_) {
        return 0;  // an id from a server that has since gone away means nothing
    }
    if (doses != nullptr) {
        // Doses the notification showed before and no longer lists are not on it now.
        for (const auto& old : self->id_doses_[id]) {
            if (std::find(doses->begin(), doses->end(), old) == doses->end()) {
                self->dose_ids_.erase(old);
            }
        }
        for (const auto& dose : *doses) {
            self->dose_ids_[dose] = id;
        }
        self->id_doses_[id] = *doses;
        self->save_ids();
        spdlog::debug("notification {} shows '{}'{}", id, doses->front().item_id,
                      doses->size() > 1 ? " and " + std::to_string(doses->size() - 1) + " more"
                                        : std::string{});
        for (const auto& dose : *doses) {
            if (self->close_when_shown_.erase(dose) > 0) {
                self->close(dose);
            }
        }
    } else if (const auto* key = std::get_if<std::string>(&call->target)) {
        self->notice_ids_[*key] = id;
    }
    return 0;
}

void Notifier::close(const DoseKey& dose) {
    texts_.erase(dose);
    // A queued reminder keyed by it is stale now: never send it (a group is keyed by its
    // first dose; the rest of it is re-shown below).
    notify_queue_.drop(dose);
    const auto known = dose_ids_.find(dose);
    if (known == dose_ids_.end()) {
        if (notify_in_flight_.contains(dose)) {
            close_when_shown_.insert(dose);
        }
        return;
    }
    const std::uint32_t id = known->second;
    dose_ids_.erase(known);
    auto& members = id_doses_[id];
    std::erase(members, dose);
    if (!members.empty()) {
        // The rest of a group stays on screen, listed anew (unless all of them are being
        // answered by the notification's own button right now).
        save_ids();
        if (answering_ != id) {
            reshow(id);
        }
        return;
    }
    id_doses_.erase(id);
    save_ids();
    send_close(id);
}

void Notifier::send_close(std::uint32_t id) {
    try {
        MessagePtr message = new_call(bus_, "CloseNotification");
        check(sd_bus_message_append(message.get(), "u", id), "CloseNotification arguments");
        Call* call = start_call(std::monostate{});
        sd_bus_slot* slot = nullptr;
        const int result = sd_bus_call_async(bus_, &slot, message.get(), &Notifier::on_close_reply,
                                             call, kCallTimeoutUsec);
        if (result < 0) {
            calls_.erase(call);
            throw std::system_error(-result, std::generic_category(), "CloseNotification");
        }
        call->slot.reset(slot);
    } catch (const std::exception& error) {
        spdlog::warn("cannot close notification {}: {}", id, error.what());
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
    dose_ids_.clear();
    id_doses_.clear();
    texts_.clear();
    notice_ids_.clear();
    notify_in_flight_.clear();
    close_when_shown_.clear();
    capabilities_.clear();
    server_.clear();
    save_ids();
}

int Notifier::on_owner_changed(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Notifier*>(userdata);
    const char* name = nullptr;
    const char* old_owner = nullptr;
    const char* new_owner = nullptr;
    if (sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0) {
        return 0;
    }
    // Its notification ids belonged to the old server; the next reminder starts afresh.
    self->forget_server();
    if (new_owner == nullptr || *new_owner == '\0') {
        spdlog::warn(
            "the notification server left the bus; reminders go to the log until "
            "one comes back");
        self->capabilities_state_ = Capabilities::Unknown;
        return 0;
    }
    spdlog::info("a notification server appeared ({})", new_owner);
    self->ask_capabilities();
    return 0;
}

int Notifier::on_action_invoked(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Notifier*>(userdata);
    std::uint32_t id = 0;
    const char* action = nullptr;
    if (sd_bus_message_read(message, "us", &id, &action) < 0) {
        return 0;
    }
    const auto known = self->id_doses_.find(id);
    if (known == self->id_doses_.end()) {
        return 0;  // another program's notification, or a notice
    }
    // A group's button answers every dose it lists.
    const std::vector<DoseKey> doses = known->second;
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
    if (auto left = self->id_doses_.find(id);
        left != self->id_doses_.end() && left->second.size() < doses.size()) {
        self->reshow(id);
    }
    return 0;
}

int Notifier::on_closed(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Notifier*>(userdata);
    std::uint32_t id = 0;
    std::uint32_t reason = 0;
    if (sd_bus_message_read(message, "uu", &id, &reason) < 0) {
        return 0;
    }
    if (const auto known = self->id_doses_.find(id); known != self->id_doses_.end()) {
        spdlog::debug("notification {} for {} dose(s) was closed (reason {})", id,
                      known->second.size(), reason);
        for (const auto& dose : known->second) {
            self->dose_ids_.erase(dose);
            self->texts_.erase(dose);
        }
        self->id_doses_.erase(known);
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
