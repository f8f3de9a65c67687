#include "core/parse_source.hpp"

#include <algorithm>

namespace regimend {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool is_continuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence at the start of `bytes`, 0 if there is none.
// Follows RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
std::size_t utf8_sequence_length(std::string_view bytes) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) {
            second_min = 0xA0;  // overlong
        } else if (lead == 0xED) {
            second_max = 0x9F;  // surrogates
        }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) {
            second_min = 0x90;  // overlong
        } else if (lead == 0xF4) {
            second_max = 0x8F;  // above U+10FFFF
        }
    } else {
        return 0;
    }
    if (bytes.size() < length || byte(1) < second_min || byte(1) > second_max) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (!is_continuation(byte(i))) {
            return 0;
        }
    }
    return length;
}

int count_characters(std::string_view bytes) {
    int characters = 0;
    for (char c : bytes) {
        if (!is_continuation(static_cast<unsigned char>(c))) {
            ++characters;
        }
    }
    return characters;
}

}  // namespace

SourceText::SourceText(std::string_view text) : text_(text) {
    if (text_.starts_with(kByteOrderMark)) {
        text_.remove_prefix(kByteOrderMark.size());
    }
    line_starts_.push_back(0);
    std::size_t characters = 0;
    for (std::size_t i = 0; i < text_.size(); ++i) {
        if (i % kBlockSize == 0) {
            characters_before_block_.push_back(characters);
        }
        if (!is_continuation(static_cast<unsigned char>(text_[i]))) {
            ++characters;
        }
        if (text_[i] == '\n') {
            line_starts_.push_back(i + 1);
        }
    }
    characters_before_block_.push_back(characters);
}

std::size_t SourceText::characters_before(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    std::size_t block = offset / kBlockSize;
    std::size_t block_start = block * kBlockSize;
    return characters_before_block_[block] + static_cast<std::size_t>(count_characters(
                                                 text_.substr(block_start, offset - block_start)));
}

std::string_view SourceText::line(std::size_t index) const {
    if (index >= line_starts_.size()) {
        return {};
    }
    std::size_t begin = line_starts_[index];
    std::size_t end = index + 1 < line_starts_.size() ? line_starts_[index + 1] : text_.size();
    return text_.substr(begin, end - begin);
}

SourcePos SourceText::position(int line_index, int byte_column) const {
    if (line_index < 0 || byte_column < 0) {
        return SourcePos{1, 1};
    }
    std::size_t index = static_cast<std::size_t>(line_index);
    if (index >= line_starts_.size()) {
        return SourcePos{line_index + 1, byte_column + 1};
    }
    std::size_t line_start = line_starts_[index];
    std::size_t line_length = line(index).size();
    std::size_t inside = std::min(line_length, static_cast<std::size_t>(byte_column));
    // Past the end of the line (yaml-cpp may point there), count the missing bytes as-is.
    std::size_t beyond = static_cast<std::size_t>(byte_column) - inside;
    // A line's bytes up to the column are few: count them; a megabyte line goes by blocks.
    std::size_t characters =
        inside <= kBlockSize
            ? static_cast<std::size_t>(count_characters(text_.substr(line_start, inside)))
            : characters_before(line_start + inside) - characters_before(line_start);
    return SourcePos{line_index + 1, static_cast<int>(characters + beyond) + 1};
}

std::optional<SourcePos> SourceText::first_invalid_utf8() const {
    int line_number = 1;
    std::size_t line_start = 0;
    std::size_t i = 0;
    while (i < text_.size()) {
        std::size_t length = utf8_sequence_length(text_.substr(i));
        if (length == 0) {
            return SourcePos{line_number,
                             count_characters(text_.substr(line_start, i - line_start)) + 1};
        }
        if (text_[i] == '\n') {
            ++line_number;
            line_start = i + 1;
        }
        i += length;
    }
    return std::nullopt;
}

std::optional<SourcePos> SourceText::first_indenting_tab(int last_line) const {
    for (std::size_t index = 0; index < line_starts_.size(); ++index) {
        if (static_cast<int>(index) > last_line) {
            break;
        }
        std::string_view bytes = line(index);
        for (std::size_t column = 0; column < bytes.size(); ++column) {
            if (bytes[column] == '\t') {
                return SourcePos{static_cast<int>(index) + 1, static_cast<int>(column) + 1};
            }
            if (bytes[column] != ' ') {
                break;
            }
        }
    }
    return std::nullopt;
}

}  // namespace regimend
