// `regimenctl bar [--format waybar|i3blocks|plain] [--follow]`: one line for a status bar
// (../shared/SPEC.md "Status bar"; docs/STATUS-BAR.md). The line itself is the pure
// render_bar (ctl/bar_format.hpp); this file takes the snapshots and, with --follow, waits
// on the bus for the daemon's signals and its name coming and going, never polling.
#include <systemd/sd-bus.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bar_format.hpp"
#include "bus_client.hpp"
#include "core/i18n.hpp"
#include "error.hpp"
#include "host/bus_names.hpp"
#include "host/sd_handles.hpp"
#include "host/zoneinfo.hpp"
#include "regimen_file.hpp"
#include "time_args.hpp"
#include "verb.hpp"

namespace regimenctl {
namespace {

using namespace regimend::bus_names;
using regimend::SlotPtr;

struct BarArgs {
    std::string format = "plain";
    bool follow = false;
};

BarFormat format_of(const std::string& name) {
    if (name == "waybar") {
        return BarFormat::Waybar;
    }
    if (name == "i3blocks") {
        return BarFormat::I3blocks;
    }
    if (name == "plain") {
        return BarFormat::Plain;
    }
    return BarFormat::Plain;
}

bool is_due(const DoseRow& row) {
    return row.state == "due" || row.state == "snoozed";
}

BarDose bar_dose(const DoseRow& row) {
    return {row.item, row.name, row.planned, row.state, row.acted_at};
}

// The dose the bar shows among the due ones: the oldest (`oldest`, the daemon's next),
// unless its reminder is not yet critical and a later one's already is (an item with a
// shorter escalate_after): the critical one is what matters now. `other_escalates_at` gets
// the next escalation of a due dose that is not shown, when the line must change by itself.
const DoseRow* escalated_first(const DoseRow& oldest, const std::vector<DoseRow>& rows,
                               const regimend::Regimen& regimen, regimend::Instant now,
                               std::optional<regimend::Instant>& other_escalates_at) {
    const auto escalation = [&](const DoseRow& row) -> std::optional<regimend::Instant> {
        const auto* item = regimen.find(row.item);
        return item ? std::optional(row.planned + item->reminders.escalate_after) : std::nullopt;
    };
    const auto oldest_escalation = escalation(oldest);
    if (oldest_escalation && *oldest_escalation <= now) {
        return &oldest;
    }
    const DoseRow* critical = nullptr;
    for (const auto& row : rows) {
        const auto at = is_due(row) ? escalation(row) : std::nullopt;
        if (!at) {
            continue;
        }
        if (*at <= now && (critical == nullptr || row.planned < critical->planned)) {
            critical = &row;
        } else if (*at > now && (!other_escalates_at || *at < *other_escalates_at)) {
            other_escalates_at = *at;
        }
    }
    return critical != nullptr ? critical : &oldest;
}

// The regimen the daemon runs, parsed offline for each item's escalate_after. Parsed again
// only after RegimenReloaded or when the daemon came back.
struct RegimenCache {
    std::string path;
    std::optional<regimend::ParseResult> parsed;
    bool stale = true;

