// Helpers for the engine's tests (test_engine_*.cpp): signals a test may ignore, a scheduler
// that keeps the engine's next wakeup, and a clock the test drives through those wakeups.
#pragma once

#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "app/engine.hpp"
#include "host/zoneinfo.hpp"

namespace regimend::test {

// Every signal ignored: a test derives from it and overrides the signals it records.
struct QuietSignals : DoseSignals {
    void dose_due(const DoseKey&) override {}
    void dose_taken(const DoseKey&, Instant) override {}
    void dose_skipped(const DoseKey&) override {}
    void dose_missed(const DoseKey&) override {}
    void dose_undone(const DoseKey&) override {}
    void regimen_reloaded(std::uint32_t) override {}
    void reload_failed(const std::string&) override {}
    void properties_changed() override {}
};

// The engine's next wakeup, as the event loop's timer would hold it.
struct RecordingScheduler : WakeupScheduler {
    std::optional<Instant> deadline;
    void schedule(std::optional<Instant> next) override { deadline = next; }
};

inline Micros micros(Instant instant) {
    return Micros{instant.time_since_epoch()};
}

// "2026-11-02 21:30" in Europe/Berlin.
inline Instant berlin_local(const std::string& text) {
    const auto day = *parse_date(text.substr(0, 10));
    const auto time = *parse_clock_time(text.substr(11));
    return to_instant(*regimend::locate_zone("Europe/Berlin"),
                      LocalTime{date::local_days{day}} + time);
}

// Writes the regimen file the engine is to load, and keeps the log to warnings: a simulated
// day repeats a reminder every few minutes, and the log would drown Catch's.
inline void write_regimen(const std::string& path, const std::string& text) {
    spdlog::set_level(spdlog::level::warn);
    std::ofstream(path) << text;
}

// The history database at `path`, which must open.
inline std::unique_ptr<HistoryStore> open_history_ok(const std::string& path) {
    auto opened = HistoryStore::open(path);
    REQUIRE(opened.ok());
    return std::move(*opened);
}

// The regimen file at `path`, which must load.
inline LoadedRegimen load_ok(const std::string& path,
                             const ZoneLookup& zone_lookup = lookup_system_zone) {
    LoadedRegimen loaded = load_regimen_file(path, zone_lookup);
    REQUIRE(loaded.regimen);
    return loaded;
}

// The engine starts at `now` as the daemon does: the history read back, then a first advance.
inline void start_engine(Engine& engine, Instant now) {
    REQUIRE(engine.restore(micros(now)));
    engine.advance(micros(now));
}

// Time passes normally until `until`: every wakeup the engine asked for happens, in order,
// then the clock (`now`) stands at `until` and the engine advances once more.
inline void run_engine_until(Engine& engine, const RecordingScheduler& scheduler, Instant& now,
                             Instant until) {
    while (scheduler.deadline && *scheduler.deadline <= until) {
        now = std::max(now, *scheduler.deadline);
        engine.advance(micros(now));
    }
    now = until;
    engine.advance(micros(now));
}

}  // namespace regimend::test
