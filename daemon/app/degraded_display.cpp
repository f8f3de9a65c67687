#include "app/degraded_display.hpp"
#include "core/i18n.hpp"

#include <sstream>

namespace regimend {

std::string DegradedDisplay::without_take_advice(const std::string& body,
                                                 const std::string& problem) {
    std::istringstream lines(body);
    std::string kept;
    // The advice would answer StorageFailed: drop the lines that give it (core/notice_text's
    // sentences, in the language they were written in), and the command after a dose's name
    // ("Glycinate at 21:30: regimenctl take ...").
    const std::string_view advice_one = _("If you took it, record it with: {}");
    const std::string_view advice_one_start = advice_one.substr(0, advice_one.find('{'));
    const std::string_view advice_many =
        _("If you took them, record each with the command after it:");
    for (std::string line; std::getline(lines, line);) {
        if (line == advice_many ||
            (!advice_one_start.empty() && line.starts_with(advice_one_start))) {
            continue;
        }
        if (const auto command = line.find("regimenctl take"); command != std::string::npos) {
            line.resize(command);
            while (!line.empty() && (line.back() == ' ' || line.back() == ':')) {
                line.pop_back();
            }
            if (line.empty()) {
                continue;
            }
        }
        kept += (kept.empty() ? "" : "\n") + line;
    }
    return kept + (kept.empty() ? "" : "\n") + fill(_("It cannot be recorded: {}"), {problem});
}

void DegradedDisplay::notice(const std::string& key, const std::string& summary,
                             const std::string& body) {
    inner_.notice(key, summary, key == "missed" ? without_take_advice(body, problem_) : body);
}

}  // namespace regimend