    const regimend::Regimen* get(const std::string& config_path) {
        if (stale || config_path != path) {
            path = config_path;
            parsed = try_load_regimen(path);
            stale = false;
        }
        return parsed && parsed->regimen ? &*parsed->regimen : nullptr;
    }
};

struct Snapshot {
    BarSnapshot bar;
    const regimend::TimeZone* zone = nullptr;
};

Snapshot take_snapshot(BusClient* bus, RegimenCache& regimen, const GlobalOptions& options) {
    Snapshot snapshot;
    snapshot.zone = system_zone();
    if (bus == nullptr) {
        snapshot.bar.offline_reason = _("no session bus");
        return snapshot;
    }
    try {
        // The regimen file the daemon runs, read only when the bus does not say enough:
        // escalate_after of a due dose, or a zone the daemon names and this host lacks.
        const auto parsed = [&]() -> const regimend::Regimen* {
            std::string config_path = bus->config_path();
            return regimen.get(config_path.empty() ? options.config_path : config_path);
        };
        if (const auto* zone = find_zone(bus->time_zone())) {
            snapshot.zone = zone;
        } else if (const auto* file = parsed(); file != nullptr && file->zone != nullptr) {
            snapshot.zone = file->zone;
        }
        const auto& zone = *snapshot.zone;
        const auto now = current_instant();
        const auto today = regimend::local_date(zone, now);
        const auto tomorrow = regimend::LocalDate{date::local_days{today} + date::days{1}};
        auto& bar = snapshot.bar;
        const auto next = bus->next_due();
        auto rows = bus->list_doses(regimend::start_of_day(zone, today),
                                    regimend::start_of_day(zone, tomorrow));
        for (const auto& row : rows) {
            bar.today.push_back(bar_dose(row));
        }
        if (next) {
            auto at_next = rows;
            if (std::none_of(rows.begin(), rows.end(),
                             [&](const DoseRow& row) { return row.planned == *next; })) {
                at_next = bus->list_doses(*next, *next + regimend::Seconds{1});
            }
            const DoseRow* focus =
                regimend::next_dose_row(at_next, *next, dose_planned, dose_state);
            const DoseRow* oldest = focus;
            if (focus != nullptr && is_due(*focus)) {
                if (const auto* file = parsed()) {
                    focus = escalated_first(*focus, rows, *file, now, bar.other_escalates_at);
                }
            }
            if (focus != nullptr) {
                bar.focus = bar_dose(*focus);
                if (is_due(*focus)) {
                    int due = 0;
                    for (const auto& row : rows) {
                        due += is_due(row) ? 1 : 0;
                    }
                    const bool oldest_today = regimend::local_date(zone, oldest->planned) == today;
                    bar.more_due = std::max(0, due + (oldest_today ? 0 : 1) - 1);
                    if (const auto* file = parsed()) {
                        if (const auto* item = file->find(focus->item)) {
                            bar.escalates_at = focus->planned + item->reminders.escalate_after;
                        }
                    }
                }
            }
        }
        bar.low_stock = bus->low_stock();
        bar.online = true;
    } catch (const CtlError& error) {
        snapshot.bar = BarSnapshot{};
        snapshot.bar.offline_reason = error.what();
    }
    return snapshot;
}

std::string render(const Snapshot& snapshot, const BarArgs& args) {
    return render_bar(snapshot.bar, current_instant(), *snapshot.zone, format_of(args.format));
}

std::optional<BusClient> try_connect() {
    try {
        auto bus = BusClient::connect();
        bus.set_auto_start(false);  // a bar shows a stopped daemon; it never starts one
        return bus;
    } catch (const CtlError&) {
        return std::nullopt;
    }
}

int run_once(const BarArgs& args, const GlobalOptions& options) {
    auto bus = try_connect();
    RegimenCache regimen;
    // Offline is a state the bar shows, not a failure: exit 0 with its line.
    std::cout << render(take_snapshot(bus ? &*bus : nullptr, regimen, options), args) << '\n';
    return kExitOk;
}

// A point in the daemon's stream of messages. The bus delivers one sender's messages in
// the order it sent them, each numbered by its cookie, so a signal numbered below the
// answer to a call made before a snapshot was already acted on when the snapshot was taken.
struct StreamMark {
    std::string sender;  // the daemon's unique name: a restarted daemon counts anew
    std::uint64_t cookie = 0;
};

// What the match callbacks tell the loop.
struct FollowState {
    bool changed = true;  // take a new snapshot
    RegimenCache* regimen = nullptr;
    std::optional<StreamMark> covered;  // the daemon's messages before it are in the line
    // The unique name that owns the daemon's well-known name now ("" while none does):
    // only its signals count. Anyone can send a signal with the daemon's path and
    // interface, broadcast or straight to this connection; each would cost a snapshot, and
    // a forged RegimenReloaded a parse of the regimen.
    std::string daemon;
    std::optional<std::string> new_owner;  // NameOwnerChanged's, for the loop to follow
};

// Pings the daemon (org.freedesktop.DBus.Peer, answered by sd-bus itself) and returns
// where its answer stands in the daemon's stream; nullopt when no daemon answers.
std::optional<StreamMark> mark_stream(sd_bus* bus) {
    sd_bus_message* raw = nullptr;
    if (sd_bus_message_new_method_call(bus, &raw, kService, kObjectPath,
                                       "org.freedesktop.DBus.Peer", "Ping") < 0) {
        return std::nullopt;
    }
    regimend::MessagePtr ping(raw);
    sd_bus_message_set_auto_start(raw, 0);  // a status bar never starts the daemon
    regimend::BusError error;
    sd_bus_message* answer = nullptr;
    if (sd_bus_call(bus, raw, 0, error.get(), &answer) < 0) {
        return std::nullopt;
    }
    regimend::MessagePtr reply(answer);
    StreamMark mark;
    const char* sender = sd_bus_message_get_sender(answer);
    if (sender == nullptr || sd_bus_message_get_cookie(answer, &mark.cookie) < 0) {
        return std::nullopt;
    }
    mark.sender = sender;
    return mark;
}

// True when `message` came from the daemon before the snapshot's mark: the snapshot
// already shows what it announces. The daemon sends several signals for one change (a take
// is DoseTaken and PropertiesChanged); without this each one cost a snapshot.
bool already_covered(sd_bus_message* message, const std::optional<StreamMark>& covered) {
    if (!covered) {
        return false;
    }
    const char* sender = sd_bus_message_get_sender(message);
    std::uint64_t cookie = 0;
    return sender != nullptr && covered->sender == sender &&
           sd_bus_message_get_cookie(message, &cookie) >= 0 && cookie < covered->cookie;
}

bool sent_by(sd_bus_message* message, const std::string& name) {
    const char* sender = sd_bus_message_get_sender(message);
    return sender != nullptr && !name.empty() && name == sender;
}

int on_daemon_signal(sd_bus_message* message, void* userdata, sd_bus_error* /*error*/) noexcept {
    auto* state = static_cast<FollowState*>(userdata);
    if (!sent_by(message, state->daemon)) {
        return 0;
    }
    if (sd_bus_message_is_signal(message, nullptr, "RegimenReloaded") > 0) {
        // The regimen cache was read without knowing of the reload: always read it again.
        state->regimen->stale = true;
        state->changed = true;
        return 0;
    }
    if (!already_covered(message, state->covered)) {
        state->changed = true;
    }
    return 0;
}

int on_owner_changed(sd_bus_message* message, void* userdata, sd_bus_error* /*error*/) noexcept {
    auto* state = static_cast<FollowState*>(userdata);
    const char* name = nullptr;
    const char* old_owner = nullptr;
    const char* new_owner = nullptr;
    // Only the bus itself reports owners; a copy sent by anyone else is ignored.
    if (!sent_by(message, "org.freedesktop.DBus") ||
        sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0 ||
        std::strcmp(name, kService) != 0) {
        return 0;
    }
    try {
        state->new_owner = new_owner;
    } catch (const std::exception&) {
        return -ENOMEM;
    }
    state->changed = true;
    state->regimen->stale = true;  // a new daemon may run another file
    return 0;
}

SlotPtr add_match(sd_bus* bus, const std::string& rule, sd_bus_message_handler_t handler,
                  FollowState* state) {
    sd_bus_slot* slot = nullptr;
    const int result = sd_bus_add_match(bus, &slot, rule.c_str(), handler, state);
    if (result < 0) {
        throw CtlError(kExitNoDaemon, regimend::fill(_("cannot watch the session bus ({})"),
                                                     {std::strerror(-result)}));
    }
    return SlotPtr(slot);
}

// The unique name that owns the daemon's name now, "" when none does.
std::string daemon_owner(sd_bus* bus) {
    regimend::BusError error;
    sd_bus_message* raw = nullptr;
    if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "GetNameOwner", error.get(), &raw, "s",
                           kService) < 0) {
        return {};
    }
    regimend::MessagePtr reply(raw);
    const char* owner = nullptr;
    return sd_bus_message_read(raw, "s", &owner) >= 0 ? owner : "";
}

