// A zone's rule after its TZif table ends: the POSIX TZ string of the file's footer
// ("CET-1CEST,M3.5.0,M10.5.0/3"), read by date's header-only POSIX zone (date/ptz.h).
// ptz.h does not compile as C++20 (its `using namespace date; using namespace
// std::chrono;` makes hh_mm_ss ambiguous), so posix_rule.cpp alone is built as C++17 and
// this interface passes only types whose layout does not depend on the standard.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <string>

namespace regimend {

// True when date reads `rule` as a POSIX TZ string.
bool posix_rule_reads(const std::string& rule);

// The offset, abbreviation and span of `rule` at `instant`; `rule` must read.
date::sys_info posix_rule_info(const std::string& rule, date::sys_seconds instant);

}  // namespace regimend
