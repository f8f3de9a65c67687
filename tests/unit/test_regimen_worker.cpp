// RegimenWorker: regimens checked on its thread come back on the loop thread, in order; a
// waiting file-change job is replaced by a newer one; destroying it with work queued or
// running joins cleanly (the sanitizer suite runs this too).
#include <systemd/sd-event.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "host/sd_handles.hpp"
#include "loop/regimen_worker.hpp"
#include "temp_dir.hpp"

using namespace regimend;
using regimend::testing::TempDir;

namespace {

EventPtr new_loop() {
    sd_event* raw = nullptr;
    REQUIRE(sd_event_new(&raw) >= 0);
    return EventPtr(raw);
}

std::string regimen_with(int items) {
    std::string yaml = "version: 1\ntimezone: UTC\nitems:\n";
    for (int i = 0; i < items; ++i) {
        yaml += "  - {id: i" + std::to_string(i) + ", name: Item, at: \"08:00\"}\n";
    }
    return yaml;
}

// Runs the loop until `done` says so (each iteration waits for the worker's eventfd).
template <class Done>
void run_until(sd_event* loop, Done done) {
    while (!done()) {
        REQUIRE(sd_event_run(loop, 10'000'000) >= 0);
    }
}

}  // namespace

TEST_CASE("checked regimens come back on the loop thread, in order", "[regimen_worker]") {
    EventPtr loop = new_loop();
    RegimenWorker worker(loop.get());
    const auto loop_thread = std::this_thread::get_id();
    std::vector<std::size_t> items;
    std::vector<bool> on_loop;
    for (int count : {3, 1, 2}) {
        worker.check(regimen_with(count), "test.yaml", [&](LoadedRegimen loaded) {
            on_loop.push_back(std::this_thread::get_id() == loop_thread);
            items.push_back(loaded.regimen ? loaded.regimen->items.size() : 0);
        });
    }
    worker.check("version: 1\nitems: [{id: x}]\n", "bad.yaml", [&](LoadedRegimen loaded) {
        on_loop.push_back(std::this_thread::get_id() == loop_thread);
        CHECK_FALSE(loaded.regimen);
        CHECK(loaded.error_count() > 0);
        items.push_back(0);
    });
    run_until(loop.get(), [&] { return items.size() == 4; });
    CHECK(items == std::vector<std::size_t>{3, 1, 2, 0});
    CHECK(on_loop == std::vector<bool>{true, true, true, true});
}

TEST_CASE("a file is read on the worker; a waiting file change is replaced by the newer one",
          "[regimen_worker]") {
    TempDir dir;
    const std::string path = dir.file("regimen.yaml");
    std::ofstream(path) << regimen_with(2);
    EventPtr loop = new_loop();
    RegimenWorker worker(loop.get());
    std::vector<std::string> delivered;
    // A slow job first, so the two file changes behind it are both still waiting.
    worker.check(regimen_with(3000), "slow.yaml",
                 [&](LoadedRegimen) { delivered.push_back("slow"); });
    worker.load(
        path, [&](LoadedRegimen) { delivered.push_back("first change"); }, true);
    worker.load(
        path,
        [&](LoadedRegimen loaded) {
            REQUIRE(loaded.regimen);
            CHECK(loaded.regimen->items.size() == 2);
            delivered.push_back("second change");
        },
        true);
    worker.load(path, [&](LoadedRegimen) { delivered.push_back("request"); });
    run_until(loop.get(), [&] { return delivered.size() == 3; });
    CHECK(delivered == std::vector<std::string>{"slow", "second change", "request"});
}

TEST_CASE("destroying the worker with jobs queued and running joins cleanly", "[regimen_worker]") {
    EventPtr loop = new_loop();
    int delivered = 0;
    {
        RegimenWorker worker(loop.get());
        for (int i = 0; i < 5; ++i) {
            worker.check(regimen_with(1000), "test.yaml", [&](LoadedRegimen) { ++delivered; });
        }
    }
    // Nothing is delivered after the worker is gone, and nothing is left behind.
    CHECK(delivered == 0);
    CHECK(sd_event_run(loop.get(), 0) >= 0);
}
