// The names of an enum's values as the history, the regimen and JSON write them: one table
// per enum, looked up both ways here.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace regimend {

template <class Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

template <class Enum, std::size_t N>
constexpr std::optional<std::string_view> name_of(const NameTable<Enum, N>& table, Enum value) {
    for (const auto& [candidate, name] : table) {
        if (candidate == value) {
            return name;
        }
    }
    return std::nullopt;
}

template <class Enum, std::size_t N>
constexpr std::optional<Enum> value_named(const NameTable<Enum, N>& table, std::string_view text) {
    for (const auto& [value, name] : table) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace regimend
