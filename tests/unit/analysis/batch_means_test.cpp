// Batch means: agreement with the ordinary t interval on independent data, coverage of the true
// mean on an autocorrelated AR(1) series, the lag-1 autocorrelation telling short batches, the
// MSER-5 cut, and bad input.
#include "analysis/batch_means.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "analysis/confidence_interval.hpp"
#include "sim/error.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// X_t = mean + phi (X_{t-1} - mean) + e_t, e_t standard normal, started in steady state.
std::vector<double> ar1_series(std::size_t n, double mean, double phi, unsigned seed) {
  boost::random::mt19937 engine(seed);
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> series(n);
  double deviation = normal(engine) / std::sqrt(1.0 - phi * phi);
  for (double& x : series) {
    x = mean + deviation;
    deviation = phi * deviation + normal(engine);
  }
  return series;
}

TEST(Lag1Autocorrelation, HandComputed) {
  // 1, 2, 3, 4: deviations -1.5, -0.5, 0.5, 1.5; lagged products 0.75 - 0.25 + 0.75 = 1.25 over
  // squares 5.
  EXPECT_DOUBLE_EQ(lag1_autocorrelation(std::vector<double>{1, 2, 3, 4}), 0.25);
  // 1, 0, 1, 0: deviations +-0.5, three lagged products of -0.25 over squares 1.
  EXPECT_DOUBLE_EQ(lag1_autocorrelation(std::vector<double>{1, 0, 1, 0}), -0.75);
  EXPECT_TRUE(std::isnan(lag1_autocorrelation(std::vector<double>{2, 2, 2})));
  EXPECT_TRUE(std::isnan(lag1_autocorrelation(std::vector<double>{2})));
}

TEST(BatchMeans, BatchesOfOneAreTheOrdinaryTInterval) {
  const std::vector<double> xs = ar1_series(30, 5.0, 0.0, 7);
  const BatchMeansResult r = batch_means(xs, {.batches = 30, .level = 0.95, .cut_warmup = false});
  const ConfidenceInterval t = t_confidence_interval(xs, 0.95);
  EXPECT_EQ(r.batch_size, 1u);
  EXPECT_EQ(r.unused, 0u);
  EXPECT_DOUBLE_EQ(r.interval.mean, t.mean);
  EXPECT_DOUBLE_EQ(r.interval.half_width, t.half_width);
  EXPECT_EQ(r.interval.n, 30u);
}

TEST(BatchMeans, IndependentDataAgreeWithTheOrdinaryTInterval) {
  // On iid data batching changes nothing but the degrees of freedom: same mean, and a half-width
  // within sampling error of the t interval on all 20,000 values (the batch variance has 19
  // degrees of freedom, so its square root varies by about 1/sqrt(38) = 16%).
  for (unsigned seed = 1; seed <= 5; ++seed) {
    const std::vector<double> xs = ar1_series(20000, 3.0, 0.0, seed);
    const BatchMeansResult r = batch_means(xs, {.batches = 20, .level = 0.95});
    const ConfidenceInterval t = t_confidence_interval(xs, 0.95);
    EXPECT_NEAR(r.interval.mean, t.mean, 1e-12);
    EXPECT_NEAR(r.interval.half_width / t.half_width, 1.0, 0.35) << "seed " << seed;
    EXPECT_LT(std::abs(r.lag1_autocorrelation), 2.0 / std::sqrt(20.0) + 0.1) << "seed " << seed;
  }
}

TEST(BatchMeans, CoversTheMeanOfAnAutocorrelatedSeries) {
  // AR(1) with phi = 0.9: the ordinary t interval on the raw values is far too narrow (the
  // variance of the mean is (1 + phi) / (1 - phi) = 19 times the iid formula); batch means with
  // 20 batches of 1,000 cover the mean about 90% of the time at 90%. 200 runs: the binomial
  // standard deviation of the coverage is 2.1%.
  constexpr int kRuns = 200;
  int covered = 0;
  int naive_covered = 0;
  double lag1_sum = 0.0;
  for (int run = 0; run < kRuns; ++run) {
    const std::vector<double> xs = ar1_series(20000, 3.0, 0.9, 1000 + run);
    const BatchMeansResult r = batch_means(xs, {.batches = 20, .level = 0.90});
    covered += r.interval.contains(3.0) ? 1 : 0;
    naive_covered += t_confidence_interval(xs, 0.90).contains(3.0) ? 1 : 0;
    lag1_sum += r.lag1_autocorrelation;
  }
  const double coverage = static_cast<double>(covered) / kRuns;
  EXPECT_GE(coverage, 0.84);
  EXPECT_LE(coverage, 0.96);
  EXPECT_LT(static_cast<double>(naive_covered) / kRuns, 0.5);
  // Batches of 1,000 against a correlation time of about 10: nearly independent means (the
  // estimator is biased by about -1/k = -0.05).
  EXPECT_LT(std::abs(lag1_sum / kRuns), 0.1);
}

