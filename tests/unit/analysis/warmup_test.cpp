// MSER-5 warm-up detection: a hand-computed example, an obvious initial transient cut near its
// end, stationary series cut at or near 0, time-weighted series, and bad input.
#include "analysis/warmup.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Batch means 9, 3, 5, 4, 6, 5, 5, 4 (k = 8, so d = 0..3 is searched):
//   d = 0: mean 41/8, sum of squares 22.875,          MSER = 22.875 / 64 = 0.357421875
//   d = 1: mean 32/7, sum of squares 152 - 1024/7 = 40/7, MSER = 40/343 = 0.11662
//   d = 2: mean 29/6, sum of squares 143 - 841/6 = 17/6, MSER = 17/216 = 0.078704
//   d = 3: mean 24/5, sum of squares 118 - 576/5 = 2.8, MSER = 2.8/25 = 0.112
// so d* = 2, inside the search range.
const std::vector<double> kHandBatchMeans{9, 3, 5, 4, 6, 5, 5, 4};

TEST(Mser, HandComputedExampleWithBatchesOfOne) {
  const WarmupResult r = mser(kHandBatchMeans, 1);
  EXPECT_EQ(r.batch_size, 1u);
  EXPECT_EQ(r.batches, 8u);
  EXPECT_EQ(r.truncation_batches, 2u);
  EXPECT_EQ(r.truncation, 2u);
  EXPECT_EQ(r.kept, 6u);
  EXPECT_NEAR(r.statistic, 17.0 / 216.0, 1e-15);
  EXPECT_NEAR(r.truncated_mean, 29.0 / 6.0, 1e-15);
  EXPECT_FALSE(r.at_search_limit);
}

TEST(Mser, BatchesOfFiveAndATrailingRemainder) {
  // Each batch mean of the example spread as Z-2, Z-1, Z, Z+1, Z+2, then 3 observations that do
  // not fill a batch: same batch means, so the same cut and statistic; the remainder counts in
  // the truncated mean only: (29 x 5 + 300) / 33.
  std::vector<double> observations;
  for (const double z : kHandBatchMeans) {
    for (int offset = -2; offset <= 2; ++offset) observations.push_back(z + offset);
  }
  observations.insert(observations.end(), {100.0, 100.0, 100.0});
  const WarmupResult r = mser(observations);
  EXPECT_EQ(r.batch_size, 5u);
  EXPECT_EQ(r.batches, 8u);
  EXPECT_EQ(r.truncation_batches, 2u);
  EXPECT_EQ(r.truncation, 10u);
  EXPECT_EQ(r.kept, 33u);
  EXPECT_NEAR(r.statistic, 17.0 / 216.0, 1e-14);
  EXPECT_NEAR(r.truncated_mean, 445.0 / 33.0, 1e-13);
}

TEST(Mser, MinimumAtTheEndOfTheSearchIsFlagged) {
  // 9, 3, 5, 4, 6, 5 (k = 6, d = 0..2): MSER = 0.5926, 0.208, 0.125, so d* = 2, the last d
  // searched: the transient may go on, the run looks too short.
  const WarmupResult r = mser(std::vector<double>{9, 3, 5, 4, 6, 5}, 1);
  EXPECT_EQ(r.truncation, 2u);
  EXPECT_NEAR(r.statistic, 0.125, 1e-15);
  EXPECT_TRUE(r.at_search_limit);
}

TEST(Mser, NeverSearchesTheSecondHalf) {
  // A ramp from 100 down to 0 over the first 80 of 100 observations: searched over every d,
  // MSER would cut 16 of the 20 batches, but only d < k/2 is searched, and the minimum at its
  // limit says the run is too short.
  std::vector<double> observations;
  for (int i = 0; i < 80; ++i) observations.push_back(100.0 - 100.0 * i / 80.0);
  for (int i = 0; i < 20; ++i) observations.push_back(0.01 * (i % 2));
  const WarmupResult r = mser(observations);
  EXPECT_EQ(r.batches, 20u);
  EXPECT_EQ(r.truncation_batches, 9u);
  EXPECT_TRUE(r.at_search_limit);
}

