#include "core/travel.hpp"

#include <algorithm>
#include <vector>

#include "core/plan.hpp"

namespace regimend {
namespace {

constexpr Seconds kDay{86400};

// The smallest gap, in days, between two days of the week the item runs on (7 with one).
long long smallest_weekday_gap(std::uint8_t weekdays) {
    long long smallest = 7;
    for (int from = 0; from < 7; ++from) {
        if (((weekdays >> from) & 1U) == 0) {
            continue;
        }
        for (int step = 1; step < 7; ++step) {
            if ((weekdays >> ((from + step) % 7)) & 1U) {
                smallest = std::min<long long>(smallest, step);
                break;
            }
        }
    }
    return smallest;
}

}  // namespace

Seconds dose_interval(const Regimen& regimen, const Item& item) {
    const auto& schedule = item.schedule;
    if (schedule.frequency == Frequency::EveryNHours) {
        return std::chrono::hours{std::max(1, schedule.interval)};
    }
    Seconds period = kDay;
    if (schedule.frequency == Frequency::EveryNDays) {
        period = kDay * std::max(1, schedule.interval);
    } else if (schedule.frequency == Frequency::Weekly) {
        period = kDay * smallest_weekday_gap(schedule.weekdays);
    }
    std::vector<Seconds> offsets;
    for (const auto& time : schedule.times) {
        if (time.base == TimeOfDay::Base::Midnight) {
            offsets.push_back(time.offset);
        } else if (regimen.bedtime) {
            offsets.push_back(*regimen.bedtime + time.offset);
        }
    }
    std::sort(offsets.begin(), offsets.end());
    Seconds interval = period;
    for (std::size_t index = 1; index < offsets.size(); ++index) {
        if (offsets[index] > offsets[index - 1]) {
            interval = std::min(interval, offsets[index] - offsets[index - 1]);
        }
    }
    if (offsets.size() > 1 && offsets.back() - offsets.front() < kDay) {
        interval = std::min(interval, kDay - (offsets.back() - offsets.front()));
    }
    return interval;
}

bool planned_now(const Regimen& regimen, const Item& item, Instant planned) {
    return !plan_item(regimen, item, planned, planned + Seconds{1}).empty();
}

bool covers(const Regimen& regimen, const Item& item, const LastAnswer& last, Instant planned) {
    // With `timezone:` the plan never moves with the system's zone: nothing to cover.
    if (!regimen.timezone_name.empty()) {
        return false;
    }
    if (planned <= last.planned || planned >= last.at + dose_interval(regimen, item) / 2) {
        return false;
    }
    return !planned_now(regimen, item, last.planned);
}

}  // namespace regimend
