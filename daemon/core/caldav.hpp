// The pure half of CalDAV sync (../shared/SPEC.md "Phone and other devices (CalDAV)"):
// a due dose as a VTODO (libical), a VTODO read back into an answer under the
// late-confirmation rules, and a WebDAV multistatus reply (RFC 6578 sync-collection) read
// with pugixml. No network, no clock: `now` is an argument. The HTTP side is daemon/sync/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/doses.hpp"
#include "core/model.hpp"

namespace regimend::caldav {

// A reply larger than this is refused before it is parsed (a hostile server's 100 MB
// multistatus must not become 100 MB of DOM). A day of tasks is a few kilobytes.
inline constexpr std::size_t kMaxReplyBytes = 4 * 1024 * 1024;
// Tasks of doses planned longer ago than this are removed from the server.
inline constexpr Seconds kTaskLifetime{8LL * 86400};

enum class TaskStatus { NeedsAction, Completed, Cancelled };

// A task as this daemon publishes it.
struct Task {
    DoseKey dose;
    std::string summary;      // "Magnesium glycinate 200 mg"
    std::string description;  // the dose text and the item's notes
    TaskStatus status = TaskStatus::NeedsAction;
    std::optional<Instant> completed;  // with Completed: when it was taken
};

// "ITEM.SECONDS@regimend" (the planned instant in seconds since 1970): stable across
// restarts, so a dose is always the same task.
std::string task_uid(const DoseKey& dose);
// The dose a UID names; nullopt for a UID this daemon did not make.
std::optional<DoseKey> dose_of_uid(std::string_view uid);
// The resource name of a task inside the collection: its UID with ".ics".
std::string task_resource(const DoseKey& dose);

// The task a dose shows as: NEEDS-ACTION while upcoming, due or snoozed, COMPLETED when
// taken (at its time), CANCELLED when skipped or missed.
Task task_for(const Item& item, const DoseView& dose);

// The VCALENDAR text of a task: VTODO with UID, DTSTAMP `stamp`, SUMMARY, DESCRIPTION, DUE
// at the planned instant, a display VALARM at DUE, STATUS (and COMPLETED).
std::string vtodo_text(const Task& task, Instant stamp);

// A VTODO as a server returned it.
struct RemoteTask {
    std::string uid;
    TaskStatus status = TaskStatus::NeedsAction;
    std::optional<Instant> completed;
};
// The first VTODO of a VCALENDAR text; the reason when there is none or it has no UID.
std::variant<RemoteTask, std::string> read_vtodo(std::string_view text);

// What a task changed on another device means for its dose.
struct PhoneAnswer {
    enum class Kind { Taken, Skipped };
    Kind kind = Kind::Taken;
    DoseKey dose;
    Instant at{};  // Taken: the COMPLETED time
};
struct Refused {
    std::string reason;  // for the log and `status`
};
struct NoChange {};
using TaskOutcome = std::variant<NoChange, PhoneAnswer, Refused>;

// A task read from the server against the dose's state here (nullopt: the dose is not
// known, e.g. its item was removed). Only an open dose (due or snoozed; a missed one may
// still be taken late) is answered: COMPLETED is taken at its time when that is at most a
// minute ahead of `now` and within the item's missed_after of the planned instant, and no
// older than kTaskLifetime; CANCELLED is skipped. A UID this daemon did not make, a task
// still NEEDS-ACTION and a dose already answered here are NoChange (the local answer stands).
TaskOutcome outcome_of(const RemoteTask& task, const Regimen& regimen,
                       std::optional<DoseState> state, Instant now);

// One <response> of a multistatus.
struct Response {
    std::string href;
    int status = 0;             // 200, 404, ... (the response's or its propstat's)
    std::string etag;           // getetag, quotes kept
    std::string calendar_data;  // C:calendar-data, when asked for and present
};
struct Multistatus {
    std::vector<Response> responses;
    std::string sync_token;  // empty when the reply has none
};
// Refuses a body over kMaxReplyBytes, one that is not well-formed XML, one with a DTD
// (entity declarations are never expanded), and one whose root is not a multistatus.
std::variant<Multistatus, std::string> parse_multistatus(std::string_view body);

// The REPORT body of a sync-collection with `token` (empty: the first, full sync), asking
// for each member's ETag and calendar data.
std::string sync_collection_body(std::string_view token);

// Frees libical's buffers of the calling thread (a worker thread calls it before it ends).
void release_thread_buffers();

}  // namespace regimend::caldav
