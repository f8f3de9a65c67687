#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "file_helpers.hpp"
#include "store/history.hpp"
#include "store/schema.hpp"
#include "store/sqlite_handles.hpp"
#include "temp_dir.hpp"

using namespace regimend;
using regimend::testing::TempDir;
namespace fs = std::filesystem;

namespace {

Instant at(std::int64_t seconds) {
    return Instant{Seconds{seconds}};
}

// 2026-11-22T08:00:00Z and friends: literal instants, never the clock.
constexpr std::int64_t kMorning = 1795334400;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

HistoryEvent event(std::string item, EventKind kind, std::optional<std::int64_t> planned,
                   std::int64_t when) {
    HistoryEvent result;
    result.item = std::move(item);
    result.kind = kind;
    if (planned) {
        result.planned = at(*planned);
    }
    result.at = at(when);
    return result;
}

std::unique_ptr<HistoryStore> open_store(const std::string& path, bool read_only = false) {
    auto opened = HistoryStore::open(path, read_only);
    INFO((!opened ? opened.error().message : std::string("opened")));
    REQUIRE(opened);
    REQUIRE(opened.ok());
    return std::move(*opened);
}

std::vector<HistoryEvent> all_events(const HistoryStore& store) {
    auto events = store.events_between(at(0), at(std::int64_t{1} << 40));
    INFO((!events ? events.error().message : std::string("read")));
    REQUIRE(events);
    return *events;
}

// A second, raw connection: to look at or tamper with the file behind the store's back.
sqlite::DatabasePtr raw_open(const std::string& path) {
    sqlite3* db = nullptr;
    const int result =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite::DatabasePtr owned(db);
    REQUIRE(result == SQLITE_OK);
    return owned;
}

std::int64_t raw_integer(sqlite3* db, const std::string& sql) {
    sqlite::Statement statement;
    REQUIRE(sqlite::Statement::prepare(db, sql, statement) == SQLITE_OK);
    REQUIRE(statement.step() == SQLITE_ROW);
    return statement.integer(0);
}

void raw_exec(sqlite3* db, const std::string& sql) {
    REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
}

// A history an older daemon left: its schema at `version`, then the rows `insert` adds.
void write_old_history(const std::string& path, std::size_t version, const std::string& insert) {
    auto raw = raw_open(path);
    for (std::size_t step = 0; step < version; ++step) {
        raw_exec(raw.get(), std::string(schema::kMigrations[step].sql));
    }
    raw_exec(raw.get(), "PRAGMA user_version = " + std::to_string(version));
    raw_exec(raw.get(), insert);
}

// Opens the old history at `path`: it is migrated to version 6, has gained the index
// `index` and kept its `events` events.
std::unique_ptr<HistoryStore> open_migrated(const std::string& path, const std::string& index,
                                            std::size_t events) {
    auto store = open_store(path);
    auto raw = raw_open(path);
    CHECK(raw_integer(raw.get(), "PRAGMA user_version") == 6);
    CHECK(raw_integer(raw.get(),
                      "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '" +
                          index + "'") == 1);
    REQUIRE(all_events(*store).size() == events);
    return store;
}

}  // namespace

TEST_CASE("every event kind round-trips with all its fields", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));

    std::vector<HistoryEvent> written;
    const EventKind kinds[] = {EventKind::Due,    EventKind::Taken,   EventKind::Skipped,
                               EventKind::Missed, EventKind::Snoozed, EventKind::AsNeeded,
                               EventKind::Symptom};
    std::int64_t offset = 0;
    for (EventKind kind : kinds) {
        const bool has_dose = kind != EventKind::AsNeeded && kind != EventKind::Symptom;
        HistoryEvent written_event =
            event(kind == EventKind::Symptom ? "migraine" : "glycinate-pm", kind,
                  has_dose ? std::optional<std::int64_t>(kMorning + offset) : std::nullopt,
                  kMorning + offset + 60);
        written_event.note = "said \"it's fine\";\nline two\t— Ünïcödé 🌙 '); DROP TABLE events;--";
        written_event.severity = kind == EventKind::Symptom ? 7 : -1;
        written_event.amount =
            kind == EventKind::Taken || kind == EventKind::AsNeeded ? "300 mg" : "";
        written.push_back(written_event);
        offset += kHour;
    }
    REQUIRE(store->append(written));

    SECTION("read back from the same connection") {
        CHECK(all_events(*store) == written);
    }
    SECTION("read back after reopening") {
        store.reset();
        auto reopened = open_store(dir.file("history.db"));
        CHECK(all_events(*reopened) == written);
    }
    SECTION("a zero severity and an empty item are kept as they are") {
        HistoryEvent mild = event("", EventKind::Symptom, std::nullopt, kMorning + 10 * kDay);
        mild.severity = 0;
        REQUIRE(store->append({mild}));
        const auto events = all_events(*store);
        REQUIRE(events.size() == written.size() + 1);
        CHECK(events.back() == mild);
    }
}

