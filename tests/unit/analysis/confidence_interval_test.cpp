// Student t confidence intervals: known quantiles, degenerate samples and bad input.
#include "analysis/confidence_interval.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(TConfidenceInterval, KnownQuantileAt95Percent) {
  // t_{0.975, 4} = 2.7764451051977987; s^2 = 2.5 for 1..5.
  const std::vector<double> samples{1, 2, 3, 4, 5};
  const ConfidenceInterval ci = t_confidence_interval(samples, 0.95);
  const double expected_half_width = 2.7764451051977987 * std::sqrt(2.5) / std::sqrt(5.0);
  EXPECT_DOUBLE_EQ(ci.mean, 3.0);
  EXPECT_NEAR(ci.half_width, expected_half_width, 1e-12);
  EXPECT_NEAR(ci.half_width, 1.963243, 1e-6);
  EXPECT_DOUBLE_EQ(ci.lower, 3.0 - ci.half_width);
  EXPECT_DOUBLE_EQ(ci.upper, 3.0 + ci.half_width);
  EXPECT_EQ(ci.n, 5u);
  EXPECT_DOUBLE_EQ(ci.level, 0.95);
}

TEST(TConfidenceInterval, DefaultLevelIs99PercentWithStudentNotNormal) {
  // Two samples: t_{0.995, 1} = 63.656741162871583, far wider than the normal 2.5758.
  const std::vector<double> samples{10.0, 12.0};
  const ConfidenceInterval ci = t_confidence_interval(samples);
  EXPECT_DOUBLE_EQ(ci.level, 0.99);
  EXPECT_DOUBLE_EQ(ci.mean, 11.0);
  // s = sqrt(2), s/sqrt(2) = 1
  EXPECT_NEAR(ci.half_width, 63.656741162871583, 1e-9);
}

TEST(TConfidenceInterval, TwentyReplicationsAt99Percent) {
  // The oracles' suggested CI design: 20 replications, 99%: t_{0.995, 19} = 2.860934606.
  std::vector<double> samples;
  for (int i = 0; i < 20; ++i) samples.push_back(static_cast<double>(i % 2));  // s^2 = 20/76
  const ConfidenceInterval ci = t_confidence_interval(samples, 0.99);
  EXPECT_DOUBLE_EQ(ci.mean, 0.5);
  EXPECT_NEAR(ci.half_width, 2.860934606 * std::sqrt(5.0 / 19.0) / std::sqrt(20.0), 1e-8);
}

TEST(TConfidenceInterval, ConstantSamplesGiveZeroWidth) {
  const std::vector<double> samples{4.2, 4.2, 4.2};
  const ConfidenceInterval ci = t_confidence_interval(samples);
  EXPECT_DOUBLE_EQ(ci.half_width, 0.0);
  EXPECT_TRUE(ci.contains(4.2));
  EXPECT_FALSE(ci.contains(4.3));
  EXPECT_DOUBLE_EQ(ci.relative_half_width(), 0.0);
}

TEST(TConfidenceInterval, ContainsIsClosedAndRelativeWidthUsesAbsoluteMean) {
  const std::vector<double> samples{-1, -2, -3, -4, -5};
  const ConfidenceInterval ci = t_confidence_interval(samples, 0.95);
  EXPECT_TRUE(ci.contains(ci.lower));
  EXPECT_TRUE(ci.contains(ci.upper));
  EXPECT_TRUE(ci.contains(-3.0));
  EXPECT_FALSE(ci.contains(ci.upper + 1e-9));
  EXPECT_FALSE(ci.contains(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_NEAR(ci.relative_half_width(), ci.half_width / 3.0, 1e-15);

  const std::vector<double> zero_mean{-1, 1};
  EXPECT_EQ(t_confidence_interval(zero_mean).relative_half_width(),
            std::numeric_limits<double>::infinity());
}

TEST(TConfidenceInterval, HigherLevelIsWider) {
  const std::vector<double> samples{2.0, 3.5, 1.0, 4.0, 2.5, 3.0};
  EXPECT_LT(t_confidence_interval(samples, 0.90).half_width,
            t_confidence_interval(samples, 0.95).half_width);
  EXPECT_LT(t_confidence_interval(samples, 0.95).half_width,
            t_confidence_interval(samples, 0.99).half_width);
}

TEST(TConfidenceInterval, RejectsBadInput) {
  const std::vector<double> one{1.0};
  EXPECT_THAT([&] { t_confidence_interval(one); },
              ThrowsMessage<InvalidParameter>(HasSubstr("needs n >= 2 samples")));
  EXPECT_THAT([] { t_confidence_interval({}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got n = 0")));
  const std::vector<double> two{1.0, 2.0};
  EXPECT_THAT(
      [&] { t_confidence_interval(two, 1.0); },
      ThrowsMessage<InvalidParameter>(HasSubstr("confidence level must be in (0, 1), got 1")));
  EXPECT_THAT(
      [&] { t_confidence_interval(two, 0.0); },
      ThrowsMessage<InvalidParameter>(HasSubstr("confidence level must be in (0, 1), got 0")));
  EXPECT_THAT([&] { t_confidence_interval(two, std::numeric_limits<double>::quiet_NaN()); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got nan")));
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN(), 3.0};
  EXPECT_THAT(
      [&] { t_confidence_interval(with_nan); },
      ThrowsMessage<InvalidParameter>(HasSubstr("samples must be finite, got nan at index 1")));
}

}  // namespace
}  // namespace circlesim::analysis
