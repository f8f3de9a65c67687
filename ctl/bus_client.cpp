#include "bus_client.hpp"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <string_view>

#include "core/reply_limits.hpp"
#include "error.hpp"
#include "host/bus_names.hpp"
#include "host/sd_handles.hpp"
#include "time_args.hpp"

namespace regimenctl {
namespace {

using namespace regimend::bus_names;
using regimend::BusError;
using regimend::MessagePtr;

constexpr std::string_view kOurErrorPrefix = kErrorPrefix;

constexpr const char* kHowToStart =
    "regimend is not running: start it with `systemctl --user start regimend` (or run "
    "`regimend &`)";

bool means_no_daemon(std::string_view name) {
    return name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
           name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
           name == "org.freedesktop.DBus.Error.NoServer" ||
           name == "org.freedesktop.DBus.Error.Disconnected" ||
           name == "org.freedesktop.DBus.Error.NoReply" ||
           name == "org.freedesktop.DBus.Error.TimedOut" ||
           name.starts_with("org.freedesktop.DBus.Error.Spawn.") ||
           name.starts_with("org.freedesktop.systemd1.");
}

// The daemon refused a span as too long for one reply (core/reply_limits.hpp): the caller
// splits it and asks again.
class SpanTooLong : public CtlError {
  public:
    explicit SpanTooLong(const std::string& message) : CtlError(kExitFailed, message) {}
};

// The daemon's longest span for one call (service.cpp): longer ones are split up front.
constexpr regimend::Seconds kMaxDaemonSpan{400LL * 86'400};

[[noreturn]] void throw_call_error(int result, const BusError& error, const char* member) {
    const std::string_view name = error.name();
    const std::string message = error.message();
    if (name == kErrorInvalidArgument &&
        message.find(regimend::kShorterSpanHint) != std::string::npos) {
        throw SpanTooLong(message);
    }
    if (name.starts_with(kOurErrorPrefix)) {
        throw CtlError(kExitFailed, message);
    }
    if (name == "org.freedesktop.DBus.Error.NoReply" ||
        name == "org.freedesktop.DBus.Error.TimedOut") {
        throw CtlError(kExitNoDaemon, "regimend did not answer " + std::string(member) +
                                          " in time (" + message + ")");
    }
    if (means_no_daemon(name)) {
        throw CtlError(kExitNoDaemon, kHowToStart);
    }
    if (!name.empty()) {
        throw CtlError(kExitFailed, std::string(name) + ": " + message);
    }
    // No error name: the connection itself failed (refused, reset, ...).
    throw CtlError(kExitNoDaemon, "cannot reach the session bus (" +
                                      std::string(std::strerror(-result)) + "); " + kHowToStart);
}

[[noreturn]] void throw_bad_reply(int result, const char* member) {
    throw CtlError(kExitFailed, "unexpected reply to " + std::string(member) +
                                    " from regimend: " + std::strerror(-result));
}

// Sends `message` and waits for its reply, like sd_bus_call but without first waiting for
// the bus to answer Hello: sd_bus_call does (bus_ensure_running), so a fresh connection
// took two round trips to the bus before the daemon saw the call. An asynchronous call made
// while Hello is outstanding is written right behind it, and the bus handles them in
// order. The reply, or the error the daemon, the bus or sd-bus (a timeout, a lost
// connection) answered with, ends the wait. Returns sd_bus_call's convention: < 0 with
// `error` set, or with `error` empty when the connection itself failed.
int send_and_wait(sd_bus* bus, sd_bus_message* message, BusError& error, MessagePtr& reply) {
    struct Pending {
        BusError* error;
        MessagePtr* reply;
        int result = 0;
        bool answered = false;
    } pending{&error, &reply};
    auto on_reply = [](sd_bus_message* answer, void* userdata, sd_bus_error*) -> int {
        auto* waiting = static_cast<Pending*>(userdata);
        waiting->answered = true;
        if (const sd_bus_error* failure = sd_bus_message_get_error(answer)) {
            waiting->result = sd_bus_error_copy(waiting->error->get(), failure);
            if (waiting->result >= 0) {
                waiting->result = -EIO;  // an error without an errno of its own
            }
            return 0;
        }
        waiting->reply->reset(sd_bus_message_ref(answer));
        return 0;
    };
    sd_bus_slot* raw_slot = nullptr;
    // 0: sd-bus's default, 25 s (time for D-Bus activation to start the daemon) or
    // $SYSTEMD_BUS_TIMEOUT, as for systemctl and busctl.
    int result = sd_bus_call_async(bus, &raw_slot, message, on_reply, &pending, 0);
    regimend::SlotPtr slot(raw_slot);
    if (result < 0) {
        return result;
    }
    for (;;) {
        result = sd_bus_process(bus, nullptr);
        if (result < 0) {
            return result;
        }
        // Before waiting: sd_bus_process may run the callback and still return 0 (it does
        // for the timeout's error reply), and nothing would then wake the wait.
        if (pending.answered) {
            return pending.result;
        }
        if (result == 0 && (result = sd_bus_wait(bus, UINT64_MAX)) < 0) {
            return result;  // the wait itself ends at the call's timeout
        }
    }
}

// Builds a method call, appends `args` with `types` and waits for the reply. Without
// `auto_start` the bus never D-Bus-activates the daemon for it (a missing daemon is then
// exit 3 at once).
template <class... Args>
MessagePtr call_on(sd_bus* bus, bool auto_start, const char* interface, const char* member,
                   const char* types, Args... args) {
    sd_bus_message* raw = nullptr;
    int result =
        sd_bus_message_new_method_call(bus, &raw, kService, kObjectPath, interface, member);
    MessagePtr message(raw);
    if (result < 0) {
        throw CtlError(kExitFailed,
                       "cannot build a D-Bus call: " + std::string(std::strerror(-result)));
    }
    if (!auto_start) {
        sd_bus_message_set_auto_start(message.get(), 0);
    }
    if (types != nullptr && types[0] != '\0') {
        result = sd_bus_message_append(message.get(), types, args...);
        if (result < 0) {
            throw CtlError(kExitFailed,
                           "cannot build a D-Bus call: " + std::string(std::strerror(-result)));
        }
    }
    BusError error;
    MessagePtr reply;
    result = send_and_wait(bus, message.get(), error, reply);
    if (result < 0) {
        throw_call_error(result, error, member);
    }
    return reply;
}

template <class... Args>
MessagePtr call(sd_bus* bus, const char* interface, const char* member, const char* types,
                Args... args) {
    return call_on(bus, true, interface, member, types, args...);
}

// Asks `once` for [from, to) in pieces no longer than the daemon takes, and halves a piece
// the daemon refuses as too large for one reply, so a user never meets the reply limit.
// Rows come back in the daemon's (time) order.
template <class Row, class Once>
void collect_split(Instant from, Instant to, const Once& once, std::vector<Row>& rows) {
    if (to - from > kMaxDaemonSpan) {
        const Instant middle = from + kMaxDaemonSpan;
        collect_split<Row>(from, middle, once, rows);
        collect_split<Row>(middle, to, once, rows);
        return;
    }
    try {
        std::vector<Row> piece = once(from, to);
        rows.insert(rows.end(), std::make_move_iterator(piece.begin()),
                    std::make_move_iterator(piece.end()));
    } catch (const SpanTooLong&) {
        if (to - from <= regimend::Seconds{1}) {
            throw;  // one second that does not fit: nothing left to split
        }
        const Instant middle = from + (to - from) / 2;
        collect_split<Row>(from, middle, once, rows);
        collect_split<Row>(middle, to, once, rows);
    }
}

template <class T>
T read_single(sd_bus_message* reply, const char* type, const char* member) {
    T value{};
    int result = sd_bus_message_read(reply, type, &value);
    if (result < 0) {
        throw_bad_reply(result, member);
    }
    return value;
}

std::string read_string(sd_bus_message* reply, const char* member) {
    return read_single<const char*>(reply, "s", member);
}

// org.freedesktop.DBus.Properties.Get, positioned inside the variant of `type`.
MessagePtr get_property_on(sd_bus* bus, bool auto_start, const char* property, const char* type) {
    auto reply = call_on(bus, auto_start, "org.freedesktop.DBus.Properties", "Get", "ss",
                         kInterface, property);
    int result = sd_bus_message_enter_container(reply.get(), 'v', type);
    if (result < 0) {
        throw_bad_reply(result, property);
    }
    return reply;
}

MessagePtr get_property(sd_bus* bus, const char* property, const char* type) {
    return get_property_on(bus, true, property, type);
}

std::optional<Instant> optional_time(std::uint64_t microseconds) {
    if (microseconds == 0) {
        return std::nullopt;
    }
    return from_bus_time(microseconds);
}

std::uint64_t bus_time_or_now(std::optional<Instant> at) {
    return at ? to_bus_time(*at) : 0;
}

}  // namespace

void BusClient::BusDeleter::operator()(sd_bus* bus) const noexcept {
    sd_bus_flush_close_unref(bus);
}

BusClient::BusClient(BusClient&&) noexcept = default;
BusClient& BusClient::operator=(BusClient&&) noexcept = default;
BusClient::~BusClient() = default;

BusClient BusClient::connect() {
    sd_bus* bus = nullptr;
    int result = sd_bus_open_user(&bus);
    if (result < 0) {
        throw CtlError(kExitNoDaemon, "cannot connect to the session bus (" +
                                          std::string(std::strerror(-result)) + "); " +
                                          kHowToStart);
    }
    return BusClient(bus);
}

Instant BusClient::confirm(const std::string& item, std::optional<Instant> at) {
    auto reply = call(bus_.get(), kInterface, "Confirm", "st", item.c_str(), bus_time_or_now(at));
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Confirm"));
}

Instant BusClient::skip(const std::string& item, const std::string& reason) {
    auto reply = call(bus_.get(), kInterface, "Skip", "ss", item.c_str(), reason.c_str());
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Skip"));
}

Instant BusClient::undo(const std::string& item) {
    auto reply = call(bus_.get(), kInterface, "Undo", "s", item.c_str());
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Undo"));
}

Instant BusClient::snooze(const std::string& item, std::optional<regimend::Seconds> length) {
    std::uint64_t seconds = length ? static_cast<std::uint64_t>(length->count()) : 0;
    auto reply = call(bus_.get(), kInterface, "Snooze", "st", item.c_str(), seconds);
    return from_bus_time(read_single<std::uint64_t>(reply.get(), "t", "Snooze"));
}

void BusClient::log_dose(const std::string& item, std::optional<Instant> at,
                         const std::string& note) {
    call(bus_.get(), kInterface, "LogDose", "sts", item.c_str(), bus_time_or_now(at), note.c_str());
}

void BusClient::log_symptom(const std::string& kind, unsigned severity, std::optional<Instant> at,
                            const std::string& note) {
    call(bus_.get(), kInterface, "LogSymptom", "suts", kind.c_str(),
         static_cast<std::uint32_t>(severity), bus_time_or_now(at), note.c_str());
}

std::vector<DoseRow> BusClient::list_doses(Instant from, Instant to) {
    std::vector<DoseRow> rows;
    collect_split<DoseRow>(
        from, to, [this](Instant a, Instant b) { return list_doses_once(a, b); }, rows);
    return rows;
}

// collect_split with a member an older daemon may not have: false, with nothing collected,
// when the daemon refuses it. No daemon at all is still exit 3.
template <class Row, class Once>
bool collect_split_if_known(Instant from, Instant to, const Once& once, std::vector<Row>& rows) {
    try {
        collect_split<Row>(from, to, once, rows);
        return true;
    } catch (const CtlError& error) {
        if (error.exit_code() == kExitNoDaemon) {
            throw;
        }
        rows.clear();
        return false;
    }
}

std::vector<regimend::HistoryEvent> BusClient::history(Instant from, Instant to, bool with_due) {
    std::vector<regimend::HistoryEvent> events;
    // The columns first, then for an older daemon the row-per-struct members: HistoryAnswers
    // (without the due events), then History, whose due events are dropped here.
    if (collect_split_if_known<regimend::HistoryEvent>(
            from, to,
            [this, with_due](Instant a, Instant b) { return history_columns_once(a, b, with_due); },
            events)) {
        return events;
    }
    if (!with_due &&
        collect_split_if_known<regimend::HistoryEvent>(
            from, to, [this](Instant a, Instant b) { return history_once(a, b, "HistoryAnswers"); },
            events)) {
        return events;
    }
    collect_split<regimend::HistoryEvent>(
        from, to, [this](Instant a, Instant b) { return history_once(a, b, "History"); }, events);
    if (!with_due) {
        std::erase_if(events,
                      [](const auto& event) { return event.kind == regimend::EventKind::Due; });
    }
    return events;
}

// Reads ListDoses' a(sstst) from `reply`.
static std::vector<DoseRow> read_dose_rows(sd_bus_message* reply, const char* member) {
    int result = sd_bus_message_enter_container(reply, 'a', "(sstst)");
    if (result < 0) {
        throw_bad_reply(result, member);
    }
    std::vector<DoseRow> rows;
    for (;;) {
        const char* item = nullptr;
        const char* name = nullptr;
        const char* state = nullptr;
        std::uint64_t planned = 0;
        std::uint64_t acted_at = 0;
        result = sd_bus_message_read(reply, "(sstst)", &item, &name, &planned, &state, &acted_at);
        if (result < 0) {
            throw_bad_reply(result, member);
        }
        if (result == 0) {
            break;
        }
        rows.push_back({item, name, from_bus_time(planned), state, optional_time(acted_at)});
    }
    if ((result = sd_bus_message_exit_container(reply)) < 0) {
        throw_bad_reply(result, member);
    }
    return rows;
}

std::vector<DoseRow> BusClient::list_doses_once(Instant from, Instant to) {
    auto reply = call_on(bus_.get(), auto_start_, kInterface, "ListDoses", "tt", to_bus_time(from),
                         to_bus_time(to));
    return read_dose_rows(reply.get(), "ListDoses");
}

std::optional<TodayReply> BusClient::today() {
    MessagePtr reply;
    try {
        reply = call(bus_.get(), kInterface, "Today", "");
    } catch (const CtlError& error) {
        // An older daemon without Today, or a day too large for one reply: the caller
        // falls back to the spec's members. No daemon at all is still exit 3.
        if (error.exit_code() == kExitNoDaemon) {
            throw;
        }
        return std::nullopt;
    }
    TodayReply today;
    const char* zone = nullptr;
    int result = sd_bus_message_read(reply.get(), "s", &zone);
    if (result < 0) {
        throw_bad_reply(result, "Today");
    }
    today.zone = zone;
    today.doses = read_dose_rows(reply.get(), "Today");
    const char* next_item = nullptr;
    const char* next_name = nullptr;
    std::uint64_t next_planned = 0;
    result = sd_bus_message_read(reply.get(), "sst", &next_item, &next_name, &next_planned);
    if (result < 0 || (result = sd_bus_message_enter_container(reply.get(), 'a', "(stt)")) < 0) {
        throw_bad_reply(result, "Today");
    }
    today.next_item = next_item;
    today.next_name = next_name;
    today.next_planned = optional_time(next_planned);
    const char* item = nullptr;
    std::uint64_t planned = 0;
    std::uint64_t until = 0;
    while ((result = sd_bus_message_read(reply.get(), "(stt)", &item, &planned, &until)) > 0) {
        today.snoozed.push_back({item, {from_bus_time(planned), from_bus_time(until)}});
    }
    if (result < 0 || (result = sd_bus_message_exit_container(reply.get())) < 0 ||
        (result = sd_bus_message_enter_container(reply.get(), 'a', "s")) < 0) {
        throw_bad_reply(result, "Today");
    }
    const char* warning = nullptr;
    while ((result = sd_bus_message_read(reply.get(), "s", &warning)) > 0) {
        today.warnings.emplace_back(warning);
    }
    if (result < 0) {
        throw_bad_reply(result, "Today");
    }
    return today;
}

std::vector<regimend::HistoryEvent> BusClient::history_once(Instant from, Instant to,
                                                            const char* member) {
    auto reply = call(bus_.get(), kInterface, member, "tt", to_bus_time(from), to_bus_time(to));
    int result = sd_bus_message_enter_container(reply.get(), 'a', "(ssttsi)");
    if (result < 0) {
        throw_bad_reply(result, member);
    }
    std::vector<regimend::HistoryEvent> events;
    for (;;) {
        const char* item = nullptr;
        const char* kind = nullptr;
        const char* note = nullptr;
        std::uint64_t planned = 0;
        std::uint64_t at = 0;
        std::int32_t severity = -1;
        // Field by field rather than sd_bus_message_read(reply, "(ssttsi)", ...), which
        // parses the signature again for every row: a long span has tens of thousands.
        result = sd_bus_message_enter_container(reply.get(), SD_BUS_TYPE_STRUCT, "ssttsi");
        if (result < 0) {
            throw_bad_reply(result, member);
        }
        if (result == 0) {
            break;
        }
        if ((result = sd_bus_message_read_basic(reply.get(), SD_BUS_TYPE_STRING, &item)) < 0 ||
            (result = sd_bus_message_read_basic(reply.get(), SD_BUS_TYPE_STRING, &kind)) < 0 ||
            (result = sd_bus_message_read_basic(reply.get(), SD_BUS_TYPE_UINT64, &planned)) < 0 ||
            (result = sd_bus_message_read_basic(reply.get(), SD_BUS_TYPE_UINT64, &at)) < 0 ||
            (result = sd_bus_message_read_basic(reply.get(), SD_BUS_TYPE_STRING, &note)) < 0 ||
            (result = sd_bus_message_read_basic(reply.get(), SD_BUS_TYPE_INT32, &severity)) < 0 ||
            (result = sd_bus_message_exit_container(reply.get())) < 0) {
            throw_bad_reply(result, member);
        }
        regimend::HistoryEvent event;
        event.item = item;
        // HistoryEvent cannot carry a kind this CLI does not know: say so, never drop it.
        auto parsed_kind = regimend::event_kind_from_string(kind);
        if (!parsed_kind) {
            throw CtlError(kExitFailed,
                           "regimend sent an unknown history event \"" + std::string(kind) + "\"");
        }
        event.kind = *parsed_kind;
        event.planned = optional_time(planned);
        event.at = from_bus_time(at);
        event.note = note;
        event.severity = severity;
        // A refill's or stock event's number travels in `note` (service.cpp).
        if (event.kind == regimend::EventKind::Refill || event.kind == regimend::EventKind::Stock) {
            double quantity = 0;
            const std::string_view text(note);
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), quantity);
            if (error == std::errc{} && end == text.data() + text.size()) {
                event.quantity = quantity;
                event.note.clear();
            }
        }
        events.push_back(std::move(event));
    }
    return events;
}

