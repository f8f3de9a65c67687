// Byte-level facts about the regimen text that yaml-cpp does not give us: whether it is
// valid UTF-8, where tabs indent a line, and columns counted in characters rather than
// bytes (yaml-cpp counts bytes; editors count characters).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace regimend {

class SourceText {
  public:
    explicit SourceText(std::string_view text);

    // The text without a leading UTF-8 byte order mark, as handed to yaml-cpp.
    std::string_view text() const { return text_; }

    // 0-based line and byte column (a yaml-cpp Mark) to a 1-based line and character column.
    SourcePos position(int line, int byte_column) const;

    // Where the first byte that is not part of a well-formed UTF-8 sequence is.
    std::optional<SourcePos> first_invalid_utf8() const;

    // The first tab in the leading whitespace of a line, on or before `last_line` (0-based).
    std::optional<SourcePos> first_indenting_tab(int last_line) const;

  private:
    std::string_view line(std::size_t index) const;
    // Characters in text_[0, offset): a lookup plus at most one block of bytes, so that
    // placing every key of a one-line megabyte stays linear.
    std::size_t characters_before(std::size_t offset) const;

    static constexpr std::size_t kBlockSize = 256;
    std::string_view text_;
    std::vector<std::size_t> line_starts_;
    std::vector<std::size_t> characters_before_block_;  // at each multiple of kBlockSize
};

}  // namespace regimend
