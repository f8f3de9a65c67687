// regimend: the daemon. Wires the shells (event loop, bus service, notification client,
// history store) around the core and runs the one event loop.
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "app/clock.hpp"
#include "app/degraded_display.hpp"
#include "app/engine.hpp"
#include "app/first_run.hpp"
#include "app/last_regimen.hpp"
#include "app/logging.hpp"
#include "app/paths.hpp"
#include "app/regimen_loader.hpp"
#include "bus/access_filter.hpp"
#include "bus/log_control.hpp"
#include "bus/notifier.hpp"
#include "bus/service.hpp"
#include "host/bus_names.hpp"
#include "host/resident_code.hpp"
#include "host/sd_handles.hpp"
#include "loop/clock_watch.hpp"
#include "loop/event_loop.hpp"
#include "loop/file_watch.hpp"
#include "loop/regimen_worker.hpp"
#include "loop/wakeup_timer.hpp"
#include "store/health.hpp"
#include "store/history.hpp"
#include "sync/device_sync.hpp"

namespace regimend {
namespace {

void release_code_pages_when_idle() {
    spdlog::debug("idle: {} kB of program and library pages unmapped", release_code_pages() / 1024);
}

struct Options {
    std::optional<std::string> config;
    std::optional<std::string> state_dir;
    bool verbose = false;
    bool check = false;
};

// --check: the regimen's errors and warnings, nothing else.
int check_only(const Paths& paths) {
    const LoadedRegimen loaded = load_regimen_file(paths.config_file);
    for (const auto& diagnostic : loaded.diagnostics) {
        std::printf("%s\n", format_diagnostic(diagnostic).c_str());
    }
    if (!loaded.regimen) {
        return 1;
    }
    const std::size_t items = loaded.regimen->items.size();
    std::printf("%s: %zu %s, time zone %s\n", paths.config_file.c_str(), items,
                items == 1 ? "item" : "items", loaded.regimen->zone->name().c_str());
    return 0;
}

// Nullptr with `problem` saying why when the history cannot be opened.
std::unique_ptr<HistoryStore> open_store(const Paths& paths, HistoryHealth& problem) {
    // HistoryStore::open creates missing directories 0700 and the database 0600; an
    // existing directory keeps its mode (--state-dir /tmp must not lock others out).
    auto opened = HistoryStore::open(paths.database());
    if (!opened) {
        problem = HistoryHealth{HistoryProblem::Unwritable, opened.error->message};
        return nullptr;
    }
    return std::move(*opened.value);
}

// The history is damaged, foreign or unwritable: never touch it. The daemon runs on an
// empty store that refuses every write with what is wrong and what to do, so it keeps
// reminding and every answer fails with StorageFailed saying why.
std::unique_ptr<HistoryStore> open_refusing_store(const Paths& paths, const HistoryHealth& health) {
    const std::string& path = paths.database();
    spdlog::error("{}. {}", health.summary(path), health.advice(path));
    auto opened =
        HistoryStore::open_refusing_writes(health.summary(path) + ". " + health.advice(path));
    if (!opened) {
        spdlog::error("cannot open an in-memory history: {}", opened.error->message);
        return nullptr;
    }
    return std::move(*opened.value);
}

BusPtr connect_user_bus(sd_event* event) {
    sd_bus* raw = nullptr;
    int result = sd_bus_open_user_with_description(&raw, "regimend");
    BusPtr bus(raw);
    if (result < 0) {
        spdlog::error("cannot connect to the session bus: {}", std::strerror(-result));
        return nullptr;
    }
    // Without its bus the daemon can neither remind nor be answered: leave, and let
    // systemd or D-Bus activation start it again with the next bus.
    sd_bus_set_exit_on_disconnect(raw, 1);
    result = sd_bus_attach_event(raw, event, SD_EVENT_PRIORITY_NORMAL);
    if (result < 0) {
        spdlog::error("cannot attach the bus to the event loop: {}", std::strerror(-result));
        return nullptr;
    }
    return bus;
}

// What the daemon runs on when the regimen file does not load at start: the last valid
// regimen it applied (its copy in the state directory), else a regimen with no items. A
// bad file never stops the daemon: systemd would give up after its start limit and no
// notification would say why.
LoadedRegimen fallback_regimen(LastRegimen& last_regimen, const std::string& config_file,
                               bool& on_last_valid) {
    std::string zone_problem;
    const auto* zone = lookup_system_zone(&zone_problem);
    if (auto text = last_regimen.read()) {
        LoadedRegimen kept = check_regimen_text(*text, config_file, zone);
        if (kept.regimen) {
            on_last_valid = true;
            return kept;
        }
        spdlog::warn("the last valid regimen kept in the state directory no longer loads");
    }
    on_last_valid = false;
    return check_regimen_text("version: 1\nitems: []\n", config_file, zone);
}

int run_daemon(const Paths& paths) {
    const FirstRun first_run = write_example_regimen_if_missing(paths.config_file);
    // The state files first: a state directory holding a file that is not the user's own
    // (--state-dir /tmp) is not used at all, the last valid regimen included.
    HistoryHealth health =
        check_history(paths.database(), {paths.notification_ids(), paths.last_regimen()});
    const bool state_trusted = health.problem != HistoryProblem::Untrusted;
    LastRegimen last_regimen(state_trusted ? paths.last_regimen() : std::string{});
    LoadedRegimen loaded = load_regimen_file(paths.config_file);
    log_diagnostics(loaded.diagnostics);
    std::optional<LoadedRegimen> start_failure;
    bool on_last_valid = false;
    if (!loaded.regimen) {
        start_failure = std::move(loaded);
        loaded = fallback_regimen(last_regimen, paths.config_file, on_last_valid);
        spdlog::error("{} does not load; {}", paths.config_file,
                      on_last_valid
                          ? "running on the last valid regimen, kept in " + paths.last_regimen()
                          : "running with no items until it does");
    }
    spdlog::info("regimen {}: {} item{}, time zone {}", paths.config_file,
                 loaded.regimen->items.size(), loaded.regimen->items.size() == 1 ? "" : "s",
                 loaded.regimen->zone->name());
    std::unique_ptr<HistoryStore> store;
    if (health) {
        store = open_store(paths, health);  // a failure is said as a check's would be
    }
    if (!store) {
        store = open_refusing_store(paths, health);
    }
    if (!store) {
        return 1;
    }

    EventLoop loop;
    BusPtr bus = connect_user_bus(loop.get());
    if (!bus) {
        return 1;
    }
    Engine* engine_ref = nullptr;  // the notifier and the timer are built before the engine
    Service service(bus.get());
    // Next to the history: the file names the bus and the server its ids belong to.
    const std::string ids_path = state_trusted ? paths.notification_ids() : std::string{};
    Notifier notifier(
        bus.get(),
        [&](const DoseKey& dose, std::string_view action) {
            engine_ref->answer_from_notification(dose, action, now_micros());
        },
        ids_path);
    // A timer wake (a dose due, a repeat, a miss) comes hours apart: once its work is done,
    // what it mapped back need not stay mapped until the next one.
    WakeupTimer wakeup(loop.get(), [&](Micros now) {
        engine_ref->advance(now);
        loop.when_idle(release_code_pages_when_idle);
    });
    std::optional<DegradedDisplay> degraded;
    if (!health) {
        degraded.emplace(notifier, health.summary(paths.database()));
    }
    ReminderDisplay& display = degraded ? static_cast<ReminderDisplay&>(*degraded) : notifier;
    // The copy of the regimen it runs on is kept once the name is owned and the loop is idle:
    // a start after an edit does not wait for its fsync.
    std::optional<std::string> to_remember;
    if (!start_failure) {
        to_remember = loaded.text;
    }
    SyncingScheduler scheduler(wakeup);
    Engine engine(paths.config_file, std::move(loaded), *store, display, service, scheduler);
    engine_ref = &engine;
    // CalDAV (`devices: caldav:`): follows every change of the engine; its requests run on
    // its own thread. Destroyed before the engine (declared after it).
    DeviceSync device_sync(loop.get(), engine);
    scheduler.follow(&device_sync);
    device_sync.on_status_changed([&] {
        const auto sync = device_sync.status();
        service.set_sync(Service::SyncState{sync.has_value(),
                                            sync && sync->last_ok ? to_bus_time(*sync->last_ok) : 0,
                                            sync ? sync->error : std::string{}});
    });
    struct StopFollowing {
        SyncingScheduler& scheduler;
        ~StopFollowing() { scheduler.follow(nullptr); }
    } stop_following{scheduler};
    // Every server found (at start, or a new owner of the name) is given the open reminders.
    notifier.use_open_reminders([&engine] { return engine.open_reminders(now_micros()); });
    engine.on_applied([&last_regimen](const std::string& text) { last_regimen.remember(text); });
    if (!engine.restore(now_micros())) {
        return 1;
    }

    // Every object first, then the name: a client that sees the name finds them all.
    // The daemon's own warnings: a history it cannot use, another user's notification server.
    auto refresh_warnings = [&] {
        std::vector<std::string> warnings;
        if (!health) {
            warnings.push_back(health.summary(paths.database()) + ". " +
                               health.advice(paths.database()));
        }
        if (!notifier.warning().empty()) {
            warnings.push_back(notifier.warning());
        }
        service.set_warnings(std::move(warnings));
    };
    refresh_warnings();
    notifier.on_warning_changed([&] {
        refresh_warnings();
        service.stock_changed();  // PropertiesChanged for Warnings
    });
    // Reads and checks new regimens off the loop (before the objects: it is destroyed after
    // the watches that feed it and before the engine its results go to).
    RegimenWorker worker(loop.get());
    service.use_worker(&worker);
    // A reload or a Validate ran the parser and lint again: their code need not stay mapped,
    // and the heap pages the parse (and a burst of large calls) freed go back to the kernel.
    worker.after_results([&loop] {
        loop.when_idle([] {
            malloc_trim(0);
            release_code_pages_when_idle();
        });
    });
    auto reload_off_loop = [&](ReloadTrigger trigger) {
        worker.load(
            paths.config_file,
            [&engine, trigger](LoadedRegimen checked) {
                engine.apply_reload(std::move(checked), trigger, now_micros());
            },
            /*coalesce=*/trigger == ReloadTrigger::FileChanged);
    };
    service.serve(engine);
    LogControl log_control(bus.get(), service);
    const AccessFilter access_filter(bus.get(), service);
    const int requested = sd_bus_request_name(bus.get(), bus_names::kService, 0);
    if (requested == -EEXIST) {
        spdlog::error("another regimend already owns {}", bus_names::kService);
        return 1;
    }
    if (requested < 0) {
        spdlog::error("cannot own {}: {}", bus_names::kService, std::strerror(-requested));
        return 1;
    }

    loop.on_signal(SIGTERM, [&] { loop.exit(0); });
    loop.on_signal(SIGINT, [&] { loop.exit(0); });
    loop.on_signal(SIGHUP, [&] { reload_off_loop(ReloadTrigger::Request); });
    ClockWatch clock_watch(loop.get(), [&] { engine.advance(now_micros()); });
    FileWatch config_watch(loop.get(), paths.config_file,
                           [&] { reload_off_loop(ReloadTrigger::FileChanged); });
    // A regimen that names no zone follows the system's: re-plan when it changes.
    std::optional<FileWatch> zone_watch;
    try {
        zone_watch.emplace(loop.get(), "/etc/localtime", [&] {
            if (engine.regimen().timezone_name.empty()) {
                spdlog::info("the system time zone changed; re-planning");
                reload_off_loop(ReloadTrigger::ZoneChanged);
            }
        });
    } catch (const std::exception& error) {
        spdlog::warn("cannot watch /etc/localtime for time zone changes: {}", error.what());
    }

    if (!health) {
        const std::string& path = paths.database();
        notifier.notice("history", health.summary(path), health.advice(path));
    }
    if (start_failure) {
        engine.start_despite(*start_failure, on_last_valid);
    }
    if (first_run == FirstRun::Written) {
        notifier.notice("first-run", "regimend wrote an example regimen",
                        "Nothing is reminded yet. It is in " + paths.config_file +
                            ": add what you take with: regimenctl edit");
    }
    spdlog::info("regimend {} ready on {}", REGIMEND_VERSION, bus_names::kService);
    engine.advance(now_micros());
    // Start-up parsed, linted and planned the regimen and read the recent history: give
    // the heap pages that are now free back to the kernel before sleeping on the loop.
    malloc_trim(0);
    // ... and, once the loop is idle, the program's pages that start-up ran.
    loop.when_idle([&last_regimen, &to_remember] {
        if (to_remember) {
            last_regimen.remember(*to_remember);
            to_remember.reset();
        }
        release_code_pages_when_idle();
    });
    const int result = loop.run();
    if (to_remember) {
        last_regimen.remember(*to_remember);  // stopped before it was ever idle
    }
    if (result < 0) {
        // sd-event gives up only when a source cannot be re-armed: say which error it was.
        spdlog::error("the event loop failed: {}", std::strerror(-result));
    }
    spdlog::info("regimend stops");
    return result < 0 ? 1 : result;
}

}  // namespace
}  // namespace regimend

int main(int argc, char** argv) {
    using namespace regimend;
    CLI::App app{"regimend: reminds you of your supplement or medication regimen"};
    Options options;
    app.add_option("--config", options.config, "The regimen file")->type_name("FILE");
    app.add_option("--state-dir", options.state_dir, "Where the history database lives")
        ->type_name("DIR");
    app.add_flag("--verbose,-v", options.verbose, "Log debug messages");
    app.add_flag("--check", options.check,
                 "Validate the regimen, print its errors and warnings, and exit");
    app.set_version_flag("--version", std::string("regimend ") + REGIMEND_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // --help and --version end here with 0; a usage error is exit code 2, as usual.
        return app.exit(error) == 0 ? 0 : 2;
    }

    // Large blocks (a 1 MiB call, a regimen's text) are mapped and unmapped on their own:
    // glibc's threshold otherwise grows to the largest block freed, and the blocks of a
    // burst of large calls would stay in the heap after it.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    setup_logging(options.verbose);
    const Paths paths = resolve_paths(options.config, options.state_dir);
    try {
        if (options.check) {
            return check_only(paths);
        }
        return run_daemon(paths);
    } catch (const std::exception& error) {
        spdlog::critical("regimend failed: {}", error.what());
        return 1;
    }
}
