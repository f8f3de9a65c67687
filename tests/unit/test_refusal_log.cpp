// RefusalLog: the first refusal of each user is a line, later ones are counted and summed
// up at most once a minute; many users cannot multiply the lines beyond kMaxUsers + 1.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "bus/refusal_log.hpp"

using namespace regimend;
using namespace std::chrono_literals;

TEST_CASE("a thousand refusals of one user are one line, then a summary a minute",
          "[refusal_log]") {
    RefusalLog log;
    const auto start = RefusalLog::Clock::time_point{} + 1000h;
    const auto first = log.refused(1001, "Confirm", start);
    REQUIRE(first);
    CHECK(first->find("refused Confirm from user 1001") == 0);
    int lines = 0;
    for (int i = 1; i < 1000; ++i) {
        lines += log.refused(1001, "Skip", start + std::chrono::milliseconds(i)) ? 1 : 0;
    }
    CHECK(lines == 0);
    CHECK(log.due(start + 59s).empty());
    REQUIRE(log.next_due() == start + 60s);
    const auto summary = log.due(start + 60s);
    REQUIRE(summary.size() == 1);
    CHECK(summary[0] == "refused 999 more calls from user 1001 in the last 60 s");
    CHECK_FALSE(log.next_due());
    // A minute later, the next refusal carries its own summary at once.
    const auto later = log.refused(1001, "Skip", start + 121s);
    REQUIRE(later);
    CHECK(*later == "refused 1 more call from user 1001 in the last 61 s");
    CHECK_FALSE(log.refused(1001, "Skip", start + 122s));
}

TEST_CASE("each user has a first line; beyond kMaxUsers they are summed up together",
          "[refusal_log]") {
    RefusalLog log;
    const auto now = RefusalLog::Clock::time_point{} + 1000h;
    int lines = 0;
    for (uid_t uid = 2000; uid < 2000 + 1000; ++uid) {
        lines += log.refused(uid, "Confirm", now) ? 1 : 0;
    }
    CHECK(lines == static_cast<int>(RefusalLog::kMaxUsers) + 1);
    const auto summaries = log.due(now + 60s);
    REQUIRE(summaries.size() == 1);
    CHECK(summaries[0].find("more users") != std::string::npos);
}
