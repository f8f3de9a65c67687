// The org.regimend.Regimen1 methods on the regimen file: Reload and Validate, read and
// checked on the RegimenWorker's thread and answered on the loop when done.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "bus/method_call.hpp"
#include "core/i18n.hpp"
#include "core/reply_limits.hpp"
#include "host/system_zone.hpp"
#include "loop/regimen_worker.hpp"

namespace regimend {
namespace {

// A call answered later (Reload, Validate on the worker): the message is kept until then.
using HeldCall = std::shared_ptr<sd_bus_message>;

HeldCall hold(sd_bus_message* message) {
    return HeldCall(sd_bus_message_ref(message), &sd_bus_message_unref);
}

void reply_error_later(sd_bus_message* call, const Error& failure) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    method_error(&error, failure);
    const int result = sd_bus_reply_method_error(call, &error);
    sd_bus_error_free(&error);
    if (result < 0) {
        spdlog::warn("cannot answer {}: {}", sd_bus_message_get_member(call),
                     std::strerror(-result));
    }
}

// Reload and Validate beyond the worker's queue (loop/regimen_worker.hpp).
int worker_full(sd_bus_error* error) {
    return sd_bus_error_set(
        error, SD_BUS_ERROR_LIMITS_EXCEEDED,
        fill(_("{} calls are already waiting for a regimen to be checked; try again when they "
               "are answered"),
             {std::to_string(RegimenWorker::kMaxWaitingCalls)})
            .c_str());
}

// Validate's reply: the diagnostics, within the reply limit.
int send_diagnostics(sd_bus_message* message, const LoadedRegimen& checked) {
    return send_reply(message, [&](sd_bus_message* raw) {
        int result = 0;
        if ((result = sd_bus_message_open_container(raw, 'a', "(uuss)")) < 0) {
            return result;
        }
        // Errors are capped by the parser; warnings may be many. Stay under the reply limit and
        // say how many were left out.
        std::size_t bytes = 0;
        std::size_t listed = 0;
        for (const auto& diagnostic : checked.diagnostics) {
            bytes += 64 + diagnostic.message.size();
            if (bytes > kMaxReplyBytes - 4096) {
                const std::string omitted = std::to_string(checked.diagnostics.size() - listed) +
                                            " more diagnostics are left out: they pass the " +
                                            std::to_string(kMaxReplyBytes / (1024 * 1024)) +
                                            " MiB limit of one reply";
                result = sd_bus_message_append(raw, "(uuss)", 0U, 0U, "warning", omitted.c_str());
                if (result < 0) {
                    return result;
                }
                break;
            }
            ++listed;
            result = sd_bus_message_append(
                raw, "(uuss)", static_cast<std::uint32_t>(std::max(diagnostic.line, 0)),
                static_cast<std::uint32_t>(std::max(diagnostic.column, 0)),
                diagnostic.severity == Severity::Error ? "error" : "warning",
                diagnostic.message.c_str());
            if (result < 0) {
                return result;
            }
        }
        return sd_bus_message_close_container(raw);
    });
}

int reload(Service& service, sd_bus_message* message, sd_bus_error* error) {
    RegimenWorker* worker = service.worker();
    Engine& engine = *service.engine();
    if (worker != nullptr) {
        if (!worker->has_room_for_call()) {
            return worker_full(error);
        }
        // Read and checked off the loop; swapped in and answered on it when done.
        worker->load_for_call(engine.config_path(), [&engine,
                                                     call = hold(message)](LoadedRegimen loaded) {
            auto done =
                engine.apply_reload(std::move(loaded), ReloadTrigger::Request, now_micros());
            if (auto* failure = std::get_if<Error>(&done)) {
                reply_error_later(call.get(), *failure);
            } else if (const int result = sd_bus_reply_method_return(call.get(), ""); result < 0) {
                spdlog::warn("cannot answer Reload: {}", std::strerror(-result));
            }
        });
        return 1;
    }
    auto done = engine.reload(ReloadTrigger::Request, now_micros());
    return done ? sd_bus_reply_method_return(message, "") : method_error(error, done.error());
}

int validate(Service& service, sd_bus_message* message, sd_bus_error* error) {
    // Before the argument is read: a full queue refuses a flood at the cost of a header.
    RegimenWorker* worker = service.worker();
    if (worker != nullptr && !worker->has_room_for_call()) {
        return worker_full(error);
    }
    const char* yaml = nullptr;
    int result = sd_bus_message_read(message, "s", &yaml);
    if (result < 0) {
        return result;
    }
    const std::size_t length = std::strlen(yaml);
    if (length > kMaxRegimenBytes) {
        return invalid_argument(error, fill(_("The regimen is {} bytes long; at most 1 MiB is "
                                              "accepted"),
                                            {std::to_string(length)}));
    }
    const std::string& path = service.engine()->config_path();
    std::string file_name = path.substr(path.find_last_of('/') + 1);
    if (worker != nullptr) {
        worker->check(std::string(yaml, length), std::move(file_name),
                      [call = hold(message)](LoadedRegimen checked) {
                          if (const int sent = send_diagnostics(call.get(), checked); sent < 0) {
                              spdlog::warn("cannot answer Validate: {}", std::strerror(-sent));
                          }
                      });
        return 1;
    }
    return send_diagnostics(
        message, check_regimen_text(std::string_view(yaml, length), file_name, system_zone()));
}

const sd_bus_vtable kMethods[] = {
    SD_BUS_METHOD("Reload", "", "", call_method<&reload>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD_WITH_NAMES("Validate", "s", SD_BUS_PARAM(yaml), "a(uuss)",
                             SD_BUS_PARAM(diagnostics), call_method<&validate>,
                             SD_BUS_VTABLE_UNPRIVILEGED),
};

}  // namespace

std::span<const sd_bus_vtable> regimen_methods() {
    return kMethods;
}

}  // namespace regimend
