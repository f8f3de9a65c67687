// The report's "is it helping?" statistics: a figure before and after the regimen started,
// their difference and a 95% percentile bootstrap interval of it, resampling days.
// Deterministic: std::mt19937_64 (its output is defined by the standard) with a fixed seed
// and our own mapping to an index (std::uniform_int_distribution's output is
// implementation-defined), so the same history gives byte-identical figures anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace regimend {

inline constexpr int kBootstrapResamples = 10000;
inline constexpr std::uint64_t kBootstrapSeed = 20261115;

// One resampling unit (a day): the statistic of a sample of days is
// scale * sum(total) / sum(count), e.g. days with an entry (total 0 or 1, count 1, scale 7:
// days a week) or mean severity over entries (total = severities, count = entries).
struct DayValue {
    double total = 0;
    double count = 0;
};

struct DifferenceEstimate {
    double before = 0;
    double after = 0;
    double difference = 0;  // after - before
    double low = 0;         // 95% interval of the difference
    double high = 0;
    double before_error = 0;  // bootstrap standard error of each side's figure
    double after_error = 0;
};

// A uniform index in [0, n) from the generator's raw output, by rejection (no modulo bias).
std::uint64_t uniform_index(std::mt19937_64& generator, std::uint64_t n);

// The bootstrap's draws: each 64-bit output gives two 32-bit halves (low half first), each
// mapped to [0, n) by Lemire's multiply-and-shift with rejection (exact, no division in the
// common case). Half the generator calls of uniform_index, same determinism.
class IndexSampler {
  public:
    explicit IndexSampler(std::uint64_t seed) : generator_(seed) {}
    std::uint32_t next(std::uint32_t n);

  private:
    std::uint32_t next_half();
    std::mt19937_64 generator_;
    std::uint64_t buffered_ = 0;
    bool has_buffered_ = false;
};

// The ratio statistic of a sample; none when the counts sum to zero.
std::optional<double> ratio_statistic(const std::vector<DayValue>& days, double scale);

// Resamples each side's days independently with replacement, `resamples` times. None when
// a side is empty or its counts sum to zero. A side holds fewer than 2^32 days.
std::optional<DifferenceEstimate> bootstrap_difference(const std::vector<DayValue>& before,
                                                       const std::vector<DayValue>& after,
                                                       double scale,
                                                       int resamples = kBootstrapResamples,
                                                       std::uint64_t seed = kBootstrapSeed);

// The linear-interpolation quantile (numpy's default, "type 7") of sorted values.
double quantile_sorted(const std::vector<double>& sorted, double probability);

// How many more days of "after" entries would shrink the interval to exclude 0 if the
// difference stayed as it is: the after side's variance falls as 1/n (the interval's
// width with 1/sqrt(n)), the before side's stays. None when more "after" days alone
// cannot get there (no difference, or the before side alone is too uncertain).
std::optional<double> more_days_to_tell(const DifferenceEstimate& estimate, int after_days);

}  // namespace regimend
