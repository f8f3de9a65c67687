#include "core/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace regimend {
namespace {

constexpr double kZ95 = 1.959963984540054;  // the normal's 97.5% quantile

struct Sums {
    double total = 0;
    double count = 0;
};

Sums resample(IndexSampler& sampler, const std::vector<DayValue>& days) {
    Sums sums;
    const auto n = static_cast<std::uint32_t>(days.size());
    for (size_t draw = 0; draw < days.size(); ++draw) {
        const auto& day = days[sampler.next(n)];
        sums.total += day.total;
        sums.count += day.count;
    }
    return sums;
}

double standard_deviation(const std::vector<double>& values) {
    if (values.size() < 2) {
        return 0;
    }
    double mean = 0;
    for (double value : values) {
        mean += value;
    }
    mean /= static_cast<double>(values.size());
    double squares = 0;
    for (double value : values) {
        squares += (value - mean) * (value - mean);
    }
    return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace

std::uint64_t uniform_index(std::mt19937_64& generator, std::uint64_t n) {
    // mt19937_64 yields every 64-bit value; reject the top partial block of size 2^64 % n.
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t limit = max - (max % n + 1) % n;  // accept x <= limit
    std::uint64_t value = generator();
    while (value > limit) {
        value = generator();
    }
    return value % n;
}

std::uint32_t IndexSampler::next_half() {
    if (has_buffered_) {
        has_buffered_ = false;
        return static_cast<std::uint32_t>(buffered_ >> 32);
    }
    buffered_ = generator_();
    has_buffered_ = true;
    return static_cast<std::uint32_t>(buffered_);
}

std::uint32_t IndexSampler::next(std::uint32_t n) {
    std::uint64_t product = std::uint64_t{next_half()} * n;
    auto low = static_cast<std::uint32_t>(product);
    if (low < n) {
        const std::uint32_t threshold = (0u - n) % n;  // 2^32 mod n
        while (low < threshold) {
            product = std::uint64_t{next_half()} * n;
            low = static_cast<std::uint32_t>(product);
        }
    }
    return static_cast<std::uint32_t>(product >> 32);
}

std::optional<double> ratio_statistic(const std::vector<DayValue>& days, double scale) {
    double total = 0;
    double count = 0;
    for (const auto& day : days) {
        total += day.total;
        count += day.count;
    }
    if (count <= 0) {
        return std::nullopt;
    }
    return scale * total / count;
}

double quantile_sorted(const std::vector<double>& sorted, double probability) {
    if (sorted.empty()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    double position = probability * static_cast<double>(sorted.size() - 1);
    auto lower = static_cast<size_t>(std::floor(position));
    size_t upper = std::min(lower + 1, sorted.size() - 1);
    double fraction = position - static_cast<double>(lower);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

std::optional<DifferenceEstimate> bootstrap_difference(const std::vector<DayValue>& before,
                                                       const std::vector<DayValue>& after,
                                                       double scale, int resamples,
                                                       std::uint64_t seed) {
    auto before_figure = ratio_statistic(before, scale);
    auto after_figure = ratio_statistic(after, scale);
    if (!before_figure || !after_figure || resamples < 1) {
        return std::nullopt;
    }
    DifferenceEstimate estimate;
    estimate.before = *before_figure;
    estimate.after = *after_figure;
    estimate.difference = *after_figure - *before_figure;

    IndexSampler sampler(seed);
    std::vector<double> differences;
    std::vector<double> before_figures;
    std::vector<double> after_figures;
    differences.reserve(static_cast<size_t>(resamples));
    before_figures.reserve(static_cast<size_t>(resamples));
    after_figures.reserve(static_cast<size_t>(resamples));
    for (int round = 0; round < resamples; ++round) {
        Sums b = resample(sampler, before);
        Sums a = resample(sampler, after);
        // A resample can hold only days without a count (none for days-with-an-entry, whose
        // count is 1 a day; severity sides only hold rated days): keep the round anyway
        // with the side's own figure, so no round is dropped and the count stays fixed.
        double b_figure = b.count > 0 ? scale * b.total / b.count : *before_figure;
        double a_figure = a.count > 0 ? scale * a.total / a.count : *after_figure;
        before_figures.push_back(b_figure);
        after_figures.push_back(a_figure);
        differences.push_back(a_figure - b_figure);
    }
    std::sort(differences.begin(), differences.end());
    estimate.low = quantile_sorted(differences, 0.025);
    estimate.high = quantile_sorted(differences, 0.975);
    estimate.before_error = standard_deviation(before_figures);
    estimate.after_error = standard_deviation(after_figures);
    return estimate;
}

std::optional<double> more_days_to_tell(const DifferenceEstimate& estimate, int after_days) {
    if (after_days < 1 || estimate.difference == 0) {
        return std::nullopt;
    }
    // Wanted: kZ95 * sqrt(before_error² + after_error² * n / (n + m)) <= |difference|.
    double allowed = std::pow(std::abs(estimate.difference) / kZ95, 2);
    double before_variance = std::pow(estimate.before_error, 2);
    double after_variance = std::pow(estimate.after_error, 2);
    if (allowed <= before_variance) {
        return std::nullopt;
    }
    double needed_days = after_days * after_variance / (allowed - before_variance);
    return std::max(0.0, needed_days - after_days);
}

}  // namespace regimend
