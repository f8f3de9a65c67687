// libFuzzer target: D-Bus method calls with fuzzed arguments, through the daemon's real
// decode path. A client and the Service talk over a socketpair (a direct peer connection,
// so no bus daemon is needed); the Service runs on a real Engine and HistoryStore. The
// input is a short script of calls; every call must get an answer (reply or error).
// Refused inputs are fine; a crash, a missing answer or a sanitizer report is not.
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/clock.hpp"
#include "app/engine.hpp"
#include "app/outputs.hpp"
#include "app/regimen_loader.hpp"
#include "bus/service.hpp"
#include "core/reply_limits.hpp"
#include "host/bus_names.hpp"
#include "host/sd_handles.hpp"
#include "store/history.hpp"

namespace regimend {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxInputBytes = 16 * 1024;
constexpr int kMaxCallsPerInput = 8;
// An answer takes microseconds; this long means the service lost the call.
constexpr std::uint64_t kReplyTimeoutUsec = 10'000'000;

// Always something due (hourly), something as-needed and a symptom kind, so well-formed
// calls reach the engine's success paths, not only its refusals.
constexpr std::string_view kRegimen = R"(version: 1
timezone: UTC
symptoms: [migraine]
reminders: {repeat_every: 15m, escalate_after: 1h, missed_after: 3h, snooze: 15m}
items:
  - id: hourly
    name: Hourly
    amount: 1 tablets
    every: 1 hours
    start: 2020-01-01
    at: "00:00"
  - id: daily
    name: Daily
    at: ["08:00", "20:00"]
  - id: rescue
    name: Rescue
    as_needed: true
    max_per_day: 2
)";

// The reply-size path (SPEC "Limits that keep the daemon responsive"): long names make a
// ListDoses over a few days pass the 16 MiB reply limit, and the history gets
// kBigHistoryEvents diary entries with 64 KiB notes (17 MB, written straight to the store)
// so a History span can pass it too. Chosen by the input's first byte.
std::string big_regimen() {
    std::string yaml = "version: 1\ntimezone: UTC\nsymptoms: [migraine]\nitems:\n";
    for (int i = 0; i < 3; ++i) {
        yaml += "  - id: big" + std::to_string(i) +
                "\n    name: Big\n    at: [\"06:00\", \"12:00\", \"18:00\", \"23:00\"]\n";
    }
    for (int i = 0; i < 50; ++i) {
        yaml += "  - id: hourly" + std::to_string(i) +
                "\n    name: Hourly\n    every: 1 hours\n    start: 2020-01-01\n    at: "
                "\"00:00\"\n";
    }
    return yaml;
}
constexpr int kBigHistoryEvents = 260;
constexpr std::size_t kBigNoteBytes = 64 * 1024;

// Texts the fuzzer can pick by index: the regimen's ids, a prefix, a symptom kind.
constexpr std::array<const char*, 6> kKnownTexts = {"hourly", "daily",    "rescue",
                                                    "h",      "migraine", ""};

struct NoDisplay final : ReminderDisplay {
    void show(const ReminderText&) override {}
    void close(const DoseKey&) override {}
    void notice(const std::string&, const std::string&, const std::string&) override {}
};

struct NoWakeups final : WakeupScheduler {
    void schedule(std::optional<Instant>) override {}
};

[[noreturn]] void die(const char* what, int error) {
    std::fprintf(stderr, "fuzz_bus_args: %s: %s\n", what,
                 std::strerror(error < 0 ? -error : error));
    std::abort();
}

// The parts that live for the whole run: a temp directory with the regimen file, one
// event loop, and the two ends of the peer connection.
struct Harness {
    fs::path directory;
    fs::path config_file;
    fs::path database;
    LoadedRegimen regimen;
    LoadedRegimen big;  // the reply-size path's regimen
    EventPtr event;
    BusPtr server;
    BusPtr client;
    NoDisplay display;
    NoWakeups wakeups;

