// Validation of the engine against queueing theory: for every case, the 99% confidence interval
// over independent replications must contain the analytic value, flow must be conserved on every
// replication, and Little's law must hold on the sample path.
//
// The seed is fixed, so each verdict is deterministic. CIRCLESIM_VALIDATION_EFFORT scales the run
// lengths (sanitizer builds use a fraction): intervals widen but stay valid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <string>

#include "models/validation/engine_cases.hpp"

namespace circlesim::models::validation {
namespace {

constexpr std::uint64_t kSeed = 20261127;

double effort_from_environment() {
  const char* text = std::getenv("CIRCLESIM_VALIDATION_EFFORT");
  return text != nullptr ? std::stod(text) : 1.0;
}

const std::vector<ValidationCase>& all_cases() {
  static const std::vector<ValidationCase> cases =
      engine_validation_cases(effort_from_environment());
  return cases;
}

class EngineValidation : public testing::TestWithParam<std::size_t> {};

TEST_P(EngineValidation, ConfidenceIntervalContainsTheory) {
  const ValidationCase& c = all_cases().at(GetParam());
  const CaseResult result = run_validation_case(c, kSeed);
  ASSERT_EQ(result.checks.size(), c.checks.size());
  for (const CheckResult& check : result.checks) {
    EXPECT_TRUE(check.inside) << c.name << ": " << check.metric << " simulated "
                              << check.interval.mean << " 99% CI [" << check.interval.lower << ", "
                              << check.interval.upper << "] does not contain analytic "
                              << check.analytic;
  }
  EXPECT_TRUE(result.flow_conserved) << c.name << ": arrivals != departures + present";
  EXPECT_LE(result.max_littles_law_gap, kLittlesLawTolerance) << c.name;
}

std::string case_test_name(const testing::TestParamInfo<std::size_t>& info) {
  std::string name;
  for (const char ch : all_cases().at(info.param).name) {
    name += std::isalnum(static_cast<unsigned char>(ch)) != 0 ? ch : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, EngineValidation,
                         testing::Range<std::size_t>(0, all_cases().size()), case_test_name);

// The pass criterion would be worthless if a wrong value also passed: a value 5% off must fall
// outside the interval of a precise case.
TEST(EngineValidationPower, DetectsAFivePercentError) {
  for (const ValidationCase& c : all_cases()) {
    if (c.name.find("M/M/3 rho=0.67") == std::string::npos) continue;
    const CaseResult result = run_validation_case(c, kSeed);
    for (const CheckResult& check : result.checks) {
      if (effort_from_environment() >= 1.0) {
        EXPECT_FALSE(check.interval.contains(check.analytic * 1.05)) << check.metric;
      }
      EXPECT_LT(check.interval.relative_half_width(), effort_from_environment() >= 1.0 ? 0.03 : 0.2)
          << check.metric;
    }
    return;
  }
  FAIL() << "case M/M/3 rho=0.67 not found";
}

}  // namespace
}  // namespace circlesim::models::validation
