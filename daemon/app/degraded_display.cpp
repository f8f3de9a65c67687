#include "app/degraded_display.hpp"

#include <sstream>

namespace regimend {

std::string DegradedDisplay::without_take_advice(const std::string& body,
                                                 const std::string& problem) {
    std::istringstream lines(body);
    std::string kept;
    for (std::string line; std::getline(lines, line);) {
        if (line.find("regimenctl take") != std::string::npos) {
            continue;  // it would answer StorageFailed
        }
        kept += (kept.empty() ? "" : "\n") + line;
    }
    return kept + (kept.empty() ? "" : "\n") + "It cannot be recorded: " + problem;
}

void DegradedDisplay::notice(const std::string& key, const std::string& summary,
                             const std::string& body) {
    inner_.notice(key, summary, key == "missed" ? without_take_advice(body, problem_) : body);
}

}  // namespace regimend
