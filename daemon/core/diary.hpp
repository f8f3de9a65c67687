// The rules for what a person records by hand: the time an answer, an as-needed dose or a
// diary entry happened, which items can be logged as needed, which symptom kinds and
// severities a diary takes, and how many as-needed uses a day already holds. Pure: `now`
// is an argument, so the daemon and the tests apply the same rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/doses.hpp"
#include "core/event.hpp"
#include "core/i18n.hpp"
#include "core/model.hpp"

namespace regimend {

// A time stamped slightly ahead of the daemon's clock (another machine's CLI, a rounding)
// is still believed; further ahead it is a mistake. One rule for take, log and symptom.
inline constexpr Seconds kFutureTolerance{60};

// Why `at` cannot be the time something happened (more than kFutureTolerance ahead of
// `now`); nullopt when it can. The message names the time in the regimen's zone.
std::optional<Error> future_time_failure(const Regimen& regimen, Instant at, Instant now);

// The as-needed item `item_text` names (an id or unique prefix), or why it cannot be logged.
Result<const Item*> as_needed_item(const Regimen& regimen, std::string_view item_text);

// The severity scale of the diary.
inline constexpr int kMaxSeverity = 10;

// Nullopt when `kind` is one of the regimen's symptom kinds and severity is on the scale.
std::optional<Error> symptom_failure(const Regimen& regimen, std::string_view kind, int severity);

// The longest note or reason accepted with an answer or a diary entry, in code points.
inline constexpr std::size_t kMaxNoteCharacters = 4096;

// Why a note (LogDose, LogSymptom, `--note`) or a skip reason (Skip, `--reason`) cannot be
// kept, or nullopt: as the regimen's `notes`, no control character but a line feed and no
// bidirectional override, since history, report and status show it on terminals.
// "The note contains the control character U+001B at character 3; ...". `what`: "note".
std::optional<Error> note_failure(std::string_view note, std::string_view what = N_("note"));

// How many as-needed doses of `item_id` `events` hold on the local day of `day_of`, those
// taken back by an `undone` left out.
int as_needed_uses_on_day(const Regimen& regimen, const std::vector<HistoryEvent>& events,
                          const std::string& item_id, Instant day_of);

// The amount `take --amount TEXT` (ConfirmAmount) says was really taken of `item`, or why
// it cannot be: not "<number> <unit>", or not the same kind of unit as the item's `amount`
// (any mass for a mass, else the same unit), or an item without an `amount` to compare.
Result<Amount> taken_amount(const Item& item, std::string_view text);

// What `undo NAME` (the Undo method) takes back. NAME is, in this order: an item's exact id,
// a symptom kind of the regimen, an item's unique id prefix; "symptom:KIND" always means the
// symptom kind (the way to reach a kind that is also an item's id, whose item wins).
struct UndoTarget {
    enum class Kind { Dose, AsNeeded, Symptom };
    Kind kind = Kind::Dose;
    std::string name;  // the item's id (Dose, AsNeeded) or the symptom kind
};
Result<UndoTarget> undo_target(const Regimen& regimen, std::string_view name);

// The `undone` event that takes back the last entry of `target` (an as-needed dose of the
// item, or an entry of the symptom kind) that still stands among `recent`, the target's
// events with `at` in [now - DoseTracker::kRetention, now + kFutureTolerance]: the one
// with the latest `at` (of two at the same instant, the one written last). The event has
// the entry's item and `at`, and names the entry's kind in its note (core/event.hpp
// standing_events reads it so). NothingToUndo when there is none.
Result<HistoryEvent> undo_entry(const Regimen& regimen, const UndoTarget& target,
                                const std::vector<HistoryEvent>& recent, Instant now);

// Why an as-needed dose of `item` at `at` is too close to another use: a standing
// `as_needed` event of the item in `events` less than the item's min_interval before or
// after `at`. The message says when the next use is allowed. nullopt when the item has no
// min_interval or no use is that close.
std::optional<std::string> min_interval_refusal(const Regimen& regimen, const Item& item,
                                                const std::vector<HistoryEvent>& events,
                                                Instant at);

// "for information: topical was logged 4 times on 2026-11-30, above its max_per_day of 3";
// nullopt when `uses` is within the item's max_per_day (or it has none).
std::optional<std::string> max_per_day_note(const Item& item, int uses, LocalDate day);

}  // namespace regimend