TEST_CASE("events come back oldest first", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    REQUIRE(store->append({event("c", EventKind::Due, kMorning + 2 * kHour, kMorning + 2 * kHour),
                           event("a", EventKind::Due, kMorning, kMorning)}));
    REQUIRE(store->append({event("b", EventKind::Due, kMorning + kHour, kMorning + kHour),
                           // Same instant as "a": insertion order breaks the tie.
                           event("a2", EventKind::Symptom, std::nullopt, kMorning)}));

    std::vector<std::string> items;
    for (const auto& stored : all_events(*store)) {
        items.push_back(stored.item);
    }
    CHECK(items == std::vector<std::string>{"a", "a2", "b", "c"});
}

TEST_CASE("events_between is from-inclusive, to-exclusive and filters by item", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    REQUIRE(store->append({
        event("am", EventKind::Due, kMorning - 1, kMorning - 1),
        event("am", EventKind::Taken, kMorning, kMorning),
        event("pm", EventKind::Due, kMorning + kHour, kMorning + kHour),
        event("migraine", EventKind::Symptom, std::nullopt, kMorning + 2 * kHour - 1),
        event("am", EventKind::Due, kMorning + 2 * kHour, kMorning + 2 * kHour),
    }));

    SECTION("all items") {
        auto events = store->events_between(at(kMorning), at(kMorning + 2 * kHour));
        REQUIRE(events);
        REQUIRE(events->size() == 3);
        CHECK(events->front().at == at(kMorning));
        CHECK(events->back().at == at(kMorning + 2 * kHour - 1));
    }
    SECTION("one item") {
        auto events = store->events_between(at(kMorning - 1), at(kMorning + 3 * kHour), "am");
        REQUIRE(events);
        REQUIRE(events->size() == 3);
        for (const auto& stored : *events) {
            CHECK(stored.item == "am");
        }
    }
    SECTION("a symptom kind") {
        auto events = store->events_between(at(0), at(kMorning + kDay), "migraine");
        REQUIRE(events);
        REQUIRE(events->size() == 1);
        CHECK(events->front().kind == EventKind::Symptom);
    }
    SECTION("an item that has no events, an empty range") {
        auto unknown = store->events_between(at(0), at(kMorning + kDay), "nothing");
        REQUIRE(unknown);
        CHECK(unknown->empty());
        auto empty = store->events_between(at(kMorning), at(kMorning));
        REQUIRE(empty);
        CHECK(empty->empty());
    }
}

TEST_CASE("events_planned_between selects by the dose's planned instant", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    REQUIRE(store->append({
        event("am", EventKind::Missed, kMorning - kDay, kMorning - kDay + 3 * kHour),
        // Confirmed late, today: planned yesterday, so not in today's planned window.
        event("am", EventKind::Taken, kMorning - kDay, kMorning + 60),
        event("am", EventKind::Due, kMorning, kMorning),
        event("am", EventKind::Taken, kMorning, kMorning + 120),
        event("topical", EventKind::AsNeeded, std::nullopt, kMorning + 30),
        event("pm", EventKind::Due, kMorning + kDay, kMorning + kDay),
    }));

    auto events = store->events_planned_between(at(kMorning), at(kMorning + kDay));
    REQUIRE(events);
    REQUIRE(events->size() == 2);
    CHECK(events->at(0).kind == EventKind::Due);
    CHECK(events->at(1).kind == EventKind::Taken);
    for (const auto& stored : *events) {
        CHECK(stored.planned == at(kMorning));
    }
}

TEST_CASE("the horizon is saved with the events and survives a reopen", "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    {
        auto store = open_store(path);
        auto none = store->horizon();
        REQUIRE(none);
        CHECK_FALSE(*none);

        REQUIRE(store->append({}, at(kMorning)));
        REQUIRE(store->append({event("am", EventKind::Missed, kMorning, kMorning + 3 * kHour)},
                              at(kMorning + 3 * kHour)));
        auto saved = store->horizon();
        REQUIRE(saved);
        CHECK(*saved == at(kMorning + 3 * kHour));
    }
    auto reopened = open_store(path);
    auto horizon = reopened->horizon();
    REQUIRE(horizon);
    CHECK(*horizon == at(kMorning + 3 * kHour));

    SECTION("append without a horizon leaves it alone") {
        REQUIRE(reopened->append({event("am", EventKind::Due, kMorning + kDay, kMorning + kDay)}));
        CHECK(*reopened->horizon() == at(kMorning + 3 * kHour));
    }
    SECTION("an empty append with no horizon changes nothing") {
        REQUIRE(reopened->append({}));
        CHECK(all_events(*reopened).size() == 1);
    }
}

