// check_history (store/health.hpp): a damaged, foreign or locked history found at start,
// never modified by the check; and the missed notice that no longer advises a `take`
// which could not be recorded (app/degraded_display.hpp).
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "app/degraded_display.hpp"
#include "store/health.hpp"
#include "store/history.hpp"
#include "store/sqlite_handles.hpp"
#include "temp_dir.hpp"

using namespace regimend;
using regimend::testing::TempDir;

namespace {

void exec(const std::string& path, const std::string& sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    sqlite::DatabasePtr db(raw);
    REQUIRE(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
}

std::string contents(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void make_history(const std::string& path) {
    auto opened = HistoryStore::open(path);
    REQUIRE(opened);
    std::vector<HistoryEvent> events;
    for (int i = 0; i < 300; ++i) {
        HistoryEvent event;
        event.item = "migraine";
        event.kind = EventKind::Symptom;
        event.at = Instant{Seconds{1'795'334'400 + i}};
        event.note = std::string(400, 'n');
        events.push_back(event);
    }
    REQUIRE((*opened)->append(events));
}

}  // namespace

TEST_CASE("a missing, empty or regimend history is healthy", "[history_health]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    CHECK(check_history(path));
    { std::ofstream empty(path); }
    CHECK(check_history(path));
    std::filesystem::remove(path);
    make_history(path);
    const std::string before = contents(path);
    const HistoryHealth health = check_history(path);
    INFO(health.detail);
    CHECK(health);
    CHECK(contents(path) == before);  // the write probe was rolled back
}

TEST_CASE("a page damaged behind an intact header is found", "[history_health]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    make_history(path);
    const auto size = std::filesystem::file_size(path);
    REQUIRE(size > 3 * 4096);
    {
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(size - 4096));
        const std::string junk(4096, '\x5a');
        file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    const std::string before = contents(path);
    const HistoryHealth health = check_history(path);
    CHECK(health.problem == HistoryProblem::Damaged);
    CHECK_FALSE(health.detail.empty());
    CHECK(health.summary(path).find("damaged") != std::string::npos);
    CHECK(health.advice(path).find("mv " + path) != std::string::npos);
    CHECK(contents(path) == before);
}

TEST_CASE("a file that is not a database is damaged, not adopted", "[history_health]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    {
        std::ofstream file(path, std::ios::binary);
        file << std::string(8192, 'x');
    }
    CHECK(check_history(path).problem == HistoryProblem::Damaged);
}

TEST_CASE("an unrelated SQLite file is foreign and left as it was", "[history_health]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    exec(path, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')");
    const std::string before = contents(path);
    const HistoryHealth health = check_history(path);
    CHECK(health.problem == HistoryProblem::Foreign);
    CHECK(health.detail.find("contacts") != std::string::npos);
    CHECK(contents(path) == before);
}

TEST_CASE("another process holding the write lock is contention, not a problem",
          "[history_health]") {
    TempDir dir;
    const std::string path = dir.file("history.db");
    make_history(path);
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    sqlite::DatabasePtr holder(raw);
    REQUIRE(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    const HistoryHealth health = check_history(path);
    INFO(health.detail);
    CHECK(health);
    sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
}

TEST_CASE("a refusing store keeps nothing and says why", "[history_health]") {
    auto opened = HistoryStore::open_refusing_writes("the history database is damaged");
    REQUIRE(opened);
    HistoryStore& store = **opened;
    HistoryEvent event;
    event.item = "am";
    event.kind = EventKind::Taken;
    event.at = Instant{Seconds{1'795'334'400}};
    auto written = store.append({event});
    REQUIRE_FALSE(written);
    CHECK(written.error().message == "the history database is damaged");
    auto read = store.events_between(Instant{}, Instant{Seconds{1LL << 40}});
    REQUIRE(read);
    CHECK(read->empty());
}

TEST_CASE("the missed notice drops its `take` advice and says why", "[history_health]") {
    const std::string body = DegradedDisplay::without_take_advice(
        "Morning dose at 08:00\nIf you took it, record it with: regimenctl take am --at 08:00",
        "the history database is damaged");
    CHECK(body.find("regimenctl take") == std::string::npos);
    CHECK(body.find("Morning dose at 08:00") != std::string::npos);
    CHECK(body.find("It cannot be recorded: the history database is damaged") != std::string::npos);
    const std::string several = DegradedDisplay::without_take_advice(
        "If you took them, record each with the command after it:\n"
        "Threonate at 08:00: regimenctl take threonate-am --at 08:00\n"
        "Glycinate at Sun 21:30: regimenctl take glycinate-pm --at \"2026-11-29 21:30\"",
        "the history database is damaged");
    CHECK(several ==
          "Threonate at 08:00\nGlycinate at Sun 21:30\n"
          "It cannot be recorded: the history database is damaged");
}
