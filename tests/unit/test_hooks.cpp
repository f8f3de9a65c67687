// Hooks (core/hooks.hpp, core/parse_hooks.hpp, loop/hook_runner.hpp): the `hooks:` key's
// errors at their line and column, literal placeholder substitution and the REGIMEND_*
// environment at literal instants, the runner's bounded queue, and real commands run by
// the runner on an sd-event loop (/bin/true, a failing one, one killed after its timeout).
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/hooks.hpp"
#include "core/parse.hpp"
#include "dose_fixtures.hpp"
#include "host/zoneinfo.hpp"
#include "loop/hook_runner.hpp"

using namespace regimend;
using namespace regimend::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kItems = R"y(items:
  - id: glycinate-pm
    name: Magnesium glycinate
    amount: 200 mg
    at: "21:30"
  - id: topical
    name: Topical magnesium
    as_needed: true
)y";

std::string regimen_with_hooks(const std::string& hooks) {
    return "version: 1\ntimezone: Europe/Berlin\n" + std::string(kItems) + "hooks:\n" + hooks;
}

// The first line of the hooks is line 12 of regimen_with_hooks().
constexpr int kHooksLine = 12;

// "regimen.yaml:LINE:COLUMN: message" of the one diagnostic `hooks` produces.
std::string only_error(const std::string& hooks) {
    auto diagnostics = parse_failure(regimen_with_hooks(hooks));
    std::string text;
    for (const auto& diagnostic : diagnostics) {
        text += format_diagnostic(diagnostic) + "\n";
    }
    INFO(text);
    REQUIRE(diagnostics.size() == 1);
    return format_diagnostic(diagnostics.front());
}

std::string at_line(int offset, int column) {
    return "regimen.yaml:" + std::to_string(kHooksLine + offset) + ":" + std::to_string(column) +
           ": error: ";
}

std::string environment_value(const HookCall& call, const std::string& name) {
    for (const auto& [key, value] : call.environment) {
        if (key == name) {
            return value;
        }
    }
    FAIL("no " << name << " in the hook's environment");
    return {};
}

}  // namespace

