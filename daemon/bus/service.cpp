// The object itself: its vtable joined from the files of each concern, the properties, the
// signals and who receives them (Subscribe, Unsubscribe).
#include "bus/service.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstring>
#include <system_error>

#include "bus/method_call.hpp"
#include "host/bus_names.hpp"

namespace regimend {
namespace {

using namespace bus_names;

int get_config_path(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                    void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Service*>(userdata);
    return sd_bus_message_append(reply, "s", self->engine()->config_path().c_str());
}

int get_next_due(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                 void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Service*>(userdata);
    const auto next = self->engine()->next_due();
    return sd_bus_message_append(reply, "t", next ? to_bus_time(*next) : std::uint64_t{0});
}

int get_version(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void*,
                sd_bus_error*) noexcept {
    return sd_bus_message_append(reply, "s", REGIMEND_VERSION);
}

int get_time_zone(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                  void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Service*>(userdata);
    const auto* zone = self->engine()->regimen().zone;
    return sd_bus_message_append(reply, "s", zone != nullptr ? zone->name().c_str() : "UTC");
}

int get_warnings(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                 void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Service*>(userdata);
    return append_string_array(reply, self->warnings(), self->engine()->stock_warnings());
}

int get_sync(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void* userdata,
             sd_bus_error*) noexcept {
    const auto& sync = static_cast<Service*>(userdata)->sync();
    return sd_bus_message_append(reply, "(bts)", static_cast<int>(sync.configured), sync.last_ok,
                                 sync.error.c_str());
}

int get_low_stock(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply,
                  void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<Service*>(userdata);
    return append_string_array(reply, self->engine()->low_stock());
}

// One {sv} entry of PropertiesChanged: the property's name and its value, as Get answers.
int append_property(sd_bus_message* message, Service* service, const char* name) {
    struct Getter {
        const char* name;
        const char* signature;
        sd_bus_property_get_t get;
    };
    static constexpr Getter kGetters[] = {
        {"NextDue", "t", get_next_due},       {"TimeZone", "s", get_time_zone},
        {"Warnings", "as", get_warnings},     {"LowStock", "as", get_low_stock},
        {"ConfigPath", "s", get_config_path},
    };
    const auto* getter =
        std::find_if(std::begin(kGetters), std::end(kGetters),
                     [&](const Getter& g) { return std::strcmp(g.name, name) == 0; });
    if (getter == std::end(kGetters)) {
        return -EINVAL;
    }
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int result = sd_bus_message_open_container(message, 'e', "sv");
    if (result >= 0) {
        result = sd_bus_message_append(message, "s", name);
    }
    if (result >= 0) {
        result = sd_bus_message_open_container(message, 'v', getter->signature);
    }
    if (result >= 0) {
        result = getter->get(sd_bus_message_get_bus(message), kObjectPath, kInterface, name,
                             message, service, &error);
    }
    sd_bus_error_free(&error);
    if (result >= 0) {
        result = sd_bus_message_close_container(message);
    }
    return result < 0 ? result : sd_bus_message_close_container(message);
}

int subscribe(Service& service, sd_bus_message* message, sd_bus_error* error) {
    const char* sender = sd_bus_message_get_sender(message);
    if (sender == nullptr) {
        return sd_bus_error_set(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                "Signals go to connections on a bus; this one has none");
    }
    if (const int result = service.subscribers().add(sender, error); result < 0) {
        return result;
    }
    return sd_bus_reply_method_return(message, "");
}

int unsubscribe(Service& service, sd_bus_message* message, sd_bus_error*) {
    if (const char* sender = sd_bus_message_get_sender(message)) {
        service.subscribers().remove(sender);
    }
    return sd_bus_reply_method_return(message, "");
}

const sd_bus_vtable kPropertiesAndSignals[] = {
    // Additions (docs/DESIGN.md "D-Bus additions"): the daemon's signals go only to the
    // connections that subscribed, never to every connection on the bus.
    SD_BUS_METHOD("Subscribe", "", "", call_method<&subscribe>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Unsubscribe", "", "", call_method<&unsubscribe>, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("ConfigPath", "s", get_config_path, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("NextDue", "t", get_next_due, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    SD_BUS_PROPERTY("Version", "s", get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    // An addition to the spec's table: the regimen's IANA zone, so clients print instants
    // in the regimen's zone (RFC 3339 with its offset) rather than their own.
    SD_BUS_PROPERTY("TimeZone", "s", get_time_zone, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    // An addition: what the daemon warns about itself (docs/DESIGN.md): a history it cannot
    // use, and low stock.
    SD_BUS_PROPERTY("Warnings", "as", get_warnings, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    // An addition: ids of the items whose stock runs out within their warn_before, for
    // status bars (`regimenctl bar`'s low-stock class).
    SD_BUS_PROPERTY("LowStock", "as", get_low_stock, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
    // An addition: CalDAV sync (configured, last good sync in µs or 0, last error or "").
    SD_BUS_PROPERTY("Sync", "(bts)", get_sync, 0, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
    SD_BUS_SIGNAL_WITH_NAMES("DoseDue", "st", SD_BUS_PARAM(item) SD_BUS_PARAM(planned), 0),
    SD_BUS_SIGNAL_WITH_NAMES("DoseTaken", "stt",
                             SD_BUS_PARAM(item) SD_BUS_PARAM(planned) SD_BUS_PARAM(at), 0),
    SD_BUS_SIGNAL_WITH_NAMES("DoseSkipped", "st", SD_BUS_PARAM(item) SD_BUS_PARAM(planned), 0),
    SD_BUS_SIGNAL_WITH_NAMES("DoseMissed", "st", SD_BUS_PARAM(item) SD_BUS_PARAM(planned), 0),
    SD_BUS_SIGNAL_WITH_NAMES("RegimenReloaded", "u", SD_BUS_PARAM(items), 0),
    SD_BUS_SIGNAL_WITH_NAMES("ReloadFailed", "s", SD_BUS_PARAM(message), 0),
    SD_BUS_SIGNAL_WITH_NAMES("DoseUndone", "st", SD_BUS_PARAM(item) SD_BUS_PARAM(planned), 0),
    SD_BUS_SIGNAL_WITH_NAMES("StockLow", "sdt",
                             SD_BUS_PARAM(item) SD_BUS_PARAM(on_hand) SD_BUS_PARAM(runs_out), 0),
};

}  // namespace

void Service::serve(Engine& engine) {
    engine_ = &engine;
    vtable_ = {SD_BUS_VTABLE_START(0)};
    for (const auto part : {answer_methods(), listing_methods(), regimen_methods(),
                            std::span<const sd_bus_vtable>(kPropertiesAndSignals)}) {
        vtable_.insert(vtable_.end(), part.begin(), part.end());
    }
    vtable_.push_back(SD_BUS_VTABLE_END);
    sd_bus_slot* slot = nullptr;
    const int result =
        sd_bus_add_object_vtable(bus_, &slot, kObjectPath, kInterface, vtable_.data(), this);
    if (result < 0) {
        throw std::system_error(-result, std::generic_category(), "sd_bus_add_object_vtable");
    }
    slot_.reset(slot);
}

void Service::emit(const char* member, const char* signature, ...) {
    va_list arguments;
    va_start(arguments, signature);
    subscribers_.send(kObjectPath, kInterface, member, [&](sd_bus_message* message) {
        va_list copy;
        va_copy(copy, arguments);
        const int result = sd_bus_message_appendv(message, signature, copy);
        va_end(copy);
        return result;
    });
    va_end(arguments);
}

// org.freedesktop.DBus.Properties.PropertiesChanged with the new values, as
// sd_bus_emit_properties_changed writes it, but to each subscriber rather than to all.
void Service::emit_properties_changed(std::initializer_list<const char*> names) {
    subscribers_.send(kObjectPath, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                      [&](sd_bus_message* message) {
                          int result = sd_bus_message_append(message, "s", kInterface);
                          if (result >= 0) {
                              result = sd_bus_message_open_container(message, 'a', "{sv}");
                          }
                          for (const char* name : names) {
                              if (result >= 0) {
                                  result = append_property(message, this, name);
                              }
                          }
                          if (result >= 0) {
                              result = sd_bus_message_close_container(message);
                          }
                          return result < 0 ? result : sd_bus_message_append(message, "as", 0);
                      });
}

void Service::dose_due(const DoseKey& dose) {
    emit("DoseDue", "st", dose.item_id.c_str(), to_bus_time(dose.planned));
}

void Service::dose_undone(const DoseKey& dose) {
    emit("DoseUndone", "st", dose.item_id.c_str(), to_bus_time(dose.planned));
}

void Service::dose_taken(const DoseKey& dose, Instant at) {
    emit("DoseTaken", "stt", dose.item_id.c_str(), to_bus_time(dose.planned), to_bus_time(at));
}

void Service::dose_skipped(const DoseKey& dose) {
    emit("DoseSkipped", "st", dose.item_id.c_str(), to_bus_time(dose.planned));
}

void Service::dose_missed(const DoseKey& dose) {
    emit("DoseMissed", "st", dose.item_id.c_str(), to_bus_time(dose.planned));
}

void Service::regimen_reloaded(std::uint32_t items) {
    emit("RegimenReloaded", "u", items);
}

void Service::reload_failed(const std::string& message) {
    emit("ReloadFailed", "s", message.c_str());
}

void Service::stock_low(const std::string& item, std::optional<double> on_hand,
                        std::optional<Instant> runs_out) {
    emit("StockLow", "sdt", item.c_str(), on_hand.value_or(0),
         runs_out ? to_bus_time(*runs_out) : std::uint64_t{0});
}

void Service::stock_changed() {
    if (engine_ == nullptr) {
        return;
    }
    emit_properties_changed({"LowStock", "Warnings"});
}

void Service::properties_changed() {
    if (engine_ == nullptr) {
        return;  // not serving yet: nobody can have read the old values
    }
    emit_properties_changed({"NextDue", "TimeZone"});
}

}  // namespace regimend
