// Paired comparisons against hand-computed values (t quantiles and p-values from their closed
// forms or from mpmath's regularized incomplete beta, I_{nu/(nu+t^2)}(nu/2, 1/2), the two-sided
// p-value), undefined cases, NaN pairs, and Holm's step-down adjustment.
#include "analysis/paired_comparison.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "sim/error.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

TEST(PairedComparison, FivePairsByHand) {
  // D = variant - baseline = -2, -1, -1, -3, -1: mean -1.6, s^2 = 3.2 / 4 = 0.8, standard error
  // sqrt(0.8 / 5) = 0.4, t = -4 with 4 degrees of freedom. Two-sided p = I_{4/20}(2, 1/2) =
  // 0.0161300899000925 (mpmath); t_{0.975, 4} = 2.7764451051977943.
  const std::vector<double> baseline{10, 12, 9, 11, 13};
  const std::vector<double> variant{8, 11, 8, 8, 12};
  const PairedComparison c = paired_comparison(baseline, variant, 0.95);
  EXPECT_EQ(c.n, 5u);
  EXPECT_EQ(c.left_out, 0u);
  EXPECT_DOUBLE_EQ(c.baseline_mean, 11.0);
  EXPECT_DOUBLE_EQ(c.variant_mean, 9.4);
  EXPECT_NEAR(c.difference, -1.6, 1e-15);
  EXPECT_NEAR(c.sd_difference, std::sqrt(0.8), 1e-15);
  EXPECT_NEAR(c.t_statistic, -4.0, 1e-14);
  EXPECT_NEAR(c.p_value, 0.0161300899000925, 1e-14);
  EXPECT_NEAR(c.ci_low, -1.6 - 2.7764451051977943 * 0.4, 1e-13);
  EXPECT_NEAR(c.ci_high, -1.6 + 2.7764451051977943 * 0.4, 1e-13);
  EXPECT_DOUBLE_EQ(c.level, 0.95);
  EXPECT_NEAR(c.relative_change, -1.6 / 11.0, 1e-15);
}

TEST(PairedComparison, TwoDegreesOfFreedomInClosedForm) {
  // D = -1, -2, -4: mean -7/3, s^2 = (16 + 1 + 25) / 9 / 2 = 7/3, standard error sqrt(7) / 3,
  // t = -sqrt(7). With 2 degrees of freedom the two-sided p-value is 1 - |t| / sqrt(2 + t^2) =
  // 1 - sqrt(7) / 3; t_{0.995, 2} = 9.924843200918298.
  const std::vector<double> baseline{10, 12, 14};
  const std::vector<double> variant{9, 10, 10};
  const PairedComparison c = paired_comparison(baseline, variant, 0.99);
  EXPECT_NEAR(c.t_statistic, -std::sqrt(7.0), 1e-14);
  EXPECT_NEAR(c.p_value, 1.0 - std::sqrt(7.0) / 3.0, 1e-14);
  EXPECT_NEAR(c.ci_high, -7.0 / 3.0 + 9.924843200918298 * std::sqrt(7.0) / 3.0, 1e-12);
  EXPECT_NEAR(c.relative_change, (-7.0 / 3.0) / 12.0, 1e-15);
  // The interval holds 0 exactly when p > 1 - level.
  EXPECT_LT(c.ci_low, 0.0);
  EXPECT_GT(c.ci_high, 0.0);
  EXPECT_GT(c.p_value, 0.01);
}

TEST(PairedComparison, OneDegreeOfFreedomInClosedForm) {
  // D = 1, 2: mean 1.5, s = sqrt(0.5), standard error 0.5, t = 3; with 1 degree of freedom (the
  // Cauchy distribution) p = 1 - (2 / pi) atan(3).
  const PairedComparison c =
      paired_comparison(std::vector<double>{4, 6}, std::vector<double>{5, 8}, 0.95);
  EXPECT_NEAR(c.t_statistic, 3.0, 1e-14);
  EXPECT_NEAR(c.p_value, 1.0 - 2.0 / std::numbers::pi * std::atan(3.0), 1e-14);
}

TEST(PairedComparison, IdenticalResultsDifferByExactlyZero) {
  // A variant that changes nothing, on common random numbers.
  const std::vector<double> values{3.5, 4.25, 2.0, 7.0};
  const PairedComparison c = paired_comparison(values, values, 0.95);
  EXPECT_EQ(c.difference, 0.0);
  EXPECT_EQ(c.ci_low, 0.0);
  EXPECT_EQ(c.ci_high, 0.0);
  EXPECT_EQ(c.sd_difference, 0.0);
  EXPECT_EQ(c.p_value, 1.0);
  EXPECT_TRUE(std::isnan(c.t_statistic));
  EXPECT_EQ(c.relative_change, 0.0);
}

TEST(PairedComparison, ConstantShiftIsCertain) {
  const PairedComparison c =
      paired_comparison(std::vector<double>{1, 2, 3}, std::vector<double>{1.5, 2.5, 3.5}, 0.95);
  EXPECT_DOUBLE_EQ(c.difference, 0.5);
  EXPECT_EQ(c.p_value, 0.0);
  EXPECT_EQ(c.t_statistic, kInf);
  EXPECT_DOUBLE_EQ(c.relative_change, 0.25);
}

