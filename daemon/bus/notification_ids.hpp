// Which notification shows which dose, kept in a small file so that a reminder still on
// screen after regimend restarted (an update, a crash, a logout of the daemon alone) keeps
// working: its buttons answer its dose and the next repeat replaces it. Ids belong to one
// notification server on one bus, so the file names both; ids from another server (or a
// restarted one) are never reused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/doses.hpp"

namespace regimend {

struct NotificationIds {
    std::string bus_id;                                   // sd_bus_get_bus_id, as text
    std::string server;                                   // the server's unique name (":1.5")
    std::map<std::uint32_t, std::vector<DoseKey>> doses;  // a group lists several

    friend bool operator==(const NotificationIds&, const NotificationIds&) = default;
};

std::string format_notification_ids(const NotificationIds& ids);
// Nullopt when the text is not a file this version wrote (it is then ignored).
std::optional<NotificationIds> parse_notification_ids(const std::string& text);

// File access: load returns nullopt for a missing file and, with a log line, for one that is
// not a state file the user can trust (host/regular_file.hpp) or not one this version
// wrote; save replaces it atomically (host/atomic_file.hpp). An empty map removes the file.
std::optional<NotificationIds> load_notification_ids(const std::string& path);
void save_notification_ids(const std::string& path, const NotificationIds& ids);

}  // namespace regimend