// AR(1) noise around `mean` (phi = 0.5, unit innovations), from a fixed seed.
std::vector<double> ar1_series(std::size_t n, double mean, unsigned seed) {
  boost::random::mt19937 engine(seed);
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> series(n);
  double deviation = 0.0;
  for (double& x : series) {
    deviation = 0.5 * deviation + normal(engine);
    x = mean + deviation;
  }
  return series;
}

TEST(Mser, ObviousInitialTransientIsCutNearItsEnd) {
  // The first 300 of 3000 observations fall linearly from 30 above the mean to it (26 standard
  // deviations of the noise at the start): on every seed the cut must remove most of the ramp
  // (its last sixth is within 5 of the mean) and little of the steady state.
  constexpr std::size_t kRamp = 300;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::vector<double> series = ar1_series(3000, 10.0, seed);
    for (std::size_t i = 0; i < kRamp; ++i) {
      series[i] += 30.0 * static_cast<double>(kRamp - i) / static_cast<double>(kRamp);
    }
    const WarmupResult r = mser(series);
    EXPECT_GE(r.truncation, 250u) << "seed " << seed;
    EXPECT_LE(r.truncation, 400u) << "seed " << seed;
    EXPECT_FALSE(r.at_search_limit) << "seed " << seed;
    // Steady-state mean 10, its standard error about 2/sqrt(2700) = 0.04.
    EXPECT_NEAR(r.truncated_mean, 10.0, 0.25) << "seed " << seed;
  }
}

TEST(Mser, StationarySeriesIsCutAtOrNearZero) {
  // No transient: MSER cuts little; over 20 seeds the median cut is at most two batches and no
  // cut reaches a tenth of the series.
  std::vector<std::size_t> cuts;
  for (unsigned seed = 101; seed <= 120; ++seed) {
    const WarmupResult r = mser(ar1_series(2000, 10.0, seed));
    EXPECT_LT(r.truncation, 200u) << "seed " << seed;
    cuts.push_back(r.truncation);
  }
  std::sort(cuts.begin(), cuts.end());
  EXPECT_LE(cuts[cuts.size() / 2], 10u);
}

TEST(Mser, ConstantSeriesIsNotCut) {
  const WarmupResult r = mser(std::vector<double>(50, 7.0));
  EXPECT_EQ(r.truncation, 0u);
  EXPECT_EQ(r.statistic, 0.0);
  EXPECT_EQ(r.truncated_mean, 7.0);
  EXPECT_FALSE(r.at_search_limit);
}

