// Stands between the engine and the notifier while the history cannot be used
// (store/health.hpp): reminders go on as usual, but a "missed" notice no longer advises a
// `regimenctl take ... --at` that could not be recorded; it says why instead.
#pragma once

#include <string>
#include <vector>

#include "app/outputs.hpp"

namespace regimend {

class DegradedDisplay : public ReminderDisplay {
  public:
    // `problem`: one sentence, e.g. "the history database ... is damaged".
    DegradedDisplay(ReminderDisplay& inner, std::string problem)
        : inner_(inner), problem_(std::move(problem)) {}

    void show(const ReminderText& reminder) override { inner_.show(reminder); }
    void show_group(const std::vector<ReminderText>& group) override { inner_.show_group(group); }
    void close(const DoseKey& dose) override { inner_.close(dose); }
    void close_notice(const std::string& key) override { inner_.close_notice(key); }
    void notice(const std::string& key, const std::string& summary,
                const std::string& body) override;

    // The body of a "missed" notice without its advice to record the dose.
    static std::string without_take_advice(const std::string& body, const std::string& problem);

  private:
    ReminderDisplay& inner_;
    std::string problem_;
};

}  // namespace regimend