TEST_CASE("first_dose is the oldest taken event, never a backdated as-needed log", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    auto nothing = store->first_dose();
    REQUIRE(nothing);
    CHECK_FALSE(*nothing);

    REQUIRE(store->append({event("am", EventKind::Missed, kMorning - 5 * kDay, kMorning),
                           event("migraine", EventKind::Symptom, std::nullopt, kMorning)}));
    CHECK_FALSE(*store->first_dose());

    // An as-needed use copied in from a paper diary does not start the regimen.
    REQUIRE(store->append({event("topical", EventKind::AsNeeded, std::nullopt, kMorning - kDay)}));
    CHECK_FALSE(*store->first_dose());

    REQUIRE(store->append({event("am", EventKind::Taken, kMorning, kMorning + kDay),
                           event("am", EventKind::Taken, kMorning + kDay, kMorning + 2 * kDay)}));
    auto first = store->first_dose();
    REQUIRE(first);
    CHECK(*first == at(kMorning + kDay));
}

TEST_CASE("the schema is versioned and migrated", "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");

    SECTION("a fresh database gets the latest version, in WAL mode") {
        open_store(path);
        auto raw = raw_open(path);
        CHECK(raw_integer(raw.get(), "PRAGMA user_version") == HistoryStore::kSchemaVersion);
        CHECK(raw_integer(raw.get(), "PRAGMA user_version") == 6);
        sqlite::Statement mode;
        REQUIRE(sqlite::Statement::prepare(raw.get(), "PRAGMA journal_mode", mode) == SQLITE_OK);
        REQUIRE(mode.step() == SQLITE_ROW);
        CHECK(mode.text(0) == "wal");
        CHECK(raw_integer(raw.get(),
                          "SELECT count(*) FROM sqlite_schema WHERE name IN ('events', 'meta', "
                          "'events_at', 'events_planned', 'events_item_at', "
                          "'events_answered_once', 'events_doses_at', 'events_shown_at')") == 8);
    }
    SECTION("reopening keeps the data and the version") {
        open_store(path)->append({event("am", EventKind::Due, kMorning, kMorning)});
        auto reopened = open_store(path);
        CHECK(all_events(*reopened).size() == 1);
        auto raw = raw_open(path);
        CHECK(raw_integer(raw.get(), "PRAGMA user_version") == HistoryStore::kSchemaVersion);
    }
    SECTION("a database from a newer regimend is refused with a clear message") {
        raw_exec(raw_open(path).get(), "PRAGMA user_version = 99");
        auto opened = HistoryStore::open(path);
        REQUIRE_FALSE(opened);
        CHECK_FALSE(opened.ok());
        CHECK_THAT(opened.error().message, Catch::Contains("schema version 99") &&
                                               Catch::Contains("newer") && Catch::Contains(path));
        // Refusing must not have touched it.
        CHECK(raw_integer(raw_open(path).get(), "PRAGMA user_version") == 99);
        CHECK_FALSE(HistoryStore::open(path, true));
    }
    SECTION("read-only cannot migrate an old database") {
        raw_open(path);  // an empty file: version 0
        auto opened = HistoryStore::open(path, true);
        REQUIRE_FALSE(opened);
        CHECK_THAT(opened.error().message, Catch::Contains("older"));
    }
}

