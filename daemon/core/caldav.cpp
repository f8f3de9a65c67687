#include "core/caldav.hpp"

#include <libical/ical.h>
#include <pugixml.hpp>

#include <charconv>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "core/i18n.hpp"
#include "core/placeholders.hpp"

namespace regimend::caldav {
namespace {

constexpr std::string_view kUidSuffix = "@regimend";
constexpr Seconds kAheadTolerance{60};  // the one "times ahead" rule (core/diary.hpp)

struct ComponentFree {
    void operator()(icalcomponent* component) const noexcept { icalcomponent_free(component); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

// libical's default is to abort() on an error; a hostile task must come back as a value.
void make_ical_errors_values() {
    static std::once_flag once;
    std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

icaltimetype utc_time(Instant instant) {
    return icaltime_from_timet_with_zone(static_cast<time_t>(instant.time_since_epoch().count()), 0,
                                         icaltimezone_get_utc_timezone());
}

std::optional<Instant> instant_of(icaltimetype time) {
    if (icaltime_is_null_time(time) || !icaltime_is_valid_time(time)) {
        return std::nullopt;
    }
    // COMPLETED is UTC (RFC 5545 3.8.2.1); a floating one is read as UTC too.
    const icaltimezone* zone = time.zone != nullptr ? time.zone : icaltimezone_get_utc_timezone();
    return Instant{Seconds{icaltime_as_timet_with_zone(time, zone)}};
}

// The local part of an element's name: WebDAV servers choose their own prefixes
// ("D:response", "d:response", or a default namespace).
std::string_view local_name(const pugi::xml_node& node) {
    std::string_view name = node.name();
    const std::size_t colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name) {
    for (pugi::xml_node child : parent.children()) {
        if (child.type() == pugi::node_element && local_name(child) == name) {
            return child;
        }
    }
    return {};
}

// "HTTP/1.1 404 Not Found" -> 404; 0 when unreadable.
int status_code(std::string_view line) {
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos) {
        return 0;
    }
    line.remove_prefix(space + 1);
    int code = 0;
    std::from_chars(line.data(), line.data() + std::min<std::size_t>(line.size(), 3), code);
    return code;
}

std::string xml_escaped(std::string_view text) {
    std::string escaped;
    for (char c : text) {
        switch (c) {
            case '&':
                escaped += "&amp;";
                break;
            case '<':
                escaped += "&lt;";
                break;
            case '>':
                escaped += "&gt;";
                break;
            default:
                escaped += c;
        }
    }
    return escaped;
}

}  // namespace

void release_thread_buffers() {
    icalmemory_free_ring();
}

std::string task_uid(const DoseKey& dose) {
    return dose.item_id + "." + std::to_string(dose.planned.time_since_epoch().count()) +
           std::string(kUidSuffix);
}

std::string task_resource(const DoseKey& dose) {
    return task_uid(dose) + ".ics";
}

std::optional<DoseKey> dose_of_uid(std::string_view uid) {
    if (!uid.ends_with(kUidSuffix)) {
        return std::nullopt;
    }
    uid.remove_suffix(kUidSuffix.size());
    const std::size_t dot = uid.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == uid.size()) {
        return std::nullopt;
    }
    long long seconds = 0;
    const std::string_view digits = uid.substr(dot + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (error != std::errc{} || end != digits.data() + digits.size() || digits.front() == '-' ||
        digits.front() == '+') {
        return std::nullopt;
    }
    return DoseKey{std::string(uid.substr(0, dot)), Instant{Seconds{seconds}}};
}

Task task_for(const Item& item, const DoseView& dose) {
    Task task;
    task.dose = dose.dose;
    const std::optional<Amount>& amount = dose.amount ? dose.amount : item.amount;
    task.summary = amount ? fill_placeholders(_("{} {}"), {item.name, amount->text}) : item.name;
    task.description = item.dose;
    if (!item.notes.empty()) {
        task.description += task.description.empty() ? item.notes : "\n" + item.notes;
    }
    switch (dose.state) {
        case DoseState::Taken:
            task.status = TaskStatus::Completed;
            task.completed = dose.acted_at;
            break;
        case DoseState::Skipped:
        case DoseState::Missed:
            task.status = TaskStatus::Cancelled;
            break;
        default:
            task.status = TaskStatus::NeedsAction;
    }
    return task;
}

std::string vtodo_text(const Task& task, Instant stamp) {
    make_ical_errors_values();
    ComponentPtr calendar(icalcomponent_new_vcalendar());
    icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(calendar.get(),
                               icalproperty_new_prodid("-//regimend//regimend//EN"));
    icalcomponent* todo = icalcomponent_new_vtodo();
    icalcomponent_add_property(todo, icalproperty_new_uid(task_uid(task.dose).c_str()));
    icalcomponent_add_property(todo, icalproperty_new_dtstamp(utc_time(stamp)));
    icalcomponent_add_property(todo, icalproperty_new_summary(task.summary.c_str()));
    if (!task.description.empty()) {
        icalcomponent_add_property(todo, icalproperty_new_description(task.description.c_str()));
    }
    icalcomponent_add_property(todo, icalproperty_new_due(utc_time(task.dose.planned)));
    switch (task.status) {
        case TaskStatus::NeedsAction:
            icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_NEEDSACTION));
            break;
        case TaskStatus::Completed:
            icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_COMPLETED));
            icalcomponent_add_property(todo, icalproperty_new_percentcomplete(100));
            if (task.completed) {
                icalcomponent_add_property(todo,
                                           icalproperty_new_completed(utc_time(*task.completed)));
            }
            break;
        case TaskStatus::Cancelled:
            icalcomponent_add_property(todo, icalproperty_new_status(ICAL_STATUS_CANCELLED));
            break;
    }
    icalcomponent* alarm = icalcomponent_new_valarm();
    icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
    icalcomponent_add_property(alarm, icalproperty_new_description(task.summary.c_str()));
    icaltriggertype trigger{};
    trigger.time = utc_time(task.dose.planned);
    trigger.duration = icaldurationtype_null_duration();
    icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
    icalcomponent_add_component(todo, alarm);
    icalcomponent_add_component(calendar.get(), todo);
    char* text = icalcomponent_as_ical_string_r(calendar.get());
    std::string result = text != nullptr ? text : "";
    std::free(text);
    return result;
}