namespace {

// One fixed-size column of HistoryColumns, `rows` long; sd-bus hands out a pointer into the
// message, not a copy.
template <class T>
const T* read_column(sd_bus_message* reply, char type, std::size_t rows) {
    const void* data = nullptr;
    std::size_t bytes = 0;
    const int result = sd_bus_message_read_array(reply, type, &data, &bytes);
    if (result < 0) {
        throw_bad_reply(result, "HistoryColumns");
    }
    if (bytes != rows * sizeof(T)) {
        throw CtlError(kExitFailed,
                       "unexpected reply to HistoryColumns from regimend: columns "
                       "of different lengths");
    }
    return static_cast<const T*>(data);
}

}  // namespace

std::vector<regimend::HistoryEvent> BusClient::history_columns_once(Instant from, Instant to,
                                                                    bool with_due) {
    constexpr const char* kMember = "HistoryColumns";
    auto reply = call(bus_.get(), kInterface, kMember, "ttb", to_bus_time(from), to_bus_time(to),
                      with_due ? 1 : 0);
    int result = sd_bus_message_enter_container(reply.get(), 'a', "s");
    if (result < 0) {
        throw_bad_reply(result, kMember);
    }
    std::vector<std::string_view> texts;
    const char* text = nullptr;
    while ((result = sd_bus_message_read_basic(reply.get(), 's', &text)) > 0) {
        texts.emplace_back(text);
    }
    if (result < 0 || (result = sd_bus_message_exit_container(reply.get())) < 0) {
        throw_bad_reply(result, kMember);
    }
    // The row count is the length of the first column; every other must match it.
    const void* first = nullptr;
    std::size_t first_bytes = 0;
    if ((result = sd_bus_message_read_array(reply.get(), 'u', &first, &first_bytes)) < 0) {
        throw_bad_reply(result, kMember);
    }
    const std::size_t rows = first_bytes / sizeof(std::uint32_t);
    const auto* items = static_cast<const std::uint32_t*>(first);
    const auto* kinds = read_column<std::uint32_t>(reply.get(), 'u', rows);
    const auto* planned = read_column<std::uint64_t>(reply.get(), 't', rows);
    const auto* at = read_column<std::uint64_t>(reply.get(), 't', rows);
    const auto* notes = read_column<std::uint32_t>(reply.get(), 'u', rows);
    const auto* severities = read_column<std::int32_t>(reply.get(), 'i', rows);

    // Each distinct text's event kind, parsed once.
    std::vector<std::optional<regimend::EventKind>> kind_of(texts.size());
    for (std::size_t index = 0; index < texts.size(); ++index) {
        kind_of[index] = regimend::event_kind_from_string(texts[index]);
    }
    const auto text_at = [&](std::uint32_t index) {
        if (index >= texts.size()) {
            throw CtlError(kExitFailed,
                           "unexpected reply to HistoryColumns from regimend: a "
                           "text index past the table");
        }
        return texts[index];
    };
    std::vector<regimend::HistoryEvent> events(rows);
    for (std::size_t row = 0; row < rows; ++row) {
        regimend::HistoryEvent& event = events[row];
        event.item = text_at(items[row]);
        const auto kind = text_at(kinds[row]);
        // HistoryEvent cannot carry a kind this CLI does not know: say so, never drop it.
        if (!kind_of[kinds[row]]) {
            throw CtlError(kExitFailed,
                           "regimend sent an unknown history event \"" + std::string(kind) + "\"");
        }
        event.kind = *kind_of[kinds[row]];
        event.planned = optional_time(planned[row]);
        event.at = from_bus_time(at[row]);
        event.note = text_at(notes[row]);
        event.severity = severities[row];
        // A refill's or stock event's number travels in `note` (service.cpp).
        if (event.kind == regimend::EventKind::Refill || event.kind == regimend::EventKind::Stock) {
            double quantity = 0;
            const std::string_view note(event.note);
            auto [end, error] = std::from_chars(note.data(), note.data() + note.size(), quantity);
            if (error == std::errc{} && end == note.data() + note.size()) {
                event.quantity = quantity;
                event.note.clear();
            }
        }
    }
    return events;
}

