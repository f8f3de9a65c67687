// BusClient::history (bus_client.hpp): HistoryColumns, split into pieces the daemon
// answers in one reply.
#include <charconv>

#include "bus_call.hpp"
#include "core/i18n.hpp"
#include "core/inventory.hpp"

namespace regimenctl {

using namespace regimend::bus_names;
using namespace bus_call;
using regimend::MessagePtr;

std::vector<regimend::HistoryEvent> BusClient::history(Instant from, Instant to, bool with_due) {
    std::vector<regimend::HistoryEvent> events;
    collect_split<regimend::HistoryEvent>(
        from, to,
        [this, with_due](Instant a, Instant b) { return history_columns_once(a, b, with_due); },
        events);
    return events;
}

namespace {

// One fixed-size column of HistoryColumns, `rows` long; sd-bus hands out a pointer into the
// message, not a copy.
template <class T>
const T* read_column(sd_bus_message* reply, char type, std::size_t rows) {
    const void* data = nullptr;
    std::size_t bytes = 0;
    const int result = sd_bus_message_read_array(reply, type, &data, &bytes);
    if (result < 0) {
        throw_bad_reply(result, "HistoryColumns");
    }
    if (bytes != rows * sizeof(T)) {
        throw CtlError(kExitFailed, _("unexpected reply to HistoryColumns from regimend: columns "
                                      "of different lengths"));
    }
    return static_cast<const T*>(data);
}

}  // namespace

std::vector<regimend::HistoryEvent> BusClient::history_columns_once(Instant from, Instant to,
                                                                    bool with_due) {
    constexpr const char* kMember = "HistoryColumns";
    auto reply = call(bus_.get(), kInterface, kMember, "ttb", to_bus_time(from), to_bus_time(to),
                      with_due ? 1 : 0);
    int result = sd_bus_message_enter_container(reply.get(), 'a', "s");
    if (result < 0) {
        throw_bad_reply(result, kMember);
    }
    std::vector<std::string_view> texts;
    const char* text = nullptr;
    while ((result = sd_bus_message_read_basic(reply.get(), 's', &text)) > 0) {
        texts.emplace_back(text);
    }
    if (result < 0 || (result = sd_bus_message_exit_container(reply.get())) < 0) {
        throw_bad_reply(result, kMember);
    }
    // The row count is the length of the first column; every other must match it.
    const void* first = nullptr;
    std::size_t first_bytes = 0;
    if ((result = sd_bus_message_read_array(reply.get(), 'u', &first, &first_bytes)) < 0) {
        throw_bad_reply(result, kMember);
    }
    const std::size_t rows = first_bytes / sizeof(std::uint32_t);
    const auto* items = static_cast<const std::uint32_t*>(first);
    const auto* kinds = read_column<std::uint32_t>(reply.get(), 'u', rows);
    const auto* planned = read_column<std::uint64_t>(reply.get(), 't', rows);
    const auto* at = read_column<std::uint64_t>(reply.get(), 't', rows);
    const auto* notes = read_column<std::uint32_t>(reply.get(), 'u', rows);
    const auto* severities = read_column<std::int32_t>(reply.get(), 'i', rows);

    // Each distinct text's event kind, parsed once.
    std::vector<std::optional<regimend::EventKind>> kind_of(texts.size());
    for (std::size_t index = 0; index < texts.size(); ++index) {
        kind_of[index] = regimend::event_kind_from_string(texts[index]);
    }
    const auto text_at = [&](std::uint32_t index) {
        if (index >= texts.size()) {
            throw CtlError(kExitFailed, _("unexpected reply to HistoryColumns from regimend: a "
                                          "text index past the table"));
        }
        return texts[index];
    };
    std::vector<regimend::HistoryEvent> events(rows);
    for (std::size_t row = 0; row < rows; ++row) {
        regimend::HistoryEvent& event = events[row];
        event.item = text_at(items[row]);
        const auto kind = text_at(kinds[row]);
        // HistoryEvent cannot carry a kind this CLI does not know: say so, never drop it.
        if (!kind_of[kinds[row]]) {
            throw CtlError(
                kExitFailed,
                regimend::fill(_("regimend sent an unknown history event \"{}\""), {kind}));
        }
        event.kind = *kind_of[kinds[row]];
        event.planned = optional_time(planned[row]);
        event.at = from_bus_time(at[row]);
        event.note = text_at(notes[row]);
        event.severity = severities[row];
        // A refill's quantity, a taken dose's recorded amount travel in `note` (service.cpp).
        regimend::read_reply_note(event);
    }
    return events;
}

}  // namespace regimenctl
