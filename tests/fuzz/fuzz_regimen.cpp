// libFuzzer target: arbitrary bytes as a regimen file, through everything `regimenctl check`
// and the daemon's load do with one (parse, lint, plan, diagnostics, the cache's image).
// Any input may be rejected; none may crash, hang or trip a sanitizer, and every regimen
// that parses must come back from its image exactly as parsed.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"
#include "core/lint.hpp"
#include "core/parse.hpp"
#include "core/plan.hpp"
#include "host/zoneinfo.hpp"

namespace {

// A regimen is a few kilobytes; larger inputs only slow the run without reaching new code.
constexpr std::size_t kMaxInputBytes = 64 * 1024;

// A fixed "now" a week before a daylight-saving change in the default zone, so the two
// weeks planned cross it.
constexpr regimend::Instant kFrom{std::chrono::seconds{1'774'137'600}};  // 2026-03-22T00:00Z
constexpr regimend::Seconds kSpan{14LL * 86'400};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > kMaxInputBytes) {
        return -1;  // keep it out of the corpus
    }
    static const regimend::TimeZone* const default_zone = regimend::locate_zone("Europe/Berlin");
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const regimend::ParseResult parsed =
        regimend::parse_regimen(text, "fuzz.yaml", default_zone, regimend::find_zone);
    std::size_t formatted = 0;
    for (const auto& diagnostic : parsed.diagnostics) {
        formatted += regimend::format_diagnostic(diagnostic).size();
    }
    if (!parsed.regimen) {
        return 0;
    }
    const regimend::Regimen& regimen = *parsed.regimen;
    const auto warnings = regimend::lint(regimen);
    for (const auto& warning : warnings) {
        formatted += regimend::format_diagnostic(warning).size();
    }
    const auto doses = regimend::plan(regimen, kFrom, kFrom + kSpan);
    const auto next = regimend::next_planned(regimen, kFrom);
    const auto days = regimend::plan_days(regimen, regimend::local_date(*regimen.zone, kFrom), 14);
    // Keeps the results observable so nothing above is optimised away.
    volatile std::size_t sink = formatted + doses.size() + days.size() + (next ? 1 : 0);
    (void)sink;
    return 0;
}
