// One entry of `items:`: its keys read and checked against each other (an as-needed item
// has no `at`, `every: week` needs `days`, a ramp needs `start`, ...). Checks that need the
// other items (duplicate ids, `separate.from` names) are parse.cpp's.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>

#include "core/model.hpp"
#include "core/parse_reader.hpp"

namespace regimend {

struct ItemDefaults {
    ReminderPolicy reminders;
    bool has_bedtime = false;
};

// An item as read, with the places the cross-item checks point at.
struct ReadItem {
    Item item;
    SourcePos id_pos;                 // of the id's value, or of the item
    std::vector<Text> separate_from;  // each name in `separate.from`
};

// Always returns an item, filled as far as the text allowed; errors go to `diagnostics`.
ReadItem read_item(Diagnostics& diagnostics, const YAML::Node& node, SourcePos where,
                   const ItemDefaults& defaults);

}  // namespace regimend
