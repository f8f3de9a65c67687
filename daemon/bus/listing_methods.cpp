// The org.regimend.Regimen1 methods that read: ListDoses, Today, History, HistoryAnswers,
// HistoryColumns and Stock.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bus/method_call.hpp"
#include "core/inventory.hpp"
#include "core/reply_limits.hpp"
#include "core/time.hpp"

namespace regimend {
namespace {

// ListDoses' rows, a(sstst), into an open reply: item id, name, planned, state, acted-at.
int append_dose_rows(sd_bus_message* reply, const Regimen& regimen,
                     const std::vector<DoseView>& doses, sd_bus_error* error) {
    int result = sd_bus_message_open_container(reply, 'a', "(sstst)");
    if (result < 0) {
        return result;
    }
    // Names by id in one pass: Regimen::find is linear, and 20,000 rows of a 10,000-item
    // regimen made that the bulk of the call.
    std::unordered_map<std::string_view, const Item*> items_by_id;
    items_by_id.reserve(regimen.items.size());
    for (const auto& item : regimen.items) {
        items_by_id.emplace(item.id, &item);
    }
    std::size_t bytes = 0;
    for (const auto& view : doses) {
        const auto found = items_by_id.find(view.dose.item_id);
        const Item* item = found != items_by_id.end() ? found->second : nullptr;
        const std::string name =
            item != nullptr && !item->name.empty() ? item->name : view.dose.item_id;
        // The bound checked before planning should make this unreachable; it guards the
        // connection anyway.
        if ((bytes += dose_row_bytes(view.dose.item_id, name)) > kMaxReplyBytes) {
            return invalid_argument(error, reply_too_large_message("ListDoses", bytes));
        }
        result = sd_bus_message_append(reply, "(sstst)", view.dose.item_id.c_str(), name.c_str(),
                                       to_bus_time(view.dose.planned),
                                       std::string(to_string(view.state)).c_str(),
                                       view.acted_at ? to_bus_time(*view.acted_at) : 0);
        if (result < 0) {
            return result;
        }
    }
    return sd_bus_message_close_container(reply);
}

int list_doses(Service& service, sd_bus_message* message, sd_bus_error* error) {
    std::uint64_t from_usec = 0;
    std::uint64_t to_usec = 0;
    int result = sd_bus_message_read(message, "tt", &from_usec, &to_usec);
    if (result < 0) {
        return result;
    }
    const Micros now = now_micros();
    Instant from;
    Instant to;
    if ((result = check_span(from_usec, to_usec, now, &from, &to, error)) < 0) {
        return result;
    }
    // Refused before planning, so a span too long for one reply costs neither memory nor
    // loop time (core/reply_limits.hpp).
    const ReplyBound bound = list_doses_bound(service.engine()->regimen(), from, to);
    if (bound.rows > kMaxListedDoses) {
        return invalid_argument(error, too_many_doses_message(bound.rows));
    }
    if (bound.bytes > kMaxReplyBytes) {
        return invalid_argument(error, reply_too_large_message("ListDoses", bound.bytes));
    }
    auto doses = service.engine()->list_doses(from, to, now);
    if (auto* failure = std::get_if<Error>(&doses)) {
        return method_error(error, *failure);
    }
    return send_reply(message, [&](sd_bus_message* raw) {
        return append_dose_rows(raw, service.engine()->regimen(),
                                std::get<std::vector<DoseView>>(doses), error);
    });
}

int today(Service& service, sd_bus_message* message, sd_bus_error* error) {
    const Micros now = now_micros();
    const Regimen& regimen = service.engine()->regimen();
    const auto& zone = zone_of(regimen);
    const LocalDate day = local_date(zone, to_instant(now));
    const ReplyBound bound =
        list_doses_bound(regimen, start_of_day(zone, day),
                         start_of_day(zone, LocalDate{date::local_days{day} + date::days{1}}));
    if (bound.rows > kMaxListedDoses) {
        return invalid_argument(error, too_many_doses_message(bound.rows));
    }
    if (bound.bytes > kMaxReplyBytes) {
        return invalid_argument(error, reply_too_large_message("Today", bound.bytes));
    }
    auto answer = service.engine()->today(now);
    if (auto* failure = std::get_if<Error>(&answer)) {
        return method_error(error, *failure);
    }
    const TodayView& view = std::get<TodayView>(answer);
    return send_reply(message, [&](sd_bus_message* raw) {
        int result = 0;
        if ((result = sd_bus_message_append(raw, "s", zone.name().c_str())) < 0 ||
            (result = append_dose_rows(raw, regimen, view.doses, error)) < 0) {
            return result;
        }
        std::string next_name;
        if (view.next && !view.next->item_id.empty()) {
            const Item* item = regimen.find(view.next->item_id);
            next_name = item != nullptr ? item->name : "";
        }
        result = sd_bus_message_append(raw, "sst", view.next ? view.next->item_id.c_str() : "",
                                       next_name.c_str(),
                                       view.next ? to_bus_time(view.next->planned) : 0);
        if (result < 0 || (result = sd_bus_message_open_container(raw, 'a', "(stt)")) < 0) {
            return result;
        }
        for (const auto& [dose, until] : view.snoozed_until) {
            result = sd_bus_message_append(raw, "(stt)", dose.item_id.c_str(),
                                           to_bus_time(dose.planned), to_bus_time(until));
            if (result < 0) {
                return result;
            }
        }
        // The daemon's own warnings first, as the Warnings property lists them (a history it
        // cannot use, low stock), then the regimen's and the day's.
        if ((result = sd_bus_message_close_container(raw)) < 0) {
            return result;
        }
        return append_string_array(raw, service.warnings(), service.engine()->stock_warnings(),
                                   view.warnings);
    });
}

// The events of a span the caller asked for, checked as every span is (check_span).
int history_events(Service& service, std::uint64_t from_usec, std::uint64_t to_usec, bool with_due,
                   sd_bus_error* error, std::vector<HistoryEvent>& events) {
    Instant from;
    Instant to;
    if (const int result = check_span(from_usec, to_usec, now_micros(), &from, &to, error);
        result < 0) {
        return result;
    }
    auto found = service.engine()->history(from, to, with_due);
    if (auto* failure = std::get_if<Error>(&found)) {
        return method_error(error, *failure);
    }
    events = std::move(std::get<std::vector<HistoryEvent>>(found));
    return 0;
}

int history_reply(Service& service, sd_bus_message* message, sd_bus_error* error, bool with_due) {
    std::uint64_t from_usec = 0;
    std::uint64_t to_usec = 0;
    int result = sd_bus_message_read(message, "tt", &from_usec, &to_usec);
    if (result < 0) {
        return result;
    }
    std::vector<HistoryEvent> events;
    if ((result = history_events(service, from_usec, to_usec, with_due, error, events)) < 0) {
        return result;
    }
    return send_reply(message, [&](sd_bus_message* raw) {
        if ((result = sd_bus_message_open_container(raw, 'a', "(ssttsi)")) < 0) {
            return result;
        }
        for (const auto& event : events) {
            // A refill's or stock event's number, a taken dose's recorded amount travel in
            // `note` (the spec's row has no column for them): core/inventory.hpp reply_note.
            const std::string note = reply_note(event);
            const std::string kind(to_string(event.kind));
            const std::uint64_t planned = event.planned ? to_bus_time(*event.planned) : 0;
            const std::uint64_t at = to_bus_time(event.at);
            const auto severity = static_cast<std::int32_t>(event.severity);
            // Field by field rather than sd_bus_message_append(raw, "(ssttsi)", ...), which
            // parses the signature again for every row: a long span has tens of thousands.
            if ((result = sd_bus_message_open_container(raw, SD_BUS_TYPE_STRUCT, "ssttsi")) < 0 ||
                (result = sd_bus_message_append_basic(raw, SD_BUS_TYPE_STRING,
                                                      event.item.c_str())) < 0 ||
                (result = sd_bus_message_append_basic(raw, SD_BUS_TYPE_STRING, kind.c_str())) < 0 ||
                (result = sd_bus_message_append_basic(raw, SD_BUS_TYPE_UINT64, &planned)) < 0 ||
                (result = sd_bus_message_append_basic(raw, SD_BUS_TYPE_UINT64, &at)) < 0 ||
                (result = sd_bus_message_append_basic(raw, SD_BUS_TYPE_STRING, note.c_str())) < 0 ||
                (result = sd_bus_message_append_basic(raw, SD_BUS_TYPE_INT32, &severity)) < 0 ||
                (result = sd_bus_message_close_container(raw)) < 0) {
                return result;
            }
        }
        return sd_bus_message_close_container(raw);
    });
}

int history(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return history_reply(service, message, error, /*with_due=*/true);
}

int history_answers(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return history_reply(service, message, error, /*with_due=*/false);
}

int history_columns(Service& service, sd_bus_message* message, sd_bus_error* error) {
    std::uint64_t from_usec = 0;
    std::uint64_t to_usec = 0;
    int with_due = 0;
    int result = sd_bus_message_read(message, "ttb", &from_usec, &to_usec, &with_due);
    if (result < 0) {
        return result;
    }
    std::vector<HistoryEvent> rows;
    if ((result = history_events(service, from_usec, to_usec, with_due != 0, error, rows)) < 0) {
        return result;
    }
    // History's rows as columns: the instants and severities as fixed-size arrays (copied
    // in and out whole), every text once in `texts` and the rows' ids, event names and
    // notes as indices into it. A dense history repeats a few dozen texts.
    std::vector<std::string> texts;
    std::unordered_map<std::string, std::uint32_t> text_index;
    const auto index_of = [&](const std::string& text) {
        auto [found, added] =
            text_index.try_emplace(text, static_cast<std::uint32_t>(texts.size()));
        if (added) {
            texts.push_back(text);
        }
        return found->second;
    };
    std::vector<std::uint32_t> items;
    std::vector<std::uint32_t> kinds;
    std::vector<std::uint64_t> planned;
    std::vector<std::uint64_t> at;
    std::vector<std::uint32_t> notes;
    std::vector<std::int32_t> severities;
    for (auto* column : {&items, &kinds, &notes}) {
        column->reserve(rows.size());
    }
    planned.reserve(rows.size());
    at.reserve(rows.size());
    severities.reserve(rows.size());
    for (const auto& event : rows) {
        items.push_back(index_of(event.item));
        kinds.push_back(index_of(std::string(to_string(event.kind))));
        planned.push_back(event.planned ? to_bus_time(*event.planned) : 0);
        at.push_back(to_bus_time(event.at));
        // As in History: core/inventory.hpp reply_note.
        notes.push_back(index_of(reply_note(event)));
        severities.push_back(static_cast<std::int32_t>(event.severity));
    }
    return send_reply(message, [&](sd_bus_message* raw) {
        if ((result = sd_bus_message_open_container(raw, 'a', "s")) < 0) {
            return result;
        }
        for (const auto& text : texts) {
            if ((result = sd_bus_message_append_basic(raw, 's', text.c_str())) < 0) {
                return result;
            }
        }
        if ((result = sd_bus_message_close_container(raw)) < 0 ||
            (result = sd_bus_message_append_array(raw, 'u', items.data(), items.size() * 4)) < 0 ||
            (result = sd_bus_message_append_array(raw, 'u', kinds.data(), kinds.size() * 4)) < 0 ||
            (result = sd_bus_message_append_array(raw, 't', planned.data(), planned.size() * 8)) <
                0 ||
            (result = sd_bus_message_append_array(raw, 't', at.data(), at.size() * 8)) < 0 ||
            (result = sd_bus_message_append_array(raw, 'u', notes.data(), notes.size() * 4)) < 0 ||
            (result = sd_bus_message_append_array(raw, 'i', severities.data(),
                                                  severities.size() * 4)) < 0) {
            return result;
        }
        return 0;
    });
}

int stock(Service& service, sd_bus_message* message, sd_bus_error* error) {
    auto rows = service.engine()->stock(now_micros());
    if (auto* failure = std::get_if<Error>(&rows)) {
        return method_error(error, *failure);
    }
    return send_reply(message, [&](sd_bus_message* raw) {
        int result = 0;
        if ((result = sd_bus_message_open_container(raw, 'a', "(sdddt)")) < 0) {
            return result;
        }
        const double unknown = std::numeric_limits<double>::quiet_NaN();
        for (const auto& row : std::get<std::vector<Engine::StockRow>>(rows)) {
            const auto& forecast = row.forecast;
            result = sd_bus_message_append(
                raw, "(sdddt)", row.item->id.c_str(), forecast.on_hand.value_or(unknown),
                forecast.per_dose, forecast.on_hand ? forecast.doses_left : unknown,
                forecast.runs_out ? to_bus_time(*forecast.runs_out) : std::uint64_t{0});
            if (result < 0) {
                return result;
            }
        }
        return sd_bus_message_close_container(raw);
    });
}

// Pauses `() -> a(sstt)`: item, the last paused day ("YYYY-MM-DD"), where the pause began
// and where it ends (the start of the day after, or when it is resumed).
int pauses(Service& service, sd_bus_message* message, sd_bus_error*) {
    return send_reply(message, [&](sd_bus_message* raw) {
        int result = sd_bus_message_open_container(raw, 'a', "(sstt)");
        for (const auto& pause : service.engine()->pauses(now_micros())) {
            const std::string until = format_date(pause.until);
            if (result >= 0) {
                result = sd_bus_message_append(raw, "(sstt)", pause.item.c_str(), until.c_str(),
                                               to_bus_time(pause.from), to_bus_time(pause.to));
            }
        }
        return result < 0 ? result : sd_bus_message_close_container(raw);
    });
}

const sd_bus_vtable kMethods[] = {
    SD_BUS_METHOD_WITH_NAMES("ListDoses", "tt", SD_BUS_PARAM(from) SD_BUS_PARAM(to), "a(sstst)",
                             SD_BUS_PARAM(doses), call_method<&list_doses>,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("History", "tt", SD_BUS_PARAM(from) SD_BUS_PARAM(to), "a(ssttsi)",
                             SD_BUS_PARAM(events), call_method<&history>,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("HistoryAnswers", "tt", SD_BUS_PARAM(from) SD_BUS_PARAM(to),
                             "a(ssttsi)", SD_BUS_PARAM(events), call_method<&history_answers>,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES(
        "HistoryColumns", "ttb", SD_BUS_PARAM(from) SD_BUS_PARAM(to) SD_BUS_PARAM(with_due),
        "asauauatatauai",
        SD_BUS_PARAM(texts) SD_BUS_PARAM(item) SD_BUS_PARAM(event) SD_BUS_PARAM(planned)
            SD_BUS_PARAM(at) SD_BUS_PARAM(note) SD_BUS_PARAM(severity),
        call_method<&history_columns>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Stock", "", "", "a(sdddt)", SD_BUS_PARAM(items), call_method<&stock>,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Today", "", "", "sa(sstst)ssta(stt)as",
                             SD_BUS_PARAM(zone) SD_BUS_PARAM(doses) SD_BUS_PARAM(next_item)
                                 SD_BUS_PARAM(next_name) SD_BUS_PARAM(next_planned)
                                     SD_BUS_PARAM(snoozed) SD_BUS_PARAM(warnings),
                             call_method<&today>, SD_BUS_VTABLE_UNPRIVILEGED),
    // An addition (docs/DESIGN.md "Pause"): the pauses in force, for `status`.
    SD_BUS_METHOD_WITH_NAMES("Pauses", "", "", "a(sstt)", SD_BUS_PARAM(pauses),
                             call_method<&pauses>, SD_BUS_VTABLE_UNPRIVILEGED),
};

}  // namespace

std::span<const sd_bus_vtable> listing_methods() {
    return kMethods;
}

}  // namespace regimend
