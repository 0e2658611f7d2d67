// The regression rule: an approved value passes inside the new interval widened by its
// tolerance and fails outside it; a missing measure fails; NaN on either side; bad tolerances.
#include "analysis/regression_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "sim/error.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// A summary with interval [low, high] around `mean` from `n` finite values.
SampleSummary summary(double mean, double low, double high, std::size_t n = 10,
                      std::size_t undefined = 0) {
  return SampleSummary{
      .n = n, .undefined = undefined, .mean = mean, .sd = 1.0, .ci_low = low, .ci_high = high};
}

TEST(KpiTolerance, WidthAddsAbsoluteAndRelativeOfTheApprovedValue) {
  EXPECT_DOUBLE_EQ((KpiTolerance{.absolute = 0.5, .relative = 0.1}).width(-20.0), 2.5);
  EXPECT_DOUBLE_EQ((KpiTolerance{.absolute = 0.0, .relative = 0.02}).width(50.0), 1.0);
  EXPECT_DOUBLE_EQ((KpiTolerance{.absolute = 3.0, .relative = 0.0}).width(1e9), 3.0);
  EXPECT_DOUBLE_EQ((KpiTolerance{.absolute = 3.0, .relative = 0.5}).width(kNaN), 0.0);
}

TEST(CheckKpi, InsideTheIntervalPasses) {
  const SampleSummary s = summary(10.0, 9.5, 10.5);
  const KpiCheck check = check_kpi(10.2, KpiTolerance{}, &s);
  EXPECT_TRUE(check.passed());
  EXPECT_EQ(check.reason, "");
  EXPECT_DOUBLE_EQ(check.allowed_low, 9.5);
  EXPECT_DOUBLE_EQ(check.allowed_high, 10.5);
}

TEST(CheckKpi, OutsideTheIntervalButWithinTheToleranceCountsAsPassing) {
  const SampleSummary s = summary(10.0, 9.5, 10.5);
  // Approved 11: 0.5 above the interval; relative 0.05 x 11 = 0.55 covers it.
  const KpiCheck relative = check_kpi(11.0, KpiTolerance{.relative = 0.05}, &s);
  EXPECT_TRUE(relative.passed()) << relative.reason;
  EXPECT_DOUBLE_EQ(relative.allowed_high, 11.05);
  EXPECT_DOUBLE_EQ(relative.allowed_low, 8.95);
  // Approved 9: 0.5 below; an absolute 0.5 just reaches it (the bounds are inclusive).
  EXPECT_TRUE(check_kpi(9.0, KpiTolerance{.absolute = 0.5}, &s).passed());
}

TEST(CheckKpi, BeyondTheWidenedIntervalFailsAndSaysWhichSide) {
  const SampleSummary s = summary(10.0, 9.5, 10.5);
  const KpiCheck above = check_kpi(11.2, KpiTolerance{.absolute = 0.1, .relative = 0.05}, &s);
  // Widening 0.1 + 0.05 x 11.2 = 0.66: allowed up to 11.16.
  EXPECT_EQ(above.verdict, KpiVerdict::kFail);
  EXPECT_NEAR(above.allowed_high, 11.16, 1e-12);
  EXPECT_THAT(above.reason, HasSubstr("11.2 lies above the allowed range [8.84, 11.16]"));
  const KpiCheck below = check_kpi(9.0, KpiTolerance{.absolute = 0.49}, &s);
  EXPECT_EQ(below.verdict, KpiVerdict::kFail);
  EXPECT_THAT(below.reason, HasSubstr("below"));
}

TEST(CheckKpi, NegativeApprovedValuesUseTheirMagnitudeForTheRelativePart) {
  const SampleSummary s = summary(-100.0, -101.0, -99.0);
  EXPECT_TRUE(check_kpi(-104.0, KpiTolerance{.relative = 0.03}, &s).passed());   // 3.12 of room
  EXPECT_FALSE(check_kpi(-104.0, KpiTolerance{.relative = 0.02}, &s).passed());  // 2.08 of room
}