std::variant<RemoteTask, std::string> read_vtodo(std::string_view text) {
    make_ical_errors_values();
    if (text.size() > kMaxReplyBytes) {
        return std::string(_("the task is larger than 4 MiB"));
    }
    const std::string copy(text);  // libical wants a terminated string
    ComponentPtr root(icalparser_parse_string(copy.c_str()));
    if (!root) {
        return std::string(_("the task is not iCalendar text"));
    }
    icalcomponent* todo = icalcomponent_isa(root.get()) == ICAL_VTODO_COMPONENT
                              ? root.get()
                              : icalcomponent_get_first_component(root.get(), ICAL_VTODO_COMPONENT);
    if (todo == nullptr) {
        return std::string(_("the calendar object holds no VTODO"));
    }
    RemoteTask task;
    const char* uid = icalcomponent_get_uid(todo);
    if (uid == nullptr || *uid == '\0') {
        return std::string(_("the VTODO has no UID"));
    }
    task.uid = uid;
    switch (icalcomponent_get_status(todo)) {
        case ICAL_STATUS_COMPLETED:
            task.status = TaskStatus::Completed;
            break;
        case ICAL_STATUS_CANCELLED:
            task.status = TaskStatus::Cancelled;
            break;
        default:
            task.status = TaskStatus::NeedsAction;
    }
    if (icalproperty* completed = icalcomponent_get_first_property(todo, ICAL_COMPLETED_PROPERTY)) {
        task.completed = instant_of(icalproperty_get_completed(completed));
        if (task.status == TaskStatus::NeedsAction && task.completed) {
            task.status = TaskStatus::Completed;  // some apps set COMPLETED alone
        }
    }
    return task;
}

