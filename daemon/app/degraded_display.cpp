#include "app/degraded_display.hpp"

#include <sstream>

namespace regimend {

std::string DegradedDisplay::without_take_advice(const std::string& body,
                                                 const std::string& problem) {
    std::istringstream lines(body);
    std::string kept;
    // The advice would answer StorageFailed: drop the lines that give it, and the command
    // after a dose's name ("Glycinate at 21:30: regimenctl take ...").
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("If you took")) {
            continue;
        }
        if (const auto command = line.find(": regimenctl take"); command != std::string::npos) {
            line.resize(command);
        } else if (line.find("regimenctl take") != std::string::npos) {
            continue;
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
