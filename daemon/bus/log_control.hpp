// org.freedesktop.LogControl1 at /org/freedesktop/LogControl1: `systemctl --user
// service-log-level regimend debug` changes the log level of the running daemon.
#pragma once

#include "host/sd_handles.hpp"

namespace regimend {

class LogControl {
  public:
    // Throws std::system_error.
    explicit LogControl(sd_bus* bus);

  private:
    SlotPtr slot_;
};

}  // namespace regimend
