#include "bus/refusal_log.hpp"

namespace regimend {

std::optional<std::string> RefusalLog::refused(uid_t uid, std::string_view member,
                                               Clock::time_point now) {
    auto found = users_.find(uid);
    if (found == users_.end()) {
        if (users_.size() >= kMaxUsers && uid != kOthers) {
            return refused(kOthers, member, now);
        }
        users_.emplace(uid, User{now, 0});
        const std::string who = uid == kOthers ? "more users" : "user " + std::to_string(uid);
        return "refused " + std::string(member) + " from " + who +
               " (further refusals are counted and logged at most once a minute)";
    }
    User& user = found->second;
    ++user.unlogged;
    if (now - user.last_line < kInterval) {
        return std::nullopt;
    }
    std::string line = summary(uid, user, now);
    user.last_line = now;
    user.unlogged = 0;
    return line;
}

std::vector<std::string> RefusalLog::due(Clock::time_point now) {
    std::vector<std::string> lines;
    for (auto& [uid, user] : users_) {
        if (user.unlogged > 0 && now - user.last_line >= kInterval) {
            lines.push_back(summary(uid, user, now));
            user.last_line = now;
            user.unlogged = 0;
        }
    }
    return lines;
}

std::optional<RefusalLog::Clock::time_point> RefusalLog::next_due() const {
    std::optional<Clock::time_point> next;
    for (const auto& [uid, user] : users_) {
        if (user.unlogged > 0 && (!next || user.last_line + kInterval < *next)) {
            next = user.last_line + kInterval;
        }
    }
    return next;
}

std::string RefusalLog::summary(uid_t uid, const User& user, Clock::time_point now) const {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - user.last_line);
    const std::string who = uid == kOthers ? "more users" : "user " + std::to_string(uid);
    return "refused " + std::to_string(user.unlogged) + " more call" +
           (user.unlogged == 1 ? "" : "s") + " from " + who + " in the last " +
           std::to_string(seconds.count()) + " s";
}

}  // namespace regimend