TEST_CASE("a dose is answered once; a refused batch writes nothing", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    REQUIRE(store->append({event("am", EventKind::Due, kMorning, kMorning),
                           event("am", EventKind::Taken, kMorning, kMorning + 60)},
                          at(kMorning)));

    SECTION("a second taken in a later batch is refused, with the whole batch") {
        auto refused =
            store->append({event("pm", EventKind::Due, kMorning + kHour, kMorning + kHour),
                           event("am", EventKind::Taken, kMorning, kMorning + 120)},
                          at(kMorning + kHour));
        REQUIRE_FALSE(refused);
        CHECK_THAT(refused.error().message,
                   Catch::Contains("UNIQUE") && Catch::Contains("history.db"));
        CHECK(all_events(*store).size() == 2);
        CHECK(*store->horizon() == at(kMorning));
    }
    SECTION("a skip of a taken dose is refused") {
        CHECK_FALSE(store->append({event("am", EventKind::Skipped, kMorning, kMorning + 120)}));
    }
    SECTION("two takes of one dose in the same batch are refused") {
        CHECK_FALSE(store->append({event("pm", EventKind::Taken, kMorning, kMorning),
                                   event("pm", EventKind::Taken, kMorning, kMorning + 1)}));
        CHECK(all_events(*store).size() == 2);
    }
    SECTION("taken after missed is one answer") {
        REQUIRE(store->append(
            {event("pm", EventKind::Missed, kMorning + kHour, kMorning + 4 * kHour)}));
        REQUIRE(
            store->append({event("pm", EventKind::Taken, kMorning + kHour, kMorning + 5 * kHour)}));
        CHECK(all_events(*store).size() == 4);
    }
    SECTION("other doses of the item, and repeated due/snoozed, are fine") {
        REQUIRE(store->append({event("am", EventKind::Taken, kMorning + kDay, kMorning + kDay),
                               event("am", EventKind::Snoozed, kMorning, kMorning + 1),
                               event("am", EventKind::Snoozed, kMorning, kMorning + 2)}));
        CHECK(all_events(*store).size() == 5);
    }
    SECTION("the store keeps working after a refusal") {
        REQUIRE_FALSE(store->append({event("am", EventKind::Taken, kMorning, kMorning)}));
        REQUIRE(store->append({event("pm", EventKind::Taken, kMorning, kMorning)}));
        CHECK(all_events(*store).size() == 3);
    }
}

TEST_CASE("opening fails cleanly where it cannot work", "[history]") {
    TempDir dir;

    SECTION("read-only on a missing file") {
        const std::string path = dir.file("missing/history.db");
        auto opened = HistoryStore::open(path, true);
        REQUIRE_FALSE(opened);
        CHECK_THAT(opened.error().message,
                   Catch::Contains("unable to open") && Catch::Contains(path));
        CHECK_FALSE(fs::exists(dir.path() / "missing"));
    }
    SECTION("a parent that is a regular file") {
        std::ofstream(dir.file("not-a-dir")) << "x";
        const std::string path = dir.file("not-a-dir/state/history.db");
        auto opened = HistoryStore::open(path);
        REQUIRE_FALSE(opened);
        CHECK_THAT(opened.error().message, Catch::Contains("cannot create directory") &&
                                               Catch::Contains("Not a directory"));
    }
    SECTION("a directory it may not write") {
        if (::geteuid() == 0) {
            // root ignores permission bits (CI runs as root): /proc/sys is a directory in
            // which nobody, root included, can create a directory or a file.
            const std::string locked = "/proc/sys";
            REQUIRE(fs::is_directory(locked));
            auto opened = HistoryStore::open(locked + "/regimend-test/state/history.db");
            REQUIRE_FALSE(opened);
            CHECK_THAT(opened.error().message,
                       Catch::Contains("cannot create directory " + locked + "/regimend-test"));
            CHECK_FALSE(fs::exists(locked + "/regimend-test"));
            auto no_file = HistoryStore::open(locked + "/history.db");
            CHECK_FALSE(no_file);
            CHECK_FALSE(fs::exists(locked + "/history.db"));
        } else {
            fs::create_directory(dir.path() / "locked");
            REQUIRE(::chmod((dir.path() / "locked").c_str(), 0500) == 0);
            auto opened = HistoryStore::open(dir.file("locked/state/history.db"));
            REQUIRE_FALSE(opened);
            CHECK_THAT(opened.error().message, Catch::Contains("Permission denied"));
            auto no_file = HistoryStore::open(dir.file("locked/history.db"));
            CHECK_FALSE(no_file);
        }
    }
    SECTION("a file that is not a database") {
        std::ofstream(dir.file("garbage.db")) << std::string(4096, 'g');
        auto opened = HistoryStore::open(dir.file("garbage.db"));
        REQUIRE_FALSE(opened);
        CHECK_THAT(opened.error().message, Catch::Contains("not a database"));
    }
}

TEST_CASE("the state directory and the database are created private", "[history]") {
    TempDir dir;
    const std::string path = dir.file("state/regimend/history.db");
    auto store = open_store(path);
    REQUIRE(store->append({event("am", EventKind::Due, kMorning, kMorning)}));
    CHECK(testing::mode_of(dir.path() / "state") == 0700);
    CHECK(testing::mode_of(dir.path() / "state/regimend") == 0700);
    CHECK(testing::mode_of(path) == 0600);
    CHECK(testing::mode_of(path + "-wal") == 0600);
}

TEST_CASE("an in-memory store works and leaves no file behind", "[history]") {
    auto store = open_store(":memory:");
    REQUIRE(store->append({event("am", EventKind::Taken, kMorning, kMorning)}, at(kMorning)));
    CHECK(all_events(*store).size() == 1);
    CHECK_FALSE(fs::exists(":memory:"));
}

