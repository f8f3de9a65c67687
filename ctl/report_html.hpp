// `regimenctl report --format html`: one self-contained page for a clinician, with no
// network, no script, a print stylesheet, light and dark colours, and figures drawn as
// inline SVG here: an adherence calendar per item, each symptom's severity per day before
// and after the start with the phase boundaries, and the comparison with its intervals.
// Pure: takes the report and the regimen, returns the page. Every user text is escaped.
#pragma once

#include <string>

#include "core/report.hpp"

namespace regimenctl {

std::string render_report_html(const regimend::Report& report, const regimend::Regimen& regimen,
                               int days);

}  // namespace regimenctl
