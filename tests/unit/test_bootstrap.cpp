#include <catch2/catch.hpp>

#include "core/bootstrap.hpp"

using namespace regimend;

namespace {

std::vector<DayValue> presence_days(int days, int with_entry) {
    std::vector<DayValue> values(static_cast<size_t>(days), DayValue{0, 1});
    for (int index = 0; index < with_entry; ++index) {
        values[static_cast<size_t>(index)].total = 1;
    }
    return values;
}

}  // namespace

TEST_CASE("bootstrap's generator is the standard's mt19937_64", "[bootstrap]") {
    // [rand.predef]: the 10000th output of a default-constructed mt19937_64.
    std::mt19937_64 generator;
    generator.discard(9999);
    CHECK(generator() == 9981545732273789042ULL);

    SECTION("uniform_index stays in range and reaches every index") {
        std::mt19937_64 seeded(1);
        std::vector<int> seen(7, 0);
        for (int draw = 0; draw < 7000; ++draw) {
            auto index = uniform_index(seeded, 7);
            REQUIRE(index < 7);
            ++seen[index];
        }
        for (int count : seen) {
            CHECK(count > 850);  // 1000 expected each
            CHECK(count < 1150);
        }
        CHECK(uniform_index(seeded, 1) == 0);
    }
}

TEST_CASE("bootstrap's figures are the exact means", "[bootstrap]") {
    // Worked by hand: 6 of 14 days = 3.0 a week; 2 of 14 = 1.0 a week.
    auto estimate = bootstrap_difference(presence_days(14, 6), presence_days(14, 2), 7.0);
    REQUIRE(estimate);
    CHECK(estimate->before == Approx(3.0));
    CHECK(estimate->after == Approx(1.0));
    CHECK(estimate->difference == Approx(-2.0));
    CHECK(estimate->low <= estimate->difference);
    CHECK(estimate->high >= estimate->difference);
    CHECK(estimate->low < estimate->high);
    CHECK(estimate->before_error > 0);

    // Severity: entries 6 and 8 on one day, 4 on another = 18 / 3 = 6.0; 5 and 3 = 4.0.
    auto severity = bootstrap_difference({{14, 2}, {4, 1}}, {{5, 1}, {3, 1}}, 1.0);
    REQUIRE(severity);
    CHECK(severity->before == Approx(6.0));
    CHECK(severity->after == Approx(4.0));
    CHECK(severity->difference == Approx(-2.0));
    // Every resample of {5, 3} lies in [3, 5] and of the before days in [4, 7]:
    CHECK(severity->low >= 3.0 - 7.0);
    CHECK(severity->high <= 5.0 - 4.0);
}

TEST_CASE("bootstrap is deterministic and degenerate on constant data", "[bootstrap]") {
    auto first = bootstrap_difference(presence_days(30, 9), presence_days(21, 2), 7.0);
    auto second = bootstrap_difference(presence_days(30, 9), presence_days(21, 2), 7.0);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->low == second->low);  // bit for bit
    CHECK(first->high == second->high);
    CHECK(first->before_error == second->before_error);

    auto flat = bootstrap_difference(presence_days(10, 0), presence_days(10, 0), 7.0);
    REQUIRE(flat);
    CHECK(flat->difference == 0.0);
    CHECK(flat->low == 0.0);
    CHECK(flat->high == 0.0);

    CHECK_FALSE(bootstrap_difference({}, presence_days(10, 1), 7.0));
    CHECK_FALSE(bootstrap_difference({{0, 0}}, presence_days(10, 1), 7.0));
}

TEST_CASE("bootstrap's quantile interpolates like numpy's default", "[bootstrap]") {
    std::vector<double> sorted{1, 2, 3, 4};
    CHECK(quantile_sorted(sorted, 0.0) == 1.0);
    CHECK(quantile_sorted(sorted, 1.0) == 4.0);
    CHECK(quantile_sorted(sorted, 0.5) == Approx(2.5));
    CHECK(quantile_sorted(sorted, 0.025) == Approx(1.075));  // numpy.quantile([1,2,3,4], .025)
}

