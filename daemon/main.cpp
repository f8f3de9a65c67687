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
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "app/clock.hpp"
#include "app/degraded_display.hpp"
#include "app/engine.hpp"
#include "app/first_run.hpp"
#include "app/logging.hpp"
#include "app/paths.hpp"
#include "app/regimen_cache.hpp"
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

std::unique_ptr<HistoryStore> open_store(const Paths& paths) {
    // HistoryStore::open creates missing directories 0700 and the database 0600; an
    // existing directory keeps its mode (--state-dir /tmp must not lock others out).
    auto opened = HistoryStore::open(paths.database());
    if (!opened) {
        spdlog::error("cannot open the history database {}: {}", paths.database(),
                      opened.error->message);
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

int run_daemon(const Paths& paths) {
    const FirstRun first_run = write_example_regimen_if_missing(paths.config_file);
    // An unchanged regimen comes back from the cache (app/regimen_cache.hpp) instead of
    // yaml-cpp and lint: with 1,000 items that is most of a restart.
    const RegimenCache cache(paths.regimen_cache());
    LoadedRegimen loaded = load_regimen_file(paths.config_file, lookup_system_zone, &cache);
    log_diagnostics(loaded.diagnostics);
    if (!loaded.regimen) {
        spdlog::error("cannot start: {} has no valid regimen", paths.config_file);
        return 1;
    }
    spdlog::info("regimen {}: {} item{}, time zone {}{}", paths.config_file,
                 loaded.regimen->items.size(), loaded.regimen->items.size() == 1 ? "" : "s",
                 loaded.regimen->zone->name(),
                 loaded.from_cache ? " (unchanged: read from the cache)" : "");
    const HistoryHealth health = check_history(paths.database());
    auto store = health ? open_store(paths) : open_refusing_store(paths, health);
    if (!store) {
        return 1;
    }
    // A parsed regimen goes to the cache once the loop is idle (the state directory exists
    // now): a start after an edit does not wait for the write. The model is shared, not
    // copied; the text and the warnings are.
    std::optional<LoadedRegimen> to_cache;
    if (!loaded.from_cache) {
        to_cache = LoadedRegimen{loaded.regimen, loaded.diagnostics, loaded.text};
    }

    EventLoop loop;
    BusPtr bus = connect_user_bus(loop.get());
    if (!bus) {
        return 1;
    }
    Engine* engine_ref = nullptr;  // the notifier and the timer are built before the engine
    Service service(bus.get());
    // Next to the history: the file names the bus and the server its ids belong to.
    const std::string ids_path =
        (std::filesystem::path(paths.state_dir) / "notification-ids").string();
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
    Engine engine(paths.config_file, std::move(loaded), *store, display, service, wakeup);
    engine_ref = &engine;
    if (!engine.restore(now_micros())) {
        return 1;
    }

    // Every object first, then the name: a client that sees the name finds them all.
    if (!health) {
        service.set_warnings(
            {health.summary(paths.database()) + ". " + health.advice(paths.database())});
    }
    // Reads and checks new regimens off the loop (before the objects: it is destroyed after
    // the watches that feed it and before the engine its results go to).
    RegimenWorker worker(loop.get());
    service.use_worker(&worker);
    worker.use_cache(&cache);
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
    loop.when_idle([&cache, &to_cache] {
        if (to_cache) {
            cache.write(*to_cache);
            to_cache.reset();
        }
        release_code_pages_when_idle();
    });
    const int result = loop.run();
    if (to_cache) {
        cache.write(*to_cache);  // stopped before it was ever idle: the next start needs it
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
