// Tests for sim/tally: Welford accuracy, pairwise merging, undefined statistics, bad input.
#include "sim/tally.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <cmath>
#include <vector>

namespace circlesim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Reference statistics by the two-pass method, which is accurate for any offset.
struct TwoPass {
  double mean = 0.0;
  double variance = 0.0;
};

TwoPass two_pass(const std::vector<double>& xs) {
  long double sum = 0.0L;
  for (const double x : xs) sum += x;
  const long double mean = sum / static_cast<long double>(xs.size());
  long double squares = 0.0L;
  for (const double x : xs) squares += (x - mean) * (x - mean);
  return {static_cast<double>(mean),
          static_cast<double>(squares / static_cast<long double>(xs.size() - 1))};
}

std::vector<double> offset_values(std::size_t n, double offset) {
  boost::random::mt19937_64 engine(20240611);
  boost::random::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> xs(n);
  for (double& x : xs) x = offset + uniform(engine);
  return xs;
}

TEST(TallyTest, EmptyIsUndefinedNotZero) {
  const Tally tally;
  EXPECT_EQ(tally.count(), 0u);
  EXPECT_TRUE(tally.empty());
  EXPECT_TRUE(std::isnan(tally.mean()));
  EXPECT_TRUE(std::isnan(tally.variance()));
  EXPECT_TRUE(std::isnan(tally.min()));
  EXPECT_TRUE(std::isnan(tally.max()));
  EXPECT_EQ(tally.sum(), 0.0);
}

TEST(TallyTest, SingleValueHasMeanButNoSampleVariance) {
  Tally tally;
  tally.add(3.5);
  EXPECT_EQ(tally.mean(), 3.5);
  EXPECT_TRUE(std::isnan(tally.variance()));
  EXPECT_EQ(tally.min(), 3.5);
  EXPECT_EQ(tally.max(), 3.5);
}

TEST(TallyTest, SmallKnownSample) {
  Tally tally;
  for (const double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) tally.add(x);
  EXPECT_EQ(tally.count(), 8u);
  EXPECT_DOUBLE_EQ(tally.mean(), 5.0);
  EXPECT_DOUBLE_EQ(tally.variance(), 32.0 / 7.0);  // sample variance, divisor n - 1
  EXPECT_DOUBLE_EQ(tally.stddev(), std::sqrt(32.0 / 7.0));
  EXPECT_EQ(tally.min(), 2.0);
  EXPECT_EQ(tally.max(), 9.0);
  EXPECT_EQ(tally.sum(), 40.0);
}

TEST(TallyTest, StableWithLargeOffset) {
  // Values 1e9 + U(0, 1): variance about 1/12. The naive sum-of-squares formula gets this wrong
  // by orders of magnitude; Welford must agree with the two-pass result to ~1e-6 relative. The
  // mean's rounding drifts by a few ulps of 1e9 over 1e5 updates, hence a relative bound there.
  const std::vector<double> xs = offset_values(100000, 1e9);
  Tally tally;
  for (const double x : xs) tally.add(x);
  const TwoPass expected = two_pass(xs);
  EXPECT_EQ(tally.count(), xs.size());
  EXPECT_NEAR(tally.mean(), expected.mean, 1e-12 * expected.mean);
  EXPECT_NEAR(tally.variance(), expected.variance, 1e-6 * expected.variance);
  EXPECT_NEAR(tally.variance(), 1.0 / 12.0, 0.01);
}

TEST(TallyTest, MergeOfHalvesEqualsWhole) {
  const std::vector<double> xs = offset_values(100000, 1e9);
  Tally whole;
  Tally first;
  Tally second;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    whole.add(xs[i]);
    (i < 30000 ? first : second).add(xs[i]);  // unequal halves exercise the weighting
  }
  first.merge(second);
  EXPECT_EQ(first.count(), whole.count());
  EXPECT_NEAR(first.mean(), whole.mean(), 1e-12 * whole.mean());
  EXPECT_NEAR(first.variance(), whole.variance(), 1e-6 * whole.variance());
  EXPECT_EQ(first.min(), whole.min());
  EXPECT_EQ(first.max(), whole.max());
  EXPECT_NEAR(first.sum(), whole.sum(), 1e-9 * whole.sum());
}

TEST(TallyTest, MergeSmallExactly) {
  Tally a;
  Tally b;
  for (const double x : {2.0, 4.0, 4.0}) a.add(x);
  for (const double x : {4.0, 5.0, 5.0, 7.0, 9.0}) b.add(x);
  a.merge(b);
  EXPECT_EQ(a.count(), 8u);
  EXPECT_DOUBLE_EQ(a.mean(), 5.0);
  EXPECT_DOUBLE_EQ(a.variance(), 32.0 / 7.0);
  EXPECT_EQ(a.min(), 2.0);
  EXPECT_EQ(a.max(), 9.0);
}

TEST(TallyTest, MergeWithEmpty) {
  Tally filled;
  filled.add(1.0);
  filled.add(3.0);
  Tally empty;
  empty.merge(filled);
  EXPECT_EQ(empty.count(), 2u);
  EXPECT_EQ(empty.mean(), 2.0);
  EXPECT_EQ(empty.variance(), 2.0);
  filled.merge(Tally());
  EXPECT_EQ(filled.count(), 2u);
  EXPECT_EQ(filled.mean(), 2.0);
  EXPECT_EQ(filled.min(), 1.0);
}

TEST(TallyTest, ResetForgetsEverything) {
  Tally tally;
  tally.add(100.0);
  tally.add(-100.0);
  tally.reset();
  EXPECT_TRUE(tally.empty());
  tally.add(1.0);
  EXPECT_EQ(tally.min(), 1.0);
  EXPECT_EQ(tally.max(), 1.0);
  EXPECT_EQ(tally.sum(), 1.0);
}

TEST(TallyTest, RejectsNonFinite) {
  Tally tally;
  EXPECT_THAT([&] { tally.add(std::nan("")); },
              ThrowsMessage<InvalidParameter>(HasSubstr("tally: observation must be finite")));
  EXPECT_THAT([&] { tally.add(HUGE_VAL); }, ThrowsMessage<InvalidParameter>(HasSubstr("got inf")));
  EXPECT_TRUE(tally.empty());
}

TEST(CounterTest, AddsAndMerges) {
  Counter a;
  a.add();
  a.add(4);
  Counter b;
  b.add(10);
  a.merge(b);
  EXPECT_EQ(a.value, 15u);
  a.reset();
  EXPECT_EQ(a.value, 0u);
}

}  // namespace
}  // namespace circlesim::sim