    Harness() {
        // tmpfs when there is one: the store syncs every write, and a disk makes that slow.
        const fs::path base =
            fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
        std::string pattern = (base / "regimend-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            die("mkdtemp", errno);
        }
        directory = pattern;
        config_file = directory / "regimen.yaml";
        database = directory / "history.db";
        std::ofstream(config_file) << kRegimen;
        // Parsed once: each session copies it (the regimen itself is shared, immutable).
        regimen = check_regimen_text(kRegimen, config_file.string(), &regimend::TimeZone::utc());
        if (!regimen.regimen) {
            std::fprintf(stderr, "fuzz_bus_args: %s\n", regimen.errors_text().c_str());
            std::abort();
        }
        big = check_regimen_text(big_regimen(), config_file.string(), &regimend::TimeZone::utc());
        if (big.regimen) {
            // The parser refuses names this long (200 characters at most); set on the parsed
            // regimen they still exercise the reply bound, the daemon's second line of defence.
            auto widened = std::make_shared<Regimen>(*big.regimen);
            for (int i = 0; i < 3; ++i) {
                widened->items[static_cast<std::size_t>(i)].name = std::string(300'000, 'n');
            }
            big.regimen = widened;
        }
        if (!big.regimen) {
            std::fprintf(stderr, "fuzz_bus_args: %s\n", big.errors_text().c_str());
            std::abort();
        }

        sd_event* raw_event = nullptr;
        if (const int r = sd_event_new(&raw_event); r < 0) {
            die("sd_event_new", r);
        }
        event.reset(raw_event);
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0) {
            die("socketpair", errno);
        }
        sd_id128_t id;
        if (const int r = sd_id128_randomize(&id); r < 0) {
            die("sd_id128_randomize", r);
        }
        server = connect(fds[0], [&](sd_bus* bus) { return sd_bus_set_server(bus, 1, id); });
        client = connect(fds[1], [](sd_bus*) { return 0; });
    }

    ~Harness() {
        client.reset();
        server.reset();
        std::error_code ignored;
        fs::remove_all(directory, ignored);
    }

    template <class Configure>
    BusPtr connect(int fd, Configure configure) {
        sd_bus* raw = nullptr;
        if (const int r = sd_bus_new(&raw); r < 0) {
            die("sd_bus_new", r);
        }
        BusPtr bus(raw);
        int r = sd_bus_set_fd(raw, fd, fd);
        if (r >= 0) {
            r = configure(raw);
        }
        if (r >= 0) {
            r = sd_bus_start(raw);
        }
        if (r >= 0) {
            r = sd_bus_attach_event(raw, event.get(), SD_EVENT_PRIORITY_NORMAL);
        }
        if (r < 0) {
            die("peer connection", r);
        }
        return bus;
    }

    void remove_database() {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::error_code ignored;
            fs::remove(database.string() + suffix, ignored);
        }
    }
};

Harness& harness() {
    static Harness instance;
    return instance;
}

// What one input runs against: a fresh history and engine, so an input's outcome does not
// depend on the inputs before it and the store never grows across the run.
class Session {
  public:
    Session(Harness& h, bool big) : service_(h.server.get()) {
        h.remove_database();
        auto opened = HistoryStore::open(h.database.string());
        if (!opened) {
            std::fprintf(stderr, "fuzz_bus_args: %s\n", opened.error().message.c_str());
            std::abort();
        }
        store_ = std::move(*opened);
        if (big) {
            fill_history(now_instant());
        }
        engine_.emplace(h.config_file.string(), big ? h.big : h.regimen, *store_, h.display,
                        service_, h.wakeups);
        // Restored as if the daemon last ran two hours ago, so some hourly doses are due
        // and Snooze and Skip have something to act on.
        const Micros now = now_micros();
        if (!engine_->restore(now - std::chrono::hours{2})) {
            std::abort();
        }
        engine_->advance(now);
        service_.serve(*engine_);
    }

  private:
    // Diary entries over the last two days whose notes together pass the reply limit.
    void fill_history(Instant now) {
        std::vector<HistoryEvent> events(kBigHistoryEvents);
        for (int i = 0; i < kBigHistoryEvents; ++i) {
            HistoryEvent& event = events[static_cast<std::size_t>(i)];
            event.item = "migraine";
            event.kind = EventKind::Symptom;
            event.at = now - Seconds{(i + 1) * 600};
            event.note = std::string(kBigNoteBytes, 'm');
            event.severity = 5;
        }
        if (!store_->append(events)) {
            std::abort();
        }
    }

    Service service_;
    std::unique_ptr<HistoryStore> store_;
    std::optional<Engine> engine_;
};

