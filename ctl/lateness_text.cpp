// lateness_text (ctl/output.hpp), alone in its file: it is the only user of libm among the
// output helpers, and the status front (ctl/front/main.cpp), which links those helpers,
// would otherwise load libm at every start (--as-needed counts a reference before
// --gc-sections drops it).
#include <cmath>
#include <cstdlib>

#include "core/time.hpp"
#include "output.hpp"

namespace regimenctl {

std::string lateness_text(std::optional<double> minutes) {
    if (!minutes) {
        return "";
    }
    const long rounded = std::lround(*minutes);
    if (rounded == 0) {
        return "on time";
    }
    // "25 min late", "3h20m late", "2d early": a day late reads as a day, not 1440 min.
    const long size = std::labs(rounded);
    const std::string amount = size < 60 ? std::to_string(size) + " min"
                                         : regimend::format_duration(regimend::Seconds{size * 60});
    return amount + (rounded > 0 ? " late" : " early");
}

}  // namespace regimenctl