TEST(PairedComparison, PairsWithAnUndefinedValueAreLeftOut) {
  // The five pairs of FivePairsByHand plus three with NaN or infinity on one side or both.
  const std::vector<double> baseline{10, kNaN, 12, 9, 1, 11, kNaN, 13};
  const std::vector<double> variant{8, 3, 11, 8, kInf, 8, kNaN, 12};
  const PairedComparison c = paired_comparison(baseline, variant, 0.95);
  EXPECT_EQ(c.n, 5u);
  EXPECT_EQ(c.left_out, 3u);
  EXPECT_DOUBLE_EQ(c.baseline_mean, 11.0);
  EXPECT_NEAR(c.t_statistic, -4.0, 1e-14);
}

TEST(PairedComparison, TooFewPairsLeaveTheIntervalUndefined) {
  const PairedComparison one =
      paired_comparison(std::vector<double>{2, kNaN}, std::vector<double>{3, 1}, 0.95);
  EXPECT_EQ(one.n, 1u);
  EXPECT_DOUBLE_EQ(one.difference, 1.0);
  EXPECT_DOUBLE_EQ(one.relative_change, 0.5);
  EXPECT_TRUE(std::isnan(one.ci_low) && std::isnan(one.ci_high) && std::isnan(one.p_value));
  const PairedComparison none = paired_comparison({}, {}, 0.95);
  EXPECT_EQ(none.n, 0u);
  EXPECT_TRUE(std::isnan(none.difference) && std::isnan(none.baseline_mean));
}

TEST(PairedComparison, ZeroBaselineHasNoRelativeChange) {
  const PairedComparison c =
      paired_comparison(std::vector<double>{-1, 1}, std::vector<double>{0, 3}, 0.95);
  EXPECT_DOUBLE_EQ(c.difference, 1.5);
  EXPECT_TRUE(std::isnan(c.relative_change));
}

TEST(PairedComparison, RejectsBadInput) {
  EXPECT_THAT(
      [] {
        (void)paired_comparison(std::vector<double>{1, 2}, std::vector<double>{1}, 0.95);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("got 2 and 1")));
  EXPECT_THAT(
      [] {
        (void)paired_comparison(std::vector<double>{1, 2}, std::vector<double>{1, 2}, 0.0);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("confidence level must be in (0, 1), got 0")));
}

TEST(HolmAdjust, StepDownByHand) {
  // Sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> kept at 0.06
  // (adjusted values never decrease along the order).
  const std::vector<double> p{0.01, 0.04, 0.03, 0.005};
  const std::vector<double> adjusted = holm_adjust(p);
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
  EXPECT_THAT(significant_at(adjusted, 0.05), ElementsAre(true, false, false, true));
  // Unadjusted, all four would pass at 0.05; Bonferroni (x 4) would pass only the smallest.
  EXPECT_THAT(significant_at(p, 0.05), ElementsAre(true, true, true, true));
}

TEST(HolmAdjust, UndefinedPValuesAreNotInTheFamily) {
  // m = 2: 0.01 x 2 = 0.02, 0.04 x 1 = 0.04.
  const std::vector<double> adjusted = holm_adjust(std::vector<double>{0.01, kNaN, 0.04});
  EXPECT_DOUBLE_EQ(adjusted[0], 0.02);
  EXPECT_TRUE(std::isnan(adjusted[1]));
  EXPECT_DOUBLE_EQ(adjusted[2], 0.04);
  EXPECT_THAT(significant_at(adjusted, 0.05), ElementsAre(true, false, true));
}

TEST(HolmAdjust, CappedAtOneAndTiesKeepTheirOrder) {
  EXPECT_THAT(holm_adjust(std::vector<double>{0.5, 0.6}), ElementsAre(1.0, 1.0));
  EXPECT_THAT(holm_adjust(std::vector<double>{0.02, 0.02, 0.02}),
              ElementsAre(DoubleEq(0.06), DoubleEq(0.06), DoubleEq(0.06)));
  EXPECT_THAT(holm_adjust(std::vector<double>{1.0, 0.0}), ElementsAre(1.0, 0.0));
  EXPECT_TRUE(holm_adjust({}).empty());
}

TEST(HolmAdjust, BetweenRawAndBonferroni) {
  const std::vector<double> p{0.001, 0.2, 0.013, 0.04, 0.0125, 0.9, 0.03};
  const std::vector<double> adjusted = holm_adjust(p);
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(adjusted[i], p[i]);
    EXPECT_LE(adjusted[i], std::min(1.0, 7.0 * p[i]) + 1e-15);
  }
}

TEST(HolmAdjust, RejectsBadInput) {
  EXPECT_THAT(
      [] {
        (void)holm_adjust(std::vector<double>{0.1, 1.5});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("got 1.5 at index 1")));
  EXPECT_THAT([] { (void)significant_at(std::vector<double>{0.1}, 0.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("alpha must be in (0, 1)")));
}

}  // namespace
}  // namespace circlesim::analysis
