// Logging: to the journal when started by systemd (JOURNAL_STREAM is set), to stderr
// otherwise. The level can change at run time (org.freedesktop.LogControl1).
#pragma once

#include <string>
#include <string_view>

namespace regimend {

void setup_logging(bool verbose);

// LogControl1 speaks syslog level names: "emerg" ... "info", "debug".
std::string log_level_name();
// Returns false (and changes nothing) for a name that is not a syslog level.
bool set_log_level(std::string_view syslog_name);

// "journal" or "console".
std::string log_target_name();

}  // namespace regimend
