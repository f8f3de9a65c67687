#include "bus/access_filter.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <system_error>

#include "bus/service.hpp"
#include "host/bus_names.hpp"

namespace regimend {
namespace {

int on_message(sd_bus_message* message, void* userdata, sd_bus_error* error) noexcept {
    if (!AccessFilter::guards(message)) {
        return 0;
    }
    // A negative result with `error` set makes sd-bus answer the call with that error and
    // stop: the vtable never sees it. A positive one (parked until the bus says who is
    // calling) stops it too; it comes back through here once the answer is in.
    try {
        return static_cast<Service*>(userdata)->admit_caller(message, error);
    } catch (const std::exception&) {
        return -ENOMEM;  // sd-bus answers the call with the errno's error
    }
}

}  // namespace

bool AccessFilter::guards(sd_bus_message* message) {
    std::uint8_t type = 0;
    if (sd_bus_message_get_type(message, &type) < 0 || type != SD_BUS_MESSAGE_METHOD_CALL) {
        return false;
    }
    const char* path = sd_bus_message_get_path(message);
    if (path == nullptr || (std::strcmp(path, bus_names::kObjectPath) != 0 &&
                            std::strcmp(path, bus_names::kLogControlPath) != 0)) {
        return false;
    }
    const char* interface = sd_bus_message_get_interface(message);
    // Peer.Ping and GetMachineId say nothing about the user; everything else is refused.
    return interface == nullptr || std::strcmp(interface, "org.freedesktop.DBus.Peer") != 0;
}

AccessFilter::AccessFilter(sd_bus* bus, Service& service) {
    sd_bus_slot* slot = nullptr;
    const int result = sd_bus_add_filter(bus, &slot, &on_message, &service);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_bus_add_filter");
    }
    slot_.reset(slot);
}

}  // namespace regimend
