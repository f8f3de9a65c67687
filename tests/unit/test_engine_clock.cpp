// The engine with an injected clock, a real history database and recording outputs: the
// clock jumps a day forward, an hour back, and the system time zone changes. Each planned
// dose becomes due (and is first reminded) at most once, and gets exactly one outcome.
// "The loop" here is what the daemon's event loop does: wake at the engine's deadline, and
// call advance() at once when the clock is set (the timerfd's TFD_TIMER_CANCEL_ON_SET).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
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

struct RecordingDisplay : ReminderDisplay {
    std::vector<ReminderText> shown;
    std::vector<DoseKey> closed;
    std::vector<std::string> notices;
    void show(const ReminderText& reminder) override { shown.push_back(reminder); }
    void close(const DoseKey& dose) override { closed.push_back(dose); }
    void notice(const std::string& key, const std::string&, const std::string&) override {
        notices.push_back(key);
    }
};

struct RecordingSignals : QuietSignals {
    std::map<DoseKey, int> due;
    std::map<DoseKey, int> missed;
    std::map<DoseKey, int> taken;
    void dose_due(const DoseKey& dose) override { ++due[dose]; }
    void dose_taken(const DoseKey& dose, Instant) override { ++taken[dose]; }
    void dose_missed(const DoseKey& dose) override { ++missed[dose]; }
};

// The machine's zone as the engine sees it: injected, so no test touches $TZ.
class MachineZone {
  public:
    explicit MachineZone(const char* zone) { set(zone); }
    void set(const char* zone) { zone_ = regimend::locate_zone(zone); }
    ZoneLookup lookup() const {
        return [this](std::string*) { return zone_; };
    }

  private:
    const regimend::TimeZone* zone_ = nullptr;
};

constexpr const char* kTwiceDaily = R"(version: 1
reminders: {repeat_every: 10m, escalate_after: 1h, missed_after: 3h}
items:
  - {id: mag, name: Magnesium, at: ["08:00", "20:00"]}
)";

// One daemon's worth of engine on a fresh database, driven by a clock the test sets.
class EngineUnderTest {
  public:
    EngineUnderTest(const std::string& regimen_text, const std::string& start,
                    const MachineZone& machine_zone)
        : config_(dir_.file("regimen.yaml")) {
        write_regimen(config_, regimen_text);
        store_ = open_history_ok(dir_.file("history.db"));
        LoadedRegimen loaded = load_ok(config_, machine_zone.lookup());
        zone_ = loaded.regimen->zone;
        engine_.emplace(config_, std::move(loaded), *store_, display, signals, scheduler,
                        machine_zone.lookup());
        now_ = local(start);
        start_engine(*engine_, now_);
    }

    // Time passes normally: every wakeup the engine asked for happens, in order.
    void run_until(const std::string& end) { run_until(local(end)); }
    void run_until(Instant end) { run_engine_until(*engine_, scheduler, now_, end); }

    // The clock is set: the loop's clock watch calls advance() with the new time at once.
    void set_clock(Instant to) {
        now_ = to;
        engine_->advance(micros(now_));
    }

    Engine& engine() { return *engine_; }
    Instant now() const { return now_; }
    // "2027-03-01 08:00" in the zone the regimen was first loaded with.
    Instant local(const std::string& text) const {
        const auto day = *parse_date(text.substr(0, 10));
        const auto time = *parse_clock_time(text.substr(11));
        return to_instant(*zone_, LocalTime{date::local_days{day}} + time);
    }
    DoseKey dose(const std::string& text) const { return DoseKey{"mag", local(text)}; }

    // The outcomes on disk per dose (taken, skipped, missed), as the next start reads them.
    std::map<DoseKey, std::vector<EventKind>> outcomes() const {
        auto events = store_->events_planned_between(Instant{}, now_ + date::days{30});
        REQUIRE(events.ok());
        std::map<DoseKey, std::vector<EventKind>> result;
        for (const auto& event : *events) {
            if (event.kind == EventKind::Taken || event.kind == EventKind::Skipped ||
                event.kind == EventKind::Missed) {
                result[DoseKey{event.item, *event.planned}].push_back(event.kind);
            }
        }
        return result;
    }
    // First reminders: a repeat of a dose replaces its notification, so count doses.
    std::map<DoseKey, int> doses_shown() const {
        std::map<DoseKey, int> result;
        for (const auto& reminder : display.shown) {
            result[reminder.dose] = 1;
        }
        return result;
    }

    RecordingDisplay display;
    RecordingSignals signals;
    RecordingScheduler scheduler;

  private:
    TempDir dir_;
    std::string config_;
    std::unique_ptr<HistoryStore> store_;
    const regimend::TimeZone* zone_ = nullptr;
    std::optional<Engine> engine_;
    Instant now_{};
};

void require_each_due_at_most_once(const RecordingSignals& signals) {
    for (const auto& [dose, count] : signals.due) {
        INFO(dose.item_id << " planned " << dose.planned.time_since_epoch().count());
        CHECK(count == 1);
    }
}

}  // namespace

