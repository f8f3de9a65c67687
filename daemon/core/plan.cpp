#include "core/plan.hpp"

#include <algorithm>
#include <cstdint>

namespace regimend {
namespace {

// Bounds far outside any regimen (dates before 1970 are rejected by the parser).
constexpr Instant kEarliestInstant{date::sys_days{date::year{1900} / 1 / 1}};
constexpr Instant kLatestInstant{date::sys_days{date::year{9000} / 1 / 1}};
constexpr Seconds kLongestSpan{100LL * 366 * 86400};

// Where a time of day falls, relative to the midnight that begins the day the item runs.
// Nullopt for a bedtime-relative time in a regimen without a bedtime (the parser rejects
// that; the planner just plans nothing for it).
std::optional<Seconds> offset_from_run_day(const Regimen& regimen, const TimeOfDay& time) {
    if (time.base == TimeOfDay::Base::Midnight) {
        return time.offset;
    }
    if (!regimen.bedtime) {
        return std::nullopt;
    }
    return *regimen.bedtime + time.offset;
}

bool within_start_and_end(const Schedule& schedule, date::sys_days day) {
    if (schedule.start && day < date::sys_days{*schedule.start}) {
        return false;
    }
    if (schedule.end && day > date::sys_days{*schedule.end}) {
        return false;
    }
    return true;
}

bool weekday_allowed(const Schedule& schedule, date::sys_days day) {
    unsigned weekday = date::weekday{day}.c_encoding();
    return (schedule.weekdays >> weekday) & 1U;
}

// Whether the item runs on `day` (a local date); for bedtime-relative times the dose
// itself may fall on the next or previous date.
bool runs_on(const Schedule& schedule, date::sys_days day) {
    if (!within_start_and_end(schedule, day) || !weekday_allowed(schedule, day) ||
        !schedule.cycle_active_on(day)) {
        return false;
    }
    if (schedule.frequency == Frequency::EveryNDays) {
        // Counted from `start` (required by the parser); without one, from the epoch, so the
        // answer is at least stable.
        auto origin = schedule.start ? date::sys_days{*schedule.start} : date::sys_days{};
        auto index = (day - origin).count();
        int interval = std::max(schedule.interval, 1);
        return (index % interval + interval) % interval == 0;
    }
    return true;
}

// to_instant for many local times of one zone: between two offset changes a local time is
// one instant, `local - offset`. Within a day of a change (offsets differ by at most a
// day) the spec's gap and overlap rule in to_instant decides. One zone lookup per dose was
// an eighth of a 1,000-item start.
class LocalToInstant {
  public:
    explicit LocalToInstant(const regimend::TimeZone& zone) : zone_(zone) {}

    Instant operator()(LocalTime local) {
        const Instant guess{local.time_since_epoch() - offsets_.offset};
        if (guess >= offsets_.begin + date::days{1} && guess < offsets_.end - date::days{1}) {
            return guess;
        }
        const Instant exact = to_instant(zone_, local);
        offsets_ = zone_.get_info(exact);
        return exact;
    }

