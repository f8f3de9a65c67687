// Which notification shows which doses, the words each dose was shown with, and which
// doses have a Notify on its way: the notifier's bookkeeping, kept apart from sd-bus so it
// can be tested alone.
//
// Invariant: a dose is on at most one notification, and dose → id and id → doses agree
// both ways (id_of(d) == id exactly when d is in doses_of(id)); no id is kept that shows no
// dose. Every method keeps both sides in step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/notice_text.hpp"

namespace regimend {

class ShownDoses {
  public:
    using Ids = std::map<std::uint32_t, std::vector<DoseKey>>;

    // 0 when no notification shows the dose.
    std::uint32_t id_of(const DoseKey& dose) const;
    // Empty when `id` shows none of our doses.
    const std::vector<DoseKey>& doses_of(std::uint32_t id) const;
    // The notification a group belongs to: the one already showing any of its doses, else
    // one showing doses of the same planned instant (doses due together share one); 0: new.
    std::uint32_t id_for(const std::vector<ReminderText>& group) const;
    // The words the dose was last sent with; nullptr when unknown (shown by an earlier run).
    const ReminderText* text_of(const DoseKey& dose) const;
    const Ids& ids() const { return doses_by_id_; }

    // A Notify listing `members` went out.
    void sending(const std::vector<ReminderText>& members);
    // Its reply: `id` now shows exactly `doses` (0: nothing was shown, or the server that
    // showed it is gone). Returns the doses answered while the Notify was on its way, which
    // must be closed now.
    std::vector<DoseKey> replied(const std::vector<DoseKey>& doses, std::uint32_t id);

    // The dose was answered or is gone. Returns the notification that showed it (nullopt:
    // none; one on its way is closed once its reply comes) and whether that one shows no
    // other dose now (it was forgotten and must be closed).
    struct Removed {
        std::uint32_t id;
        bool emptied;
    };
    std::optional<Removed> remove(const DoseKey& dose);
    // The server closed `id`: forgets it and the words of its doses; how many it showed.
    std::size_t closed(std::uint32_t id);
    // Forgets every dose not in `open`; returns the ids left showing nothing (forgotten).
    std::vector<std::uint32_t> keep_only(const std::set<DoseKey>& open);
    // The ids an earlier run saved (NotificationIds), taken as they are.
    void adopt(const Ids& saved);
    void clear();

  private:
    // Takes `dose` off the notification that shows it; true when that one is now empty.
    bool detach(const DoseKey& dose, std::uint32_t* ret_id);

    std::map<DoseKey, std::uint32_t> id_by_dose_;
    Ids doses_by_id_;
    std::map<DoseKey, ReminderText> texts_;
    std::set<DoseKey> in_flight_;
    std::set<DoseKey> close_when_shown_;  // answered while its Notify was on its way
};

}  // namespace regimend
