#include "core/reply_limits.hpp"

#include <algorithm>
#include <cstdlib>

namespace regimend {
namespace {

// Two doses of one `at` entry on consecutive days are at least 22 hours apart: a day is 23
// to 25 hours long, and a time moved by a DST gap moves by at most an hour.
constexpr std::int64_t kMinSameTimeGap = 22 * 3600;

}  // namespace

ReplyBound list_doses_bound(const Regimen& regimen, Instant from, Instant to) {
    ReplyBound bound;
    const std::int64_t span = std::max<std::int64_t>((to - from).count(), 0);
    for (const auto& item : regimen.items) {
        if (item.as_needed) {
            continue;
        }
        std::uint64_t rows = 0;
        if (item.schedule.frequency == Frequency::EveryNHours) {
            const std::int64_t step = std::max<std::int64_t>(item.schedule.interval, 1) * 3600;
            rows = static_cast<std::uint64_t>(span / step) + 1;
        } else {
            // Each `at` entry gives at most one dose a local day, its doses at least
            // kMinSameTimeGap apart: a half-open span holds at most one more than the
            // whole gaps that fit in it.
            rows = (static_cast<std::uint64_t>(span / kMinSameTimeGap) + 1) *
                   std::max<std::size_t>(item.schedule.times.size(), 1);
        }
        bound.rows += rows;
        bound.bytes += rows * dose_row_bytes(item.id, item.name.empty() ? item.id : item.name);
    }
    return bound;
}

std::size_t dose_row_bytes(std::string_view item_id, std::string_view name) {
    // (sstst): struct alignment 8, each string 4 + n + 1 padded to 4, each t 8 aligned to
    // 8, the state at most "upcoming". 72 covers every padding.
    return 72 + item_id.size() + name.size();
}

std::size_t history_row_bytes(const HistoryEvent& event) {
    // (ssttsi): as above, with the kind at most "as_needed" and an int32.
    return 88 + event.item.size() + event.note.size();
}

std::string reply_too_large_message(std::string_view method, std::uint64_t bytes) {
    const std::uint64_t mib = 1024 * 1024;
    const std::string estimate =
        bytes > kMaxReplyBytes + mib ? " (up to " + std::to_string(bytes / mib) + " MiB)" : "";
    return "The " + std::string(method) + " reply would be larger than the " +
           std::to_string(kMaxReplyBytes / mib) + " MiB limit of one reply" + estimate + "; " +
           std::string(kShorterSpanHint);
}

std::string too_many_doses_message(std::uint64_t rows) {
    return "The span could list up to " + std::to_string(rows) + " doses, more than the " +
           std::to_string(kMaxListedDoses) + " limit of one call; " + std::string(kShorterSpanHint);
}

}  // namespace regimend