  private:
    const regimend::TimeZone& zone_;
    date::sys_info offsets_{};
};

void plan_wall_clock_item(const Regimen& regimen, const Item& item, Instant from, Instant to,
                          std::vector<PlannedDose>& out) {
    const auto& zone = zone_of(regimen);
    const auto& schedule = item.schedule;

    struct Slot {
        Seconds offset;
    };
    std::vector<Slot> slots;
    for (const auto& time : schedule.times) {
        if (auto offset = offset_from_run_day(regimen, time)) {
            slots.push_back({*offset});
        }
    }
    if (slots.empty()) {
        return;
    }
    auto [lowest, highest] =
        std::minmax_element(slots.begin(), slots.end(),
                            [](const Slot& a, const Slot& b) { return a.offset < b.offset; });

    // The run days whose doses can land in [from, to): widen by the slots' reach and a day
    // either side for the zone's offset changes, then let the exact comparison decide.
    auto first_local = to_local(zone, from) - highest->offset;
    auto last_local = to_local(zone, to) - lowest->offset;
    auto first_day =
        date::sys_days{date::floor<date::days>(first_local).time_since_epoch()} - date::days{1};
    auto last_day =
        date::sys_days{date::floor<date::days>(last_local).time_since_epoch()} + date::days{1};
    if (schedule.start) {
        first_day = std::max(first_day, date::sys_days{*schedule.start});
    }
    if (schedule.end) {
        last_day = std::min(last_day, date::sys_days{*schedule.end});
    }

    if (last_day >= first_day) {
        out.reserve(out.size() + slots.size() * ((last_day - first_day).count() + 1));
    }
    LocalToInstant instant_of(zone);
    for (auto day = first_day; day <= last_day; day += date::days{1}) {
        if (!runs_on(schedule, day)) {
            continue;
        }
        // The ramp counts the item's days: a dose an hour after a 23:30 bedtime belongs to
        // the day whose bedtime it is, like its `start` and `days`.
        auto amount = item.amount_on(LocalDate{day});
        LocalTime midnight{day.time_since_epoch()};
        for (const auto& slot : slots) {
            Instant planned = instant_of(midnight + slot.offset);
            if (planned >= from && planned < to) {
                out.push_back({item.id, planned, amount});
            }
        }
    }
}

void plan_interval_item(const Regimen& regimen, const Item& item, Instant from, Instant to,
                        std::vector<PlannedDose>& out) {
    const auto& zone = zone_of(regimen);
    const auto& schedule = item.schedule;
    if (!schedule.start || schedule.interval <= 0) {
        return;  // the parser requires both; never loop on a zero interval
    }
    Seconds first_offset{0};
    if (!schedule.times.empty()) {
        auto offset = offset_from_run_day(regimen, schedule.times.front());
        if (!offset) {
            return;
        }
        first_offset = *offset;
    }
    LocalTime start_midnight{date::local_days{*schedule.start}};
    Instant first = to_instant(zone, start_midnight + first_offset);
    Seconds interval = std::chrono::hours{schedule.interval};

    // Elapsed time, not wall-clock time: jump to the first dose at or after `from`.
    long long index = 0;
    if (from > first) {
        index = ((from - first) + interval - Seconds{1}) / interval;
    }
    // The zone's offset holds between two transitions: look it up again only when a dose
    // crosses one (a time zone lookup per dose was a fifth of `check` at 10,000 items).
    date::sys_info offsets{};
    for (Instant planned = first + index * interval; planned < to; planned += interval) {
        if (planned < offsets.begin || planned >= offsets.end) {
            offsets = zone.get_info(planned);
        }
        const LocalDate day{
            date::floor<date::days>(LocalTime{planned.time_since_epoch() + offsets.offset})};
        if (schedule.end && day > *schedule.end) {
            break;
        }
        if (!weekday_allowed(schedule, date::sys_days{day}) ||
            !schedule.cycle_active_on(date::sys_days{day})) {
            continue;
        }
        out.push_back({item.id, planned, item.amount_on(day)});
    }
}

}  // namespace

std::vector<PlannedDose> plan_item(const Regimen& regimen, const Item& item, Instant from,
                                   Instant to) {
    std::vector<PlannedDose> doses;
    // "Everything" (Instant::min()/max()) must not overflow the local-time arithmetic.
    from = std::max(from, kEarliestInstant);
    to = std::min(to, kLatestInstant);
    if (item.as_needed || from >= to) {
        return doses;
    }
    if (item.schedule.frequency == Frequency::EveryNHours) {
        plan_interval_item(regimen, item, from, to, doses);
    } else {
        plan_wall_clock_item(regimen, item, from, to, doses);
    }
    // Days come in order and to_instant never goes backwards, so only times given out of
    // order (or spanning more than a day) need a sort; stable keeps the order of `at`.
    auto earlier = [](const PlannedDose& a, const PlannedDose& b) { return a.planned < b.planned; };
    if (!std::is_sorted(doses.begin(), doses.end(), earlier)) {
        std::stable_sort(doses.begin(), doses.end(), earlier);
    }
    // Two `at` times that map to the same instant (both inside a DST gap) are one dose: a
    // dose is identified by its item and instant.
    doses.erase(std::unique(doses.begin(), doses.end(),
                            [](const PlannedDose& a, const PlannedDose& b) {
                                return a.planned == b.planned;
                            }),
                doses.end());
    if (!item.schedule.paused.empty()) {
        std::erase_if(doses, [&item](const PlannedDose& dose) {
            return item.schedule.paused_at(dose.planned);
        });
    }
    return doses;
}

std::vector<PlannedDose> plan(const Regimen& regimen, Instant from, Instant to) {
    std::vector<std::vector<PlannedDose>> per_item;
    per_item.reserve(regimen.items.size());
    // Sorting small keys instead of the doses themselves: moving a dose moves strings, and
    // that dominated the time of a 1,000-item year.
    struct Key {
        Instant planned;
        std::uint32_t item;
        std::uint32_t index;
        auto operator<=>(const Key&) const = default;  // ties: file order, then time order
    };
    std::vector<Key> keys;
    for (const auto& item : regimen.items) {
        auto item_index = static_cast<std::uint32_t>(per_item.size());
        auto& doses = per_item.emplace_back(plan_item(regimen, item, from, to));
        for (std::uint32_t index = 0; index < doses.size(); ++index) {
            keys.push_back({doses[index].planned, item_index, index});
        }
    }
    std::sort(keys.begin(), keys.end());
    std::vector<PlannedDose> doses;
    doses.reserve(keys.size());
    for (const auto& key : keys) {
        doses.push_back(std::move(per_item[key.item][key.index]));
    }
    return doses;
}

std::optional<PlannedDose> next_planned(const Regimen& regimen, Instant from, Seconds horizon) {
    // Growing windows, from an hour: the common case (a dose within a day) plans a few
    // hours, not 400 days, and 10,000 hourly items plan 10,000 doses, not a day's 240,000
    // (the engine asks this after every reload, answer and wake-up, on the event loop).
    if (from >= kLatestInstant) {
        return std::nullopt;
    }
    horizon = std::min(horizon, kLongestSpan);
    Instant limit = from + horizon;
    Seconds window{3600};
    for (Instant begin = from; begin < limit; begin += window, window *= 4) {
        Instant end = std::min(limit, begin + window);
        auto doses = plan(regimen, begin, end);
        if (!doses.empty()) {
            return doses.front();
        }
    }
    return std::nullopt;
}

std::vector<PlannedDose> plan_days(const Regimen& regimen, LocalDate first_day, int days) {
    if (days <= 0) {
        return {};
    }
    const auto& zone = zone_of(regimen);
    auto last_exclusive = LocalDate{date::sys_days{first_day} + date::days{days}};
    return plan(regimen, start_of_day(zone, first_day), start_of_day(zone, last_exclusive));
}

}  // namespace regimend
