// Hook events through the engine, with an injected clock, a real history database and a
// launcher that records what it is handed: due, escalated, taken, undone, skipped, missed,
// low_stock and regimen_error, each with its placeholders' values at literal instants.
#include <catch2/catch.hpp>

#include <fstream>
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

struct NullDisplay : ReminderDisplay {
    void show(const ReminderText&) override {}
    void close(const DoseKey&) override {}
    void notice(const std::string&, const std::string&, const std::string&) override {}
};

// Each call as one line: "argv[1] argv[2] ..." (argv[0] is always `record`).
struct RecordingLauncher : HookLauncher {
    std::vector<std::string> lines;
    std::vector<HookCall> calls;
    void launch(HookCall call) override {
        std::string line;
        for (std::size_t i = 1; i < call.argv.size(); ++i) {
            line += (i > 1 ? " " : "") + call.argv[i];
        }
        lines.push_back(line);
        calls.push_back(std::move(call));
    }
    std::vector<std::string> take() { return std::exchange(lines, {}); }
};

constexpr const char* kRegimen = R"(version: 1
timezone: Europe/Berlin
reminders: {repeat_every: 1h, escalate_after: 1h, missed_after: 3h}
items:
  - id: glycinate
    name: Magnesium "glycinate"
    amount: 200 mg
    at: "21:30"
    stock: {per_dose: 1, warn_before: 2d22h50m}
  - id: topical
    name: Topical magnesium
    as_needed: true
hooks:
  - events: [due, escalated, taken, skipped, missed, undone, low_stock, regimen_error]
    run: [record, "{event}", "{item}", "{name}", "{amount}", "[{planned}]", "{at}"]
)";

class HookedEngine {
  public:
    explicit HookedEngine(const std::string& start) : config_(dir_.file("regimen.yaml")) {
        write_regimen(config_, kRegimen);
        store_ = open_history_ok(dir_.file("history.db"));
        engine_.emplace(config_, load_ok(config_), *store_, display_, signals_, scheduler_);
        engine_->use_hooks(&hooks);
        now_ = berlin_local(start);
        start_engine(*engine_, now_);
    }

    void run_until(const std::string& end) {
        run_engine_until(*engine_, scheduler_, now_, berlin_local(end));
    }

    Engine& engine() { return *engine_; }
    Micros now() const { return micros(now_); }
    const std::string& config() const { return config_; }

    RecordingLauncher hooks;

  private:
    TempDir dir_;
    std::string config_;
    NullDisplay display_;
    QuietSignals signals_;
    RecordingScheduler scheduler_;
    std::unique_ptr<HistoryStore> store_;
    std::optional<Engine> engine_;
    Instant now_{};
};

}  // namespace

