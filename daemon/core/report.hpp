// `regimenctl report`: adherence, as-needed use and symptom figures over a window of days,
// worked out from the history and the plan. Pure arithmetic: the caller loads the events
// and passes the window; nothing here reads a clock or the database. docs/REPORT.md says
// how each figure is counted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bootstrap.hpp"
#include "core/event.hpp"
#include "core/model.hpp"

namespace regimend {

// ICHD-3 medication-overuse headache: acute medication on 10 or more days a month for
// triptans and combination analgesics (15 for simple analgesics). We only count days.
inline constexpr int kOveruseThresholdDays = 10;

// The read-out never claims more than the diary holds: a difference and its interval only
// once each side's diary covers this many days, and for severity has this many days with a
// rating. A percentile bootstrap of one or two days is not an interval.
inline constexpr int kMinCoveredDays = 14;
inline constexpr int kMinRatedDays = 5;

struct ReportSpan {
    Instant from;  // inclusive
    Instant to;    // exclusive
};

struct ReportInput {
    ReportSpan window;
    // Every event with `at` in [events_needed_from(...), window.to). Doses are matched by
    // their planned instant, as-needed doses and symptoms by `at`.
    std::vector<HistoryEvent> events;
    // Symptom entries in before_span(...); may hold other events, they are ignored.
    std::vector<HistoryEvent> before_events;
    std::optional<Instant> tracking_since;  // HistoryStore::tracking_since(): doses count from it
    std::optional<Instant> first_dose;      // the first taken (scheduled) dose ever
    // The first diary (symptom) entry ever: where the diary begins. Entries in `events` and
    // `before_events` count too, so it may be left out when they hold the first one.
    std::optional<Instant> first_diary_entry;
};

// One item's doses on one local day (only days with a counted dose).
struct ItemDay {
    LocalDate day;
    int planned = 0;
    int taken = 0;
    int skipped = 0;
    int missed = 0;
};

struct ItemAdherence {
    std::string item;
    std::string name;
    int planned = 0;  // counted doses, pending ones excluded
    int taken = 0;
    int skipped = 0;
    int missed = 0;
    int pending = 0;                    // still inside missed_after, unanswered
    std::optional<double> adherence;    // taken / planned; none when nothing was planned
    std::optional<double> late_median;  // minutes after planned (negative: early)
    int taken_other_amount = 0;         // taken at an amount said with `take --amount`
    std::vector<ItemDay> days;          // in date order
};

struct AsNeededUse {
    std::string item;
    std::string name;
    int uses = 0;
    double uses_per_week = 0;
    std::optional<int> max_per_day;
    int days_over_max = 0;
};

struct SymptomFigures {
    std::optional<ReportSpan> span;  // none: the regimen's start is unknown
    int days = 0;                    // days with at least one entry
    int entries = 0;
    std::optional<double> mean_severity;
    // The whole local days of `span` the diary covers: from its first entry of any kind on,
    // up to yesterday, or today once it has an entry. Same for every kind.
    std::optional<ReportSpan> covered;
    int covered_days = 0;
};

// One local day of a symptom kind's diary.
struct SymptomDay {
    LocalDate day;
    int entries = 0;
    int rated = 0;  // entries with a severity
    double severity_sum = 0;
};

// One figure before and after; each side is none without data (see docs/REPORT.md).
struct ComparedFigure {
    std::optional<double> before;
    std::optional<double> after;
    std::optional<DifferenceEstimate> estimate;  // both sides known and not too_early()
    int after_days = 0;                          // days resampled on the after side
    double days_a_week = 7;  // how fast such days accrue after the start (rated days: fewer)
    bool started = true;     // false: no start is known, so nothing is "after" yet
    int before_covered = 0;  // the days each side's diary covers
    int after_covered = 0;
    std::optional<int> before_rated;  // mean severity: the days with a rating on each side
    std::optional<int> after_rated;
    Better better = Better::Unstated;  // which way the figure is better

