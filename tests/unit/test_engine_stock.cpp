// Inventory through the engine, with an injected clock, a real history database and
// recording outputs: a count set, taken, undone and refilled; the low-stock notice shown
// once, not again the same day (nor after a restart), again at the next day's first
// reminder, and taken away by a refill.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine_fixtures.hpp"
#include "temp_dir.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;
using regimend::testing::TempDir;

namespace {

struct Notice {
    std::string key;
    std::string summary;
};

struct RecordingDisplay : ReminderDisplay {
    std::vector<ReminderText> shown;
    std::vector<Notice> notices;
    std::vector<std::string> closed_notices;
    void show(const ReminderText& reminder) override { shown.push_back(reminder); }
    void close(const DoseKey&) override {}
    void notice(const std::string& key, const std::string& summary, const std::string&) override {
        notices.push_back({key, summary});
    }
    void close_notice(const std::string& key) override { closed_notices.push_back(key); }
    std::vector<Notice> stock_notices() const {
        std::vector<Notice> result;
        for (const auto& notice : notices) {
            if (notice.key.starts_with("stock-low:")) {
                result.push_back(notice);
            }
        }
        return result;
    }
};

struct RecordingSignals : QuietSignals {
    std::vector<std::string> stock_low_items;
    int stock_changes = 0;
    void stock_low(const std::string& item, std::optional<double>,
                   std::optional<Instant>) override {
        stock_low_items.push_back(item);
    }
    void stock_changed() override { ++stock_changes; }
};

constexpr const char* kRegimen = R"(version: 1
timezone: Europe/Berlin
reminders: {repeat_every: 10m, escalate_after: 1h, missed_after: 3h}
items:
  - id: glycinate
    name: Magnesium glycinate
    dose: 2 capsules
    at: "21:30"
    stock: {per_dose: 2, unit: capsules, warn_before: 3d}
  - id: plain
    name: No stock kept
    at: "08:00"
)";

class StockedEngine {
  public:
    explicit StockedEngine(const std::string& start) : config_(dir_.file("regimen.yaml")) {
        write_regimen(config_, kRegimen);
        open(Instant{});
        now_ = local(start);
        start_engine(*engine_, now_);
    }

    // The daemon stops and starts again on the same files at the current time.
    void restart() {
        engine_.reset();
        store_.reset();
        open(now_);
        start_engine(*engine_, now_);
    }

    void run_until(const std::string& end) {
        run_engine_until(*engine_, scheduler, now_, berlin_local(end));
    }

    double refill(double quantity, bool absolute) {
        auto result = engine_->refill("glycinate", quantity, absolute, micros(now_));
        REQUIRE(std::holds_alternative<double>(result));
        return std::get<double>(result);
    }
    void take() {
        REQUIRE(std::holds_alternative<Instant>(engine_->confirm("gly", {}, micros(now_))));
    }
    void undo() { REQUIRE(std::holds_alternative<Instant>(engine_->undo("gly", micros(now_)))); }

    Engine::StockRow row() {
        auto rows = engine_->stock(micros(now_));
        REQUIRE(std::holds_alternative<std::vector<Engine::StockRow>>(rows));
        auto& list = std::get<std::vector<Engine::StockRow>>(rows);
        REQUIRE(list.size() == 1);  // `plain` keeps no stock
        return list.front();
    }

    Engine& engine() { return *engine_; }
    Instant local(const std::string& text) const { return berlin_local(text); }

    RecordingDisplay display;
    RecordingSignals signals;
    RecordingScheduler scheduler;

  private:
    void open(Instant) {
        store_ = open_history_ok(dir_.file("history.db"));
        engine_.emplace(config_, load_ok(config_), *store_, display, signals, scheduler);
    }

    TempDir dir_;
    std::string config_;
    std::unique_ptr<HistoryStore> store_;
    std::optional<Engine> engine_;
    Instant now_{};
};

}  // namespace