TEST_CASE("the engine raises every hook event where it happens", "[hooks][engine]") {
    HookedEngine daemon("2026-11-02 12:00");
    REQUIRE((daemon.engine().refill("glycinate", 3, true, daemon.now())).ok());
    // Three doses cover 2026-11-02 to 11-04: the stock runs out 2026-11-05 21:30, which comes
    // within warn_before (70h50m) between the escalation (22:30) and the take (22:45).
    CHECK(daemon.hooks.take().empty());

    const std::string planned = "[2026-11-02T21:30:00+01:00]";
    const std::string name = "Magnesium \"glycinate\"";
    daemon.run_until("2026-11-02 21:30");
    CHECK(daemon.hooks.take() == std::vector<std::string>{"due glycinate " + name + " 200 mg " +
                                                          planned + " 2026-11-02T21:30:00+01:00"});
    // Re-reminders are no event; escalation after 1h is one.
    daemon.run_until("2026-11-02 22:29");
    CHECK(daemon.hooks.take().empty());
    daemon.run_until("2026-11-02 22:45");
    CHECK(daemon.hooks.take() ==
          std::vector<std::string>{"escalated glycinate " + name + " 200 mg " + planned +
                                   " 2026-11-02T22:30:00+01:00"});

    REQUIRE((daemon.engine().confirm("glycinate", {}, daemon.now())).ok());
    // The stock (3 - 1 = 2) now runs out within warn_before: low_stock, after taken.
    CHECK(daemon.hooks.take() ==
          std::vector<std::string>{
              "taken glycinate " + name + " 200 mg " + planned + " 2026-11-02T22:45:00+01:00",
              "low_stock glycinate " + name + " 200 mg [] 2026-11-02T22:45:00+01:00"});

    // Undone within missed_after: due again, and already escalated, at once.
    REQUIRE((daemon.engine().undo("glycinate", daemon.now())).ok());
    const std::string again =
        " glycinate " + name + " 200 mg " + planned + " 2026-11-02T22:45:00+01:00";
    CHECK(daemon.hooks.take() ==
          std::vector<std::string>{"due" + again, "escalated" + again, "undone" + again});
    REQUIRE((daemon.engine().skip("glycinate", "travelling", daemon.now())).ok());
    CHECK(daemon.hooks.take() == std::vector<std::string>{"skipped" + again});

    // The next day's dose is never answered: missed at planned + missed_after.
    daemon.run_until("2026-11-04 01:00");
    auto missed = daemon.hooks.take();
    REQUIRE(!missed.empty());
    CHECK(missed.back() == "missed glycinate " + name +
                               " 200 mg [2026-11-03T21:30:00+01:00] "
                               "2026-11-04T00:30:00+01:00");

    // A logged as-needed dose is `taken` with no planned instant.
    REQUIRE(
        (daemon.engine().log_dose("topical", berlin_local("2026-11-04 00:50"), "", daemon.now()))
            .ok());
    CHECK(
        daemon.hooks.take() ==
        std::vector<std::string>{"taken topical Topical magnesium  [] 2026-11-04T00:50:00+01:00"});

    // A file that no longer loads: regimen_error, once for the same text.
    std::ofstream(daemon.config()) << "version: 1\nitems: [\n";
    CHECK(!(daemon.engine().reload(ReloadTrigger::FileChanged, daemon.now())).ok());
    CHECK(daemon.engine().reload(ReloadTrigger::FileChanged, daemon.now()).index() == 1);
    CHECK(daemon.hooks.take() ==
          std::vector<std::string>{"regimen_error    [] 2026-11-04T01:00:00+01:00"});
    // The REGIMEND_* variables hold the same values.
    CHECK(daemon.hooks.calls.back().environment.back() ==
          std::pair<std::string, std::string>{"REGIMEND_EVENT", "regimen_error"});
}

TEST_CASE("a regimen with errors at start raises regimen_error once the loop runs",
          "[hooks][engine]") {
    TempDir dir;
    const std::string config = dir.file("regimen.yaml");
    std::ofstream(config) << "version: 1\nitems: [\n";
    auto store = open_history_ok(dir.file("history.db"));
    NullDisplay display;
    QuietSignals signals;
    RecordingScheduler scheduler;
    LoadedRegimen failed = load_regimen_file(config);
    REQUIRE_FALSE(failed.regimen);
    // The last valid regimen, with a hook for it.
    LoadedRegimen kept = check_regimen_text(kRegimen, config, &TimeZone::utc());
    REQUIRE(kept.regimen);
    Engine engine(config, std::move(kept), *store, display, signals, scheduler);
    RecordingLauncher hooks;
    engine.use_hooks(&hooks);
    const Instant start = berlin_local("2026-11-02 12:00");
    REQUIRE(engine.restore(micros(start)));
    engine.start_despite(failed, true);
    CHECK(hooks.lines.empty());
    engine.advance(micros(start));
    CHECK(hooks.take() ==
          std::vector<std::string>{"regimen_error    [] 2026-11-02T12:00:00+01:00"});
    engine.advance(micros(start + 1s));
    CHECK(hooks.take().empty());
}