// Follows the daemon `owner` ("" for none): its signals are matched by its unique name, and
// it is asked to send them here (Subscribe: the daemon broadcasts nothing). A daemon without
// Subscribe (an older one, a stand-in) answers UnknownMethod and still broadcasts: the
// match takes those.
void watch_daemon(sd_bus* bus, const std::string& owner, FollowState& state,
                  std::vector<SlotPtr>& slots) {
    slots.clear();
    state.daemon = owner;
    state.covered.reset();
    if (owner.empty()) {
        return;
    }
    const std::string common =
        "type='signal',sender='" + owner + "',path='" + std::string(kObjectPath) + "',";
    // Every signal of the daemon's interface: DoseDue, DoseTaken, DoseSkipped, DoseMissed,
    // DoseUndone, RegimenReloaded, StockLow, ...
    slots.push_back(add_match(bus, common + "interface='" + std::string(kInterface) + "'",
                              on_daemon_signal, &state));
    // NextDue, TimeZone and (with the inventory) LowStock changing.
    slots.push_back(add_match(bus,
                              common +
                                  "interface='org.freedesktop.DBus.Properties',member="
                                  "'PropertiesChanged',arg0='" +
                                  std::string(kInterface) + "'",
                              on_daemon_signal, &state));
    regimend::BusError error;
    sd_bus_message* call = nullptr;
    if (sd_bus_message_new_method_call(bus, &call, owner.c_str(), kObjectPath, kInterface,
                                       "Subscribe") < 0) {
        return;
    }
    regimend::MessagePtr subscribe(call);
    sd_bus_message_set_auto_start(call, 0);
    sd_bus_message* reply = nullptr;
    if (sd_bus_call(bus, call, 0, error.get(), &reply) >= 0) {
        sd_bus_message_unref(reply);
    }
}

