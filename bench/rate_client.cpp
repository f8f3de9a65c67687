// Calls per second from one sd-bus client, so the figure measures the daemon, not a
// python binding. Built by bench/throughput.py:
//   g++ -O2 -std=c++20 rate_client.cpp $(pkg-config --cflags --libs libsystemd)
// Usage: rate_client listdoses SECONDS FROM TO
//        rate_client confirm SECONDS PREFIX ITEMS FIRST_AT STEP
//          (call k confirms item PREFIX<k % ITEMS> at FIRST_AT + (k / ITEMS) * STEP)
#include <systemd/sd-bus.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {
constexpr const char* kName = "org.regimend.Regimen1";
constexpr const char* kPath = "/org/regimend/Regimen1";
}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: rate_client listdoses|confirm SECONDS ...\n");
        return 2;
    }
    const std::string mode = argv[1];
    const double seconds = std::atof(argv[2]);
    sd_bus* bus = nullptr;
    if (int r = sd_bus_open_user(&bus); r < 0) {
        std::fprintf(stderr, "bus: %s\n", std::strerror(-r));
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    long ok = 0;
    long failed = 0;
    std::string first_error;
    for (long k = 0; std::chrono::steady_clock::now() < deadline; ++k) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message* reply = nullptr;
        int r;
        if (mode == "listdoses") {
            r = sd_bus_call_method(bus, kName, kPath, kName, "ListDoses", &error, &reply, "tt",
                                   std::strtoull(argv[3], nullptr, 10),
                                   std::strtoull(argv[4], nullptr, 10));
        } else {
            const long items = std::atol(argv[4]);
            const std::string item = argv[3] + std::to_string(k % items);
            const unsigned long long at =
                std::strtoull(argv[5], nullptr, 10) +
                static_cast<unsigned long long>(k / items) * std::strtoull(argv[6], nullptr, 10);
            r = sd_bus_call_method(bus, kName, kPath, kName, "Confirm", &error, &reply, "st",
                                   item.c_str(), at);
        }
        if (r < 0) {
            ++failed;
            if (first_error.empty())
                first_error = error.name ? error.name : std::strerror(-r);
        } else {
            ++ok;
        }
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%ld %ld %.3f %s\n", ok, failed, elapsed,
                first_error.empty() ? "-" : first_error.c_str());
    sd_bus_unref(bus);
    return 0;
}