TEST(Mser, RejectsBadInput) {
  EXPECT_THAT([] { (void)mser(std::vector<double>(9, 1.0)); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at least 2 batches")));
  std::vector<double> with_nan(20, 1.0);
  with_nan[13] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT([&] { (void)mser(with_nan); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at index 13")));
  EXPECT_THAT([] { (void)mser(std::vector<double>(20, 1.0), 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("batch size must be >= 1")));
}

TEST(TimeAverages, StepFunctionAveragedOverIntervals) {
  // 10 from 0 to 7, then 0: intervals of 5 up to 20 average 10, (2 x 10 + 3 x 0) / 5 = 4, 0, 0;
  // the rest up to 22 is not a whole interval.
  const std::vector<double> times{0.0, 7.0};
  const std::vector<double> values{10.0, 0.0};
  EXPECT_THAT(time_averages(times, values, 22.0, 5.0), ::testing::ElementsAre(10.0, 4.0, 0.0, 0.0));
  // Rows of zero length and rows spanning several intervals.
  const std::vector<double> times2{1.0, 1.0, 2.0, 2.5, 6.0};
  const std::vector<double> values2{99.0, 1.0, 3.0, 2.0, 8.0};
  EXPECT_THAT(time_averages(times2, values2, 7.0, 2.0),
              ::testing::ElementsAre((1.0 + 0.5 * 3.0 + 0.5 * 2.0) / 2.0, 2.0,
                                     (1.0 * 2.0 + 1.0 * 8.0) / 2.0));
}

TEST(TimeAverages, AQuotientRoundedDownKeepsTheLastWholeInterval) {
  // 0.3 / 0.1 is 2.9999999999999996 and 0.7 / 0.1 is 6.999999999999999 in doubles, yet three and
  // seven intervals of 0.1 fill those spans.
  const std::vector<double> times{0.0};
  const std::vector<double> values{2.0};
  const std::vector<double> three = time_averages(times, values, 0.3, 0.1);
  ASSERT_EQ(three.size(), 3U);
  for (const double average : three) EXPECT_DOUBLE_EQ(average, 2.0);
  EXPECT_EQ(time_averages(times, values, 0.7, 0.1).size(), 7U);
  // Short of a whole interval by more than rounding: not counted.
  EXPECT_EQ(time_averages(times, values, 0.2999, 0.1).size(), 2U);
}

TEST(MserTimeWeighted, HandComputedExample) {
  // 4 on [0, 10), 1 on [10, 30), 2 on [30, 45): averages over 10 min are 4, 1, 1, 2 (the last 5
  // min are not a whole interval). MSER-1: d = 0 gives 6/16, d = 1 gives (2/3)/9, so the cut is
  // at 10 min and the time-weighted mean after it (1 x 20 + 2 x 15) / 35.
  const std::vector<double> times{0.0, 10.0, 30.0};
  const std::vector<double> values{4.0, 1.0, 2.0};
  const TimeWeightedWarmup w = mser_time_weighted(times, values, 45.0, 10.0, 1);
  EXPECT_EQ(w.mser.batches, 4u);
  EXPECT_EQ(w.mser.truncation, 1u);
  EXPECT_NEAR(w.mser.statistic, 2.0 / 27.0, 1e-15);
  EXPECT_DOUBLE_EQ(w.interval, 10.0);
  EXPECT_DOUBLE_EQ(w.truncation_time, 10.0);
  EXPECT_NEAR(w.truncated_mean, 50.0 / 35.0, 1e-15);
}

TEST(MserTimeWeighted, QueueThatStartsFullIsCutAfterItEmpties) {
  // A queue length recorded at each change: 40 people at time 0, one leaving every 3 min, then
  // fluctuating between 2 and 4 every 1.7 min until 2000 min. The interval averages fall for the
  // first 120 min; the cut must come after most of the fall and well before the end.
  std::vector<double> times;
  std::vector<double> values;
  for (int i = 0; i < 40; ++i) {
    times.push_back(3.0 * i);
    values.push_back(40.0 - i);
  }
  for (double t = 120.0; t < 2000.0; t += 1.7) {
    times.push_back(t);
    values.push_back(times.size() % 3 == 0 ? 4.0 : 2.0 + static_cast<double>(times.size() % 2));
  }
  const TimeWeightedWarmup w = mser_time_weighted(times, values, 2000.0, 5.0);
  EXPECT_GE(w.truncation_time, 75.0);
  EXPECT_LE(w.truncation_time, 200.0);
  EXPECT_NEAR(w.truncated_mean, 3.0, 0.5);
}

TEST(MserTimeWeighted, RejectsBadInput) {
  const std::vector<double> times{0.0, 5.0, 4.0};
  const std::vector<double> values{1.0, 2.0, 3.0};
  EXPECT_THAT([&] { (void)mser_time_weighted(times, values, 100.0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("must not decrease, got 4 after 5")));
  EXPECT_THAT([&] { (void)mser_time_weighted(std::vector<double>{0.0}, values, 100.0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("1 times and 3 values")));
  EXPECT_THAT(
      [] {
        (void)mser_time_weighted(std::vector<double>{0.0}, std::vector<double>{1.0}, 100.0, 0.0);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("interval must be finite and > 0")));
  EXPECT_THAT(
      [] {
        (void)mser_time_weighted(std::vector<double>{0.0}, std::vector<double>{1.0}, 8.0, 1.0);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("at least 2 batches")));
}

}  // namespace
}  // namespace circlesim::analysis