TEST_CASE("a read-only store reads and refuses to write", "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    auto writer = open_store(path);
    REQUIRE(writer->append({event("am", EventKind::Taken, kMorning, kMorning)}, at(kMorning)));

    auto reader = open_store(path, true);
    CHECK(all_events(*reader).size() == 1);
    CHECK(*reader->horizon() == at(kMorning));

    // The reader sees what the writer commits after it opened.
    REQUIRE(writer->append({event("pm", EventKind::Due, kMorning + kHour, kMorning + kHour)}));
    CHECK(all_events(*reader).size() == 2);

    auto refused = reader->append({event("pm", EventKind::Taken, kMorning, kMorning)});
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("readonly"));
}

TEST_CASE("a reader in the middle of a query does not block an append", "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    auto store = open_store(path);
    REQUIRE(store->append({event("am", EventKind::Due, kMorning, kMorning),
                           event("pm", EventKind::Due, kMorning + 1, kMorning + 1)}));

    auto reader = raw_open(path);
    sqlite::Statement reading;
    REQUIRE(sqlite::Statement::prepare(reader.get(), "SELECT item FROM events", reading) ==
            SQLITE_OK);
    REQUIRE(reading.step() == SQLITE_ROW);  // holds a read snapshot until reset

    REQUIRE(store->append({event("am", EventKind::Taken, kMorning, kMorning + 60)}));
    CHECK(all_events(*store).size() == 3);
}

// Waits out the busy timeout on every attempt (several seconds): run with "[.slow]".
TEST_CASE("a writer that never lets go is reported, not waited on forever", "[.slow]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    auto store = open_store(path);
    auto other_writer = raw_open(path);
    raw_exec(other_writer.get(), "BEGIN IMMEDIATE");

    auto blocked = store->append({event("am", EventKind::Taken, kMorning, kMorning)});
    REQUIRE_FALSE(blocked);
    CHECK_THAT(blocked.error().message, Catch::Contains("locked") && Catch::Contains(path));

    raw_exec(other_writer.get(), "ROLLBACK");
    REQUIRE(store->append({event("am", EventKind::Taken, kMorning, kMorning)}));
}

TEST_CASE("a full disk is an error, and the store recovers when space returns", "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    auto store = open_store(path);
    REQUIRE(store->append({event("am", EventKind::Due, kMorning, kMorning)}, at(kMorning)));

    // Cap the file at its current size, then write more than fits in its free space.
    REQUIRE(store->limit_pages_for_testing(1));
    std::vector<HistoryEvent> batch;
    for (int index = 0; index < 200; ++index) {
        HistoryEvent big = event("pm", EventKind::Due, kMorning + index, kMorning + index);
        big.note = std::string(200, 'n');
        batch.push_back(big);
    }
    batch.push_back(event("am", EventKind::Taken, kMorning, kMorning + 60));
    auto full = store->append(batch, at(kMorning + kDay));
    REQUIRE_FALSE(full);
    CHECK_THAT(full.error().message, Catch::Contains("full") && Catch::Contains(path));
    CHECK(all_events(*store).size() == 1);
    CHECK(*store->horizon() == at(kMorning));

    REQUIRE(store->limit_pages_for_testing(1 << 20));
    REQUIRE(store->append(batch, at(kMorning + kDay)));
    CHECK(all_events(*store).size() == 202);
    CHECK(*store->horizon() == at(kMorning + kDay));
}