TEST(CheckKpi, AZeroWidthIntervalPassesOnlyTheSameValueWithoutTolerance) {
  // A KPI the same in every replication (a coverage fixed by geography): sd 0, interval a point.
  const SampleSummary s = summary(0.5, 0.5, 0.5);
  EXPECT_TRUE(check_kpi(0.5, KpiTolerance{}, &s).passed());
  EXPECT_FALSE(check_kpi(0.5000001, KpiTolerance{}, &s).passed());
  EXPECT_TRUE(check_kpi(0.5000001, KpiTolerance{.relative = 1e-6}, &s).passed());
}

TEST(CheckKpi, AMissingMeasureFails) {
  const KpiCheck check = check_kpi(1.0, KpiTolerance{.relative = 1.0}, nullptr);
  EXPECT_EQ(check.verdict, KpiVerdict::kMissing);
  EXPECT_FALSE(check.passed());
  EXPECT_THAT(check.reason, HasSubstr("missing"));
}

TEST(CheckKpi, AMeasureUndefinedInEveryReplicationFailsAgainstAFiniteApprovedValue) {
  const SampleSummary s = summary(kNaN, kNaN, kNaN, 0, 12);
  const KpiCheck check = check_kpi(3.0, KpiTolerance{.relative = 1.0}, &s);
  EXPECT_EQ(check.verdict, KpiVerdict::kFail);
  EXPECT_THAT(check.reason, HasSubstr("undefined (NaN) in all 12 replications"));
}

TEST(CheckKpi, AnApprovedNaNPassesOnlyWhileTheMeasureStaysUndefined) {
  const SampleSummary undefined = summary(kNaN, kNaN, kNaN, 0, 5);
  EXPECT_TRUE(check_kpi(kNaN, KpiTolerance{}, &undefined).passed());
  const SampleSummary defined = summary(2.0, 1.0, 3.0, 4, 1);
  const KpiCheck check = check_kpi(kNaN, KpiTolerance{.absolute = 100.0}, &defined);
  EXPECT_EQ(check.verdict, KpiVerdict::kFail);
  EXPECT_THAT(check.reason, HasSubstr("now defined in 4 replications"));
}

TEST(CheckKpi, NaNReplicationsAreLeftOutAndTheRestDecide) {
  // Mean wait of a room that served nobody in some replications: those are not in n.
  const std::vector<double> values{1.0, kNaN, 1.2, 0.8, kNaN, 1.0};
  const SampleSummary s = summarize_sample(values, 0.95);
  ASSERT_EQ(s.n, 4u);
  EXPECT_TRUE(check_kpi(1.0, KpiTolerance{}, &s).passed());
  EXPECT_FALSE(check_kpi(2.0, KpiTolerance{}, &s).passed());
}

TEST(CheckKpi, OneFiniteValueGivesNoIntervalAndFails) {
  const std::vector<double> values{1.0, kNaN, kNaN};
  const SampleSummary s = summarize_sample(values, 0.95);
  const KpiCheck check = check_kpi(1.0, KpiTolerance{.relative = 1.0}, &s);
  EXPECT_EQ(check.verdict, KpiVerdict::kFail);
  EXPECT_THAT(check.reason, HasSubstr("no confidence interval"));
}

TEST(CheckKpi, AnInfiniteApprovedValueCannotPass) {
  const SampleSummary s = summary(1.0, 0.0, 2.0);
  EXPECT_FALSE(check_kpi(kInf, KpiTolerance{.relative = 1.0}, &s).passed());
}

TEST(CheckKpi, RefusesNegativeOrNonFiniteTolerances) {
  const SampleSummary s = summary(1.0, 0.0, 2.0);
  EXPECT_THAT([&] { (void)check_kpi(1.0, KpiTolerance{.absolute = -0.1}, &s); },
              ThrowsMessage<InvalidParameter>(HasSubstr("absolute tolerance must be >= 0")));
  EXPECT_THAT([&] { (void)check_kpi(1.0, KpiTolerance{.relative = kNaN}, &s); },
              ThrowsMessage<InvalidParameter>(HasSubstr("relative tolerance must be >= 0")));
  EXPECT_THAT([] { require_valid(KpiTolerance{.absolute = kInf}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got inf")));
}

}  // namespace
}  // namespace circlesim::analysis
