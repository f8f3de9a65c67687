// The regimen as the rest of the program sees it: a validated, immutable value produced by
// the parser (core/parse.hpp). Positions are kept so lint warnings can point into the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace regimend {

// 1-based line and column in the regimen file; 0 when unknown.
struct SourcePos {
    int line = 0;
    int column = 0;

    friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

// "300 mg": a number and a unit, kept with the text as written so output can echo it.
struct Amount {
    double value = 0;
    std::string unit;  // "mg", "g", "mcg", "µg", "ug", "ml", "iu", "capsules", ... lowercase
    std::string text;  // as written, e.g. "300 mg"

    // PlannedDose's defaulted == needs it (clang rejects that == as deleted without it).
    friend bool operator==(const Amount&, const Amount&) = default;
};

// Converts to milligrams when the unit is a mass unit; nullopt otherwise.
std::optional<double> milligrams(const Amount& amount);

struct ReminderPolicy {
    Seconds repeat_every{15 * 60};
    Seconds escalate_after{60 * 60};
    Seconds missed_after{3 * 60 * 60};
    Seconds snooze{15 * 60};

    friend bool operator==(const ReminderPolicy&, const ReminderPolicy&) = default;
};

// One entry of `at`: a wall-clock time of day, or an offset from that day's bedtime.
struct TimeOfDay {
    enum class Base { Midnight, Bedtime };
    Base base = Base::Midnight;
    Seconds offset{0};  // from midnight (0..86399) or from bedtime (negative = before)
    std::string text;   // as written, for messages
    SourcePos pos;

    friend bool operator==(const TimeOfDay&, const TimeOfDay&) = default;
};

enum class Frequency {
    Daily,       // every day, optionally limited by `days`
    Weekly,      // `every: week` with `days`
    EveryNDays,  // `every: N days`, counted from `start`
    EveryNHours  // `every: N hours`, elapsed time from `start` at the single `at`
};

// `cycle: {active: 21d, rest: 7d}`: the item runs `active` days, then rests `rest` days,
// over and over, counted from `start` (day 0 is the first active day).
struct Cycle {
    date::days active{1};
    date::days rest{0};
    SourcePos pos;  // of the `cycle` key

    friend bool operator==(const Cycle&, const Cycle&) = default;
};

// A pause (`regimenctl pause ITEM --until DATE`): nothing of the item is planned with
// `from <= planned < to`. Pauses live in the history, not in the file; the daemon and the
// offline readers put them on a copy of the regimen (with_pauses).
struct PausedSpan {
    Instant from;
    Instant to;

    friend bool operator==(const PausedSpan&, const PausedSpan&) = default;
};

struct Schedule {
    Frequency frequency = Frequency::Daily;
    int interval = 1;  // N for EveryNDays / EveryNHours
    // Bit i set = runs on date::weekday{i} (c_encoding: 0 = Sunday ... 6 = Saturday).
    std::uint8_t weekdays = 0x7f;
    std::vector<TimeOfDay> times;
    std::optional<LocalDate> start;
    std::optional<LocalDate> end;
    std::optional<Cycle> cycle;
    std::vector<PausedSpan> paused;  // sorted by `from`, not overlapping

    // Whether `day` is an active day of the cycle (true without a cycle; false before
    // `start`).
    bool cycle_active_on(date::sys_days day) const;
    bool paused_at(Instant planned) const;

    friend bool operator==(const Schedule&, const Schedule&) = default;
};

// From `after` days counted from `start` (day 0 = start), the amount becomes `amount`.
struct RampStep {
    date::days after{0};
    Amount amount;
    SourcePos pos;

    friend bool operator==(const RampStep&, const RampStep&) = default;
};

// `separate: {from: [tag-or-id], by: 2h}`
struct SeparateRule {
    std::vector<std::string> from;
    Seconds by{0};
    SourcePos pos;

    friend bool operator==(const SeparateRule&, const SeparateRule&) = default;
};

// `stock:` (../shared/SPEC.md "Inventory"): how many units one dose uses, so the daemon can
// count what is left and say when it runs out.
struct StockPolicy {
    double per_dose = 1;  // units of one dose at the item's `amount`; a ramp step scales it
    std::string unit;     // "capsules"; may be empty
    Seconds warn_before{7LL * 86400};
    SourcePos pos;           // of the `stock` key
    SourcePos per_dose_pos;  // of `per_dose`'s value, or pos