TEST_CASE("clock jumps a day forward: the skipped dose is missed once, today's is due once",
          "[engine][clock]") {
    MachineZone zone("Europe/Berlin");
    EngineUnderTest test(kTwiceDaily, "2027-03-01 07:00", zone);
    test.run_until("2027-03-01 08:05");
    REQUIRE(test.signals.due.count(test.dose("2027-03-01 08:00")) == 1);
    REQUIRE(std::holds_alternative<Instant>(
        test.engine().confirm("mag", std::nullopt, micros(test.now()))));

    // 08:05 -> 09:05 the next day (a day-long suspend looks the same to the engine).
    test.set_clock(test.local("2027-03-02 09:05"));
    const DoseKey evening = test.dose("2027-03-01 20:00");
    const DoseKey next_morning = test.dose("2027-03-02 08:00");
    CHECK(test.signals.missed[evening] == 1);
    CHECK(test.signals.due.count(evening) == 0);  // no reminder for a dose already missed
    CHECK(test.signals.due[next_morning] == 1);   // inside missed_after: due, one reminder
    CHECK(test.doses_shown().count(evening) == 0);

    test.run_until("2027-03-03 12:00");
    require_each_due_at_most_once(test.signals);
    const auto outcomes = test.outcomes();
    CHECK(outcomes.at(test.dose("2027-03-01 08:00")) == std::vector{EventKind::Taken});
    CHECK(outcomes.at(evening) == std::vector{EventKind::Missed});
    CHECK(outcomes.at(next_morning) == std::vector{EventKind::Missed});
    CHECK(outcomes.at(test.dose("2027-03-02 20:00")) == std::vector{EventKind::Missed});
    CHECK(outcomes.at(test.dose("2027-03-03 08:00")) == std::vector{EventKind::Missed});
    CHECK(test.signals.due.size() == 4);  // 03-01 08:00, 03-02 08:00 and 20:00, 03-03 08:00
}

TEST_CASE("clock set back an hour: no dose becomes due again", "[engine][clock]") {
    MachineZone zone("Europe/Berlin");
    EngineUnderTest test(kTwiceDaily, "2027-03-01 07:00", zone);
    const DoseKey morning = test.dose("2027-03-01 08:00");

    SECTION("back before a due dose's instant: it stays due, answered once") {
        test.run_until("2027-03-01 08:30");
        REQUIRE(test.signals.due[morning] == 1);
        test.set_clock(test.local("2027-03-01 07:30"));
        test.run_until("2027-03-01 08:45");
        CHECK(test.signals.due[morning] == 1);
        auto answer = test.engine().confirm("mag", std::nullopt, micros(test.now()));
        REQUIRE(std::holds_alternative<Instant>(answer));
        CHECK(std::get<Instant>(answer) == morning.planned);
    }
    SECTION("back before a taken dose's instant: it is not reminded again") {
        test.run_until("2027-03-01 08:10");
        REQUIRE(std::holds_alternative<Instant>(
            test.engine().confirm("mag", std::nullopt, micros(test.now()))));
        const auto shown_before = test.display.shown.size();
        test.set_clock(test.local("2027-03-01 07:10"));
        test.run_until("2027-03-01 09:00");
        CHECK(test.display.shown.size() == shown_before);
    }
    test.run_until("2027-03-02 00:00");
    require_each_due_at_most_once(test.signals);
    const auto outcomes = test.outcomes();
    CHECK(outcomes.at(morning) == std::vector{EventKind::Taken});
    CHECK(test.signals.due.count(test.dose("2027-03-01 20:00")) == 1);
}

TEST_CASE("the system time zone changes: the plan follows, nothing is reminded twice",
          "[engine][clock]") {
    MachineZone zone("Europe/Berlin");
    EngineUnderTest test(kTwiceDaily, "2027-03-01 07:00", zone);
    test.run_until("2027-03-01 08:05");
    const DoseKey berlin_morning = test.dose("2027-03-01 08:00");
    REQUIRE(std::holds_alternative<Instant>(
        test.engine().confirm("mag", std::nullopt, micros(test.now()))));

    // At 09:00 in Berlin (03:00 in New York) the machine moves to New York.
    test.run_until("2027-03-01 09:00");
    zone.set("America/New_York");
    REQUIRE(std::holds_alternative<std::monostate>(
        test.engine().reload(ReloadTrigger::ZoneChanged, micros(test.now()))));
    CHECK(test.engine().regimen().zone->name() == "America/New_York");

    const auto* new_york = regimend::locate_zone("America/New_York");
    const auto new_york_at = [&](int day, int hour) {
        return to_instant(*new_york, LocalTime{date::local_days{date::year{2027} / 3 / day}} +
                                         std::chrono::hours{hour});
    };
    test.run_until(new_york_at(2, 12));
    require_each_due_at_most_once(test.signals);
    // New York's morning dose comes 5 h 55 min after Berlin's was taken, under half the
    // item's 12 h interval: covered by that answer (the travel rule), never reminded.
    CHECK(test.signals.due.count(DoseKey{"mag", new_york_at(1, 8)}) == 0);
    CHECK(test.signals.due[DoseKey{"mag", new_york_at(1, 20)}] == 1);
    CHECK(test.signals.due[DoseKey{"mag", new_york_at(2, 8)}] == 1);
    // Berlin's evening dose no longer exists in the plan: never reminded.
    CHECK(test.signals.due.count(test.dose("2027-03-01 20:00")) == 0);
    CHECK(test.outcomes().at(berlin_morning) == std::vector{EventKind::Taken});
}
