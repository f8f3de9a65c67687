#include "bus/log_control.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <system_error>

#include "app/logging.hpp"
#include "bus/service.hpp"
#include "host/bus_names.hpp"

namespace regimend {
namespace {

int get_level(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void*,
              sd_bus_error*) noexcept {
    try {
        return sd_bus_message_append(reply, "s", log_level_name().c_str());
    } catch (const std::exception&) {
        return -ENOMEM;
    }
}

// sd-bus's own privilege check (no SD_BUS_VTABLE_UNPRIVILEGED) trusts every caller on a
// user bus, so the spec's sender check runs here too (the AccessFilter runs it first).
int set_level(sd_bus* bus, const char*, const char*, const char*, sd_bus_message* value,
              void* userdata, sd_bus_error* error) noexcept {
    sd_bus_message* call = sd_bus_get_current_message(bus);
    int result = 0;
    try {
        result = call != nullptr ? static_cast<Service*>(userdata)->check_caller(call, error) : 0;
    } catch (const std::exception&) {
        return -ENOMEM;
    }
    if (result < 0) {
        return result;
    }
    const char* level = nullptr;
    result = sd_bus_message_read(value, "s", &level);
    if (result < 0) {
        return result;
    }
    if (!set_log_level(level)) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                 "'%s' is not a log level (emerg, alert, crit, err, warning, "
                                 "notice, info, debug)",
                                 level);
    }
    spdlog::info("log level set to {}", level);
    return 0;
}

int get_target(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void*,
               sd_bus_error*) noexcept {
    try {
        return sd_bus_message_append(reply, "s", log_target_name().c_str());
    } catch (const std::exception&) {
        return -ENOMEM;
    }
}

int get_identifier(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void*,
                   sd_bus_error*) noexcept {
    return sd_bus_message_append(reply, "s", "regimend");
}

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_WRITABLE_PROPERTY("LogLevel", "s", get_level, set_level, 0, 0),
    SD_BUS_PROPERTY("LogTarget", "s", get_target, 0, 0),
    SD_BUS_PROPERTY("SyslogIdentifier", "s", get_identifier, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

}  // namespace

LogControl::LogControl(sd_bus* bus, Service& service) {
    sd_bus_slot* slot = nullptr;
    const int result = sd_bus_add_object_vtable(bus, &slot, bus_names::kLogControlPath,
                                                bus_names::kLogControlInterface, kVtable, &service);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "LogControl1 vtable");
    }
    slot_.reset(slot);
}

}  // namespace regimend
