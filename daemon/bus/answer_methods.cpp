// The org.regimend.Regimen1 methods that answer a dose or write to the diary: Confirm,
// ConfirmAmount, Skip, Snooze, Undo, LogDose, LogDoseWith, LogSymptom and Refill.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "bus/method_call.hpp"
#include "core/i18n.hpp"

namespace regimend {
namespace {

// The reply of the methods that answer a time `t`, or the engine's refusal.
template <typename Answer>
int reply_time(sd_bus_message* message, sd_bus_error* error, const Answer& answer) {
    return answer ? sd_bus_reply_method_return(message, "t", to_bus_time(*answer))
                  : method_error(error, answer.error());
}

// Undo and Resume `(s)`: the item, checked.
int read_item(sd_bus_message* message, sd_bus_error* error, const char** item) {
    const int result = sd_bus_message_read(message, "s", item);
    return result < 0 ? result : check_text(*item, N_("item"), true, error);
}

// Skip and Pause `(ss) -> (t)`: an item and one more text (`what`, which may be empty
// unless `required`), checked; `ask(item, text)` asks the engine for the time to answer.
template <typename Ask>
int item_and_text(sd_bus_message* message, sd_bus_error* error, const char* what, bool required,
                  Ask ask) {
    const char* item = nullptr;
    const char* text = nullptr;
    int result = sd_bus_message_read(message, "ss", &item, &text);
    if (result < 0) {
        return result;
    }
    if ((result = check_text(item, N_("item"), true, error)) < 0 ||
        (result = check_text(text, what, required, error)) < 0) {
        return result;
    }
    return reply_time(message, error, ask(item, text));
}

// Confirm `(st)` and ConfirmAmount `(sts)`, which adds what was really taken.
int confirm_dose(Service& service, sd_bus_message* message, sd_bus_error* error, bool with_amount) {
    const char* item = nullptr;
    std::uint64_t at_usec = 0;
    const char* amount = nullptr;
    int result = with_amount ? sd_bus_message_read(message, "sts", &item, &at_usec, &amount)
                             : sd_bus_message_read(message, "st", &item, &at_usec);
    if (result < 0) {
        return result;
    }
    const Micros now = now_micros();
    std::optional<Instant> at;
    if ((result = check_text(item, N_("item"), true, error)) < 0 ||
        (with_amount && (result = check_text(amount, N_("amount"), true, error)) < 0) ||
        (result = check_at(at_usec, now, &at, error)) < 0) {
        return result;
    }
    auto answer = service.engine()->confirm(
        item, at, now, with_amount ? std::optional<std::string>(amount) : std::nullopt);
    return reply_time(message, error, answer);
}

int confirm(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return confirm_dose(service, message, error, false);
}

int confirm_amount(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return confirm_dose(service, message, error, true);
}

int skip(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return item_and_text(message, error, N_("reason"), false,
                         [&](const char* item, const char* reason) {
                             return service.engine()->skip(item, reason, now_micros());
                         });
}

int snooze(Service& service, sd_bus_message* message, sd_bus_error* error) {
    const char* item = nullptr;
    std::uint64_t seconds = 0;
    int result = sd_bus_message_read(message, "st", &item, &seconds);
    if (result < 0) {
        return result;
    }
    if ((result = check_text(item, N_("item"), true, error)) < 0) {
        return result;
    }
    // The core checks the length against kLongestSnooze and says why it refuses; only a
    // length Seconds cannot hold is cut to the longest it can (refused all the same).
    constexpr auto kMaxSeconds =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const std::optional<Seconds> length =
        seconds == 0 ? std::nullopt
                     : std::optional<Seconds>{
                           Seconds{static_cast<std::int64_t>(std::min(seconds, kMaxSeconds))}};
    auto answer = service.engine()->snooze(item, length, now_micros());
    return reply_time(message, error, answer);
}

int undo(Service& service, sd_bus_message* message, sd_bus_error* error) {
    const char* item = nullptr;
    if (const int result = read_item(message, error, &item); result < 0) {
        return result;
    }
    return reply_time(message, error, service.engine()->undo(item, now_micros()));
}

// LogDose `(sts) -> ()` and LogDoseWith `(stsb) -> (s warning)`, whose `force` records a
// use sooner than the item's min_interval.
int log_as_needed(Service& service, sd_bus_message* message, sd_bus_error* error, bool with_force) {
    const char* item = nullptr;
    std::uint64_t at_usec = 0;
    const char* note = nullptr;
    int force = 0;
    int result = with_force ? sd_bus_message_read(message, "stsb", &item, &at_usec, &note, &force)
                            : sd_bus_message_read(message, "sts", &item, &at_usec, &note);
    if (result < 0) {
        return result;
    }
    const Micros now = now_micros();
    std::optional<Instant> at;
    if ((result = check_text(item, N_("item"), true, error)) < 0 ||
        (result = check_text(note, N_("note"), false, error)) < 0 ||
        (result = check_at(at_usec, now, &at, error)) < 0) {
        return result;
    }
    auto done =
        service.engine()->log_dose(item, at.value_or(to_instant(now)), note, now, force != 0);
    if (auto* failure = std::get_if<Error>(&done)) {
        return method_error(error, *failure);
    }
    if (!with_force) {
        return sd_bus_reply_method_return(message, "");
    }
    return sd_bus_reply_method_return(message, "s", std::get<std::string>(done).c_str());
}

int log_dose(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return log_as_needed(service, message, error, false);
}

int log_dose_with(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return log_as_needed(service, message, error, true);
}

int log_symptom(Service& service, sd_bus_message* message, sd_bus_error* error) {
    const char* kind = nullptr;
    std::uint32_t severity = 0;
    std::uint64_t at_usec = 0;
    const char* note = nullptr;
    int result = sd_bus_message_read(message, "suts", &kind, &severity, &at_usec, &note);
    if (result < 0) {
        return result;
    }
    const Micros now = now_micros();
    std::optional<Instant> at;
    if ((result = check_text(kind, N_("symptom kind"), true, error)) < 0 ||
        (result = check_text(note, N_("note"), false, error)) < 0 ||
        (result = check_at(at_usec, now, &at, error)) < 0) {
        return result;
    }
    // The scale is the core's rule (core/diary.hpp); a u32 beyond int is as wrong as 11.
    const int checked_severity = severity > 1000 ? 1000 : static_cast<int>(severity);
    auto done = service.engine()->log_symptom(kind, checked_severity, at.value_or(to_instant(now)),
                                              note, now);
    return done ? sd_bus_reply_method_return(message, "") : method_error(error, done.error());
}

int refill(Service& service, sd_bus_message* message, sd_bus_error* error) {
    const char* item = nullptr;
    double quantity = 0;
    int absolute = 0;
    int result = sd_bus_message_read(message, "sdb", &item, &quantity, &absolute);
    if (result < 0) {
        return result;
    }
    if ((result = check_text(item, N_("item"), true, error)) < 0) {
        return result;
    }
    auto done = service.engine()->refill(item, quantity, absolute != 0, now_micros());
    return done ? sd_bus_reply_method_return(message, "d", *done)
                : method_error(error, done.error());
}

int pause(Service& service, sd_bus_message* message, sd_bus_error* error) {
    return item_and_text(message, error, N_("until"), true,
                         [&](const char* item, const char* until) {
                             return service.engine()->pause(item, until, now_micros());
                         });
}

int resume(Service& service, sd_bus_message* message, sd_bus_error* error) {
    const char* item = nullptr;
    if (const int result = read_item(message, error, &item); result < 0) {
        return result;
    }
    auto done = service.engine()->resume(item, now_micros());
    return done ? sd_bus_reply_method_return(message, "") : method_error(error, done.error());
}

const sd_bus_vtable kMethods[] = {
    SD_BUS_METHOD_WITH_NAMES("Confirm", "st", SD_BUS_PARAM(item) SD_BUS_PARAM(at), "t",
                             SD_BUS_PARAM(planned), call_method<&confirm>,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Skip", "ss", SD_BUS_PARAM(item) SD_BUS_PARAM(reason), "t",
                             SD_BUS_PARAM(planned), call_method<&skip>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Snooze", "st", SD_BUS_PARAM(item) SD_BUS_PARAM(seconds), "t",
                             SD_BUS_PARAM(until), call_method<&snooze>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("LogDose", "sts",
                             SD_BUS_PARAM(item) SD_BUS_PARAM(at) SD_BUS_PARAM(note), "", "",
                             call_method<&log_dose>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("LogSymptom", "suts",
                             SD_BUS_PARAM(kind) SD_BUS_PARAM(severity) SD_BUS_PARAM(at)
                                 SD_BUS_PARAM(note),
                             "", "", call_method<&log_symptom>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Undo", "s", SD_BUS_PARAM(item), "t", SD_BUS_PARAM(planned),
                             call_method<&undo>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES(
        "Refill", "sdb", SD_BUS_PARAM(item) SD_BUS_PARAM(quantity) SD_BUS_PARAM(absolute), "d",
        SD_BUS_PARAM(on_hand), call_method<&refill>, SD_BUS_VTABLE_UNPRIVILEGED),
    // Additions (docs/DESIGN.md "Pause"): `pause ITEM --until DATE`, `resume ITEM`.
    SD_BUS_METHOD_WITH_NAMES("Pause", "ss", SD_BUS_PARAM(item) SD_BUS_PARAM(until), "t",
                             SD_BUS_PARAM(ends), call_method<&pause>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Resume", "s", SD_BUS_PARAM(item), "", "", call_method<&resume>,
                             SD_BUS_VTABLE_UNPRIVILEGED),
    // Additions (docs/DESIGN.md): Confirm with what was really taken (`take --amount`), and
    // LogDose that may record a use sooner than min_interval (`log --force`), answering the
    // warning to show.
    SD_BUS_METHOD_WITH_NAMES(
        "ConfirmAmount", "sts", SD_BUS_PARAM(item) SD_BUS_PARAM(at) SD_BUS_PARAM(amount), "t",
        SD_BUS_PARAM(planned), call_method<&confirm_amount>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES(
        "LogDoseWith", "stsb",
        SD_BUS_PARAM(item) SD_BUS_PARAM(at) SD_BUS_PARAM(note) SD_BUS_PARAM(force), "s",
        SD_BUS_PARAM(warning), call_method<&log_dose_with>, SD_BUS_VTABLE_UNPRIVILEGED),
};

}  // namespace

std::span<const sd_bus_vtable> answer_methods() {
    return kMethods;
}

}  // namespace regimend