TaskOutcome outcome_of(const RemoteTask& task, const Regimen& regimen,
                       std::optional<DoseState> state, Instant now) {
    const std::optional<DoseKey> dose = dose_of_uid(task.uid);
    if (!dose || task.status == TaskStatus::NeedsAction || !state) {
        return NoChange{};
    }
    const Item* item = regimen.find(dose->item_id);
    if (item == nullptr || item->as_needed) {
        return NoChange{};
    }
    const bool open = *state == DoseState::Due || *state == DoseState::Snoozed;
    if (task.status == TaskStatus::Cancelled) {
        return open ? TaskOutcome{PhoneAnswer{PhoneAnswer::Kind::Skipped, *dose, now}}
                    : TaskOutcome{NoChange{}};
    }
    if (!open && *state != DoseState::Missed) {
        return NoChange{};
    }
    if (!task.completed) {
        return Refused{
            fill_placeholders(_("the task {} is completed without a COMPLETED time"), {task.uid})};
    }
    const Instant at = *task.completed;
    if (at > now + kAheadTolerance) {
        return Refused{fill_placeholders(_("the task {} was completed in the future"), {task.uid})};
    }
    const Seconds late = at - dose->planned;
    if (late > item->reminders.missed_after || -late > item->reminders.missed_after ||
        now - at > kTaskLifetime) {
        return Refused{
            fill_placeholders(_("the task {} was completed outside the dose's missed_after ({})"),
                              {task.uid, format_duration(item->reminders.missed_after)})};
    }
    return PhoneAnswer{PhoneAnswer::Kind::Taken, *dose, at};
}

std::variant<Multistatus, std::string> parse_multistatus(std::string_view body) {
    if (body.size() > kMaxReplyBytes) {
        return std::string(_("the server's reply is larger than 4 MiB"));
    }
    pugi::xml_document document;
    // parse_doctype keeps a DOCTYPE in the tree so it can be refused; pugixml never expands
    // entities other than XML's five and character references.
    const pugi::xml_parse_result parsed = document.load_buffer(
        body.data(), body.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
    if (!parsed) {
        return fill_placeholders(_("the server's reply is not well-formed XML: {}"),
                                 {parsed.description()});
    }
    for (pugi::xml_node node : document.children()) {
        if (node.type() == pugi::node_doctype) {
            return std::string(
                _("the server's reply declares a DTD, which a WebDAV reply never needs"));
        }
    }
    const pugi::xml_node root = document.document_element();
    if (local_name(root) != "multistatus") {
        return std::string(_("the server's reply is not a WebDAV multistatus"));
    }
    Multistatus result;
    for (pugi::xml_node node : root.children()) {
        if (node.type() != pugi::node_element) {
            continue;
        }
        if (local_name(node) == "sync-token") {
            result.sync_token = node.text().get();
            continue;
        }
        if (local_name(node) != "response") {
            continue;
        }
        Response response;
        response.href = child_named(node, "href").text().get();
        if (pugi::xml_node status = child_named(node, "status")) {
            response.status = status_code(status.text().get());
        }
        for (pugi::xml_node propstat : node.children()) {
            if (propstat.type() != pugi::node_element || local_name(propstat) != "propstat") {
                continue;
            }
            const int code = status_code(child_named(propstat, "status").text().get());
            if (code != 200) {
                response.status = response.status == 0 ? code : response.status;
                continue;
            }
            response.status = 200;
            const pugi::xml_node prop = child_named(propstat, "prop");
            response.etag = child_named(prop, "getetag").text().get();
            response.calendar_data = child_named(prop, "calendar-data").text().get();
        }
        result.responses.push_back(std::move(response));
    }
    return result;
}

std::string sync_collection_body(std::string_view token) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
           "<D:sync-collection xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
           "<D:sync-token>" +
           xml_escaped(token) +
           "</D:sync-token><D:sync-level>1</D:sync-level>"
           "<D:prop><D:getetag/><C:calendar-data/></D:prop></D:sync-collection>";
}

}  // namespace regimend::caldav