TEST(BatchMeans, ShortBatchesShowInTheirAutocorrelation) {
  // The same AR(1), 2,000 values in 200 batches of 10: adjacent batch means share much of their
  // noise, and r_1 is far above 2/sqrt(200) = 0.14.
  const std::vector<double> xs = ar1_series(2000, 3.0, 0.9, 3);
  const BatchMeansResult r = batch_means(xs, {.batches = 200, .level = 0.90});
  EXPECT_EQ(r.batch_size, 10u);
  EXPECT_GT(r.lag1_autocorrelation, 0.3);
}

TEST(BatchMeans, UnusedObservationsAreTheEarliest) {
  // 103 values in 10 batches: batches of 10, and the first 3 values are the ones left out.
  std::vector<double> xs(103, 1.0);
  xs[0] = xs[1] = xs[2] = 1000.0;
  for (std::size_t i = 3; i < xs.size(); ++i) xs[i] = static_cast<double>(i % 2);
  const BatchMeansResult r = batch_means(xs, {.batches = 10, .level = 0.95});
  EXPECT_EQ(r.batch_size, 10u);
  EXPECT_EQ(r.unused, 3u);
  EXPECT_DOUBLE_EQ(r.interval.mean, 0.5);
  EXPECT_DOUBLE_EQ(r.interval.half_width, 0.0);
  EXPECT_TRUE(std::isnan(r.lag1_autocorrelation));
  EXPECT_FALSE(r.warmup.has_value());
}

TEST(BatchMeans, CutsTheWarmUpWhenAsked) {
  // An initial transient of 40 (the noise's standard deviation is 2) decaying over the first
  // 2,000 of 20,000 values: the plain batch means are off by its average, 40 x 1000 / 20000 = 2,
  // and its first batches make their interval about 100 times wider than the noise alone would;
  // after the MSER-5 cut the interval is narrow again and covers the mean.
  std::vector<double> xs = ar1_series(20000, 3.0, 0.5, 11);
  for (std::size_t i = 0; i < 2000; ++i) xs[i] += 40.0 * (1.0 - static_cast<double>(i) / 2000.0);
  const BatchMeansResult plain = batch_means(xs, {.batches = 20, .level = 0.95});
  const BatchMeansResult cut = batch_means(xs, {.batches = 20, .level = 0.95, .cut_warmup = true});
  EXPECT_NEAR(plain.interval.mean, 5.0, 0.1);
  EXPECT_LT(cut.interval.half_width, plain.interval.half_width / 20.0);
  ASSERT_TRUE(cut.warmup.has_value());
  EXPECT_EQ(cut.truncation, cut.warmup->truncation);
  EXPECT_GE(cut.truncation, 1500u);
  EXPECT_LE(cut.truncation, 3000u);
  EXPECT_EQ(cut.batch_size, (20000 - cut.truncation) / 20);
  EXPECT_TRUE(cut.interval.contains(3.0));
}

TEST(BatchMeans, RejectsBadInput) {
  const std::vector<double> xs(10, 1.0);
  EXPECT_THAT([&] { (void)batch_means(xs, {.batches = 1}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at least 2 batches")));
  EXPECT_THAT([&] { (void)batch_means(xs, {.batches = 11}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("needs at least 11 observations")));
  EXPECT_THAT([&] { (void)batch_means(xs, {.batches = 5, .level = 1.0}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("confidence level must be in (0, 1)")));
  std::vector<double> with_inf(xs);
  with_inf[4] = std::numeric_limits<double>::infinity();
  EXPECT_THAT([&] { (void)batch_means(with_inf, {.batches = 5}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at index 4")));
}

}  // namespace
}  // namespace circlesim::analysis