[[noreturn]] void bus_gone(int result) {
    throw CtlError(kExitNoDaemon,
                   regimend::fill(_("the session bus went away ({})"), {std::strerror(-result)}));
}

// Microseconds from now until `instant` (rounded up, so the render after the wait already
// sees `instant`), for sd_bus_wait.
std::uint64_t microseconds_until(Instant instant) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        instant - std::chrono::system_clock::now());
    return static_cast<std::uint64_t>(std::max<std::int64_t>(left.count(), 0)) + 1000;
}

int run_follow(const BarArgs& args, const GlobalOptions& options) {
    auto connected = BusClient::connect();  // no bus at all: exit 3 with how to start one
    connected.set_auto_start(false);
    BusClient& bus = connected;
    sd_bus* raw = bus.raw();
    RegimenCache regimen;
    FollowState state;
    state.regimen = &regimen;

    // Matches first, then the first snapshot: no change can fall between the two.
    std::vector<SlotPtr> slots;
    // The daemon leaving and taking its name again (a restart).
    slots.push_back(add_match(raw,
                              "type='signal',sender='org.freedesktop.DBus',path='/org/"
                              "freedesktop/DBus',interface='org.freedesktop.DBus',member='"
                              "NameOwnerChanged',arg0='" +
                                  std::string(kService) + "'",
                              on_owner_changed, &state));
    std::vector<SlotPtr> daemon_slots;
    watch_daemon(raw, daemon_owner(raw), state, daemon_slots);

    std::string last_line;
    bool printed = false;
    Snapshot snapshot;
    for (;;) {
        int result = 0;
        while ((result = sd_bus_process(raw, nullptr)) > 0) {
        }
        if (result < 0) {
            bus_gone(result);
        }
        if (state.new_owner) {
            watch_daemon(raw, *state.new_owner, state, daemon_slots);
            state.new_owner.reset();
            continue;  // the calls may have queued messages: process them first
        }
        if (state.changed) {
            state.changed = false;
            state.covered = mark_stream(raw);
            snapshot = take_snapshot(&bus, regimen, options);
            if (sd_bus_is_open(raw) <= 0) {
                bus_gone(-ECONNRESET);
            }
            const std::string line = render(snapshot, args);
            if (!printed || line != last_line) {
                std::cout << line << '\n' << std::flush;
                last_line = line;
                printed = true;
            }
            continue;  // the calls may have queued signals: process them before waiting
        }
        // Only a change the line shows by itself (an escalation, the date) sets a timeout;
        // everything else comes as a message.
        const auto next = bar_next_change(snapshot.bar, current_instant(), *snapshot.zone);
        result = sd_bus_wait(raw, next ? microseconds_until(*next) : UINT64_MAX);
        if (result < 0) {
            bus_gone(result);
        }
        if (result == 0) {
            state.changed = true;  // the timeout: render again at the new time
        }
    }
}

const RegisterVerb registration{
    {"bar", [](Command app, GlobalOptions& options, std::function<int()>& run) {
         auto args = std::make_shared<BarArgs>();
         auto command = app.add_subcommand(
             "bar", _("One line for a status bar: the due dose, else the next one"));
         command.add_option("--format", args->format, _("waybar (JSON), i3blocks (JSON) or plain"))
             .one_of({"waybar", "i3blocks", "plain"})
             .default_str("plain");
         command.add_flag("--follow", args->follow,
                          _("keep running: print a new line on every change"));
         command.add_flag("--json", options.json, _("the same as --format waybar"));
         command.on_selected(run, [&options, args] {
             if (options.json) {
                 args->format = "waybar";
             }
             return args->follow ? run_follow(*args, options) : run_once(*args, options);
         });
     }}};

}  // namespace
}  // namespace regimenctl
