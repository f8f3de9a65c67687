#include "core/lint.hpp"
#include "core/i18n.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "core/lint_stock.hpp"
#include "core/plan.hpp"

namespace regimend {
namespace {

// Lint has no clock, so it cannot look at "the coming week". It plans fixed windows
// instead, which makes `regimenctl check` give the same answer on every day:
// - 14 days from each item's start, from each ramp step and ending at each item's end,
//   so every phase of a titration and every item's first and last fortnight is seen;
// - when no item has a date at all, the fortnight from Monday 2000-01-03, since then every
//   fortnight plans the same doses.
// Fourteen days show every weekday twice and any `every N days` up to 14.
constexpr int kWindowDays = 14;
constexpr date::sys_days kUndatedAnchor{date::year{2000} / 1 / 3};

std::string lowercase(std::string_view text) {
    std::string result(text);
    for (auto& c : result) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return result;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// "544", "0.5", "12.125": amounts as a person writes them.
std::string format_number(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    std::string text = buffer;
    while (!text.empty() && text.back() == '0') {
        text.pop_back();
    }
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    return text;
}

Diagnostic warning_at(const Regimen& regimen, SourcePos pos, std::string message) {
    return Diagnostic{regimen.file, pos.line, pos.column, Severity::Warning, std::move(message)};
}

// A planned dose as lint keeps it: 16 bytes instead of a PlannedDose's strings, because a
// fortnight of 10,000 hourly items is 3.4 million doses.
struct LintDose {
    Instant planned;
    std::uint32_t item;    // index into regimen.items
    std::uint32_t amount;  // kNoAmount, kItemAmount or kFirstStep + the ramp step's index
};
constexpr std::uint32_t kNoAmount = 0;
constexpr std::uint32_t kItemAmount = 1;
constexpr std::uint32_t kFirstStep = 2;

// Which of the item's own amounts `amount` (a copy made by the planner) is, so lint keeps
// a small number rather than a copy.
std::uint32_t amount_slot(const Item& item, const std::optional<Amount>& amount) {
    if (!amount) {
        return kNoAmount;
    }
    for (std::uint32_t step = 0; step < item.ramp.size(); ++step) {
        if (item.ramp[step].amount == *amount) {
            return kFirstStep + step;
        }
    }
    return item.amount && *item.amount == *amount ? kItemAmount : kNoAmount;
}

const Amount* amount_of(const Item& item, std::uint32_t slot) {
    if (slot == kNoAmount) {
        return nullptr;
    }
    return slot == kItemAmount ? &*item.amount : &item.ramp[slot - kFirstStep].amount;
}

// How much planning lint may do: the plan of 10,000 hourly items over a fortnight (3.4
// million doses, about 54 MB as LintDose) fits. Each item visited in a window counts as
// well, so windows where nothing is planned are not free. Without it, items whose starts
// are spread out made the windows' union grow with the number of items, and so the plan
// with its square: 400 hourly items starting 15 days apart took 5 s and 800 MB, and the
// daemon's worker would have been killed for memory at a few thousand.
constexpr std::size_t kMaxLintWork = 4'000'000;
// A run of merged windows is planned in pieces of at most this many days, so the budget
// is checked often (one item's piece is at most 28 days × 1,440 doses).
constexpr int kPieceDays = 28;

struct RepresentativePlan {
    std::vector<LintDose> doses;  // in time order, ties in file order
    // The first day lint did not plan when the budget ran out.
    std::optional<date::sys_days> unchecked_from;
};

// The doses lint looks at: the union of its windows, in time order (ties in file order),
// as far as kMaxLintWork allows.
RepresentativePlan representative_plan(const Regimen& regimen) {
    std::set<date::sys_days> first_days;
    for (const auto& item : regimen.items) {
        if (item.as_needed) {
            continue;
        }
        const auto& schedule = item.schedule;
        if (schedule.start) {
            date::sys_days start{*schedule.start};
            first_days.insert(start);
            for (const auto& step : item.ramp) {
                first_days.insert(start + step.after);
            }
        }
        if (schedule.end) {
            first_days.insert(date::sys_days{*schedule.end} - date::days{kWindowDays - 1});
        }
    }
    if (first_days.empty()) {
        first_days.insert(kUndatedAnchor);
    }
    const auto& zone = zone_of(regimen);
    RepresentativePlan result;
    auto& doses = result.doses;
    std::size_t work = 0;
    // Overlapping windows are merged so no day is planned twice.
    auto window = first_days.begin();
    while (window != first_days.end()) {
        date::sys_days range_start = *window;
        date::sys_days range_end = range_start + date::days{kWindowDays};
        for (++window; window != first_days.end() && *window <= range_end; ++window) {
            range_end = *window + date::days{kWindowDays};
        }
        for (date::sys_days piece = range_start; piece < range_end;
             piece += date::days{kPieceDays}) {
            const date::sys_days piece_end = std::min(range_end, piece + date::days{kPieceDays});
            const Instant from = start_of_day(zone, LocalDate{piece});
            const Instant to = start_of_day(zone, LocalDate{piece_end});
            const std::size_t piece_begin = doses.size();
            // One item at a time, so only one item's PlannedDoses exist at once.
            for (std::size_t index = 0; index < regimen.items.size(); ++index) {
                const Item& item = regimen.items[index];
                if (item.as_needed) {
                    continue;
                }
                const auto planned = plan_item(regimen, item, from, to);
                for (const auto& dose : planned) {
                    doses.push_back({dose.planned, static_cast<std::uint32_t>(index),
                                     amount_slot(item, dose.amount)});
                }
                if ((work += 1) + doses.size() > kMaxLintWork) {
                    // A piece with only some of its items would undercount its days: the
                    // plan ends before it, and the caller says so.
                    doses.resize(piece_begin);
                    result.unchecked_from = piece;
                    return result;
                }
            }
            // In time order, ties in file order (the piece was planned item by item).
            std::sort(doses.begin() + static_cast<std::ptrdiff_t>(piece_begin), doses.end(),
                      [](const LintDose& a, const LintDose& b) {
                          return std::tie(a.planned, a.item) < std::tie(b.planned, b.item);
                      });
        }
    }
    return result;
}

bool has_any_tag(const Item& item, const std::vector<std::string>& tags) {
    return std::any_of(tags.begin(), tags.end(),
                       [&](const std::string& tag) { return item.has_tag(tag); });
}

bool mentions_magnesium(const Item& item) {
    return contains(lowercase(item.name), "magnesium") || item.has_tag("magnesium");
}

// A form of magnesium named in the item's name ("Magnesium citrate") or tags
// ("magnesium-citrate", or "citrate" on an item tagged or named magnesium).
bool is_magnesium_form(const Item& item, std::string_view form) {
    std::string combined_tag = "magnesium-" + std::string(form);
    for (const auto& tag : item.tags) {
        std::string lower = lowercase(tag);
        if (lower == combined_tag || lower == "magnesium " + std::string(form)) {
            return true;
        }
    }
    bool names_form = contains(lowercase(item.name), form) ||
                      std::any_of(item.tags.begin(), item.tags.end(),
                                  [&](const std::string& tag) { return lowercase(tag) == form; });
    return names_form && mentions_magnesium(item);
}

// ---- planned daily amount over a limit ----

// The value of `amount` in the limit's terms: milligrams when the limit is a mass, else
// only the same unit counts (3 capsules cannot be added to 200 mg).
std::optional<double> value_for_limit(const Amount& amount, const Amount& per_day) {
    if (milligrams(per_day)) {
        return milligrams(amount);
    }
    if (amount.unit == per_day.unit) {
        return amount.value;
    }
    return std::nullopt;
}

// "day 28 of glycinate-pm's ramp" for the ramp steps in effect on `day`, if any.
std::string ramp_phases(const Regimen& regimen, const Limit& limit, date::sys_days day) {
    std::string phases;
    for (const auto& item : regimen.items) {
        if (item.ramp.empty() || !item.schedule.start || !has_any_tag(item, limit.tags)) {
            continue;
        }
        auto day_index = day - date::sys_days{*item.schedule.start};
        const RampStep* in_effect = nullptr;
        for (const auto& step : item.ramp) {
            if (day_index >= step.after) {
                in_effect = &step;
            }
        }
        if (in_effect) {
            phases += phases.empty() ? "" : ", ";
            phases += fill(_("day {0} of {1}'s ramp"),
                           {std::to_string(in_effect->after.count()), item.id});
        }
    }
    return phases.empty() ? phases : " " + fill(_("(from {})"), {phases});
}

void check_limits(const Regimen& regimen, const std::vector<LintDose>& doses,
                  std::vector<Diagnostic>& warnings) {
    const auto& zone = zone_of(regimen);
    for (const auto& limit : regimen.limits) {
        bool in_milligrams = milligrams(limit.per_day).has_value();
        double ceiling = in_milligrams ? *milligrams(limit.per_day) : limit.per_day.value;
        std::map<date::sys_days, double> daily_totals;
        for (const auto& dose : doses) {
            const Item* item = &regimen.items[dose.item];
            const Amount* amount = amount_of(*item, dose.amount);
            if (amount == nullptr || !has_any_tag(*item, limit.tags)) {
                continue;
            }
            if (auto value = value_for_limit(*amount, limit.per_day)) {
                daily_totals[date::sys_days{local_date(zone, dose.planned)}] += *value;
            }
        }
        // Rounding of "0.1 g"-style amounts must not turn an exact match into a warning.
        auto over = [&](double total) { return total > ceiling + 1e-9 * std::max(1.0, ceiling); };
        auto first_over = std::find_if(daily_totals.begin(), daily_totals.end(),
                                       [&](const auto& entry) { return over(entry.second); });
        if (first_over == daily_totals.end()) {
            continue;
        }
        auto peak =
            std::max_element(daily_totals.begin(), daily_totals.end(),
                             [](const auto& a, const auto& b) { return a.second < b.second; });
        std::string unit = in_milligrams ? "mg" : limit.per_day.unit;
        const std::string first_text =
            fill(_("{0} {1} on {2}"), {format_number(first_over->second), unit,
                                       format_reader_date(LocalDate{first_over->first})}) +
            ramp_phases(regimen, limit, first_over->first);
        std::string message;
        if (peak->second > first_over->second) {
            const std::string peak_text =
                fill(_("{0} {1} on {2}"), {format_number(peak->second), unit,
                                           format_reader_date(LocalDate{peak->first})}) +
                ramp_phases(regimen, limit, peak->first);
            message = fill(_("planned {0} reaches {1} and {2}, above the {3} per_day limit"),
                           {limit.name, first_text, peak_text, limit.per_day.text});
        } else {
            message = fill(_("planned {0} reaches {1}, above the {2} per_day limit"),
                           {limit.name, first_text, limit.per_day.text});
        }
        warnings.push_back(warning_at(regimen, limit.pos, std::move(message)));
    }
}

// ---- magnesium oxide ----

void check_oxide(const Regimen& regimen, std::vector<Diagnostic>& warnings) {
    for (const auto& item : regimen.items) {
        if (is_magnesium_form(item, "oxide")) {
            warnings.push_back(
                warning_at(regimen, item.pos,
                           fill(_("'{}' is magnesium oxide, a poorly absorbed form of magnesium"),
                                {item.id})));
        }
    }
}

// ---- magnesium citrate late in the day ----

// Evening and night: after 18:00 and, for doses past midnight (bedtime-relative or
// interval ones), before 05:00.
bool in_the_evening(const regimend::TimeZone& zone, Instant instant) {
    auto local = to_local(zone, instant);
    auto time_of_day = local - date::floor<date::days>(local);
    return time_of_day > std::chrono::hours{18} || time_of_day < std::chrono::hours{5};
}

void check_citrate(const Regimen& regimen, const std::vector<LintDose>& doses,
                   std::vector<Diagnostic>& warnings) {
    const auto& zone = zone_of(regimen);
    std::vector<char> citrate(regimen.items.size(), 0);
    bool any = false;
    for (std::size_t index = 0; index < regimen.items.size(); ++index) {
        const Item& item = regimen.items[index];
        citrate[index] = !item.as_needed && is_magnesium_form(item, "citrate");
        any = any || citrate[index];
    }
    if (!any) {
        return;
    }
    // Each citrate item's first evening dose, in one pass over the plan.
    std::vector<const LintDose*> first_late(regimen.items.size(), nullptr);
    for (const auto& dose : doses) {
        if (citrate[dose.item] && !first_late[dose.item] && in_the_evening(zone, dose.planned)) {
            first_late[dose.item] = &dose;
        }
    }
    for (std::size_t index = 0; index < regimen.items.size(); ++index) {
        const Item& item = regimen.items[index];
        const LintDose* late = first_late[index];
        if (!late) {
            continue;
        }
        std::string wall_time = format_hh_mm(to_local(zone, late->planned));
        // Point at the `at` entry that lands there when one can be told apart.
        auto local = to_local(zone, late->planned);
        Seconds time_of_day = local - date::floor<date::days>(local);
        SourcePos pos = item.pos;
        for (const auto& time : item.schedule.times) {
            Seconds wall = time.offset;
            if (time.base == TimeOfDay::Base::Bedtime && regimen.bedtime) {
                wall += *regimen.bedtime;
            }
            const Seconds day{86400};
            if (time.pos.line > 0 && ((wall % day) + day) % day == time_of_day) {
                pos = time.pos;
                break;
            }
        }
        warnings.push_back(warning_at(regimen, pos,
                                      fill(_("'{0}' (magnesium citrate) is planned at {1}, after "
                                             "18:00; it is best taken earlier in the day: it can "
                                             "act as a laxative"),
                                           {item.id, wall_time})));
    }
}

// ---- separate rules ----

// One broken rule: `item`'s dose at `mine` is closer than its `by` to `other`'s at `theirs`.
// Kept as indexes and instants; only the warnings that are listed are ever formatted.
struct SeparateConflict {
    std::size_t item;
    std::size_t other;
    Instant mine;
    Instant theirs;
};

// Finds, for each item with a `separate` rule, every other item it comes too close to, with
// one instance each: a sweep over the doses in time order instead of all pairs of doses.
// For an item, every dose within `by` of one of its doses is visited once (the windows of
// consecutive doses overlap, so each continues where the last stopped) and the sweep stops
// as soon as every item its rule names has been met. Calls `found` per (item, other) pair.
template <class Found>
void find_separate_conflicts(const Regimen& regimen, const std::vector<LintDose>& doses,
                             Found&& found) {
    const std::size_t count = regimen.items.size();
    if (std::none_of(regimen.items.begin(), regimen.items.end(),
                     [](const Item& item) { return item.separate && !item.as_needed; })) {
        return;
    }
    std::unordered_map<std::string_view, std::size_t> index_of;
    std::unordered_map<std::string_view, std::vector<std::size_t>> items_tagged;
    for (std::size_t i = 0; i < count; ++i) {
        const Item& item = regimen.items[i];
        index_of.emplace(item.id, i);
        for (const auto& tag : item.tags) {
            auto& tagged = items_tagged[tag];
            if (tagged.empty() || tagged.back() != i) {
                tagged.push_back(i);
            }
        }
    }
    // The plan's instants in a flat array, and each item's own doses.
    std::vector<Instant> times;
    std::vector<std::vector<Instant>> own_times(count);
    times.reserve(doses.size());
    for (const auto& dose : doses) {
        times.push_back(dose.planned);
        own_times[dose.item].push_back(dose.planned);
    }

    // stamp[x] == mark: x is named by the current rule; met[x] == mark: already reported.
    std::vector<std::size_t> named(count, 0);
    std::vector<std::size_t> met(count, 0);
    for (std::size_t a = 0; a < count; ++a) {
        const Item& item = regimen.items[a];
        if (!item.separate || item.as_needed || own_times[a].empty()) {
            continue;
        }
        const std::size_t mark = a + 1;
        std::size_t to_meet = 0;
        auto name_item = [&](std::size_t x) {
            if (x != a && named[x] != mark && !regimen.items[x].as_needed &&
                !own_times[x].empty()) {
                named[x] = mark;
                ++to_meet;
            }
        };
        for (const auto& name : item.separate->from) {
            if (auto by_id = index_of.find(name); by_id != index_of.end()) {
                name_item(by_id->second);
            }
            if (auto by_tag = items_tagged.find(name); by_tag != items_tagged.end()) {
                for (std::size_t x : by_tag->second) {
                    name_item(x);
                }
            }
        }
        const Seconds by = item.separate->by;
        std::size_t scanned = 0;  // doses before this index were visited for this item
        for (Instant mine : own_times[a]) {
            if (to_meet == 0) {
                break;
            }
            // Doses with |planned - mine| < by.
            auto first = std::upper_bound(times.begin(), times.end(), mine - by);
            std::size_t i = std::max(scanned, static_cast<std::size_t>(first - times.begin()));
            for (; i < times.size() && times[i] < mine + by && to_meet > 0; ++i) {
                const std::size_t x = doses[i].item;
                if (named[x] == mark && met[x] != mark) {
                    met[x] = mark;
                    --to_meet;
                    found(SeparateConflict{a, x, mine, times[i]});
                }
            }
            scanned = std::max(scanned, i);
        }
    }
}

std::string separate_message(const Regimen& regimen, const SeparateConflict& conflict) {
    const auto& zone = zone_of(regimen);
    const Item& item = regimen.items[conflict.item];
    const Item& other = regimen.items[conflict.other];
    auto gap = conflict.mine > conflict.theirs ? conflict.mine - conflict.theirs
                                               : conflict.theirs - conflict.mine;

    // Items without dates are planned in lint's own fortnight of 2000: that date means
    // nothing to the user. A daily item says only the time; one that runs on some weekdays
    // says the weekday.
    const bool undated =
        !item.schedule.start && !item.schedule.end && !other.schedule.start && !other.schedule.end;
    const bool every_day =
        item.schedule.frequency == Frequency::Daily && item.schedule.weekdays == 0x7f &&
        other.schedule.frequency == Frequency::Daily && other.schedule.weekdays == 0x7f;
    const auto mine = to_local(zone, conflict.mine);
    const std::string when = !undated ? format_reader_date_hh_mm(mine)
                             : every_day
                                 ? fill(_("{} daily"), {format_hh_mm(mine)})
                                 : format_long_weekday(LocalDate{date::floor<date::days>(mine)}) +
                                       " " + format_hh_mm(mine);
    const std::string theirs = format_hh_mm(to_local(zone, conflict.theirs));
    const std::string apart = format_duration(item.separate->by);
    if (gap == Seconds{0}) {
        return fill(_("'{0}' is planned at {1}, at the same time as '{2}' at {3}; its separate "
                      "rule keeps them {4} apart"),
                    {item.id, when, other.id, theirs, apart});
    }
    return fill(_("'{0}' is planned at {1}, {2} from '{3}' at {4}; its separate rule keeps them "
                  "{5} apart"),
                {item.id, when, format_duration(gap), other.id, theirs, apart});
}

// Adds the first `room` conflicts (in file order, as items are) as warnings; returns how
// many there were in all.
std::size_t check_separate(const Regimen& regimen, const std::vector<LintDose>& doses,
                           std::size_t room, std::vector<Diagnostic>& warnings) {
    std::size_t total = 0;
    find_separate_conflicts(regimen, doses, [&](const SeparateConflict& conflict) {
        if (total++ < room) {
            const Item& item = regimen.items[conflict.item];
            const auto& rule = *item.separate;
            warnings.push_back(warning_at(regimen, rule.pos.line > 0 ? rule.pos : item.pos,
                                          separate_message(regimen, conflict)));
        }
    });
    return total;
}

// ---- reminder timings that cannot happen ----

void check_reminders(const Regimen& regimen, std::vector<Diagnostic>& warnings) {
    for (const auto& item : regimen.items) {
        if (item.as_needed) {
            continue;
        }
        const auto& policy = item.reminders;
        std::vector<std::string> never;
        if (policy.missed_after < policy.repeat_every) {
            never.push_back("repeat_every (" + format_duration(policy.repeat_every) + ")");
        }
        if (policy.missed_after < policy.escalate_after) {
            never.push_back("escalate_after (" + format_duration(policy.escalate_after) + ")");
        }
        if (never.empty()) {
            continue;
        }
        const std::string what = never.size() > 1
                                     ? fill(_("{0} and {1}"), {never.front(), never.back()})
                                     : never.front();
        warnings.push_back(warning_at(
            regimen, item.pos,
            fill(_("'{0}' is missed after {1}, shorter than its {2}: a dose is missed before that "
                   "reminder comes"),
                 {item.id, format_duration(policy.missed_after), what})));
    }
}

// Said when kMaxLintWork stopped the plan: at the first item with a start, ramp step or end
// on or after the day lint stopped (the rest of the file is what went unchecked).
Diagnostic unchecked_warning(const Regimen& regimen, date::sys_days unchecked_from) {
    SourcePos pos = regimen.items.empty() ? SourcePos{} : regimen.items.front().pos;
    for (const auto& item : regimen.items) {
        const auto& schedule = item.schedule;
        const bool changes_later =
            (schedule.start && date::sys_days{*schedule.start} >= unchecked_from) ||
            (schedule.end && date::sys_days{*schedule.end} >= unchecked_from);
        if (!item.as_needed && changes_later) {
            pos = item.pos;
            break;
        }
    }
    return warning_at(regimen, pos,
                      fill(_("lint checked the plan only before {}: the items' starts, ramp steps "
                             "and ends are too many to plan a fortnight after each; doses from "
                             "then on were not checked"),
                           {format_reader_date(LocalDate{unchecked_from})}));
}

}  // namespace

std::vector<Diagnostic> lint(const Regimen& regimen) {
    std::vector<Diagnostic> warnings;
    auto [doses, unchecked_from] = representative_plan(regimen);
    if (unchecked_from) {
        warnings.push_back(unchecked_warning(regimen, *unchecked_from));
    }
    check_limits(regimen, doses, warnings);
    check_oxide(regimen, warnings);
    check_citrate(regimen, doses, warnings);
    check_reminders(regimen, warnings);
    check_stock(regimen, warnings);
    // The other rules give at most one warning per limit or item; `separate` can give one
    // per pair of items, so only as many as can be listed are formatted.
    const std::size_t room = warnings.size() < kMaxWarnings ? kMaxWarnings - warnings.size() : 0;
    std::size_t total = warnings.size() + check_separate(regimen, doses, room, warnings);
    std::stable_sort(warnings.begin(), warnings.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                     });
    if (total > kMaxWarnings) {
        warnings.resize(kMaxWarnings);
        Diagnostic last = warnings.back();
        last.message = fill(_("... and {0} more warnings; stopped after {1}"),
                            {std::to_string(total - kMaxWarnings), std::to_string(kMaxWarnings)});
        warnings.push_back(std::move(last));
    }
    return warnings;
}

}  // namespace regimend
