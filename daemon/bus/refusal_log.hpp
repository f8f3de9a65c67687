// How refused calls reach the log: a caller that is refused must not be able to fill the
// journal by calling again and again. Per
// calling user, the first refusal is logged; later ones are counted and summed up in one
// line at most once a minute. Pure: the caller passes the time and logs the lines.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace regimend {

class RefusalLog {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds kInterval{60};
    // Users followed one by one; refusals of users beyond them are summed up together.
    static constexpr std::size_t kMaxUsers = 64;

    // A call `member` of `uid` was refused at `now`: the line to log now, if any.
    std::optional<std::string> refused(uid_t uid, std::string_view member, Clock::time_point now);

    // The summaries due at `now` (refusals counted at least kInterval after the user's
    // last line), each user's count then starting again.
    std::vector<std::string> due(Clock::time_point now);

    // When the next summary is due, if refusals are waiting for one.
    std::optional<Clock::time_point> next_due() const;

  private:
    struct User {
        Clock::time_point last_line;
        std::uint64_t unlogged = 0;
    };
    static constexpr uid_t kOthers = static_cast<uid_t>(-1);  // never a caller's uid

    std::string summary(uid_t uid, const User& user, Clock::time_point now) const;

    std::map<uid_t, User> users_;
};

}  // namespace regimend
