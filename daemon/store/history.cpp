#include "store/history.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <utility>

#include "store/directory.hpp"
#include "store/schema.hpp"
#include "store/sqlite_handles.hpp"

namespace regimend {

static_assert(HistoryStore::kSchemaVersion == schema::kLatestVersion,
              "kSchemaVersion must be the last migration's version");

namespace {

// busy_timeout absorbs most contention (regimenctl reading while the daemon writes);
// these retries cover the BUSY that WAL reports without calling the busy handler.
constexpr int kBusyTimeoutMilliseconds = 2000;
constexpr int kAppendAttempts = 3;

constexpr std::string_view kEventColumns =
    "item, event, planned, at, note, severity, amount, quantity, amount_recorded";

struct Failure {
    int code;
    std::string message;  // sqlite's, captured before a ROLLBACK overwrites it
};

Failure failure_of(sqlite3* db, int code) {
    return {code, sqlite3_errmsg(db)};
}

Error store_error(std::string_view message, const std::string& path) {
    return Error{ErrorKind::StorageFailed, std::string(message) + " (" + path + ")"};
}

std::int64_t seconds_of(Instant instant) {
    return instant.time_since_epoch().count();
}
Instant instant_of(std::int64_t seconds) {
    return Instant{Seconds{seconds}};
}

bool is_contention(int code) {
    const int primary = sqlite::primary(code);
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

}  // namespace

struct HistoryStore::Connection {
    sqlite::DatabasePtr db;
    std::string path;
    std::string refusal;  // set: every write fails with it (open_refusing_writes)

    sqlite::Statement begin;
    sqlite::Statement commit;
    sqlite::Statement rollback;
    sqlite::Statement insert_event;
    sqlite::Statement save_horizon;
    sqlite::Statement select_between;
    sqlite::Statement select_answers_between;
    sqlite::Statement select_item_between;
    sqlite::Statement select_planned_between;
    sqlite::Statement select_horizon;
    sqlite::Statement select_first_dose;
    sqlite::Statement count_as_needed;
    sqlite::Statement select_first_symptom;
    sqlite::Statement save_tracking_since;
    sqlite::Statement select_tracking_since;
    sqlite::Statement select_first_tracked;
    sqlite::Statement select_stock_events;
    sqlite::Statement select_stock_warned;
    sqlite::Statement save_stock_warned;
    sqlite::Statement delete_stock_warned;
    sqlite::Statement select_all_stock_warned;
    sqlite::Statement select_all_stock_events;
    sqlite::Statement select_pause_events;
    sqlite::Statement begin_read;

    Error error(std::string_view message) const { return store_error(message, path); }
    Error error() const { return error(sqlite3_errmsg(db.get())); }