// Reads the input front to back; past its end every read yields zeros.
class Script {
  public:
    Script(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    bool done() const { return offset_ >= size_; }

    std::uint8_t byte() { return offset_ < size_ ? data_[offset_++] : 0; }

    std::uint64_t u64() {
        std::uint64_t value = 0;
        for (int i = 0; i < 8; ++i) {
            value = (value << 8) | byte();
        }
        return value;
    }

    // 0, near now (what real clients send), or any 64-bit value.
    std::uint64_t time() {
        switch (byte() % 4) {
            case 0:
                return 0;
            case 1: {
                const auto minutes = static_cast<std::int16_t>((byte() << 8) | byte());
                const std::int64_t now = static_cast<std::int64_t>(to_bus_time(now_instant()));
                return static_cast<std::uint64_t>(now + std::int64_t{minutes} * 60'000'000);
            }
            case 2:
                return byte();
            default:
                return u64();
        }
    }

    // A known id, a long run (past the service's size caps), or raw bytes of the input.
    std::string text() {
        const std::uint8_t selector = byte();
        if (selector < kKnownTexts.size()) {
            return kKnownTexts[selector];
        }
        if (selector == kKnownTexts.size()) {
            const std::size_t length = (std::size_t{byte()} << 8) | byte();
            return std::string(length, static_cast<char>(byte()));
        }
        const std::size_t length =
            std::min<std::size_t>(selector - kKnownTexts.size() - 1, size_ - offset_);
        std::string value(reinterpret_cast<const char*>(data_ + offset_), length);
        offset_ += length;
        return value;
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t offset_ = 0;
};

struct Method {
    const char* member;
    const char* signature;
};

// The interface's methods with their real signatures.
constexpr std::array<Method, 11> kMethods = {{
    {"Confirm", "st"},
    {"ConfirmAmount", "sts"},
    {"LogDoseWith", "stsb"},
    {"Skip", "ss"},
    {"Snooze", "st"},
    {"LogDose", "sts"},
    {"LogSymptom", "suts"},
    {"ListDoses", "tt"},
    {"History", "tt"},
    {"Reload", ""},
    {"Validate", "s"},
}};

// Signatures for calls that do not match the method: sd-bus must refuse them before the
// handler reads a wrong type.
constexpr std::array<const char*, 10> kWrongSignatures = {"",   "s",  "t",   "u",     "ss",
                                                          "tt", "ts", "stt", "sutsu", "b"};

// Appends arguments of `signature` read from the script; false if sd-bus refuses a value
// (invalid UTF-8 in a string), and then the call is not sent.
bool append_arguments(sd_bus_message* message, const char* signature, Script& script) {
    for (const char* type = signature; *type != '\0'; ++type) {
        int r = 0;
        switch (*type) {
            case 's': {
                const std::string value = script.text();
                r = sd_bus_message_append_basic(message, 's', value.c_str());
                break;
            }
            case 't': {
                const std::uint64_t value = script.time();
                r = sd_bus_message_append_basic(message, 't', &value);
                break;
            }
            case 'u': {
                const std::uint32_t value = script.byte() < 128
                                                ? script.byte() % 12
                                                : static_cast<std::uint32_t>(script.u64());
                r = sd_bus_message_append_basic(message, 'u', &value);
                break;
            }
            case 'b': {
                const int value = script.byte() & 1;
                r = sd_bus_message_append_basic(message, 'b', &value);
                break;
            }
            default:
                std::abort();  // a signature above this function does not know
        }
        if (r < 0) {
            return false;
        }
    }
    return true;
}

// A successful ListDoses or History reply stays under the limit: its strings, plus what
// the marshalling adds per row, never pass kMaxReplyBytes.
void check_reply_size(sd_bus_message* reply, const char* member) {
    const char* signature = sd_bus_message_get_signature(reply, 1);
    const bool doses = std::strcmp(signature, "a(sstst)") == 0;
    if (!doses && std::strcmp(signature, "a(ssttsi)") != 0) {
        return;
    }
    std::size_t bytes = 0;
    if (sd_bus_message_enter_container(reply, 'a', doses ? "(sstst)" : "(ssttsi)") < 0) {
        std::abort();
    }
    for (;;) {
        const char* a = nullptr;
        const char* b = nullptr;
        const char* c = nullptr;
        std::uint64_t t1 = 0;
        std::uint64_t t2 = 0;
        std::int32_t i = 0;
        const int r = doses ? sd_bus_message_read(reply, "(sstst)", &a, &b, &t1, &c, &t2)
                            : sd_bus_message_read(reply, "(ssttsi)", &a, &b, &t1, &t2, &c, &i);
        if (r < 0) {
            std::abort();
        }
        if (r == 0) {
            break;
        }
        bytes += std::strlen(a) + std::strlen(b) + std::strlen(c) + 48;
    }
    if (bytes > kMaxReplyBytes) {
        std::fprintf(stderr, "fuzz_bus_args: a %s reply of %zu bytes passed the limit\n", member,
                     bytes);
        std::abort();
    }
}

int on_reply(sd_bus_message* reply, void* userdata, sd_bus_error*) {
    const sd_bus_error* error = sd_bus_message_get_error(reply);
    if (error != nullptr && sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY)) {
        std::fprintf(stderr, "fuzz_bus_args: %s got no answer\n",
                     *static_cast<const char**>(userdata));
        std::abort();
    }
    if (error != nullptr && sd_bus_error_has_name(error, bus_names::kErrorAccessDenied)) {
        // The caller is the daemon's own user: the credential check must pass it.
        std::fprintf(stderr, "fuzz_bus_args: refused own user: %s\n", error->message);
        std::abort();
    }
    // FUZZ_BUS_TRACE=1 shows each answer: a check that inputs reach the engine.
    static const bool trace = std::getenv("FUZZ_BUS_TRACE") != nullptr;
    if (trace) {
        std::fprintf(stderr, "%s -> %s%s%s\n", *static_cast<const char**>(userdata),
                     error != nullptr ? error->name : "ok", error != nullptr ? ": " : "",
                     error != nullptr ? error->message : "");
    }
    if (error == nullptr) {
        check_reply_size(reply, *static_cast<const char**>(userdata));
    }
    *static_cast<const char**>(userdata) = nullptr;
    return 0;
}

// Sends one call and runs the loop until its answer arrives.
void call(Harness& h, const char* interface, const char* member, const char* signature,
          Script& script) {
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_call(h.client.get(), &raw, nullptr, bus_names::kObjectPath,
                                           interface, member);
    if (r == -EINVAL) {
        return;  // not a valid member or interface name: sd-bus will not build the call
    }
    if (r < 0) {
        die("sd_bus_message_new_method_call", r);
    }
    MessagePtr message(raw);
    if (!append_arguments(raw, signature, script)) {
        return;
    }
    const char* pending = member;  // cleared by on_reply
    r = sd_bus_call_async(h.client.get(), nullptr, raw, on_reply, &pending, kReplyTimeoutUsec);
    if (r < 0) {
        die("sd_bus_call_async", r);
    }
    while (pending != nullptr) {
        r = sd_event_run(h.event.get(), UINT64_MAX);
        if (r < 0) {
            die("sd_event_run", r);
        }
        if (!sd_bus_is_open(h.server.get()) || !sd_bus_is_open(h.client.get())) {
            std::fprintf(stderr, "fuzz_bus_args: the connection closed during %s\n", member);
            std::abort();
        }
    }
}

void run_script(Harness& h, Script& script) {
    using namespace bus_names;
    for (int calls = 0; calls < kMaxCallsPerInput && !script.done(); ++calls) {
        const std::uint8_t choice = script.byte();
        const std::size_t kind = choice % (kMethods.size() + 3);
        if (kind < kMethods.size()) {
            call(h, kInterface, kMethods[kind].member, kMethods[kind].signature, script);
        } else if (kind == kMethods.size()) {
            const Method& method = kMethods[script.byte() % kMethods.size()];
            const char* signature = kWrongSignatures[script.byte() % kWrongSignatures.size()];
            call(h, kInterface, method.member, signature, script);
        } else if (kind == kMethods.size() + 1) {
            // The property getters, which read the engine's state left by earlier calls.
            call(h, "org.freedesktop.DBus.Properties", "GetAll", "s", script);
        } else {
            // An unknown member or interface, named by the input.
            const std::string member = script.text();
            if (!member.empty() && member.size() < 200) {
                call(h, kInterface, member.c_str(), "", script);
            }
        }
    }
}

}  // namespace
}  // namespace regimend

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace regimend;
    if (size > kMaxInputBytes) {
        return -1;
    }
    static const bool quiet = [] {
        spdlog::set_level(spdlog::level::off);  // refusals are logged; the fuzzer wants none
        return true;
    }();
    (void)quiet;
    Harness& h = harness();
    // One input in eight takes the reply-size path (the first byte is then also its first
    // call's choice, as before).
    Session session(h, size > 0 && data[0] % 8 == 7);
    Script script(data, size);
    run_script(h, script);
    return 0;
}
