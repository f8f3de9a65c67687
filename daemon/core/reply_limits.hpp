// How big a ListDoses or History reply may grow (../shared/SPEC.md, "Limits that keep the
// daemon responsive"). dbus-daemon drops a connection that sends a message over its limit,
// and the daemon cannot live without its bus, so every reply is bounded here, before it is
// built: ListDoses by an upper bound computed from the regimen alone (so neither memory nor
// loop time grows with a span that would be refused), History by counting bytes as rows are
// read. regimenctl splits a span that is refused and asks again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.hpp"
#include "core/model.hpp"

namespace regimend {

// No reply is larger than this (dbus-daemon's session limit is 32 MiB or more; sd-bus's
// own is 128 MiB).
inline constexpr std::size_t kMaxReplyBytes = 16 * 1024 * 1024;
// No ListDoses call plans more doses than this: planning is what holds the event loop
// (10,000 items: about 100 ms for 10,000 rows, 150 ms for 20,000, docs/BENCHMARKS.md).
inline constexpr std::size_t kMaxListedDoses = 20'000;

// Every refusal's message contains this, so a client can tell "ask for less" from other
// invalid arguments and split the span.
// Not translated: regimenctl finds these words in the error to split its span (ctl/bus_call.hpp),
// whatever the languages of the daemon and the CLI; the user never sees the message.
inline constexpr std::string_view kShorterSpanHint = "ask for a shorter span";

// The most doses, and the most reply bytes, that ListDoses over [from, to) can produce for
// this regimen: an upper bound that never under-counts (days at both ends, DST, times past
// midnight), computed in O(items).
struct ReplyBound {
    std::uint64_t rows = 0;
    std::uint64_t bytes = 0;
};
ReplyBound list_doses_bound(const Regimen& regimen, Instant from, Instant to);

// The marshalled size of one row (with alignment and the string terminators), rounded up.
std::size_t dose_row_bytes(std::string_view item_id, std::string_view name);
std::size_t history_row_bytes(const HistoryEvent& event);

// "The ListDoses reply would be larger than the 16 MiB limit of one reply (up to 24 MiB);
// ask for a shorter span". `bytes`: the estimate, shown when it says more than the limit.
std::string reply_too_large_message(std::string_view method, std::uint64_t bytes);
std::string too_many_doses_message(std::uint64_t rows);

}  // namespace regimend
