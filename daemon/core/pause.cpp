#include "core/pause.hpp"

#include <algorithm>

#include "core/i18n.hpp"
#include "core/placeholders.hpp"

namespace regimend {

std::vector<Pause> pauses_from_events(const Regimen& regimen,
                                      const std::vector<HistoryEvent>& events) {
    const auto& zone = zone_of(regimen);
    std::vector<Pause> pauses;
    auto last_of = [&pauses](const std::string& item) -> Pause* {
        for (auto it = pauses.rbegin(); it != pauses.rend(); ++it) {
            if (it->item == item) {
                return &*it;
            }
        }
        return nullptr;
    };
    for (const auto& event : events) {
        if (event.kind == EventKind::Paused) {
            auto until = parse_date(event.note);
            if (!until || !until->ok()) {
                continue;  // not written by regimend: nothing to read
            }
            Pause pause;
            pause.item = event.item;
            pause.from = event.planned.value_or(event.at);
            pause.until = *until;
            pause.to = start_of_day(zone, LocalDate{date::sys_days{*until} + date::days{1}});
            if (Pause* earlier = last_of(event.item); earlier && earlier->to > pause.from) {
                earlier->to = std::max(earlier->from, pause.from);
            }
            if (pause.to > pause.from) {
                pauses.push_back(pause);
            }
        } else if (event.kind == EventKind::Resumed) {
            Pause* pause = last_of(event.item);
            if (pause && pause->from <= event.at && event.at < pause->to) {
                pause->to = event.at;
                pause->resumed = true;
            }
        }
    }
    std::erase_if(pauses, [](const Pause& pause) { return pause.to <= pause.from; });
    return pauses;
}

std::vector<Pause> current_pauses(const std::vector<Pause>& pauses, Instant now) {
    std::vector<Pause> current;
    for (const auto& pause : pauses) {
        if (pause.to > now) {
            std::erase_if(current,
                          [&pause](const Pause& other) { return other.item == pause.item; });
            current.push_back(pause);
        }
    }
    return current;
}

Regimen with_pauses(const Regimen& regimen, const std::vector<Pause>& pauses) {
    Regimen paused = regimen;
    for (auto& item : paused.items) {
        item.schedule.paused.clear();
        for (const auto& pause : pauses) {
            if (pause.item == item.id) {
                item.schedule.paused.push_back({pause.from, pause.to});
            }
        }
        std::sort(item.schedule.paused.begin(), item.schedule.paused.end(),
                  [](const PausedSpan& a, const PausedSpan& b) { return a.from < b.from; });
    }
    paused.index_items();
    return paused;
}

HistoryEvent pause_event(const std::string& item, Instant from, LocalDate until, Instant now) {
    HistoryEvent event;
    event.item = item;
    event.kind = EventKind::Paused;
    event.planned = from;
    event.at = now;
    event.note = format_date(until);
    return event;
}

HistoryEvent resume_event(const std::string& item, Instant now) {
    HistoryEvent event;
    event.item = item;
    event.kind = EventKind::Resumed;
    event.at = now;
    return event;
}

std::variant<LocalDate, std::string> pause_until(const regimend::TimeZone& zone,
                                                 std::string_view text, Instant now) {
    auto until = parse_date(text);
    if (!until) {
        return fill_in(_("'{}' is not a date: --until takes YYYY-MM-DD, the last day of the "
                         "pause"),
                       {text});
    }
    const LocalDate today = local_date(zone, now);
    if (*until < today) {
        return fill_in(_("{} is in the past: a pause runs from now until a date from today "
                         "({}) on"),
                       {format_date(*until), format_date(today)});
    }
    if (date::sys_days{*until} - date::sys_days{today} > date::days{kMaxPauseDays}) {
        return fill_in(_("{} is more than ten years ahead: end the item in the regimen "
                         "instead ('end: YYYY-MM-DD')"),
                       {format_date(*until)});
    }
    return *until;
}

}  // namespace regimend