TEST_CASE("bootstrap's intervals hold a known difference at about the nominal rate",
          "[bootstrap]") {
    // 200 simulated trials with a known effect; 1,000 resamples each keeps this fast.
    std::mt19937_64 world(42);
    auto chance = [&world](double probability) {
        return static_cast<double>(uniform_index(world, 1000000)) < probability * 1000000;
    };
    const int trials = 200;
    int days_covered = 0;
    int severity_covered = 0;
    for (int trial = 0; trial < trials; ++trial) {
        std::vector<DayValue> before;
        std::vector<DayValue> after;
        for (int day = 0; day < 28; ++day) {
            before.push_back({chance(0.4) ? 1.0 : 0.0, 1});
            after.push_back({chance(0.15) ? 1.0 : 0.0, 1});
        }
        auto days = bootstrap_difference(before, after, 7.0, 1000, 1000 + trial);
        REQUIRE(days);
        const double true_days = 7.0 * (0.15 - 0.4);
        days_covered += days->low <= true_days && true_days <= days->high;

        // Severities uniform on 3..9 (mean 6) before, 2..8 (mean 5) after, 20 days each.
        std::vector<DayValue> severe_before;
        std::vector<DayValue> severe_after;
        for (int day = 0; day < 20; ++day) {
            severe_before.push_back({3.0 + static_cast<double>(uniform_index(world, 7)), 1});
            severe_after.push_back({2.0 + static_cast<double>(uniform_index(world, 7)), 1});
        }
        auto severity = bootstrap_difference(severe_before, severe_after, 1.0, 1000, 5000 + trial);
        REQUIRE(severity);
        severity_covered += severity->low <= -1.0 && -1.0 <= severity->high;
    }
    const double days_rate = static_cast<double>(days_covered) / trials;
    const double severity_rate = static_cast<double>(severity_covered) / trials;
    INFO("coverage: days " << days_rate << ", severity " << severity_rate);
    CHECK(days_rate >= 0.88);
    CHECK(days_rate <= 0.99);
    CHECK(severity_rate >= 0.88);
    CHECK(severity_rate <= 0.99);
}

TEST_CASE("bootstrap estimates how many more days would tell", "[bootstrap]") {
    DifferenceEstimate estimate;
    estimate.difference = -1.0;
    estimate.before_error = 0.3;
    estimate.after_error = 0.6;
    // 1.96 * sqrt(0.09 + 0.36 * 28 / N) <= 1  <=>  N >= 28 * 0.36 / ((1/1.96)^2 - 0.09)
    const double allowed = std::pow(1.0 / 1.959963984540054, 2);
    auto more = more_days_to_tell(estimate, 28);
    REQUIRE(more);
    CHECK(*more == Approx(28 * 0.36 / (allowed - 0.09) - 28));
    CHECK(*more == Approx(31.2).epsilon(0.01));

    estimate.before_error = 0.6;  // the before side alone is too uncertain
    CHECK_FALSE(more_days_to_tell(estimate, 28));
    estimate.difference = 0;
    CHECK_FALSE(more_days_to_tell(estimate, 28));
}

TEST_CASE("bootstrap's index sampler is uniform and uses both halves of each output",
          "[bootstrap]") {
    // Worked by hand from the standard generator: the first output, split in two halves.
    std::mt19937_64 reference(kBootstrapSeed);
    const std::uint64_t first = reference();
    IndexSampler sampler(kBootstrapSeed);
    const std::uint32_t n = 1000;
    // Lemire: floor(half * n / 2^32); rejection only when the low product < 2^32 mod n.
    auto expected_low =
        static_cast<std::uint32_t>((std::uint64_t{static_cast<std::uint32_t>(first)} * n) >> 32);
    auto expected_high = static_cast<std::uint32_t>(((first >> 32) * n) >> 32);
    CHECK(sampler.next(n) == expected_low);
    CHECK(sampler.next(n) == expected_high);

    std::vector<int> seen(5, 0);
    for (int draw = 0; draw < 5000; ++draw) {
        auto index = sampler.next(5);
        REQUIRE(index < 5);
        ++seen[index];
    }
    for (int count : seen) {
        CHECK(count > 880);  // 1000 expected each
        CHECK(count < 1120);
    }
    CHECK(sampler.next(1) == 0);
}