// Figures, not assertions on time: run with  unit_tests "[.bench]" -s
TEST_CASE("history store benchmark", "[.bench]") {
    using Clock = std::chrono::steady_clock;
    const auto milliseconds = [](Clock::duration elapsed) {
        return std::chrono::duration<double, std::milli>(elapsed).count();
    };
    TempDir dir;
    const std::string path = dir.file("history.db");
    auto store = open_store(path);

    constexpr int kDurableAppends = 1000;
    const auto appends_start = Clock::now();
    for (int index = 0; index < kDurableAppends; ++index) {
        HistoryEvent taken =
            event("am", EventKind::Taken, kMorning + index * kDay, kMorning + index * kDay + 60);
        taken.amount = "144 mg";
        REQUIRE(store->append({taken}, at(kMorning + index * kDay + 60)));
    }
    const double append_ms = milliseconds(Clock::now() - appends_start);
    std::cout << kDurableAppends << " durable single-event appends: " << append_ms << " ms, "
              << kDurableAppends / (append_ms / 1000.0) << " appends/s\n";

    // A million rows over about three years, ten items: ~900 events a day.
    constexpr std::int64_t kRows = 1'000'000;
    constexpr std::int64_t kSpan = 3 * 365 * kDay;
    constexpr std::int64_t kStep = kSpan / kRows;
    const auto fill_start = Clock::now();
    std::vector<HistoryEvent> chunk;
    for (std::int64_t row = 0; row < kRows; ++row) {
        const std::int64_t when = kMorning - kSpan + row * kStep;
        HistoryEvent filler = event("item-" + std::to_string(row % 10),
                                    row % 3 == 0 ? EventKind::Due : EventKind::Missed, when, when);
        chunk.push_back(std::move(filler));
        if (chunk.size() == 20'000) {
            REQUIRE(store->append(chunk));
            chunk.clear();
        }
    }
    REQUIRE(store->append(chunk));
    std::cout << "filled " << kRows << " rows in " << milliseconds(Clock::now() - fill_start)
              << " ms\n";

    const Instant to = at(kMorning - 200 * kDay);
    const Instant from = to - Seconds{30 * kDay};
    const auto timed = [&](const char* name, auto query) {
        const auto start = Clock::now();
        const std::size_t count = query();
        std::cout << name << ": " << count << " rows in " << milliseconds(Clock::now() - start)
                  << " ms\n";
        CHECK(count > 0);
    };
    timed("events_between 30 days", [&] { return store->events_between(from, to)->size(); });
    timed("events_between 30 days, one item",
          [&] { return store->events_between(from, to, "item-3")->size(); });
    timed("events_planned_between 30 days",
          [&] { return store->events_planned_between(from, to)->size(); });
    timed("events_planned_between 1 day",
          [&] { return store->events_planned_between(to - Seconds{kDay}, to)->size(); });
    timed("first_dose", [&] { return std::size_t{store->first_dose()->has_value()}; });
    timed("horizon", [&] { return std::size_t{store->horizon()->has_value()}; });
}

TEST_CASE("tracking_since is kept once; diary entries never move it", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    CHECK_FALSE(*store->tracking_since());
    // A history from before the key existed: its first tracked dose, not a backdated entry.
    REQUIRE(
        store->append({event("migraine", EventKind::Symptom, std::nullopt, kMorning - 10 * kDay),
                       event("am", EventKind::Due, kMorning, kMorning)}));
    CHECK(*store->tracking_since() == at(kMorning));
    REQUIRE(store->set_tracking_since(at(kMorning - kHour)));
    REQUIRE(store->set_tracking_since(at(kMorning + kDay)));  // kept once: ignored
    CHECK(*store->tracking_since() == at(kMorning - kHour));
}

TEST_CASE("after an undo a dose can be answered again, and only then", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    REQUIRE(store->append({event("am", EventKind::Taken, kMorning, kMorning + 60)}));
    CHECK_FALSE(store->append({event("am", EventKind::Skipped, kMorning, kMorning + 90)}));
    REQUIRE(store->append({event("am", EventKind::Undone, kMorning, kMorning + 120)}));
    REQUIRE(store->append({event("am", EventKind::Skipped, kMorning, kMorning + 180)}));
    CHECK_FALSE(store->append({event("am", EventKind::Taken, kMorning, kMorning + 240)}));
    auto events = store->events_planned_between(at(kMorning), at(kMorning + 1));
    REQUIRE(events);
    REQUIRE(events->size() == 3);
    CHECK((*events)[1].kind == EventKind::Undone);
}

TEST_CASE("a version 1 history migrates and keeps its events", "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    write_old_history(
        path, 1, "INSERT INTO events (item, event, planned, at) VALUES ('am', 'taken', 100, 160)");
    auto store = open_store(path);
    CHECK(all_events(*store).size() == 1);
    CHECK(raw_integer(raw_open(path).get(), "PRAGMA user_version") == HistoryStore::kSchemaVersion);
    CHECK_FALSE(store->append({event("am", EventKind::Taken, 100, 200)}));
}

TEST_CASE("a version 2 history gains the quantity column and keeps every event",
          "[history][inventory]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    write_old_history(path, 2,
                      "INSERT INTO events (item, event, planned, at, note, severity) VALUES "
                      "('am', 'taken', 100, 160, '', -1), ('am', 'undone', 100, 170, 'taken', -1), "
                      "('migraine', 'symptom', NULL, 180, 'left side', 6)");
    auto store = open_store(path);
    auto events = all_events(*store);
    REQUIRE(events.size() == 3);
    CHECK(events[1].kind == EventKind::Undone);
    CHECK(events[2].note == "left side");
    CHECK(events[2].severity == 6);
    for (const auto& kept : events) {
        CHECK_FALSE(kept.quantity);
    }
    CHECK(raw_integer(raw_open(path).get(), "PRAGMA user_version") == HistoryStore::kSchemaVersion);
}