    friend bool operator==(const StockPolicy&, const StockPolicy&) = default;
};

struct Item {
    std::string id;
    std::string name;
    std::string dose;   // free text shown in the reminder ("2 capsules"); may be empty
    std::string notes;  // optional free text shown in the reminder body
    std::optional<Amount> amount;
    std::vector<std::string> tags;
    Schedule schedule;
    std::vector<RampStep> ramp;  // sorted by `after`
    bool as_needed = false;
    std::optional<int> max_per_day;  // as-needed items only
    // As-needed items only: a `log` sooner than this after the last use is refused.
    std::optional<Seconds> min_interval;
    ReminderPolicy reminders;
    std::optional<SeparateRule> separate;
    std::optional<StockPolicy> stock;
    SourcePos pos;         // of the item's mapping (its `id` key)
    SourcePos amount_pos;  // of `amount`, or pos when absent

    bool has_tag(std::string_view tag) const;
    // The amount on a local date after applying `ramp` (needs `start` to count days).
    std::optional<Amount> amount_on(LocalDate day) const;

    friend bool operator==(const Item&, const Item&) = default;
};

struct Limit {
    std::string name;
    Amount per_day;
    std::vector<std::string> tags;
    SourcePos pos;

    friend bool operator==(const Limit&, const Limit&) = default;
};

// What a hook runs on (../shared/SPEC.md "Hooks: reaching someone else").
enum class HookEvent { Due, Escalated, Taken, Skipped, Missed, Undone, LowStock, RegimenError };

// `hooks:` entry: a command (never through a shell) run on some events, for some items.
struct Hook {
    std::vector<HookEvent> events;
    std::vector<std::string> items;  // empty: every item
    // The command and its arguments as written, `{placeholders}` unexpanded (core/hooks.hpp).
    std::vector<std::string> run;
    Seconds timeout{30};
    SourcePos pos;

    friend bool operator==(const Hook&, const Hook&) = default;
};

// `devices: caldav:` (../shared/SPEC.md "Phone and other devices"): the user's own CalDAV
// collection where each due dose is published as a task. Only what the file says: the
// password is read by the daemon when it syncs (never by the parser), and the mode of
// `password_file` is checked then.
struct CaldavDevice {
    std::string url;                            // the collection, http(s)://...
    std::string username;                       // may be empty: no authentication
    std::vector<std::string> password_command;  // argv; empty when password_file is used
    std::string password_file;                  // absolute path; empty with password_command
    std::string ca_file;                        // absolute path; empty: the system's CAs
    Seconds poll{60};                           // while a dose is open; 10s..1h
    SourcePos pos;                              // of the `caldav` key

    friend bool operator==(const CaldavDevice&, const CaldavDevice&) = default;
};

// Which way a symptom kind's ratings are better: `symptoms: [{sleep: {better: higher}}]`.
// Unstated: the report says "higher" or "lower", never "better" or "worse".
enum class Better { Unstated, Lower, Higher };

struct Regimen {
    std::string file;  // the file name used in messages
    int version = 1;
    std::string timezone_name;                 // as written; empty = the default zone was used
    const regimend::TimeZone* zone = nullptr;  // never null in a parsed regimen
    std::optional<Seconds> bedtime;            // offset from midnight
    ReminderPolicy reminders;                  // the file-wide defaults
    std::vector<Limit> limits;
    std::vector<std::string> symptoms;
    std::vector<std::pair<std::string, Better>> symptom_better;  // kinds that state `better:`
    std::vector<Item> items;
    std::vector<Hook> hooks;
    std::optional<CaldavDevice> caldav;  // `devices: caldav:`; none: nothing is synced

    Better better_of(std::string_view kind) const;

    const Item* find(std::string_view id) const;
    // Builds find()'s index; the parser calls it once the items are final. A reminder burst
    // of 10,000 doses looked every dose's item up one by one: 90% of a second-long stall.
    void index_items();
    // Exact id, else a unique prefix. On failure, `error` says why (unknown or ambiguous).
    const Item* resolve(std::string_view id_or_prefix, std::string* error = nullptr) const;
    // The longest missed_after of any item: how far back an unanswered dose can matter.
    Seconds longest_missed_after() const;

    // find()'s index. It is trusted only for the array it was built from (same address,
    // same size: a copy or a later push_back searches item by item, as a hand-built regimen
    // in a test does), and a hit is checked against the item's id. An item renamed after
    // indexing is found again only after index_items().
    struct ItemIndex {
        struct Hash {
            using is_transparent = void;
            std::size_t operator()(std::string_view id) const {
                return std::hash<std::string_view>{}(id);
            }
        };
        const Item* built_for = nullptr;
        std::size_t size = 0;
        std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> by_id;
    } item_index;
};

using RegimenPtr = std::shared_ptr<const Regimen>;

// The regimen's zone. A parsed regimen always has one; a hand-built one without it plans in
// UTC rather than reading the process's zone, which would make the core depend on the
// machine.
const regimend::TimeZone& zone_of(const Regimen& regimen);

}  // namespace regimend
