// regimenctl's front. A bare `regimenctl` or `regimenctl status` is answered here, from the
// daemon's Today, by a program with no CLI11, no <iostream>, no yaml-cpp and no SQLite:
// their start-up (the iostream and locale initialisation, the relocations, libm) was what
// kept `regimenctl status` from being as quick as dbus-send (issue 17, docs/BENCHMARKS.md).
// Every other command line, and a daemon without Today, goes to the full regimenctl, which
// this program execs with the same arguments: it lives at a fixed path relative to this
// one (REGIMENCTL_FULL_RELATIVE, from CMake: ../libexec/regimend/regimenctl).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "bus_client.hpp"
#include "error.hpp"
#include "status_view.hpp"

namespace {

using regimenctl::CtlError;

// `regimenctl` and `regimenctl status`, nothing else: an option, --help or another word
// is the full program's to read.
bool is_bare_status(int argc, char** argv) {
    return argc == 1 || (argc == 2 && std::string_view(argv[1]) == "status");
}

bool write_all(const std::string& text) {
    return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() &&
           std::fflush(stdout) == 0;
}

// The exit code of a status answered here, or nullopt when the full program must answer
// (a daemon without Today: it then asks the spec's members and lints the file itself).
// Failures are reported as the full program's main reports them.
std::optional<int> answer_status() {
    try {
        auto bus = regimenctl::BusClient::connect();
        auto view = regimenctl::status_from_today(bus);
        if (!view) {
            return std::nullopt;
        }
        // As std::cout in the full program: a closed or full stdout is not an error of
        // status's own.
        write_all(regimenctl::status_text(*view));
        return regimenctl::kExitOk;
    } catch (const CtlError& error) {
        std::fprintf(stderr, "regimenctl: %s\n", error.what());
        return error.exit_code();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "regimenctl: %s\n", error.what());
        return regimenctl::kExitFailed;
    }
}

// The full program's path: REGIMENCTL_FULL_RELATIVE from this program's own directory
// (/proc/self/exe, so a symlink to this program works too).
std::string full_program() {
    std::string self(4096, '\0');
    const ssize_t length = readlink("/proc/self/exe", self.data(), self.size());
    if (length <= 0 || static_cast<std::size_t>(length) >= self.size()) {
        return {};
    }
    self.resize(static_cast<std::size_t>(length));
    return self.substr(0, self.rfind('/') + 1) + REGIMENCTL_FULL_RELATIVE;
}

}  // namespace

int main(int argc, char** argv) {
    if (is_bare_status(argc, argv)) {
        if (auto code = answer_status()) {
            return *code;
        }
    }
    const std::string full = full_program();
    if (!full.empty()) {
        execv(full.c_str(), argv);
    }
    std::fprintf(stderr, "regimenctl: cannot run %s: %s\n",
                 full.empty() ? "the full regimenctl" : full.c_str(), std::strerror(errno));
    return regimenctl::kExitFailed;
}
