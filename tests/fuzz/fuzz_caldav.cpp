// libFuzzer target: arbitrary bytes as what a CalDAV server may send (core/caldav.hpp): a
// multistatus reply, each member's calendar data read as a VTODO and judged against a due
// dose, and the bytes themselves read as a VTODO. Any input may be refused; none may crash,
// hang or trip a sanitizer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/caldav.hpp"
#include "core/parse.hpp"
#include "core/time_zone.hpp"

namespace {

constexpr regimend::Instant kNow{std::chrono::seconds{1'796'112'000}};  // 2026-12-01T08:00Z

const regimend::Regimen& regimen() {
    static const regimend::RegimenPtr parsed = [] {
        auto result = regimend::parse_regimen(
            "version: 1\nitems:\n  - {id: a, name: A, amount: 1 mg, at: \"07:00\"}\n", "f.yaml",
            &regimend::TimeZone::utc(), {});
        return std::make_shared<const regimend::Regimen>(std::move(*result.regimen));
    }();
    return *parsed;
}

void judge(std::string_view text) {
    auto task = regimend::caldav::read_vtodo(text);
    if (auto* read = std::get_if<regimend::caldav::RemoteTask>(&task)) {
        for (auto state : {regimend::DoseState::Due, regimend::DoseState::Missed}) {
            (void)regimend::caldav::outcome_of(*read, regimen(), state, kNow);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    auto parsed = regimend::caldav::parse_multistatus(input);
    if (auto* reply = std::get_if<regimend::caldav::Multistatus>(&parsed)) {
        for (const auto& response : reply->responses) {
            judge(response.calendar_data);
        }
    }
    judge(input);
    return 0;
}
