// The history schema as a list of migrations. PRAGMA user_version records how many have
// run; schema version N is migration N applied on top of N-1. A new version is one more
// entry at the end of kMigrations, never an edit of an old one.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;

namespace regimend::schema {

struct Migration {
    int version;           // the user_version once this has run
    std::string_view sql;  // one or more statements
};

inline constexpr std::array<Migration, 6> kMigrations{{
    {1, R"sql(
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    item     TEXT    NOT NULL,
    event    TEXT    NOT NULL,
    planned  INTEGER,
    at       INTEGER NOT NULL,
    note     TEXT    NOT NULL DEFAULT '',
    severity INTEGER NOT NULL DEFAULT -1,
    amount   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX events_at ON events(at);
CREATE INDEX events_planned ON events(planned);
CREATE INDEX events_item_at ON events(item, at);
-- A dose is answered once: a buggy caller cannot record a second taken or skipped.
CREATE UNIQUE INDEX events_answered_once ON events(item, planned)
    WHERE event IN ('taken', 'skipped');
-- first_dose: the oldest dose without walking past years of due and missed events.
CREATE INDEX events_doses_at ON events(at) WHERE event IN ('taken', 'as_needed');
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value
);
)sql"},
    // Undo (`undone` events) lets a dose be answered again after its answer was taken back:
    // the unique index becomes a trigger that refuses an answer only while the dose's last
    // answer stands.
    {2, R"sql(
DROP INDEX events_answered_once;
CREATE INDEX events_item_planned ON events(item, planned);
CREATE TRIGGER events_answered_once BEFORE INSERT ON events
    WHEN NEW.event IN ('taken', 'skipped') AND (
        SELECT event FROM events
        WHERE item = NEW.item AND planned = NEW.planned
            AND event IN ('taken', 'skipped', 'undone')
        ORDER BY id DESC LIMIT 1) IN ('taken', 'skipped')
BEGIN
    SELECT RAISE(ABORT, 'UNIQUE constraint failed: a dose is answered once');
END;
)sql"},
    // Inventory: `refill` and `stock` events carry their number of units. Older events keep
    // NULL there, which is what they mean.
    {3, R"sql(
ALTER TABLE events ADD COLUMN quantity REAL;
-- Which items were ever counted, without reading the rest of the history.
CREATE INDEX events_counted ON events(item) WHERE event IN ('stock', 'refill');
)sql"},
    // `history` shows every event but the `due` ones (one per reminder: half of a dense
    // history). Through events_at, SQLite visited the span's `due` rows too and looked each
    // up in the table only to drop it; this index holds only the events it shows.
    {4, R"sql(
CREATE INDEX events_shown_at ON events(at) WHERE event != 'due';
)sql"},
    // `take --amount`: a `taken` event's `amount` is then what the user said was taken, not
    // the plan's amount, and this says so. Older events keep 0: the plan's amount.
    {5, R"sql(
ALTER TABLE events ADD COLUMN amount_recorded INTEGER NOT NULL DEFAULT 0;
)sql"},
    // Pauses (`paused` and `resumed` events) are read whole at every start and by the
    // report: this index holds only them, so that costs nothing on a long history.
    {6, R"sql(
CREATE INDEX events_pauses ON events(at) WHERE event IN ('paused', 'resumed');
)sql"},
}};

inline constexpr int kLatestVersion = kMigrations.back().version;

// Brings the database to kLatestVersion in one transaction. A read-only connection only
// checks. Returns an error message (without the path) when it cannot.
std::optional<std::string> migrate(sqlite3* db, bool read_only);

}  // namespace regimend::schema
