#include "core/lint_stock.hpp"
#include "core/i18n.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace regimend {
namespace {

std::string lowercase(std::string_view text) {
    std::string result(text);
    for (auto& c : result) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return result;
}

// "capsules" and "capsule" name the same unit.
std::string singular(std::string word) {
    if (word.size() > 1 && word.back() == 's') {
        word.pop_back();
    }
    return word;
}

bool is_measure(std::string_view word) {
    constexpr std::array<std::string_view, 14> kMeasures{
        "mg", "g", "mcg", "µg", "ug", "ml", "l", "iu", "ie", "%", "kg", "oz", "tsp", "tbsp"};
    for (auto measure : kMeasures) {
        if (word == measure) {
            return true;
        }
    }
    return false;
}

struct LeadingCount {
    double value = 0;
    std::string word;  // the word after it, lowercased; may be empty
};

// "2 capsules (144 mg)" -> {2, "capsules"}; nullopt when `dose` starts with no number.
std::optional<LeadingCount> leading_count(std::string_view dose) {
    std::size_t end = 0;
    while (end < dose.size() && ((dose[end] >= '0' && dose[end] <= '9') || dose[end] == '.')) {
        ++end;
    }
    LeadingCount count;
    auto [stop, error] = std::from_chars(dose.data(), dose.data() + end, count.value);
    if (end == 0 || error != std::errc{} || stop != dose.data() + end) {
        return std::nullopt;
    }
    std::size_t word_start = end;
    while (word_start < dose.size() && dose[word_start] == ' ') {
        ++word_start;
    }
    std::size_t word_end = word_start;
    while (word_end < dose.size() && dose[word_end] != ' ' && dose[word_end] != ',' &&
           dose[word_end] != '(' && dose[word_end] != ')') {
        ++word_end;
    }
    count.word = lowercase(dose.substr(word_start, word_end - word_start));
    return count;
}

std::string format_count(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

}  // namespace

void check_stock(const Regimen& regimen, std::vector<Diagnostic>& warnings) {
    for (const auto& item : regimen.items) {
        if (!item.stock) {
            continue;
        }
        auto count = leading_count(item.dose);
        if (!count || is_measure(count->word)) {
            continue;
        }
        const std::string& unit = item.stock->unit;
        if (!unit.empty() && !count->word.empty() &&
            singular(count->word) != singular(lowercase(unit))) {
            continue;  // "1 scoop" with a stock counted in grams: different things
        }
        if (std::fabs(count->value - item.stock->per_dose) < 1e-9) {
            continue;
        }
        const SourcePos pos = item.stock->per_dose_pos;
        warnings.push_back(Diagnostic{
            regimen.file, pos.line, pos.column, Severity::Warning,
            fill(
                _("'{0}' has dose \"{1}\" but stock per_dose {2}: each taken dose takes {2} off "
                  "the count; set per_dose: {3} if a dose is {4}"),
                {item.id, item.dose, format_count(item.stock->per_dose), format_count(count->value),
                 format_count(count->value) + (unit.empty() ? std::string() : " " + unit)})});
    }
}

}  // namespace regimend
