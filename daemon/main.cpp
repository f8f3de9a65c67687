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
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
#include "core/i18n.hpp"
#include "host/bus_names.hpp"
#include "host/locale.hpp"
#include "host/resident_code.hpp"
#include "host/sd_handles.hpp"
#include "loop/clock_watch.hpp"
#include "loop/event_loop.hpp"
#include "loop/file_watch.hpp"
#include "loop/hook_runner.hpp"
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
    std::printf("%s\n",
                fill(P_("{0}: {1} item, time zone {2}", "{0}: {1} items, time zone {2}", items),
                     {paths.config_file, std::to_string(items), loaded.regimen->zone->name()})
                    .c_str());
    return 0;
}

// The history when it is healthy. Else (damaged, foreign, unwritable, or it fails to open,
// said as a failed check's would be in `health`) never touch it: the daemon runs on an
// empty store that refuses every write with what is wrong and what to do, so it keeps
// reminding and every answer fails with StorageFailed saying why. Nullptr when neither opens.
std::unique_ptr<HistoryStore> open_history(const Paths& paths, HistoryHealth& health) {
    const std::string& path = paths.database();
    if (health) {
        // HistoryStore::open creates missing directories 0700 and the database 0600; an
        // existing directory keeps its mode (--state-dir /tmp must not lock others out).
        auto opened = HistoryStore::open(path);
        if (opened) {
            return std::move(*opened);
        }
        health = HistoryHealth{HistoryProblem::Unwritable, opened.error().message};
    }
    spdlog::error("{}. {}", health.summary(path), health.advice(path));
    auto refusing =
        HistoryStore::open_refusing_writes(health.summary(path) + ". " + health.advice(path));
    if (!refusing) {
        spdlog::error("cannot open an in-memory history: {}", refusing.error().message);
        return nullptr;
    }
    return std::move(*refusing);
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

// False (logged) when the name cannot be owned, e.g. another regimend has it.
bool own_name(sd_bus* bus) {
    const int requested = sd_bus_request_name(bus, bus_names::kService, 0);
    if (requested == -EEXIST) {
        spdlog::error("another regimend already owns {}", bus_names::kService);
        return false;
    }
    if (requested < 0) {
        spdlog::error("cannot own {}: {}", bus_names::kService, std::strerror(-requested));
        return false;
    }
    return true;
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

// The regimen the daemon starts on: the file's, else the fallback with the file's failure.
struct StartRegimen {
    LoadedRegimen loaded;
    std::optional<LoadedRegimen> failure;  // the file did not load: what it said
    bool on_last_valid = false;
};

StartRegimen load_start_regimen(const Paths& paths, LastRegimen& last_regimen) {
    StartRegimen start{load_regimen_file(paths.config_file), std::nullopt, false};
    log_diagnostics(start.loaded.diagnostics);
    if (!start.loaded.regimen) {
        start.failure = std::move(start.loaded);
        start.loaded = fallback_regimen(last_regimen, paths.config_file, start.on_last_valid);
        spdlog::error("{} does not load; {}", paths.config_file,
                      start.on_last_valid
                          ? "running on the last valid regimen, kept in " + paths.last_regimen()
                          : "running with no items until it does");
    }
    const Regimen& regimen = *start.loaded.regimen;
    spdlog::info("regimen {}: {} item{}, time zone {}", paths.config_file, regimen.items.size(),
                 regimen.items.size() == 1 ? "" : "s", regimen.zone->name());
    return start;
}

// The daemon's own warnings (the Warnings property), kept current: a history it cannot use,
// another user's notification server.
void keep_warnings_current(Service& service, Notifier& notifier, const HistoryHealth& health,
                           const Paths& paths) {
    auto refresh = [&service, &notifier, &health, &paths] {
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
    refresh();
    notifier.on_warning_changed([refresh, &service] {
        refresh();
        service.stock_changed();  // PropertiesChanged for Warnings
    });
}

using Reload = std::function<void(ReloadTrigger)>;

// What makes the daemon act besides its timer and the bus: signals, clock changes, edits of
// the regimen and, for a regimen that names no zone, the system's zone.
struct Watches {
    ClockWatch clock;
    FileWatch config;
    std::optional<FileWatch> zone;

    Watches(EventLoop& loop, const Paths& paths, Engine& engine, const Reload& reload)
        : clock(loop.get(), [&engine] { engine.advance(now_micros()); }),
          config(loop.get(), paths.config_file, [&reload] { reload(ReloadTrigger::FileChanged); }) {
        loop.on_signal(SIGTERM, [&loop] { loop.exit(0); });
        loop.on_signal(SIGINT, [&loop] { loop.exit(0); });
        loop.on_signal(SIGHUP, [&reload] { reload(ReloadTrigger::Request); });
        try {
            zone.emplace(loop.get(), "/etc/localtime", [&engine, &reload] {
                if (engine.regimen().timezone_name.empty()) {
                    spdlog::info("the system time zone changed; re-planning");
                    reload(ReloadTrigger::ZoneChanged);
                }
            });
        } catch (const std::exception& error) {
            spdlog::warn("cannot watch /etc/localtime for time zone changes: {}", error.what());
        }
    }
};

// What the user must hear at start: a history the daemon cannot use, a regimen file that
// does not load, the example regimen written on the first run.
void show_start_notices(Notifier& notifier, Engine& engine, const HistoryHealth& health,
                        const Paths& paths, const StartRegimen& start, FirstRun first_run) {
    if (!health) {
        const std::string& path = paths.database();
        notifier.notice("history", health.summary(path), health.advice(path));
    }
    if (start.failure) {
        engine.start_despite(*start.failure, start.on_last_valid);
    }
    if (first_run == FirstRun::Written) {
        notifier.notice("first-run", _("regimend wrote an example regimen"),
                        fill(_("Nothing is reminded yet. It is in {}: add what you take with: "
                               "regimenctl edit"),
                             {paths.config_file}));
    }
}

// Runs the loop until a signal or a lost bus ends it; the exit code.
int run_loop(EventLoop& loop, LastRegimen& last_regimen, std::optional<std::string>& to_remember) {
    // Start-up parsed, linted and planned the regimen and read the recent history: give
    // the heap pages that are now free back to the kernel before sleeping on the loop.
    malloc_trim(0);
    // ... and, once the loop is idle, keep the regimen it runs on and unmap the program's
    // pages that start-up ran (a start after an edit does not wait for the copy's fsync).
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

int run_daemon(const Paths& paths) {
    const FirstRun first_run = write_example_regimen_if_missing(paths.config_file);
    // The state files first: a state directory holding a file that is not the user's own
    // (--state-dir /tmp) is not used at all, the last valid regimen included.
    HistoryHealth health =
        check_history(paths.database(), {paths.notification_ids(), paths.last_regimen()});
    const bool state_trusted = health.problem != HistoryProblem::Untrusted;
    LastRegimen last_regimen(state_trusted ? paths.last_regimen() : std::string{});
    StartRegimen start = load_start_regimen(paths, last_regimen);
    const std::unique_ptr<HistoryStore> store = open_history(paths, health);
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
    Notifier notifier(
        bus.get(),
        [&](const DoseKey& dose, std::string_view action) {
            engine_ref->answer_from_notification(dose, action, now_micros());
        },
        state_trusted ? paths.notification_ids() : std::string{});
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
    std::optional<std::string> to_remember;
    if (!start.failure) {
        to_remember = start.loaded.text;
    }
    // Before the engine, which hands it the hooks' commands, and destroyed after it.
    HookRunner hooks(loop.get());
    SyncingScheduler scheduler(wakeup);
    Engine engine(paths.config_file, std::move(start.loaded), *store, display, service, scheduler);
    engine_ref = &engine;
    engine.use_hooks(&hooks);
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
    keep_warnings_current(service, notifier, health, paths);

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
    const Reload reload_off_loop = [&](ReloadTrigger trigger) {
        worker.load(
            paths.config_file,
            [&engine, trigger](LoadedRegimen checked) {
                engine.apply_reload(std::move(checked), trigger, now_micros());
            },
            /*coalesce=*/trigger == ReloadTrigger::FileChanged);
    };

    // Every object first, then the name: a client that sees the name finds them all.
    service.serve(engine);
    LogControl log_control(bus.get(), service);
    const AccessFilter access_filter(bus.get(), service);
    if (!own_name(bus.get())) {
        return 1;
    }
    const Watches watches(loop, paths, engine, reload_off_loop);
    show_start_notices(notifier, engine, health, paths, start, first_run);
    spdlog::info("regimend {} ready on {}", REGIMEND_VERSION, bus_names::kService);
    engine.advance(now_micros());
    return run_loop(loop, last_regimen, to_remember);
}

}  // namespace
}  // namespace regimend

int main(int argc, char** argv) {
    using namespace regimend;
    // The session's language (the environment systemd or D-Bus activation gives the
    // daemon) for its notifications, notices and the messages it answers with.
    use_environment_locale();
    CLI::App app{_("regimend: reminds you of your supplement or medication regimen")};
    Options options;
    app.add_option("--config", options.config, _("The regimen file"))->type_name("FILE");
    app.add_option("--state-dir", options.state_dir, _("Where the history database lives"))
        ->type_name("DIR");
    app.add_flag("--verbose,-v", options.verbose, _("Log debug messages"));
    app.add_flag("--check", options.check,
                 _("Validate the regimen, print its errors and warnings, and exit"));
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
