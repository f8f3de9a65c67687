// regimenctl's side of org.regimend.Regimen1 (../shared/SPEC.md "D-Bus interface"): typed
// calls on the session bus with sd-bus's default timeout (25 s, long enough for D-Bus
// activation to start the daemon; $SYSTEMD_BUS_TIMEOUT changes it). Every failure is thrown
// as CtlError with the spec's exit code:
//   org.regimend.Regimen1.Error.*            -> 1, the daemon's message
//   no bus, no owner, activation failed, ...  -> 3, saying how to start regimend
//   no answer within the timeout              -> 3, "regimend did not answer ... in time"
//   any other D-Bus error                     -> 1, "<error name>: <message>"
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/doses.hpp"
#include "core/event.hpp"
#include "core/time.hpp"

struct sd_bus;

namespace regimenctl {

using regimend::Instant;

// One element of ListDoses' a(sstst).
struct DoseRow {
    std::string item;
    std::string name;
    Instant planned;
    std::string state;  // upcoming, due, snoozed, taken, skipped, missed
    std::optional<Instant> acted_at;
};

// DoseRow's planned instant and state, for regimend::next_dose_row.
inline Instant dose_planned(const DoseRow& row) {
    return row.planned;
}
inline std::optional<regimend::DoseState> dose_state(const DoseRow& row) {
    return regimend::dose_state_from_string(row.state);
}

// One element of Stock's a(sdddt).
struct StockRow {
    std::string item;
    std::optional<double> on_hand;  // nullopt: never set (NaN on the bus)
    double per_dose = 1;
    std::optional<double> doses_left;
    std::optional<Instant> runs_out;  // nullopt: not within a year (0 on the bus)
};

// One element of Pauses' a(sstt) (an addition): a pause in force.
struct PauseRow {
    std::string item;
    std::string until;  // the last paused day, "YYYY-MM-DD"
    Instant from;
    Instant to;  // the start of the day after `until`
};

// The daemon's Today reply: what `status` shows, in one round trip.
struct TodayReply {
    std::string zone;
    std::vector<DoseRow> doses;
    std::string next_item;  // empty when there is no next dose or it has no row
    std::string next_name;
    std::optional<Instant> next_planned;
    std::vector<std::pair<std::string, std::pair<Instant, Instant>>>
        snoozed;  // item, planned, until
    std::vector<std::string> warnings;
};

class BusClient {
  public:
    // Connects to the session bus (DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus).
    static BusClient connect();

    BusClient(BusClient&&) noexcept;
    BusClient& operator=(BusClient&&) noexcept;
    ~BusClient();

    // `at` nullopt sends 0, which the daemon reads as now. Each returns the planned
    // instant of the dose it answered (snooze: the instant the reminder comes back).
    Instant confirm(const std::string& item, std::optional<Instant> at);
    // ConfirmAmount (an addition): confirm with what was really taken ("200 mg").
    Instant confirm_amount(const std::string& item, std::optional<Instant> at,
                           const std::string& amount);
    Instant skip(const std::string& item, const std::string& reason);
    Instant snooze(const std::string& item, std::optional<regimend::Seconds> length);
    Instant undo(const std::string& item);
    void log_dose(const std::string& item, std::optional<Instant> at, const std::string& note);
    // LogDoseWith (an addition): `force` records a use sooner than the item's min_interval;
    // the warning to print (empty when none).
    std::string log_dose_with(const std::string& item, std::optional<Instant> at,
                              const std::string& note, bool force);
    // Takes back the item's last taken/skipped answer (an as-needed item: its last logged
    // dose; a symptom kind: its last entry); the planned instant of its dose (the entry's).
    void log_symptom(const std::string& kind, unsigned severity, std::optional<Instant> at,
                     const std::string& note);
    // Both split a span the daemon refuses as too large for one reply into several calls
    // (and one over the daemon's 400 days up front), so any span works.
    std::vector<DoseRow> list_doses(Instant from, Instant to);
    // In the daemon's order, from HistoryColumns (an addition: History's rows as columns);
    // HistoryEvent::planned is nullopt where the bus says 0. Without `with_due`, the daemon
    // leaves the `due` events out.
    std::vector<regimend::HistoryEvent> history(Instant from, Instant to, bool with_due = true);
    void reload();
    // Adds `quantity` to the item's stock, or sets the count when `absolute`; the count on
    // hand after it.
    double refill(const std::string& item, double quantity, bool absolute);
    std::vector<StockRow> stock();
    // Pause, Resume and Pauses (additions): `until` is "YYYY-MM-DD", the last paused day;
    // pause returns the instant the pause ends.
    Instant pause(const std::string& item, const std::string& until);
    void resume(const std::string& item);
    std::vector<PauseRow> pauses();
    // Diagnostics for `yaml`, named `file_name` in messages.
    std::vector<regimend::Diagnostic> validate(const std::string& yaml,
                                               const std::string& file_name);

    // Today (an addition); nullopt for a day with more doses than one reply holds: the
    // caller then lists the day in pieces.
    std::optional<TodayReply> today();

    std::optional<Instant> next_due();  // nullopt when the daemon says 0
    std::string config_path();
    std::string version();
    // The regimen's IANA zone (TimeZone, an addition).
    std::string time_zone();
    // What the daemon itself warns about (Warnings: its history cannot be used, ...).
    std::vector<std::string> warnings();
    // CalDAV sync (the Sync property, an addition); nullopt without a device, or from a
    // daemon that does not have the property.
    struct SyncInfo {
        std::optional<Instant> last_ok;
        std::string error;
    };
    std::optional<SyncInfo> sync();
    // Ids of items whose stock runs out within their warn window (LowStock).
    std::vector<std::string> low_stock();

    // false: calls never D-Bus-activate the daemon (a status bar must show it stopped, not
    // start it again); a missing daemon is then exit 3 at once.
    void set_auto_start(bool auto_start) noexcept { auto_start_ = auto_start; }
    // The connection itself, for match rules (`bar --follow`); owned by this client.
    sd_bus* raw() const noexcept;

  private:
    std::vector<std::string> strings_property(const char* property);
    std::vector<DoseRow> list_doses_once(Instant from, Instant to);
    std::vector<regimend::HistoryEvent> history_columns_once(Instant from, Instant to,
                                                             bool with_due);

    struct BusDeleter {
        void operator()(sd_bus* bus) const noexcept;
    };
    explicit BusClient(sd_bus* bus) : bus_(bus) {}
    std::unique_ptr<sd_bus, BusDeleter> bus_;
    bool auto_start_ = true;
};

}  // namespace regimenctl
