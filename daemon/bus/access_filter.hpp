// The spec's access rule for what sd-bus answers by itself: property reads and writes
// (org.freedesktop.DBus.Properties Get, GetAll, Set) and introspection on the daemon's
// objects. sd-bus trusts every caller on a user bus, so without this another user on a bus
// that lets them in could read ConfigPath, NextDue and TimeZone or set LogLevel. A bus
// filter runs before the object vtables: it applies the Service's admit_caller to every
// method call on regimend's two object paths (except org.freedesktop.DBus.Peer's Ping) and
// answers AccessDenied itself, or parks the call while the bus is asked who sent it
// (bus/callers.hpp).
#pragma once

#include "host/sd_handles.hpp"

namespace regimend {

class Service;

class AccessFilter {
  public:
    // Throws std::system_error when the filter cannot be installed. `service` checks the
    // callers and must outlive the filter.
    AccessFilter(sd_bus* bus, Service& service);

    // True when `message` is a call the filter checks (exposed for the unit tests).
    static bool guards(sd_bus_message* message);

  private:
    SlotPtr slot_;
};

}  // namespace regimend