TEST_CASE("hooks parse into the model with their defaults", "[hooks]") {
    Regimen regimen = parse_ok(regimen_with_hooks(R"y(  - events: [missed, escalated]
    items: [glycinate-pm]
    run: [curl, -s, -d, "{name} was not taken ({planned})", "https://ntfy.example.org/mum"]
    timeout: 2m
  - events: regimen_error
    run: [notify-caregiver]
)y"));
    REQUIRE(regimen.hooks.size() == 2);
    const Hook& first = regimen.hooks[0];
    CHECK(first.events == std::vector<HookEvent>{HookEvent::Missed, HookEvent::Escalated});
    CHECK(first.items == std::vector<std::string>{"glycinate-pm"});
    CHECK(first.run.size() == 5);
    CHECK(first.run[3] == "{name} was not taken ({planned})");
    CHECK(first.timeout == 120s);
    CHECK(first.pos == SourcePos{kHooksLine, 5});
    CHECK(regimen.hooks[1].timeout == 30s);
    CHECK(regimen.hooks[1].items.empty());

    // Every event name of the spec is known.
    Regimen all = parse_ok(regimen_with_hooks(
        "  - events: [due, escalated, taken, skipped, missed, undone, low_stock, "
        "regimen_error]\n    run: [true]\n"));
    CHECK(all.hooks.front().events.size() == 8);
}

TEST_CASE("a bad hook is an error at its line and column", "[hooks][parse]") {
    SECTION("an unknown event") {
        CHECK(only_error("  - events: [missed, forgotten]\n    run: [true]\n") ==
              at_line(0, 22) +
                  "unknown hook event \"forgotten\": 'events' lists some of due, escalated, "
                  "taken, skipped, missed, undone, low_stock, regimen_error");
    }
    SECTION("no events") {
        CHECK(only_error("  - events: []\n    run: [true]\n")
                  .starts_with(at_line(0, 13) + "'events' must name at least one event"));
    }
    SECTION("an empty run") {
        CHECK(only_error("  - events: [missed]\n    run: []\n") ==
              at_line(1, 10) +
                  "'run' is empty: it must name the command to run, then its arguments");
    }
    SECTION("run as one text, which would need a shell") {
        CHECK(only_error("  - events: [missed]\n    run: curl -d hello URL\n")
                  .starts_with(at_line(1, 10) + "'run' must be a list"));
    }
    SECTION("an empty command") {
        CHECK(only_error("  - events: [missed]\n    run: [\"\", x]\n") ==
              at_line(1, 11) + "the first entry of 'run', the command, is empty");
    }
    SECTION("an unknown placeholder") {
        CHECK(only_error("  - events: [missed]\n    run: [echo, \"{nmae} missed\"]\n") ==
              at_line(1, 17) +
                  "'run' uses the unknown placeholder {nmae}; the placeholders are {item}, "
                  "{name}, {amount}, {planned}, {at} and {event}");
    }
    SECTION("an id that is not an item") {
        CHECK(only_error("  - events: [missed]\n    items: [glycinate-pm, glycinate]\n"
                         "    run: [true]\n") ==
              at_line(1, 27) +
                  "the hook's 'items' names \"glycinate\", which is not the id of "
                  "an item");
    }
    SECTION("a timeout above 10m") {
        CHECK(only_error("  - events: [missed]\n    run: [true]\n    timeout: 11m\n") ==
              at_line(2, 14) +
                  "'timeout' must be at most 10m (a hook that runs longer is killed), got 11m");
    }
    SECTION("a timeout of zero") {
        CHECK(only_error("  - events: [missed]\n    run: [true]\n    timeout: 0s\n")
                  .starts_with(at_line(2, 14) + "'timeout' must be a duration"));
    }
    SECTION("an unknown key") {
        CHECK(only_error("  - events: [missed]\n    run: [true]\n    shell: true\n")
                  .starts_with(at_line(2, 5)));
    }
    SECTION("no run") {
        CHECK(only_error("  - events: [missed]\n")
                  .starts_with(at_line(0, 5) + "a hook needs 'events' and 'run'"));
    }
}

TEST_CASE("several hook errors are reported at once", "[hooks][parse]") {
    auto diagnostics = parse_failure(
        regimen_with_hooks("  - events: [late]\n    run: [echo, \"{who}\"]\n    timeout: 1h\n"));
    CHECK(diagnostics.size() == 3);
}

TEST_CASE("a name with a line break is refused before any hook sees it", "[hooks][parse]") {
    auto diagnostics = parse_failure(
        "version: 1\nitems:\n  - id: a\n    name: \"two\\nlines\"\n    at: \"08:00\"\n"
        "hooks:\n  - events: [due]\n    run: [echo, \"{name}\"]\n");
    REQUIRE(diagnostics.size() == 1);
    CHECK(format_diagnostic(diagnostics.front()).starts_with("regimen.yaml:4:11: error: 'name'"));
}

TEST_CASE("placeholders are replaced literally, never scanned again", "[hooks]") {
    Regimen regimen = parse_ok(R"y(version: 1
timezone: Europe/Berlin
items:
  - id: odd
    name: "Mum's \"special\" {item} mix; $(rm -rf ~) {name}"
    amount: 2 capsules
    at: "21:30"
hooks:
  - events: [missed]
    run: [notify, "{name} ({amount}) planned {planned}", "{event}/{item}", "{at}", "{\"json\": 1}",
          "{unknown-brace", "plain"]
)y");
    HookFacts facts;
    facts.event = HookEvent::Missed;
    facts.item = "odd";
    facts.name = regimen.items.front().name;
    facts.amount = "2 capsules";
    facts.planned = utc(2026, 3, 29, 19, 30);  // 21:30 CEST
    facts.at = utc(2026, 3, 29, 22, 30);
    auto calls = hook_calls(regimen, facts);
    REQUIRE(calls.size() == 1);
    const HookCall& call = calls.front();
    CHECK(call.argv == std::vector<std::string>{
                           "notify",
                           "Mum's \"special\" {item} mix; $(rm -rf ~) {name} (2 capsules) "
                           "planned 2026-03-29T21:30:00+02:00",
                           "missed/odd",
                           "2026-03-30T00:30:00+02:00",
                           "{\"json\": 1}",
                           "{unknown-brace",
                           "plain",
                       });
    CHECK(environment_value(call, "REGIMEND_ITEM") == "odd");
    CHECK(environment_value(call, "REGIMEND_NAME") == facts.name);
    CHECK(environment_value(call, "REGIMEND_AMOUNT") == "2 capsules");
    CHECK(environment_value(call, "REGIMEND_PLANNED") == "2026-03-29T21:30:00+02:00");
    CHECK(environment_value(call, "REGIMEND_AT") == "2026-03-30T00:30:00+02:00");
    CHECK(environment_value(call, "REGIMEND_EVENT") == "missed");
    CHECK(call.timeout == 30s);
}

TEST_CASE("an event starts only the hooks that list it and its item", "[hooks]") {
    Regimen regimen = parse_ok(regimen_with_hooks(R"y(  - events: [missed]
    items: [glycinate-pm]
    run: [a]
  - events: [missed, taken]
    run: [b]
  - events: [regimen_error]
    items: [topical]
    run: [c, "[{item}]", "[{planned}]"]
    timeout: 5s
)y"));
    auto commands = [&](HookEvent event, const std::string& item) {
        HookFacts facts;
        facts.event = event;
        facts.item = item;
        facts.at = utc(2026, 11, 1, 12);
        std::vector<std::string> names;
        for (const auto& call : hook_calls(regimen, facts)) {
            names.push_back(call.argv.front());
        }
        return names;
    };
    CHECK(commands(HookEvent::Missed, "glycinate-pm") == std::vector<std::string>{"a", "b"});
    CHECK(commands(HookEvent::Missed, "topical") == std::vector<std::string>{"b"});
    CHECK(commands(HookEvent::Taken, "glycinate-pm") == std::vector<std::string>{"b"});
    CHECK(commands(HookEvent::Due, "glycinate-pm").empty());
    // An event of no item ignores `items`; its item and planned instant are empty.
    HookFacts error;
    error.event = HookEvent::RegimenError;
    error.at = utc(2026, 11, 1, 12);
    auto calls = hook_calls(regimen, error);
    REQUIRE(calls.size() == 1);
    CHECK(calls.front().argv == std::vector<std::string>{"c", "[]", "[]"});
    CHECK(calls.front().timeout == 5s);
}

TEST_CASE("the hook queue runs four, keeps 64 waiting and drops the rest", "[hooks]") {
    HookQueue queue;
    auto call = [](int n) {
        HookCall made;
        made.argv = {"hook", std::to_string(n)};
        return made;
    };
    int accepted = 0;
    int dropped = 0;
    for (int n = 0; n < 100; ++n) {
        (queue.push(call(n)) ? accepted : dropped)++;
    }
    // Nothing was started yet: the queue holds at most 64 calls, the other 36 are dropped.
    CHECK(accepted == 64);
    CHECK(dropped == 36);
    std::vector<std::string> started;
    while (auto next = queue.next()) {
        started.push_back(next->argv[1]);
    }
    CHECK(started == std::vector<std::string>{"0", "1", "2", "3"});
    CHECK(queue.running() == 4);
    CHECK(queue.waiting() == 60);
    // While four run, the queue takes calls again up to 64 waiting.
    CHECK(queue.push(call(100)));
    CHECK(queue.push(call(101)));
    CHECK(queue.push(call(102)));
    CHECK(queue.push(call(103)));
    CHECK_FALSE(queue.push(call(104)));
    CHECK_FALSE(queue.next());
    queue.finished();
    auto next = queue.next();
    REQUIRE(next);
    CHECK(next->argv[1] == "4");  // first come, first started
    CHECK_FALSE(queue.next());
}

namespace {

// The runner on a loop of its own; run() dispatches until `count` commands ended.
struct RunnerLoop {
    EventPtr event;
    std::unique_ptr<HookRunner> runner;
    std::vector<HookOutcome> outcomes;

    explicit RunnerLoop(HookQueue queue = HookQueue{}) {
        spdlog::set_level(spdlog::level::off);
        sd_event* raw = nullptr;
        REQUIRE(sd_event_new(&raw) >= 0);
        event.reset(raw);
        runner = std::make_unique<HookRunner>(event.get(), std::move(queue));
        runner->on_finished([this](const HookOutcome& outcome) { outcomes.push_back(outcome); });
    }

    // A generous deadline only so that a broken runner fails instead of hanging.
    void run_until(std::size_t count) {
        for (int turn = 0; turn < 6000 && outcomes.size() < count; ++turn) {
            REQUIRE(sd_event_run(event.get(), 10'000) >= 0);
        }
        REQUIRE(outcomes.size() >= count);
    }

    static HookCall call(std::vector<std::string> argv, Seconds timeout = 30s) {
        HookCall made;
        made.argv = std::move(argv);
        made.label = made.argv.front();
        made.timeout = timeout;
        made.environment = {{"REGIMEND_EVENT", "taken"}};
        return made;
    }
};

}  // namespace

TEST_CASE("the runner starts commands without a shell and reports how they ended",
          "[hooks][runner]") {
    RunnerLoop loop;
    loop.runner->launch(RunnerLoop::call({"/bin/true"}));
    loop.runner->launch(RunnerLoop::call({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}));
    loop.runner->launch(
        RunnerLoop::call({"/bin/sh", "-c", "printf %s \"$REGIMEND_EVENT\"; read x"}));
    loop.runner->launch(RunnerLoop::call({"no-such-command-regimend"}));
    loop.run_until(4);
    auto by_label = [&](const std::string& label) {
        auto found = std::find_if(loop.outcomes.begin(), loop.outcomes.end(),
                                  [&](const HookOutcome& o) { return o.label == label; });
        REQUIRE(found != loop.outcomes.end());
        return *found;
    };
    CHECK_FALSE(by_label("no-such-command-regimend").started);
    const auto& all = loop.outcomes;
    CHECK(std::count_if(all.begin(), all.end(), [](const HookOutcome& o) {
              return o.started && o.exited && o.status == 0 && o.output.empty();
          }) == 1);  // /bin/true
    CHECK(std::count_if(all.begin(), all.end(), [](const HookOutcome& o) {
              return o.exited && o.status == 3 && o.output == "out\nerr\n";
          }) == 1);
    // The event's variable reaches the command, and its stdin is /dev/null (`read` ends at
    // once, with status 1 at its end of file).
    CHECK(std::count_if(all.begin(), all.end(), [](const HookOutcome& o) {
              return o.exited && o.status == 1 && o.output == "taken";
          }) == 1);
    CHECK(loop.runner->running() == 0);
}

TEST_CASE("the runner keeps a few KB of a command's output", "[hooks][runner]") {
    RunnerLoop loop;
    loop.runner->launch(
        RunnerLoop::call({"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"}));
    loop.run_until(1);
    const HookOutcome& outcome = loop.outcomes.front();
    CHECK(outcome.exited);
    CHECK(outcome.output.size() == HookRunner::kMaxOutputBytes);
    CHECK(outcome.cut_bytes == 100000 - HookRunner::kMaxOutputBytes);
}

TEST_CASE("the runner kills a command's process group after its timeout", "[hooks][runner]") {
    RunnerLoop loop;
    // The shell's child (sleep) holds the pipe too: killing the group ends both.
    loop.runner->launch(RunnerLoop::call({"/bin/sh", "-c", "sleep 1000; echo never"}, 1s));
    loop.run_until(1);
    const HookOutcome& outcome = loop.outcomes.front();
    CHECK(outcome.started);
    CHECK_FALSE(outcome.exited);
    CHECK(outcome.status == SIGKILL);
    CHECK(outcome.timed_out);
}

TEST_CASE("the runner runs at most its limit at once and drops what its queue cannot hold",
          "[hooks][runner]") {
    RunnerLoop loop(HookQueue(2, 3));
    for (int n = 0; n < 7; ++n) {
        loop.runner->launch(RunnerLoop::call({"/bin/true", std::to_string(n)}));
    }
    // Two started at once, three wait, two dropped (reported at once, never started).
    CHECK(loop.runner->running() == 2);
    CHECK(loop.runner->waiting() == 3);
    REQUIRE(loop.outcomes.size() == 2);
    CHECK_FALSE(loop.outcomes[0].started);
    CHECK_FALSE(loop.outcomes[1].started);
    loop.run_until(7);
    CHECK(std::count_if(loop.outcomes.begin(), loop.outcomes.end(), [](const HookOutcome& o) {
              return o.started && o.exited && o.status == 0;
          }) == 5);
    CHECK(loop.runner->running() == 0);
    CHECK(loop.runner->waiting() == 0);
}