    // Either side holds too little for a difference: fewer than kMinCoveredDays covered
    // days, or (mean severity) fewer than kMinRatedDays days with a rating.
    bool too_early() const;
};

struct SymptomComparison {
    ComparedFigure days_per_week;
    ComparedFigure mean_severity;
};

struct SymptomSummary {
    std::string kind;
    SymptomFigures during;
    SymptomFigures before;
    SymptomComparison comparison;
    std::vector<SymptomDay> series;  // days with an entry, before and after, in date order
};

// A stretch of the "after" period with one plan: it ends where an item starts or ends or
// a ramp step changes an amount.
struct PhaseSymptom {
    std::string kind;
    int days = 0;
    int entries = 0;
    std::optional<double> mean_severity;
    double days_per_week = 0;
};

struct Phase {
    ReportSpan span;
    LocalDate first_day;
    LocalDate last_day;
    std::string label;  // "from 2026-11-15: glycinate-pm goes to 300 mg; am ends"
    int planned = 0;
    int taken = 0;
    int skipped = 0;
    int missed = 0;
    std::optional<double> adherence;
    std::vector<PhaseSymptom> symptoms;
};

struct MonthOveruse {
    date::year_month month;
    int acute_days = 0;  // in the whole calendar month, not only the window
};

enum class DayAdherence { AllTaken, SomeTaken, NoneTaken, NothingPlanned };

struct CalendarDay {
    LocalDate day;
    int planned = 0;
    int taken = 0;
    int skipped = 0;
    int missed = 0;
    bool symptom = false;
    bool acute = false;  // an as-needed dose was logged

    DayAdherence adherence() const;
};

struct Report {
    ReportSpan window;
    std::optional<Instant> counted_from;  // planned doses count from here (tracking start)
    std::optional<LocalDate> regimen_start;
    std::vector<ItemAdherence> items;
    std::vector<AsNeededUse> as_needed;
    std::vector<SymptomSummary> symptoms;
    int acute_days = 0;                 // in the window
    std::vector<MonthOveruse> overuse;  // months touching the window at the threshold
    std::vector<CalendarDay> days;      // every local day of the window, in order
    std::optional<ReportSpan> after;    // the window from the regimen's start on
    std::vector<Phase> phases;          // the after period split where the plan changes
};

// The window of the last `days` local days, today included, ending with the second of
// `now` (its `to` is now + 1 s): an entry made in the same second as the report is in it.
ReportSpan last_days(const regimend::TimeZone& zone, Instant now, int days);

// From where `events` must be loaded: the start of the window's first calendar month (for
// the overuse count) or earlier, for doses confirmed ahead of their planned time.
Instant events_needed_from(const Regimen& regimen, const ReportSpan& window);

// The earliest item `start`, else the local day of the first recorded dose.
std::optional<LocalDate> regimen_start(const Regimen& regimen, std::optional<Instant> first_dose);

// The equally long span of whole days just before the regimen started; none if unknown.
std::optional<ReportSpan> before_span(const Regimen& regimen, std::optional<Instant> first_dose,
                                      int days);

// Events an `undone` took back are left out first (core/event.hpp standing_events).
Report build_report(const Regimen& regimen, const ReportInput& input, int days);

// "for information: ..." — worded as information, never as advice.
std::string overuse_note(const MonthOveruse& month);

// One side of a comparison: the days with an entry of the kind, and how many days the
// diary covers there (0: no diary on that side, its figures are none).
struct DiarySide {
    std::vector<SymptomDay> series;
    int covered_days = 0;
};

// The comparison of one symptom kind, resampling days: days with an entry per week over
// every covered day of each side, mean severity over the rated entries of the days that
// have one. No estimate while too_early(). `better` is the kind's direction.
SymptomComparison compare_symptom(const DiarySide& before, const DiarySide& after,
                                  Better better = Better::Unstated);

// One line, worded as information: "migraine days: 2.8 → 0.9 a week (difference −1.9,
// 95% interval −3.1 to −0.6): fewer days", the last words "better" or "worse" when the kind
// states which way is better; when the interval holds 0, that the data cannot tell yet and
// about how many more weeks of entries would narrow it; "too early to tell" with each
// side's days while too_early(); that the regimen has not started without a start.
std::string days_reading(const std::string& kind, const ComparedFigure& figure);
std::string severity_reading(const std::string& kind, const ComparedFigure& figure);

// Where the plan changes inside [first, last]: the days an item starts, the day after it
// ends, the days a ramp step begins. Sorted, unique, each with what changes that day.
std::vector<std::pair<LocalDate, std::string>> plan_changes(const Regimen& regimen, LocalDate first,
                                                            LocalDate last);

}  // namespace regimend