    int prepare_all() {
        const std::string columns(kEventColumns);
        const std::pair<sqlite::Statement*, std::string> statements[] = {
            {&begin, "BEGIN IMMEDIATE"},
            {&commit, "COMMIT"},
            {&rollback, "ROLLBACK"},
            {&insert_event,
             "INSERT INTO events (" + columns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
            {&save_horizon,
             "INSERT INTO meta (key, value) VALUES ('horizon', ?1) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
            {&select_between,
             "SELECT " + columns + " FROM events WHERE at >= ?1 AND at < ?2 ORDER BY at, id"},
            // The same without `due` events (one per reminder): what `history` shows. The
            // condition is the one of the partial index events_shown_at (schema version 4),
            // so SQLite reads only these rows: keep the two the same.
            {&select_answers_between,
             "SELECT " + columns +
                 " FROM events WHERE at >= ?1 AND at < ?2 AND event != 'due' ORDER BY at, id"},
            {&select_item_between,
             "SELECT " + columns +
                 " FROM events WHERE item = ?3 AND at >= ?1 AND at < ?2 ORDER BY at, id"},
            {&select_planned_between,
             "SELECT " + columns + " FROM events WHERE planned >= ?1 AND planned < ?2 ORDER BY id"},
            {&select_horizon, "SELECT value FROM meta WHERE key = 'horizon'"},
            // The index on (item, at) finds the span; no row is copied out.
            {&count_as_needed,
             // An `undone` of a logged dose has that dose's `at` and takes back one of them.
             "SELECT COUNT(*) FILTER (WHERE event = 'as_needed')"
             " - COUNT(*) FILTER (WHERE event = 'undone' AND note = 'as_needed')"
             " FROM events WHERE item = ?1 AND at >= ?2 AND at < ?3"
             " AND event IN ('as_needed', 'undone')"},
            {&select_first_dose,
             // Only a confirmed scheduled dose: an as-needed log may be backdated freely (a
             // paper diary copied in for the report's "before"), so it never starts the regimen.
             "SELECT at FROM events WHERE event = 'taken' ORDER BY at LIMIT 1"},
            {&select_first_symptom,
             "SELECT at FROM events WHERE event = 'symptom' ORDER BY at LIMIT 1"},
            {&save_tracking_since,
             "INSERT INTO meta (key, value) VALUES ('tracking_since', ?1) "
             "ON CONFLICT (key) DO NOTHING"},
            {&select_tracking_since, "SELECT value FROM meta WHERE key = 'tracking_since'"},
            // A history written before 'tracking_since' existed: its first tracked dose.
            // Diary entries and as-needed logs do not count (they may be backdated freely).
            {&select_first_tracked, "SELECT MIN(planned) FROM events WHERE planned IS NOT NULL"},
            // From the item's last count on: the index on (item, at) finds both ends.
            {&select_stock_events,
             "SELECT " + columns +
                 " FROM events WHERE item = ?1 AND at <= ?2"
                 " AND event IN ('taken', 'undone', 'as_needed', 'refill', 'stock')"
                 " AND at >= COALESCE((SELECT MAX(at) FROM events WHERE item = ?1"
                 " AND event = 'stock' AND at <= ?2), -9223372036854775807)"
                 " ORDER BY at, id"},
            // select_stock_events for every counted item at once, by item.
            {&select_all_stock_events,
             "WITH counted (counted_item, since) AS (SELECT c.item, (SELECT MAX(s.at) FROM "
             "events s WHERE s.item = c.item AND s.event = 'stock' AND s.at <= ?1) FROM "
             "(SELECT DISTINCT item FROM events WHERE event IN ('stock', 'refill')) c) "
             "SELECT " +
                 columns +
                 " FROM counted JOIN events ON item = counted_item WHERE at <= ?1"
                 " AND at >= COALESCE(since, -9223372036854775807)"
                 " AND event IN ('taken', 'undone', 'as_needed', 'refill', 'stock')"
                 " ORDER BY item, at, id"},
            {&select_stock_warned, "SELECT value FROM meta WHERE key = 'stock_warned:' || ?1"},
            {&save_stock_warned,
             "INSERT INTO meta (key, value) VALUES ('stock_warned:' || ?1, ?2) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
            {&delete_stock_warned, "DELETE FROM meta WHERE key = 'stock_warned:' || ?1"},
            // A range rather than LIKE, whose '_' would match any character.
            {&select_all_stock_warned,
             "SELECT substr(key, 14), value FROM meta WHERE key >= 'stock_warned:' AND "
             "key < 'stock_warned;'"},
            // The condition of the partial index events_pauses (schema version 6).
            {&select_pause_events,
             "SELECT " + columns +
                 " FROM events WHERE event IN ('paused', 'resumed') ORDER BY at, id"},
            {&begin_read, "BEGIN DEFERRED"},
        };
        for (const auto& [statement, sql] : statements) {
            if (const int result = sqlite::Statement::prepare(db.get(), sql, *statement);
                result != SQLITE_OK) {
                return result;
            }
        }
        return SQLITE_OK;
    }

    // Runs a statement that returns no rows.
    int run(sqlite::Statement& statement) {
        const sqlite::Statement::Use use(statement);
        return statement.step();
    }

    int insert(const HistoryEvent& event) {
        const sqlite::Statement::Use use(insert_event);
        insert_event.bind(1, event.item);
        insert_event.bind(2, to_string(event.kind));
        if (event.planned) {
            insert_event.bind(3, seconds_of(*event.planned));
        } else {
            insert_event.bind_null(3);
        }
        insert_event.bind(4, seconds_of(event.at));
        insert_event.bind(5, event.note);
        insert_event.bind(6, static_cast<std::int64_t>(event.severity));
        insert_event.bind(7, event.amount);
        if (event.quantity) {
            insert_event.bind(8, *event.quantity);
        } else {
            insert_event.bind_null(8);
        }
        insert_event.bind(9, static_cast<std::int64_t>(event.amount_recorded ? 1 : 0));
        return insert_event.step();
    }

    int write_horizon(Instant horizon) {
        const sqlite::Statement::Use use(save_horizon);
        save_horizon.bind(1, seconds_of(horizon));
        return save_horizon.step();
    }

    std::optional<Failure> append_once(const std::vector<HistoryEvent>& events,
                                       std::optional<Instant> horizon) {
        if (const int result = run(begin); result != SQLITE_DONE) {
            return failure_of(db.get(), result);
        }
        std::optional<Failure> failure;
        for (const HistoryEvent& event : events) {
            if (const int result = insert(event); result != SQLITE_DONE) {
                failure = failure_of(db.get(), result);
                break;
            }
        }
        if (!failure && horizon) {
            if (const int result = write_horizon(*horizon); result != SQLITE_DONE) {
                failure = failure_of(db.get(), result);
            }
        }
        if (!failure) {
            if (const int result = run(commit); result != SQLITE_DONE) {
                failure = failure_of(db.get(), result);
            }
        }
        // A failed COMMIT may leave the transaction open; some errors end it themselves.
        if (failure && sqlite3_get_autocommit(db.get()) == 0) {
            run(rollback);
        }
        return failure;
    }

    // Reads every row; with `row_bytes`, stops once their sum passes `max_bytes` and sets
    // `*over_limit`.
    Result<std::vector<HistoryEvent>> read_events(
        sqlite::Statement& statement, std::size_t max_bytes = 0,
        std::size_t (*row_bytes)(const HistoryEvent&) = nullptr, bool* over_limit = nullptr) {
        std::vector<HistoryEvent> events;
        std::size_t bytes = 0;
        while (true) {
            const int result = statement.step();
            if (result == SQLITE_DONE) {
                return events;
            }
            if (result != SQLITE_ROW) {
                return error();
            }
            const std::string kind_name = statement.text(1);
            const auto kind = event_kind_from_string(kind_name);
            if (!kind) {
                return error("unknown event '" + kind_name + "' in the history");
            }
            HistoryEvent& event = events.emplace_back();
            event.item = statement.text(0);
            event.kind = *kind;
            if (!statement.is_null(2)) {
                event.planned = instant_of(statement.integer(2));
            }
            event.at = instant_of(statement.integer(3));
            event.note = statement.text(4);
            event.severity = static_cast<int>(statement.integer(5));
            event.amount = statement.text(6);
            if (!statement.is_null(7)) {
                event.quantity = statement.real(7);
            }
            event.amount_recorded = statement.integer(8) != 0;
            if (row_bytes != nullptr && (bytes += row_bytes(event)) > max_bytes) {
                *over_limit = true;
                return events;
            }
        }
    }

    Result<std::optional<Instant>> read_optional_instant(sqlite::Statement& statement) {
        const sqlite::Statement::Use use(statement);
        const int result = statement.step();
        if (result == SQLITE_DONE) {
            return std::optional<Instant>{};
        }
        if (result != SQLITE_ROW) {
            return error();
        }
        if (statement.is_null(0)) {
            return std::optional<Instant>{};
        }
        return std::optional<Instant>{instant_of(statement.integer(0))};
    }
};

namespace {

// Everything after sqlite3_open_v2 succeeded; returns an error message on failure.
std::optional<std::string> configure(sqlite3* db, bool read_only) {
    sqlite3_busy_timeout(db, kBusyTimeoutMilliseconds);
    // synchronous=FULL in WAL mode syncs the log on every commit: an answered dose
    // survives a power cut, not only a crash.
    std::string pragmas = "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
    if (!read_only) {
        pragmas += " PRAGMA journal_mode = WAL;";
    }
    char* raw_message = nullptr;
    if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, &raw_message) != SQLITE_OK) {
        const std::unique_ptr<char, sqlite::Deleter<sqlite3_free>> message(raw_message);
        return std::string(message ? message.get() : sqlite3_errmsg(db));
    }
    return schema::migrate(db, read_only);
}

}  // namespace

HistoryStore::HistoryStore(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)) {}

HistoryStore::~HistoryStore() = default;

Result<std::unique_ptr<HistoryStore>> HistoryStore::open(const std::string& path, bool read_only) {
    if (!read_only) {
        const auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) {
            if (auto failed = make_private_directories(parent)) {
                return store_error(*failed, path);
            }
        }
        if (path != ":memory:") {
            create_private_file(path);
        }
    }
    auto connection = std::make_unique<Connection>();
    connection->path = path;
    // The daemon's history is never opened through a symlink (check_history refuses one, and
    // this closes the gap between the check and the open).
    const int flags = read_only ? SQLITE_OPEN_READONLY
                                : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW;
    sqlite3* raw_db = nullptr;
    // Owned at once: sqlite3_open_v2 hands out a handle even when it fails.
    const int opened = sqlite3_open_v2(path.c_str(), &raw_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    connection->db.reset(raw_db);
    if (opened != SQLITE_OK) {
        const char* message = raw_db != nullptr ? sqlite3_errmsg(raw_db) : sqlite3_errstr(opened);
        return store_error(message, path);
    }
    sqlite3_extended_result_codes(raw_db, 1);
    if (auto failed = configure(raw_db, read_only)) {
        return store_error(*failed, path);
    }
    if (connection->prepare_all() != SQLITE_OK) {
        return connection->error();
    }
    return std::unique_ptr<HistoryStore>(new HistoryStore(std::move(connection)));
}

Result<std::unique_ptr<HistoryStore>> HistoryStore::open_refusing_writes(std::string reason) {
    auto opened = open(":memory:");
    if (opened) {
        (*opened)->connection_->refusal = std::move(reason);
    }
    return opened;
}

bool HistoryStore::refuses_writes() const {
    return !connection_->refusal.empty();
}

Result<std::monostate> HistoryStore::append(const std::vector<HistoryEvent>& events,
                                            std::optional<Instant> horizon) {
    if (!connection_->refusal.empty()) {
        return Error{ErrorKind::StorageFailed, connection_->refusal};
    }
    if (events.empty() && !horizon) {
        return std::monostate{};
    }
    std::optional<Failure> failure;
    for (int attempt = 0; attempt < kAppendAttempts; ++attempt) {
        failure = connection_->append_once(events, horizon);
        if (!failure || !is_contention(failure->code)) {
            break;
        }
    }
    if (failure) {
        return connection_->error(failure->message);
    }
    return std::monostate{};
}

Result<std::vector<HistoryEvent>> HistoryStore::events_between(Instant from, Instant to,
                                                               const std::string& item) const {
    sqlite::Statement& statement =
        item.empty() ? connection_->select_between : connection_->select_item_between;
    const sqlite::Statement::Use use(statement);
    statement.bind(1, seconds_of(from));
    statement.bind(2, seconds_of(to));
    if (!item.empty()) {
        statement.bind(3, item);
    }
    return connection_->read_events(statement);
}

Result<std::vector<HistoryEvent>> HistoryStore::events_between_bounded(
    Instant from, Instant to, std::size_t max_bytes, std::size_t (*row_bytes)(const HistoryEvent&),
    bool& over_limit, bool with_due) const {
    over_limit = false;
    sqlite::Statement& statement =
        with_due ? connection_->select_between : connection_->select_answers_between;
    const sqlite::Statement::Use use(statement);
    statement.bind(1, seconds_of(from));
    statement.bind(2, seconds_of(to));
    return connection_->read_events(statement, max_bytes, row_bytes, &over_limit);
}

Result<std::vector<HistoryEvent>> HistoryStore::events_planned_between(Instant from,
                                                                       Instant to) const {
    sqlite::Statement& statement = connection_->select_planned_between;
    const sqlite::Statement::Use use(statement);
    statement.bind(1, seconds_of(from));
    statement.bind(2, seconds_of(to));
    return connection_->read_events(statement);
}

Result<std::optional<Instant>> HistoryStore::horizon() const {
    return connection_->read_optional_instant(connection_->select_horizon);
}

Result<std::optional<Instant>> HistoryStore::tracking_since() const {
    auto recorded = connection_->read_optional_instant(connection_->select_tracking_since);
    if (!recorded || *recorded) {
        return recorded;
    }
    return connection_->read_optional_instant(connection_->select_first_tracked);
}

Result<std::monostate> HistoryStore::set_tracking_since(Instant since) {
    const sqlite::Statement::Use use(connection_->save_tracking_since);
    connection_->save_tracking_since.bind(1, seconds_of(since));
    if (connection_->save_tracking_since.step() != SQLITE_DONE) {
        return connection_->error();
    }
    return std::monostate{};
}

Result<std::vector<HistoryEvent>> HistoryStore::stock_events(const std::string& item,
                                                             Instant at) const {
    sqlite::Statement& statement = connection_->select_stock_events;
    const sqlite::Statement::Use use(statement);
    statement.bind(1, item);
    statement.bind(2, seconds_of(at));
    return connection_->read_events(statement);
}

Result<std::map<std::string, std::vector<HistoryEvent>>> HistoryStore::all_stock_events(
    Instant at) const {
    sqlite::Statement& statement = connection_->select_all_stock_events;
    const sqlite::Statement::Use use(statement);
    statement.bind(1, seconds_of(at));
    auto events = connection_->read_events(statement);
    if (!events) {
        return events.error();
    }
    std::map<std::string, std::vector<HistoryEvent>> by_item;
    for (auto& event : *events) {
        by_item[event.item].push_back(std::move(event));
    }
    return by_item;
}

Result<std::optional<Instant>> HistoryStore::stock_warned(const std::string& item) const {
    sqlite::Statement& statement = connection_->select_stock_warned;
    statement.bind(1, item);  // read_optional_instant resets it
    return connection_->read_optional_instant(statement);
}

Result<std::map<std::string, Instant>> HistoryStore::stock_warned_all() const {
    sqlite::Statement& statement = connection_->select_all_stock_warned;
    const sqlite::Statement::Use use(statement);
    std::map<std::string, Instant> warned;
    while (true) {
        const int result = statement.step();
        if (result == SQLITE_DONE) {
            return warned;
        }
        if (result != SQLITE_ROW) {
            return connection_->error();
        }
        if (!statement.is_null(1)) {
            warned.emplace(statement.text(0), instant_of(statement.integer(1)));
        }
    }
}

HistoryStore::ReadSnapshot::ReadSnapshot(Connection* connection) : connection_(connection) {}

HistoryStore::ReadSnapshot::~ReadSnapshot() {
    // A read transaction has nothing to lose: COMMIT only releases the snapshot.
    if (connection_ != nullptr && sqlite3_get_autocommit(connection_->db.get()) == 0) {
        connection_->run(connection_->commit);
    }
}

HistoryStore::ReadSnapshot HistoryStore::read_snapshot() const {
    // Inside another transaction (none should be open here) the reads simply join it.
    if (sqlite3_get_autocommit(connection_->db.get()) == 0 ||
        connection_->run(connection_->begin_read) != SQLITE_DONE) {
        return ReadSnapshot(nullptr);
    }
    return ReadSnapshot(connection_.get());
}

Result<std::monostate> HistoryStore::set_stock_warned(const std::string& item,
                                                      std::optional<Instant> when) {
    if (!connection_->refusal.empty()) {
        return Error{ErrorKind::StorageFailed, connection_->refusal};
    }
    sqlite::Statement& statement =
        when ? connection_->save_stock_warned : connection_->delete_stock_warned;
    const sqlite::Statement::Use use(statement);
    statement.bind(1, item);
    if (when) {
        statement.bind(2, seconds_of(*when));
    }
    if (statement.step() != SQLITE_DONE) {
        return connection_->error();
    }
    return std::monostate{};
}

Result<int> HistoryStore::as_needed_count(const std::string& item, Instant from, Instant to) const {
    sqlite::Statement& statement = connection_->count_as_needed;
    const sqlite::Statement::Use use(statement);
    statement.bind(1, item);
    statement.bind(2, seconds_of(from));
    statement.bind(3, seconds_of(to));
    if (statement.step() != SQLITE_ROW) {
        return connection_->error();
    }
    return static_cast<int>(statement.integer(0));
}

Result<std::optional<Instant>> HistoryStore::first_dose() const {
    return connection_->read_optional_instant(connection_->select_first_dose);
}

Result<std::vector<HistoryEvent>> HistoryStore::pause_events() const {
    sqlite::Statement& statement = connection_->select_pause_events;
    const sqlite::Statement::Use use(statement);
    return connection_->read_events(statement);
}

Result<std::optional<Instant>> HistoryStore::first_symptom_entry() const {
    return connection_->read_optional_instant(connection_->select_first_symptom);
}

Result<std::monostate> HistoryStore::limit_pages_for_testing(std::int64_t max_pages) {
    const std::string pragma = "PRAGMA max_page_count = " + std::to_string(max_pages);
    if (sqlite3_exec(connection_->db.get(), pragma.c_str(), nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
        return connection_->error();
    }
    return std::monostate{};
}

}  // namespace regimend
