// org.freedesktop.LogControl1 at /org/freedesktop/LogControl1: `systemctl --user
// service-log-level regimend debug` changes the log level of the running daemon.
#pragma once

#include "host/sd_handles.hpp"

namespace regimend {

class Service;

class LogControl {
  public:
    // Throws std::system_error. `service` checks who sets the level and must outlive this.
    LogControl(sd_bus* bus, Service& service);

  private:
    SlotPtr slot_;
};

}  // namespace regimend
