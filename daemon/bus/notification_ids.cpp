#include "bus/notification_ids.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "host/atomic_file.hpp"
#include "host/regular_file.hpp"

namespace regimend {
namespace {

constexpr const char* kHeader = "regimend-notification-ids 1";
// A few hundred open doses at most; anything larger is not ours.
constexpr std::size_t kMaxBytes = 1 << 20;

}  // namespace

std::string format_notification_ids(const NotificationIds& ids) {
    std::string text =
        std::string(kHeader) + "\nbus " + ids.bus_id + "\nserver " + ids.server + "\n";
    for (const auto& [id, doses] : ids.doses) {
        for (const auto& dose : doses) {
            text += std::to_string(id) + " " +
                    std::to_string(dose.planned.time_since_epoch().count()) + " " + dose.item_id +
                    "\n";
        }
    }
    return text;
}

std::optional<NotificationIds> parse_notification_ids(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || line != kHeader) {
        return std::nullopt;
    }
    NotificationIds ids;
    if (!std::getline(in, line) || !line.starts_with("bus ")) {
        return std::nullopt;
    }
    ids.bus_id = line.substr(4);
    if (!std::getline(in, line) || !line.starts_with("server ")) {
        return std::nullopt;
    }
    ids.server = line.substr(7);
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::uint32_t id = 0;
        long long planned = 0;
        std::string item;
        if (!(fields >> id >> planned >> item) || id == 0 || item.empty()) {
            return std::nullopt;
        }
        ids.doses[id].push_back(DoseKey{item, Instant{Seconds{planned}}});
    }
    return ids;
}

std::optional<NotificationIds> load_notification_ids(const std::string& path) {
    // Read as the regimen is: never blocking (a FIFO here hung the start), a regular file
    // of the user's own that no one else can write (the state directory may be shared), and
    // capped. Anything else is ignored: the reminders still on screen are then shown anew.
    const StateFileRead read = read_state_file(path, kMaxBytes);
    if (read.check.verdict == StateFileVerdict::Missing) {
        return std::nullopt;
    }
    if (!read.text) {
        spdlog::warn("ignoring {}: {}", path, read.check.why);
        return std::nullopt;
    }
    auto ids = parse_notification_ids(*read.text);
    if (!ids) {
        spdlog::warn("ignoring {}: it is not a notification-ids file regimend wrote", path);
    }
    return ids;
}

void save_notification_ids(const std::string& path, const NotificationIds& ids) {
    if (path.empty()) {
        return;
    }
    if (ids.doses.empty()) {
        if (::unlink(path.c_str()) < 0 && errno != ENOENT) {
            spdlog::debug("cannot remove {}: {}", path, std::strerror(errno));
        }
        return;
    }
    if (auto failed = write_file_atomically(path, format_notification_ids(ids))) {
        spdlog::debug("cannot save notification ids: {}", *failed);
    }
}

}  // namespace regimend
