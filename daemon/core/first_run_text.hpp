// What the first run writes: the example regimen, inactive. A new user must not be
// reminded of someone else's supplements, nor find them recorded as missed in their own
// history, so the written file has `items: []` and the example's items commented out under
// it; uncommenting (or writing) items with `regimenctl edit` makes it theirs. Pure text.
#pragma once

#include <string>
#include <string_view>

namespace regimend {

// The example with its `items:` block commented out and replaced by `items: []` with a
// line saying how to start. Everything above `items:` (the settings and their comments)
// stays as it is.
std::string inactive_example(std::string_view example);

}  // namespace regimend
