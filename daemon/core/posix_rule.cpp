#include "core/posix_rule.hpp"

#include <date/ptz.h>

#include <exception>

namespace regimend {

bool posix_rule_reads(const std::string& rule) {
    try {
        Posix::time_zone zone{rule};
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

date::sys_info posix_rule_info(const std::string& rule, date::sys_seconds instant) {
    return Posix::time_zone{rule}.get_info(instant);
}

}  // namespace regimend
