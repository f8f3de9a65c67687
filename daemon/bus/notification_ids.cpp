#include "bus/notification_ids.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

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
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::string text(kMaxBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (static_cast<std::size_t>(in.gcount()) > kMaxBytes) {
        return std::nullopt;
    }
    text.resize(static_cast<std::size_t>(in.gcount()));
    return parse_notification_ids(text);
}

void save_notification_ids(const std::string& path, const NotificationIds& ids) {
    if (path.empty()) {
        return;
    }
    if (ids.doses.empty()) {
        if (unlink(path.c_str()) < 0 && errno != ENOENT) {
            spdlog::debug("cannot remove {}: {}", path, std::strerror(errno));
        }
        return;
    }
    const std::string temporary = path + ".tmp";
    const int fd =
        open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        spdlog::debug("cannot write {}: {}", temporary, std::strerror(errno));
        return;
    }
    const std::string text = format_notification_ids(ids);
    const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    if (!written || rename(temporary.c_str(), path.c_str()) < 0) {
        spdlog::debug("cannot save notification ids to {}", path);
        unlink(temporary.c_str());
    }
}

}  // namespace regimend
