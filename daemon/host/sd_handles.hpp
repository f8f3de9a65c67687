// sd-bus and sd-event handles owned by unique_ptr, so no early return leaks a reference;
// shared by the daemon and regimenctl.
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <memory>

#include "host/handles.hpp"

namespace regimend {

// Flushes queued outgoing messages (signals, replies) before closing.
using BusPtr = std::unique_ptr<sd_bus, Deleter<sd_bus_flush_close_unref>>;
using MessagePtr = std::unique_ptr<sd_bus_message, Deleter<sd_bus_message_unref>>;
using SlotPtr = std::unique_ptr<sd_bus_slot, Deleter<sd_bus_slot_unref>>;
using CredsPtr = std::unique_ptr<sd_bus_creds, Deleter<sd_bus_creds_unref>>;
using EventPtr = std::unique_ptr<sd_event, Deleter<sd_event_unref>>;
// Disabling first means a callback never runs on a source that is being destroyed.
using SourcePtr = std::unique_ptr<sd_event_source, Deleter<sd_event_source_disable_unref>>;

// sd_bus_error is a value struct that owns two strings once set.
struct BusError {
    sd_bus_error error = SD_BUS_ERROR_NULL;

    BusError() = default;
    ~BusError() { sd_bus_error_free(&error); }
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;

    sd_bus_error* get() { return &error; }
    bool is_set() const { return sd_bus_error_is_set(&error); }
    const char* name() const { return error.name != nullptr ? error.name : ""; }
    const char* message() const { return error.message != nullptr ? error.message : ""; }
};

}  // namespace regimend
