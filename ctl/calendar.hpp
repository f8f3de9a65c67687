// The report's calendar in the terminal: one row per week (Monday first), one cell per day
// of the window coloured by how many planned doses were taken, symptom days marked, and a
// legend. Pure: the caller decides whether colour is wanted (a terminal, no NO_COLOR).
#pragma once

#include <string>
#include <vector>

#include "core/report.hpp"

namespace regimenctl {

// `days` in date order, consecutive. Plain mode is ASCII only.
std::string render_calendar(const std::vector<regimend::CalendarDay>& days, bool colour);

}  // namespace regimenctl
