// release_code_pages() (daemon/host/resident_code.hpp) unmaps the never-written file pages
// of the process: the resident set falls, and everything the process wrote (data, relocated
// tables) and everything it reads (code, constants) is the same afterwards.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "core/time_zone.hpp"
#include "host/resident_code.hpp"
#include "host/zoneinfo.hpp"

namespace {

std::size_t resident_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) {
            return std::stoul(line.substr(6));
        }
    }
    return 0;
}

// Written at run time: a private copy in a writable mapping, which must survive.
int written_counter = 1;
// Read-only data of the program file.
const char kConstantText[] = "read-only data of the program, read again after the release";

struct Shape {
    virtual ~Shape() = default;
    virtual int sides() const = 0;
};
struct Triangle : Shape {
    int sides() const override { return 3; }
};

}  // namespace

TEST_CASE("releasing the process's code pages keeps its data and its code working",
          "[resident_code]") {
    written_counter = 41;
    const std::unique_ptr<Shape> shape = std::make_unique<Triangle>();
    const auto* berlin = regimend::locate_zone("Europe/Berlin");
    const auto before_offset = berlin->get_info(std::chrono::sys_seconds{}).offset;

    const auto before = resident_kb();
    const auto released = regimend::release_code_pages();
    const auto after = resident_kb();
    INFO("VmRSS " << before << " kB -> " << after << " kB, " << released / 1024 << " kB released");
    CHECK(released > 0);
    CHECK(after < before);

    // Data written before, vtables (relocated, then read-only), code and constants after.
    ++written_counter;
    CHECK(written_counter == 42);
    CHECK(shape->sides() == 3);
    CHECK(std::string(kConstantText).size() == sizeof kConstantText - 1);
    CHECK(berlin->get_info(std::chrono::sys_seconds{}).offset == before_offset);
    CHECK(regimend::locate_zone("Europe/Berlin") == berlin);
    // A second release right away finds little mapped again, and the process goes on.
    CHECK(regimend::release_code_pages() < released);
}
