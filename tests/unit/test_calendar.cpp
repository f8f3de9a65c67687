#include <catch2/catch.hpp>

#include "calendar.hpp"

using namespace regimend;
using namespace date::literals;

namespace {

std::vector<CalendarDay> sample_days() {
    // Wednesday 2026-11-04 to Tuesday 2026-11-10.
    std::vector<CalendarDay> days;
    auto first = date::sys_days{2026_y / 11 / 4};
    int planned[] = {2, 2, 2, 0, 2, 1, 2};
    int taken[] = {2, 1, 0, 0, 2, 1, 2};
    for (int i = 0; i < 7; ++i) {
        CalendarDay day;
        day.day = LocalDate{first + date::days{i}};
        day.planned = planned[i];
        day.taken = taken[i];
        day.symptom = i == 1 || i == 3;
        days.push_back(day);
    }
    return days;
}

}  // namespace

TEST_CASE("the calendar draws one row per week with a legend", "[calendar]") {
    SECTION("plain mode is ASCII, Monday first, symptom days starred") {
        auto text = regimenctl::render_calendar(sample_days(), false);
        CHECK(text ==
              "            Mo  Tu  We  Th  Fr  Sa  Su\n"
              "2026-11-02          #   +*  -   .*  #\n"
              "2026-11-09  #   #\n"
              "\n"
              "# all taken  + some taken  - none taken  . not planned or not tracked  * symptom "
              "entry\n");
        CHECK(text.find('\x1b') == std::string::npos);
        for (unsigned char c : text) {
            CHECK(c < 0x80);
        }
    }

    SECTION("colour mode has ANSI escapes and the round glyphs") {
        auto text = regimenctl::render_calendar(sample_days(), true);
        CHECK(text.find("\x1b[32m●\x1b[0m") != std::string::npos);
        CHECK(text.find("\x1b[33m◐\x1b[0m") != std::string::npos);
        CHECK(text.find("\x1b[31m○\x1b[0m") != std::string::npos);
        CHECK(text.find("\x1b[35m*\x1b[0m") != std::string::npos);
        CHECK(text.find('#') == std::string::npos);
    }

    SECTION("no days: nothing drawn") {
        CHECK(regimenctl::render_calendar({}, true).empty());
    }
}
