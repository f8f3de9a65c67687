// The `hooks:` key of the regimen: a list of {events, items, run, timeout}, every problem
// reported at its line and column.
#pragma once

#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/parse_reader.hpp"

namespace regimend {

// A hook with the places of the item ids it names, checked once every item is read.
struct ReadHook {
    Hook hook;
    std::vector<Text> items;
};

inline constexpr Seconds kDefaultHookTimeout{30};
inline constexpr Seconds kMaxHookTimeout{10 * 60};

std::vector<ReadHook> read_hooks(Diagnostics& diagnostics, const Field& field);

// Reports every `items` entry that is not the id of one of `items`.
void check_hook_items(Diagnostics& diagnostics, const std::vector<ReadHook>& hooks,
                      const std::vector<Item>& items);

}  // namespace regimend