TEST_CASE("a version 4 history gains amount_recorded; a recorded amount reads back",
          "[history][diary]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    write_old_history(path, 4,
                      "INSERT INTO events (item, event, planned, at, amount) VALUES "
                      "('pm', 'taken', 100, 160, '300 mg')");
    auto store = open_store(path);
    CHECK(raw_integer(raw_open(path).get(), "PRAGMA user_version") == 6);
    HistoryEvent said = event("pm", EventKind::Taken, 200, 260);
    said.amount = "200 mg";
    said.amount_recorded = true;
    REQUIRE(store->append({said}));
    auto events = all_events(*store);
    REQUIRE(events.size() == 2);
    // The old event's amount is the plan's; the new one says what was taken.
    CHECK(events[0].amount == "300 mg");
    CHECK_FALSE(events[0].amount_recorded);
    CHECK(events[1].amount == "200 mg");
    CHECK(events[1].amount_recorded);
}

TEST_CASE("refill and stock events keep their quantity; the stock query starts at the last count",
          "[history][inventory]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    auto with_quantity = [](std::string item, EventKind kind, std::int64_t when, double quantity) {
        HistoryEvent result = event(std::move(item), kind, std::nullopt, when);
        result.quantity = quantity;
        return result;
    };
    REQUIRE(store->append({
        with_quantity("am", EventKind::Stock, kMorning, 10),
        event("am", EventKind::Taken, kMorning + 100, kMorning + 110),
        with_quantity("am", EventKind::Refill, kMorning + 200, 12.5),
        event("am", EventKind::Due, kMorning + 300, kMorning + 300),
        with_quantity("pm", EventKind::Refill, kMorning + 300, 5),
        with_quantity("am", EventKind::Stock, kMorning + 400, 7),
        event("am", EventKind::Taken, kMorning + 500, kMorning + 510),
    }));
    auto all = all_events(*store);
    REQUIRE(all.size() == 7);
    CHECK(all[2].quantity == 12.5);
    CHECK_FALSE(all[1].quantity);

    auto from_last_count = store->stock_events("am", at(kMorning + 1000));
    REQUIRE(from_last_count);
    REQUIRE(from_last_count->size() == 2);
    CHECK((*from_last_count)[0].quantity == 7);
    CHECK((*from_last_count)[1].kind == EventKind::Taken);
    // On a past day the count before the second one is the start.
    auto earlier = store->stock_events("am", at(kMorning + 300));
    REQUIRE(earlier);
    REQUIRE(earlier->size() == 3);  // stock, taken, refill (no due, no other item)
    CHECK((*earlier)[0].quantity == 10);
    auto none = store->stock_events("am", at(kMorning - 1));
    REQUIRE(none);
    CHECK(none->empty());
    const auto by_item = store->all_stock_events(at(kMorning + 1000));
    REQUIRE(by_item);
    std::set<std::string> counted;
    for (const auto& [item, events] : *by_item) {
        counted.insert(item);
    }
    CHECK(counted == std::set<std::string>{"am", "pm"});

    // The same for every counted item in one read, inside one read snapshot.
    const auto snapshot = store->read_snapshot();
    for (std::int64_t when : {kMorning + 1000, kMorning + 300, kMorning - 1}) {
        auto by_item = store->all_stock_events(at(when));
        REQUIRE(by_item);
        auto am = store->stock_events("am", at(when));
        auto pm = store->stock_events("pm", at(when));
        const auto& found = *by_item;
        CHECK(found.count("am") == (am->empty() ? 0U : 1U));
        CHECK(found.count("pm") == (pm->empty() ? 0U : 1U));
        if (found.count("am") != 0) {
            CHECK(found.at("am") == *am);
        }
        if (found.count("pm") != 0) {
            CHECK(found.at("pm") == *pm);
        }
    }
}

TEST_CASE("when the low-stock notice was shown is kept, and cleared", "[history][inventory]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    {
        auto store = open_store(path);
        CHECK_FALSE(*store->stock_warned("am"));
        REQUIRE(store->set_stock_warned("am", at(kMorning)));
        REQUIRE(store->set_stock_warned("am", at(kMorning + kDay)));
        CHECK_FALSE(*store->stock_warned("pm"));
    }
    auto store = open_store(path);  // across a restart
    CHECK(*store->stock_warned("am") == at(kMorning + kDay));
    // Every item's, in one read.
    REQUIRE(store->set_stock_warned("b", at(kMorning)));
    CHECK(*store->stock_warned_all() ==
          std::map<std::string, Instant>{{"am", at(kMorning + kDay)}, {"b", at(kMorning)}});
    REQUIRE(store->set_stock_warned("am", std::nullopt));
    CHECK_FALSE(*store->stock_warned("am"));
}

