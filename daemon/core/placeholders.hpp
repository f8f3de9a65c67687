// Whole translated sentences with their values filled in: `_("'{}' needs '{}'")` with
// each `{}` replaced in order, `{{` and `}}` written as braces (fmt's syntax, so a
// catalogue written for fmt reads the same). The pure core does not link fmt.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace regimend {

std::string fill_in(std::string_view pattern, std::initializer_list<std::string_view> values);

}  // namespace regimend
