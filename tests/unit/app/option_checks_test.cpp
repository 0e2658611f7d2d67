// Tests for app/option_checks: the numeric option checks refuse what CLI11's own would let
// through (NaN, infinities, negative or overflowing seeds) and keep the bounds they state.
#include "app/option_checks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace circlesim::app {
namespace {

using ::testing::HasSubstr;

// The validator's verdict on `text`: empty when accepted, else the message.
std::string verdict(const CLI::Validator& check, std::string text) { return check(text); }

TEST(OptionChecks, FiniteRangeKeepsItsClosedBounds) {
  const CLI::Validator check = finite_range(1, 10080);
  EXPECT_EQ(verdict(check, "1"), "");
  EXPECT_EQ(verdict(check, "10080"), "");
  EXPECT_EQ(verdict(check, "2.5"), "");
  EXPECT_THAT(verdict(check, "0.5"), HasSubstr("must be a finite number in [1, 10080], got 0.5"));
  EXPECT_THAT(verdict(check, "10081"), HasSubstr("in [1, 10080]"));
  EXPECT_THAT(verdict(check, "five"), HasSubstr("got five"));
}

TEST(OptionChecks, NaNAndInfinityAreRefusedWhereRangeWouldPassThem) {
  for (const char* text : {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "1e400"}) {
    EXPECT_THAT(verdict(finite_range(0.05, 3600), text), HasSubstr("finite")) << text;
    EXPECT_THAT(verdict(finite_open_range(0, 1), text), HasSubstr("finite")) << text;
    EXPECT_THAT(verdict(finite_above(0), text), HasSubstr("finite")) << text;
  }
}

TEST(OptionChecks, OpenRangeExcludesItsBounds) {
  const CLI::Validator check = finite_open_range(0, 1);
  EXPECT_EQ(verdict(check, "0.95"), "");
  EXPECT_THAT(verdict(check, "0"), HasSubstr("in (0, 1), got 0"));
  EXPECT_THAT(verdict(check, "1"), HasSubstr("in (0, 1), got 1"));
}

TEST(OptionChecks, AboveExcludesItsBound) {
  EXPECT_EQ(verdict(finite_above(0), "0.05"), "");
  EXPECT_EQ(verdict(finite_above(0), "1e300"), "");
  EXPECT_THAT(verdict(finite_above(0), "0"), HasSubstr("must be a finite number > 0, got 0"));
}

TEST(OptionChecks, SeedsAreDecimalIntegersFromZeroToTheLargestTraceSeed) {
  const CLI::Validator check = seed_number();
  std::string text = "0";
  EXPECT_EQ(check(text), "");
  text = "9223372036854775807";
  EXPECT_EQ(check(text), "");
  text = "0017";  // CLI11 alone would read octal 15
  EXPECT_EQ(check(text), "");
  EXPECT_EQ(text, "17");
  for (const char* bad : {"-5", "-0", "+5", "0x10", "9223372036854775808", "99999999999999999999",
                          "1.5", "1e3", "", " 5"}) {
    EXPECT_THAT(verdict(check, bad),
                HasSubstr("must be an integer from 0 to 9223372036854775807, got"))
        << bad;
  }
}

}  // namespace
}  // namespace circlesim::app
