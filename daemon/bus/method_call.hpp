// What every org.regimend.Regimen1 method shares: the one noexcept entry (call_method), the
// argument checks, errors by name and building a reply. The methods themselves live one
// file per concern (answer_methods.cpp, listing_methods.cpp, regimen_methods.cpp,
// service.cpp), each with its own vtable entries: adding a method is one handler and one
// entry in one file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "app/clock.hpp"
#include "app/engine.hpp"
#include "bus/service.hpp"

namespace regimend {

// A method handler: the service is the vtable's userdata.
using MethodHandler = int (*)(Service& service, sd_bus_message* message, sd_bus_error* error);

// The vtable entries of each concern (no START or END: Service::serve joins them).
std::span<const sd_bus_vtable> answer_methods();   // Confirm, Skip, Snooze, Undo, Log*, Refill
std::span<const sd_bus_vtable> listing_methods();  // ListDoses, Today, History*, Stock
std::span<const sd_bus_vtable> regimen_methods();  // Reload, Validate

// How long a handler held the event loop (the spec's 100 ms rule).
void log_loop_time(const char* member, std::chrono::steady_clock::time_point started);

// Logs the exception and sets `error` to org.freedesktop.DBus.Error.Failed.
int internal_error(sd_bus_message* message, const std::exception& exception, sd_bus_error* error);

// The one entry of every method: checks the caller, times the handler and turns any
// exception into an sd_bus_error.
template <MethodHandler Handler>
int call_method(sd_bus_message* message, void* userdata, sd_bus_error* error) noexcept {
    auto& service = *static_cast<Service*>(userdata);
    try {
        if (const int result = service.check_caller(message, error); result < 0) {
            return result;
        }
        const auto started = std::chrono::steady_clock::now();
        const int result = Handler(service, message, error);
        log_loop_time(sd_bus_message_get_member(message), started);
        return result;
    } catch (const std::exception& exception) {
        return internal_error(message, exception, error);
    }
}
// An Error as the named D-Bus error: the one place an ErrorKind gets its name.
int method_error(sd_bus_error* error, const Error& failure);
int invalid_argument(sd_bus_error* error, const std::string& message);

// The argument checks, sd-bus style: 0 when the argument is usable, else the negative errno
// of sd_bus_error_set with `error` set to InvalidArgument saying why.

// A text argument: not empty when `required`, at most a few KiB.
int check_text(const char* value, const char* what, bool required, sd_bus_error* error);
// The `at` of a dose or diary entry: 0 = now (nullopt); not before 1970-01-02, not more
// than a day ahead.
int check_at(std::uint64_t usec, Micros now, std::optional<Instant>* ret_at, sd_bus_error* error);
// A [from, to) span of ListDoses/History: 0 = now; to >= from; at most 400 days.
int check_span(std::uint64_t from_usec, std::uint64_t to_usec, Micros now, Instant* ret_from,
               Instant* ret_to, sd_bus_error* error);

// A method return to `call`, written by `fill` (a negative errno stops it), then sent.
int send_reply(sd_bus_message* call, const std::function<int(sd_bus_message* reply)>& fill);

// An a(s) of the strings of every list in turn, into an open reply.
template <class... Lists>
int append_string_array(sd_bus_message* reply, const Lists&... lists) {
    int result = sd_bus_message_open_container(reply, 'a', "s");
    auto append_all = [&](const auto& list) {
        for (const auto& text : list) {
            if (result >= 0) {
                result = sd_bus_message_append(reply, "s", text.c_str());
            }
        }
    };
    (append_all(lists), ...);
    return result < 0 ? result : sd_bus_message_close_container(reply);
}

}  // namespace regimend