void BusClient::reload() {
    call(bus_.get(), kInterface, "Reload", "");
}

double BusClient::refill(const std::string& item, double quantity, bool absolute) {
    auto reply =
        call(bus_.get(), kInterface, "Refill", "sdb", item.c_str(), quantity, absolute ? 1 : 0);
    return read_single<double>(reply.get(), "d", "Refill");
}

std::vector<StockRow> BusClient::stock() {
    auto reply = call(bus_.get(), kInterface, "Stock", "");
    int result = sd_bus_message_enter_container(reply.get(), 'a', "(sdddt)");
    if (result < 0) {
        throw_bad_reply(result, "Stock");
    }
    std::vector<StockRow> rows;
    for (;;) {
        const char* item = nullptr;
        double on_hand = 0;
        double per_dose = 0;
        double doses_left = 0;
        std::uint64_t runs_out = 0;
        result = sd_bus_message_read(reply.get(), "(sdddt)", &item, &on_hand, &per_dose,
                                     &doses_left, &runs_out);
        if (result < 0) {
            throw_bad_reply(result, "Stock");
        }
        if (result == 0) {
            break;
        }
        StockRow row;
        row.item = item;
        if (!std::isnan(on_hand)) {
            row.on_hand = on_hand;
        }
        row.per_dose = per_dose;
        if (!std::isnan(doses_left)) {
            row.doses_left = doses_left;
        }
        row.runs_out = optional_time(runs_out);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<regimend::Diagnostic> BusClient::validate(const std::string& yaml,
                                                      const std::string& file_name) {
    auto reply = call(bus_.get(), kInterface, "Validate", "s", yaml.c_str());
    int result = sd_bus_message_enter_container(reply.get(), 'a', "(uuss)");
    if (result < 0) {
        throw_bad_reply(result, "Validate");
    }
    std::vector<regimend::Diagnostic> diagnostics;
    for (;;) {
        std::uint32_t line = 0;
        std::uint32_t column = 0;
        const char* severity = nullptr;
        const char* message = nullptr;
        result = sd_bus_message_read(reply.get(), "(uuss)", &line, &column, &severity, &message);
        if (result < 0) {
            throw_bad_reply(result, "Validate");
        }
        if (result == 0) {
            break;
        }
        diagnostics.push_back({file_name, static_cast<int>(line), static_cast<int>(column),
                               std::string_view(severity) == "warning" ? regimend::Severity::Warning
                                                                       : regimend::Severity::Error,
                               message});
    }
    return diagnostics;
}

std::optional<Instant> BusClient::next_due() {
    auto reply = get_property_on(bus_.get(), auto_start_, "NextDue", "t");
    return optional_time(read_single<std::uint64_t>(reply.get(), "t", "NextDue"));
}

std::string BusClient::config_path() {
    auto reply = get_property_on(bus_.get(), auto_start_, "ConfigPath", "s");
    return read_string(reply.get(), "ConfigPath");
}

std::string BusClient::version() {
    auto reply = get_property(bus_.get(), "Version", "s");
    return read_string(reply.get(), "Version");
}

std::optional<std::string> BusClient::time_zone() {
    try {
        auto reply = get_property_on(bus_.get(), auto_start_, "TimeZone", "s");
        auto zone = read_string(reply.get(), "TimeZone");
        if (zone.empty()) {
            return std::nullopt;
        }
        return zone;
    } catch (const CtlError& error) {
        // An older daemon without the property: the caller falls back. No daemon at all
        // is still exit 3.
        if (error.exit_code() == kExitNoDaemon) {
            throw;
        }
        return std::nullopt;
    }
}

// An `as` property that a daemon may not have (an addition to the spec): empty then. No
// daemon at all is still exit 3.
std::vector<std::string> BusClient::optional_strings(const char* property) {
    try {
        auto reply = get_property_on(bus_.get(), auto_start_, property, "as");
        std::vector<std::string> values;
        int result = sd_bus_message_enter_container(reply.get(), 'a', "s");
        if (result < 0) {
            throw_bad_reply(result, property);
        }
        const char* value = nullptr;
        while ((result = sd_bus_message_read(reply.get(), "s", &value)) > 0) {
            values.emplace_back(value);
        }
        if (result < 0) {
            throw_bad_reply(result, property);
        }
        return values;
    } catch (const CtlError& error) {
        if (error.exit_code() == kExitNoDaemon) {
            throw;
        }
        return {};
    }
}

std::vector<std::string> BusClient::warnings() {
    return optional_strings("Warnings");
}

std::vector<std::string> BusClient::low_stock() {
    return optional_strings("LowStock");
}

sd_bus* BusClient::raw() const noexcept {
    return bus_.get();
}

}  // namespace regimenctl