TEST_CASE("stock through the engine: set, take, undo, refill, and the low-stock notice",
          "[inventory][engine]") {
    StockedEngine daemon("2026-11-23 12:00");    // a Monday
    CHECK_FALSE(daemon.row().forecast.on_hand);  // never set

    CHECK(daemon.refill(10, true) == 10);
    auto row = daemon.row();
    CHECK(row.forecast.on_hand == 10);
    CHECK(row.forecast.doses_left == 5);
    CHECK(*row.forecast.runs_out == daemon.local("2026-11-28 21:30"));  // Mon..Fri covered
    CHECK(daemon.display.stock_notices().empty());

    daemon.run_until("2026-11-23 21:31");
    REQUIRE_FALSE(daemon.display.shown.empty());
    CHECK(daemon.display.shown.back().stock.empty());  // not low: the reminder says nothing
    daemon.take();
    CHECK(daemon.row().forecast.on_hand == 8);
    daemon.undo();  // gives the two capsules back
    CHECK(daemon.row().forecast.on_hand == 10);
    daemon.take();
    CHECK(daemon.row().forecast.on_hand == 8);

    daemon.run_until("2026-11-24 21:31");
    daemon.take();
    CHECK(daemon.row().forecast.on_hand == 6);
    CHECK(daemon.display.stock_notices().empty());  // Saturday is 4 days away: not low
    CHECK(daemon.engine().low_stock().empty());

    // Wednesday's reminder: its dose, Thursday's and Friday's use the 6; Saturday 21:30 is
    // 3 days away, within warn_before. One notice, one StockLow, and the reminder says so.
    daemon.run_until("2026-11-25 21:30");
    REQUIRE(daemon.display.stock_notices().size() == 1);
    CHECK(daemon.display.stock_notices()[0].summary ==
          "Magnesium glycinate: 6 capsules left, about 3 days; runs out Sat 21:30");
    CHECK(daemon.signals.stock_low_items == std::vector<std::string>{"glycinate"});
    CHECK(daemon.display.shown.back().stock == "6 capsules left");
    CHECK(daemon.engine().low_stock().count("glycinate") == 1);
    REQUIRE(daemon.engine().stock_warnings().size() == 1);

    // The repeats of the same evening, the take, a restart: no second notice that day.
    daemon.run_until("2026-11-25 21:55");
    daemon.take();
    daemon.restart();
    daemon.run_until("2026-11-25 23:00");
    CHECK(daemon.display.stock_notices().size() == 1);
    CHECK(daemon.signals.stock_low_items.size() == 1);
    CHECK(daemon.engine().low_stock().count("glycinate") == 1);  // known again after restart

    // Thursday's first reminder: still low, so once more.
    daemon.run_until("2026-11-26 21:30");
    REQUIRE(daemon.display.stock_notices().size() == 2);
    CHECK(daemon.display.shown.back().stock == "4 capsules left");
    daemon.run_until("2026-11-26 22:30");
    CHECK(daemon.display.stock_notices().size() == 2);

    // A refill moves the run-out out of the window: the notice goes, the set empties.
    CHECK(daemon.refill(20, false) == 24);
    CHECK(daemon.engine().low_stock().empty());
    CHECK(daemon.engine().stock_warnings().empty());
    CHECK(std::count(daemon.display.closed_notices.begin(), daemon.display.closed_notices.end(),
                     "stock-low:glycinate") == 1);
    daemon.take();  // Thursday's dose
    CHECK(daemon.row().forecast.on_hand == 22);
    CHECK(daemon.display.stock_notices().size() == 2);

    // Running low again later warns at once (the day rule starts over after a refill).
    CHECK(daemon.refill(2, true) == 2);
    CHECK(daemon.display.stock_notices().size() == 3);
}

TEST_CASE("out of stock: the reminder says so and the count goes below zero",
          "[inventory][engine]") {
    StockedEngine daemon("2026-11-23 12:00");
    CHECK(daemon.refill(1, true) == 1);
    CHECK(daemon.display.stock_notices().size() == 1);  // not enough for tonight's dose
    daemon.run_until("2026-11-23 21:30");
    daemon.take();
    CHECK(daemon.row().forecast.on_hand == -1);
    daemon.run_until("2026-11-24 21:30");
    CHECK(daemon.display.shown.back().stock == "out of stock");
    CHECK(daemon.display.stock_notices().size() == 2);
    CHECK(daemon.display.stock_notices().back().summary ==
          "Magnesium glycinate: out of stock (-1 capsules)");
}

TEST_CASE("refills are refused when they cannot be right", "[inventory][engine]") {
    StockedEngine daemon("2026-11-23 12:00");
    auto error_of = [&](std::string_view item, double quantity) {
        auto result =
            daemon.engine().refill(item, quantity, false, micros(daemon.local("2026-11-23 12:00")));
        REQUIRE(std::holds_alternative<Error>(result));
        return std::get<Error>(result);
    };
    CHECK(error_of("glycinate", -1).kind == ErrorKind::InvalidArgument);
    CHECK(error_of("glycinate", std::nan("")).kind == ErrorKind::InvalidArgument);
    CHECK(error_of("glycinate", 1e7).kind == ErrorKind::InvalidArgument);
    auto unstocked = error_of("plain", 5);
    CHECK(unstocked.kind == ErrorKind::InvalidArgument);
    CHECK_THAT(unstocked.message, Catch::Contains("stock:") && Catch::Contains("per_dose"));
    CHECK(error_of("nosuch", 5).kind == ErrorKind::UnknownItem);
    CHECK_FALSE(daemon.row().forecast.on_hand);  // nothing was written
}
