#include "loop/hook_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

extern char** environ;

namespace regimend {

struct HookRunner::Run {
    HookRunner* runner = nullptr;
    HookCall call;
    pid_t pid = -1;
    UniqueFd output;
    SourcePtr child;
    SourcePtr reader;
    SourcePtr timer;
    std::string captured;
    std::size_t cut_bytes = 0;
    bool timed_out = false;
    std::uint64_t started_usec = 0;
};

namespace {

std::uint64_t monotonic_now(sd_event* event) {
    std::uint64_t now = 0;
    sd_event_now(event, CLOCK_MONOTONIC, &now);
    return now;
}

// Reads what the pipe holds now (it never blocks: the read end is non-blocking). False at
// the end of the output or on an error: nothing more will come.
bool read_available(HookRunner::Run& run) {
    char buffer[16384];
    for (;;) {
        const ssize_t got = ::read(run.output.get(), buffer, sizeof buffer);
        if (got > 0) {
            const auto size = static_cast<std::size_t>(got);
            const std::size_t room = HookRunner::kMaxOutputBytes - run.captured.size();
            run.captured.append(buffer, std::min(room, size));
            run.cut_bytes += size - std::min(room, size);
            continue;
        }
        if (got < 0 && errno == EINTR) {
            continue;
        }
        return got < 0 && errno == EAGAIN;
    }
}

int on_output(sd_event_source*, int, std::uint32_t, void* userdata) noexcept {
    auto& run = *static_cast<HookRunner::Run*>(userdata);
    if (!read_available(run)) {
        run.reader.reset();  // the end of the output: stop watching the pipe
    }
    return 0;
}

int on_timeout(sd_event_source*, std::uint64_t, void* userdata) noexcept {
    auto& run = *static_cast<HookRunner::Run*>(userdata);
    run.timed_out = true;
    spdlog::warn("{} still runs after its timeout of {}: killing it", run.call.label,
                 format_duration(run.call.timeout));
    // The whole group: a command's own children (curl under a script) go with it.
    ::kill(-run.pid, SIGKILL);
    return 0;
}

// The daemon's environment without REGIMEND_* (a hook sees only this event's), then the
// event's variables.
std::vector<std::string> environment_for(const HookCall& call) {
    std::vector<std::string> entries;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        if (!std::string_view(*entry).starts_with("REGIMEND_")) {
            entries.emplace_back(*entry);
        }
    }
    for (const auto& [name, value] : call.environment) {
        entries.push_back(name + "=" + value);
    }
    return entries;
}

std::vector<char*> pointers_to(std::vector<std::string>& texts) {
    std::vector<char*> pointers;
    pointers.reserve(texts.size() + 1);
    for (auto& text : texts) {
        pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

// posix_spawn's attributes and file actions, released on every path.
struct SpawnSetup {
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;

    SpawnSetup() {
        posix_spawnattr_init(&attributes);
        posix_spawn_file_actions_init(&actions);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// 0, or the error number.
int spawn(const HookCall& call, int output_fd, pid_t& pid) {
    SpawnSetup setup;
    // A group of its own, so a timeout kills what it started too; the daemon's blocked
    // signals (SIGTERM, SIGCHLD, ...) unblocked and every signal at its default action.
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setflags(
        &setup.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&setup.attributes, 0);
    posix_spawnattr_setsigmask(&setup.attributes, &none);
    posix_spawnattr_setsigdefault(&setup.attributes, &all);
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, output_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, output_fd, STDERR_FILENO);
    // Nothing else of the daemon's (the bus, the database) reaches the command.
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
    std::vector<std::string> arguments = call.argv;
    std::vector<std::string> environment = environment_for(call);
    std::vector<char*> argv = pointers_to(arguments);
    std::vector<char*> envp = pointers_to(environment);
    return posix_spawnp(&pid, argv[0], &setup.actions, &setup.attributes, argv.data(), envp.data());
}

// The output as one journal line's worth: trailing newlines dropped.
std::string printable(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

}  // namespace

HookRunner::HookRunner(sd_event* event, HookQueue queue) : event_(event), queue_(std::move(queue)) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    if (const int error = pthread_sigmask(SIG_BLOCK, &mask, nullptr); error != 0) {
        throw std::system_error(error, std::generic_category(), "pthread_sigmask");
    }
}

HookRunner::~HookRunner() {
    for (const auto& run : runs_) {
        ::kill(-run->pid, SIGKILL);
    }
}

void HookRunner::launch(HookCall call) {
    const std::string label = call.label;
    if (!queue_.push(std::move(call))) {
        spdlog::warn("{} dropped: {} hooks run and {} wait already", label, queue_.running(),
                     queue_.waiting());
        HookOutcome outcome;
        outcome.label = label;
        if (finished_) {
            finished_(outcome);
        }
        return;
    }
    start_ready();
}

void HookRunner::start_ready() {
    while (auto call = queue_.next()) {
        if (!start(std::move(*call))) {
            queue_.finished();
        }
    }
}

bool HookRunner::start(HookCall call) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0) {
        spdlog::warn("cannot start {}: pipe: {}", call.label, std::strerror(errno));
        return false;
    }
    UniqueFd read_end(pipe_fds[0]);
    UniqueFd write_end(pipe_fds[1]);
    // The loop's end only: the command's end stays blocking, as a program expects.
    ::fcntl(read_end.get(), F_SETFL, ::fcntl(read_end.get(), F_GETFL) | O_NONBLOCK);

    auto run = std::make_unique<Run>();
    run->runner = this;
    run->started_usec = monotonic_now(event_);
    pid_t pid = -1;
    if (const int error = spawn(call, write_end.get(), pid); error != 0) {
        spdlog::warn("cannot start {}: {}", call.label, std::strerror(error));
        HookOutcome outcome;
        outcome.label = call.label;
        if (finished_) {
            finished_(outcome);
        }
        return false;
    }
    write_end.reset();
    run->pid = pid;
    run->output = std::move(read_end);
    run->call = std::move(call);
    spdlog::debug("started {} as process {}", run->call.label, pid);

    sd_event_source* source = nullptr;
    int result = sd_event_add_child(
        event_, &source, pid, WEXITED,
        [](sd_event_source*, const siginfo_t* info, void* userdata) noexcept -> int {
            auto& ended = *static_cast<Run*>(userdata);
            ended.runner->end(ended, *info);
            return 0;
        },
        run.get());
    if (result < 0) {
        // Without a child source its end would never be seen: do not let it run unwatched.
        spdlog::warn("cannot watch {}: {}; killing it", run->call.label, std::strerror(-result));
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        return false;
    }
    run->child.reset(source);
    if (sd_event_add_io(event_, &source, run->output.get(), EPOLLIN, on_output, run.get()) >= 0) {
        run->reader.reset(source);
    }
    const auto timeout_usec =
        static_cast<std::uint64_t>(std::chrono::microseconds(run->call.timeout).count());
    if (sd_event_add_time_relative(event_, &source, CLOCK_MONOTONIC, timeout_usec, 0, on_timeout,
                                   run.get()) >= 0) {
        run->timer.reset(source);
    } else {
        spdlog::warn("cannot arm the timeout of {}: it may run longer", run->call.label);
    }
    runs_.push_back(std::move(run));
    return true;
}

void HookRunner::end(Run& run, const siginfo_t& info) {
    if (run.output) {
        read_available(run);  // what it wrote last
    }
    HookOutcome outcome;
    outcome.label = run.call.label;
    outcome.started = true;
    outcome.exited = info.si_code == CLD_EXITED;
    outcome.status = info.si_status;
    outcome.timed_out = run.timed_out;
    outcome.output = std::move(run.captured);
    outcome.cut_bytes = run.cut_bytes;
    const double seconds =
        static_cast<double>(monotonic_now(event_) - run.started_usec) / 1'000'000.0;
    // Done with it: its sources go (sd-event frees the child source after this dispatch).
    std::erase_if(runs_, [&](const std::unique_ptr<Run>& held) { return held.get() == &run; });
    queue_.finished();
    report(outcome, seconds);
    if (finished_) {
        finished_(outcome);
    }
    start_ready();
}

void HookRunner::report(const HookOutcome& outcome, double seconds) {
    std::string output = printable(outcome.output);
    if (outcome.cut_bytes > 0) {
        output += " [" + std::to_string(outcome.cut_bytes) + " more bytes not kept]";
    }
    const std::string printed = output.empty() ? "" : "; output: " + output;
    if (outcome.exited && outcome.status == 0) {
        spdlog::info("{} finished after {:.1f} s{}", outcome.label, seconds, printed);
    } else if (outcome.exited) {
        spdlog::warn("{} failed with exit status {} after {:.1f} s{}", outcome.label,
                     outcome.status, seconds, printed);
    } else {
        const char* name = ::sigabbrev_np(outcome.status);
        spdlog::warn("{} was killed by signal {} (SIG{}) after {:.1f} s{}{}", outcome.label,
                     outcome.status, name != nullptr ? name : "?", seconds,
                     outcome.timed_out ? ", its timeout" : "", printed);
    }
}

}  // namespace regimend