TEST_CASE("events_between_bounded stops reading once the rows pass the limit", "[history]") {
    TempDir dir;
    auto store = open_store(dir.file("history.db"));
    std::vector<HistoryEvent> events;
    for (int i = 0; i < 10; ++i) {
        HistoryEvent entry = event("migraine", EventKind::Symptom, std::nullopt, kMorning + i);
        entry.note = std::string(1000, 'n');
        events.push_back(entry);
    }
    REQUIRE(store->append(events));
    auto size_of = [](const HistoryEvent& e) -> std::size_t { return e.note.size(); };
    std::size_t (*row_bytes)(const HistoryEvent&) = size_of;

    SECTION("within the limit: every row, not over") {
        bool over = true;
        auto read =
            store->events_between_bounded(at(0), at(kMorning + kDay), 10'000, row_bytes, over);
        REQUIRE(read);
        CHECK_FALSE(over);
        CHECK(read->size() == 10);
    }
    SECTION("past the limit: over, and no more rows kept than it took to pass it") {
        bool over = false;
        auto read =
            store->events_between_bounded(at(0), at(kMorning + kDay), 3'500, row_bytes, over);
        REQUIRE(read);
        CHECK(over);
        CHECK(read->size() == 4);
    }
}

TEST_CASE("a version 3 history gains the index of the shown events and keeps every event",
          "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    write_old_history(
        path, 3,
        "INSERT INTO events (item, event, planned, at, note, severity, quantity) VALUES "
        "('am', 'due', 100, 100, '', -1, NULL), ('am', 'taken', 100, 160, '', -1, NULL), "
        "('am', 'refill', NULL, 170, '', -1, 30), "
        "('migraine', 'symptom', NULL, 180, 'left side', 6, NULL), "
        "('pm', 'due', 200, 200, '', -1, NULL)");
    auto store = open_migrated(path, "events_shown_at", 5);

    bool over = true;
    auto shown = store->events_between_bounded(
        at(0), at(1000), 1 << 20, [](const HistoryEvent&) -> std::size_t { return 1; }, over,
        /*with_due=*/false);
    REQUIRE(shown);
    CHECK_FALSE(over);
    REQUIRE(shown->size() == 3);
    CHECK((*shown)[0].kind == EventKind::Taken);
    CHECK((*shown)[1].kind == EventKind::Refill);
    CHECK((*shown)[1].quantity == 30.0);
    CHECK((*shown)[2].note == "left side");
}

TEST_CASE("the events `history` shows are read through their own index, already in order",
          "[history]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    open_store(path);
    auto raw = raw_open(path);
    // The statement of events_between_bounded without `due` events (store/history.cpp).
    sqlite::Statement plan;
    REQUIRE(sqlite::Statement::prepare(
                raw.get(),
                "EXPLAIN QUERY PLAN SELECT item, event, planned, at, note, severity, amount, "
                "quantity FROM events WHERE at >= ?1 AND at < ?2 AND event != 'due' "
                "ORDER BY at, id",
                plan) == SQLITE_OK);
    std::string details;
    while (plan.step() == SQLITE_ROW) {
        details += plan.text(3) + "\n";
    }
    CHECK_THAT(details, Catch::Contains("USING INDEX events_shown_at"));
    // No sort of its own: the index gives the rows by (at, id).
    CHECK_THAT(details, !Catch::Contains("TEMP B-TREE"));
}

TEST_CASE("a version 5 history gains the index of pauses; pauses read back in order",
          "[history][pause]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    write_old_history(path, 5,
                      "INSERT INTO events (item, event, planned, at, note) VALUES "
                      "('am', 'due', 100, 100, ''), ('am', 'paused', 100, 150, '2026-12-10'), "
                      "('pm', 'taken', 200, 210, '')");
    auto store = open_migrated(path, "events_pauses", 3);

    REQUIRE(store->append({event("am", EventKind::Resumed, std::nullopt, 300)}));
    auto pauses = store->pause_events();
    REQUIRE(pauses);
    REQUIRE(pauses->size() == 2);
    CHECK((*pauses)[0].kind == EventKind::Paused);
    CHECK((*pauses)[0].planned == at(100));
    CHECK((*pauses)[0].note == "2026-12-10");
    CHECK((*pauses)[1].kind == EventKind::Resumed);
    CHECK((*pauses)[1].at == at(300));
}
