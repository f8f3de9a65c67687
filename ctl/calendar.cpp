#include "calendar.hpp"
#include "core/i18n.hpp"

#include <array>

namespace regimenctl {
namespace {

using regimend::CalendarDay;
using regimend::DayAdherence;

struct Look {
    const char* glyph;  // colour mode
    const char* ascii;  // plain mode
    const char* sgr;    // ANSI colour
    const char* meaning;
};

// Glyphs that differ in shape as well as colour, so the calendar reads without colour too.
constexpr std::array<Look, 4> kLooks{{
    {"●", "#", "32", N_("all taken")},                  // DayAdherence::AllTaken
    {"◐", "+", "33", N_("some taken")},                 // DayAdherence::SomeTaken
    {"○", "-", "31", N_("none taken")},                 // DayAdherence::NoneTaken
    {"·", ".", "2", N_("not planned or not tracked")},  // DayAdherence::NothingPlanned
}};
constexpr const char* kSymptomSgr = "35";
// TRANSLATORS: the calendar's columns, Monday first: two letters each, two spaces apart.
constexpr const char* kWeekdayHeader = N_("Mo  Tu  We  Th  Fr  Sa  Su");

std::string paint(const std::string& text, const char* sgr, bool colour) {
    return colour ? "\x1b[" + std::string(sgr) + "m" + text + "\x1b[0m" : text;
}

const Look& look_of(DayAdherence adherence) {
    return kLooks[static_cast<size_t>(adherence)];
}

std::string cell(const CalendarDay& day, bool colour) {
    const Look& look = look_of(day.adherence());
    std::string text = paint(colour ? look.glyph : look.ascii, look.sgr, colour);
    text += day.symptom ? paint("*", kSymptomSgr, colour) : " ";
    return text;
}

std::string trim_right(std::string line) {
    while (!line.empty() && line.back() == ' ') {
        line.pop_back();
    }
    return line;
}

std::string legend(bool colour) {
    std::string text;
    for (const Look& look : kLooks) {
        text += paint(colour ? look.glyph : look.ascii, look.sgr, colour);
        text += std::string(" ") + _(look.meaning) + "  ";
    }
    text += paint("*", kSymptomSgr, colour) + " " + _("symptom entry");
    return text;
}

}  // namespace

std::string render_calendar(const std::vector<CalendarDay>& days, bool colour) {
    if (days.empty()) {
        return {};
    }
    // Each week's row starts with its Monday's date, as the reader writes dates.
    const auto label_of = [](date::sys_days monday) {
        return regimend::format_reader_date(regimend::LocalDate{monday}) + "  ";
    };
    auto first = date::sys_days{days.front().day};
    // Monday of the first week: iso_encoding is 1 for Monday ... 7 for Sunday.
    auto monday = first - date::days{date::weekday{first}.iso_encoding() - 1};
    std::string out = std::string(label_of(monday).size(), ' ') + _(kWeekdayHeader) + "\n";
    size_t next = 0;
    while (next < days.size()) {
        std::string line = label_of(monday);
        for (int column = 0; column < 7; ++column) {
            auto day = monday + date::days{column};
            if (next < days.size() && date::sys_days{days[next].day} == day) {
                line += cell(days[next], colour) + "  ";
                ++next;
            } else {
                line += "    ";  // outside the window
            }
        }
        out += trim_right(line) + "\n";
        monday += date::days{7};
    }
    out += "\n" + legend(colour) + "\n";
    return out;
}

}  // namespace regimenctl
