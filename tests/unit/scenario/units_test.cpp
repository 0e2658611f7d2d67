// Tests of models/scenario/units: every accepted spelling of every kind against its value in base
// units, whitespace variants, the per-1000-residents flag, each kind of bad input with its
// message, and clock times of day.
#include "models/scenario/units.hpp"
#include "tests/unit/test_constants.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace circlesim::scenario {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr QuantityKind kDuration = QuantityKind::kDuration;
constexpr QuantityKind kRate = QuantityKind::kRate;
constexpr QuantityKind kDistance = QuantityKind::kDistance;
constexpr QuantityKind kSpeed = QuantityKind::kSpeed;

// The value in base units, or NaN (which fails any EXPECT_DOUBLE_EQ) when parsing failed.
double value_of(std::string_view text, QuantityKind kind) {
  const QuantityResult result = parse_quantity(text, kind);
  EXPECT_TRUE(result.quantity.has_value()) << "'" << text << "': " << result.error;
  EXPECT_EQ(result.error, "") << "'" << text << "'";
  return result.quantity ? result.quantity->value : kNaN;
}

// The error message, after checking that there is no quantity alongside it.
std::string error_of(std::string_view text, QuantityKind kind) {
  const QuantityResult result = parse_quantity(text, kind);
  EXPECT_FALSE(result.quantity.has_value())
      << "'" << text << "' parsed as " << result.quantity.value_or(Quantity{}).value;
  EXPECT_NE(result.error, "") << "'" << text << "'";
  return result.error;
}

TEST(UnitsDuration, EverySpellingConverts) {
  EXPECT_DOUBLE_EQ(value_of("90s", kDuration), 1.5);
  EXPECT_DOUBLE_EQ(value_of("90sec", kDuration), 1.5);
  EXPECT_DOUBLE_EQ(value_of("15min", kDuration), 15.0);
  EXPECT_DOUBLE_EQ(value_of("2h", kDuration), 120.0);
  EXPECT_DOUBLE_EQ(value_of("2hr", kDuration), 120.0);
  EXPECT_DOUBLE_EQ(value_of("3d", kDuration), 4320.0);
  EXPECT_DOUBLE_EQ(value_of("1day", kDuration), 1440.0);
  EXPECT_DOUBLE_EQ(value_of("3days", kDuration), 4320.0);
  EXPECT_DOUBLE_EQ(value_of("1w", kDuration), 10080.0);
  EXPECT_DOUBLE_EQ(value_of("1week", kDuration), 10080.0);
  EXPECT_DOUBLE_EQ(value_of("2weeks", kDuration), 20160.0);
}

TEST(UnitsDuration, ConversionsAreExactWhereTheDecimalIs) {
  // Dividing once by 60 (not multiplying by an inexact 1/60) gives the nearest double.
  EXPECT_EQ(value_of("90s", kDuration), 1.5);
  EXPECT_EQ(value_of("1s", kDuration), 1.0 / 60.0);
  EXPECT_EQ(value_of("162/h", kRate), 2.7);
}

TEST(UnitsDuration, NumberForms) {
  EXPECT_DOUBLE_EQ(value_of("1.5h", kDuration), 90.0);
  EXPECT_DOUBLE_EQ(value_of(".5h", kDuration), 30.0);
  EXPECT_DOUBLE_EQ(value_of("5.min", kDuration), 5.0);
  EXPECT_DOUBLE_EQ(value_of("2e3s", kDuration), 2000.0 / 60.0);
  EXPECT_DOUBLE_EQ(value_of("1E1min", kDuration), 10.0);
  EXPECT_DOUBLE_EQ(value_of("2.5e-1h", kDuration), 15.0);
  EXPECT_DOUBLE_EQ(value_of("1e+1min", kDuration), 10.0);
  EXPECT_DOUBLE_EQ(value_of("0s", kDuration), 0.0);
  EXPECT_DOUBLE_EQ(value_of("+5min", kDuration), 5.0);
  // Negative values are the caller's to reject, with its own message.
  EXPECT_DOUBLE_EQ(value_of("-5min", kDuration), -5.0);
  EXPECT_DOUBLE_EQ(value_of("-1.5h", kDuration), -90.0);
}

TEST(UnitsDuration, Whitespace) {
  EXPECT_DOUBLE_EQ(value_of("2 h", kDuration), 120.0);
  EXPECT_DOUBLE_EQ(value_of("2   h", kDuration), 120.0);
  EXPECT_DOUBLE_EQ(value_of("2\th", kDuration), 120.0);
  EXPECT_DOUBLE_EQ(value_of("  15min  ", kDuration), 15.0);
  EXPECT_DOUBLE_EQ(value_of("\n15 min\t", kDuration), 15.0);
  EXPECT_DOUBLE_EQ(value_of(" 3 days ", kDuration), 4320.0);
}

TEST(UnitsRate, EverySpellingConverts) {
  EXPECT_DOUBLE_EQ(value_of("162/h", kRate), 2.7);
  EXPECT_DOUBLE_EQ(value_of("1/s", kRate), 60.0);
  EXPECT_DOUBLE_EQ(value_of("3/min", kRate), 3.0);
  EXPECT_DOUBLE_EQ(value_of("12/d", kRate), 12.0 / 1440.0);
  EXPECT_DOUBLE_EQ(value_of("12/day", kRate), 12.0 / 1440.0);
  EXPECT_DOUBLE_EQ(value_of("2/w", kRate), 2.0 / 10080.0);
  EXPECT_DOUBLE_EQ(value_of("2/week", kRate), 2.0 / 10080.0);
  EXPECT_DOUBLE_EQ(value_of("4/year", kRate), 4.0 / (365.0 * 1440.0));
}

TEST(UnitsRate, PerThousandResidents) {
  const QuantityResult residents = parse_quantity("4/year per 1000 residents", kRate);
  ASSERT_TRUE(residents.quantity.has_value()) << residents.error;
  EXPECT_DOUBLE_EQ(residents.quantity->value, 4.0 / (365.0 * 1440.0));
  EXPECT_TRUE(residents.quantity->per_1000_residents);

  const QuantityResult short_form = parse_quantity("12/day per 1000", kRate);
  ASSERT_TRUE(short_form.quantity.has_value()) << short_form.error;
  EXPECT_DOUBLE_EQ(short_form.quantity->value, 12.0 / 1440.0);
  EXPECT_TRUE(short_form.quantity->per_1000_residents);

  const QuantityResult spaced = parse_quantity("  4 / year   per  1000\tresidents ", kRate);
  ASSERT_TRUE(spaced.quantity.has_value()) << spaced.error;
  EXPECT_DOUBLE_EQ(spaced.quantity->value, 4.0 / (365.0 * 1440.0));
  EXPECT_TRUE(spaced.quantity->per_1000_residents);

  const QuantityResult plain = parse_quantity("4/year", kRate);
  ASSERT_TRUE(plain.quantity.has_value()) << plain.error;
  EXPECT_FALSE(plain.quantity->per_1000_residents);
}

TEST(UnitsRate, Whitespace) {
  EXPECT_DOUBLE_EQ(value_of("162 / h", kRate), 2.7);
  EXPECT_DOUBLE_EQ(value_of("162/ h", kRate), 2.7);
  EXPECT_DOUBLE_EQ(value_of("162 /h", kRate), 2.7);
  EXPECT_DOUBLE_EQ(value_of(" 12 /\tday ", kRate), 12.0 / 1440.0);
}

TEST(UnitsDistance, EverySpellingConverts) {
  EXPECT_DOUBLE_EQ(value_of("800m", kDistance), 800.0);
  EXPECT_DOUBLE_EQ(value_of("1.2km", kDistance), 1200.0);
  EXPECT_DOUBLE_EQ(value_of("0.5 km", kDistance), 500.0);
  EXPECT_DOUBLE_EQ(value_of(" 3 m ", kDistance), 3.0);
}

TEST(UnitsSpeed, EverySpellingConverts) {
  EXPECT_DOUBLE_EQ(value_of("1.5 m/s", kSpeed), 90.0);
  EXPECT_DOUBLE_EQ(value_of("1.5m/s", kSpeed), 90.0);
  EXPECT_DOUBLE_EQ(value_of("80m/min", kSpeed), 80.0);
  EXPECT_DOUBLE_EQ(value_of("5km/h", kSpeed), 5000.0 / 60.0);
  EXPECT_DOUBLE_EQ(value_of("5 km / h", kSpeed), 5000.0 / 60.0);
  EXPECT_DOUBLE_EQ(value_of("1.5 m /s", kSpeed), 90.0);
}

TEST(UnitsErrors, BareNumberNeedsAUnit) {
  EXPECT_EQ(error_of("15", kDuration),
            "a duration needs a unit (expected e.g. 90s, 15min, 2h, 3d, 1w)");
  EXPECT_EQ(error_of(" 1.5 ", kDuration),
            "a duration needs a unit (expected e.g. 90s, 15min, 2h, 3d, 1w)");
  EXPECT_THAT(error_of("2.7", kRate), AllOf(StartsWith("a rate needs a unit"), HasSubstr("162/h")));
  EXPECT_THAT(error_of("800", kDistance),
              AllOf(StartsWith("a distance needs a unit"), HasSubstr("1.2km")));
  EXPECT_THAT(error_of("1.5", kSpeed),
              AllOf(StartsWith("a speed needs a unit"), HasSubstr("5km/h")));
}

TEST(UnitsErrors, UnknownUnitIsNamedWithTheAcceptedOnes) {
  EXPECT_THAT(error_of("5 furlongs", kDuration),
              AllOf(HasSubstr("unknown duration unit 'furlongs'"),
                    HasSubstr("s, sec, min, h, hr, d, day, days, w, week, weeks")));
  EXPECT_THAT(error_of("3/fortnight", kRate),
              AllOf(HasSubstr("unknown rate unit '/fortnight'"),
                    HasSubstr("/s, /min, /h, /d, /day, /w, /week, /year"), HasSubstr("per 1000")));
  EXPECT_THAT(error_of("2 mi", kDistance),
              AllOf(HasSubstr("unknown distance unit 'mi'"), HasSubstr("m, km")));
  EXPECT_THAT(error_of("5 m / h", kSpeed),
              AllOf(HasSubstr("unknown speed unit 'm/h'"), HasSubstr("m/s, m/min, km/h")));
  // The rate spellings are not the duration spellings: no "sec", "hr" or "days" after '/'.
  EXPECT_THAT(error_of("3/hr", kRate), HasSubstr("unknown rate unit '/hr'"));
  EXPECT_THAT(error_of("5 per 1000", kRate), HasSubstr("unknown rate unit 'per 1000'"));
  EXPECT_THAT(error_of("0x10min", kDuration), HasSubstr("unknown duration unit 'x10min'"));
}

TEST(UnitsErrors, UnitsAreCaseSensitiveWithAHint) {
  EXPECT_THAT(error_of("2H", kDuration),
              AllOf(HasSubstr("unknown duration unit 'H'"), HasSubstr("did you mean 'h'?")));
  EXPECT_THAT(error_of("5KM", kDistance), HasSubstr("did you mean 'km'?"));
  EXPECT_THAT(error_of("5 Km/H", kSpeed), HasSubstr("did you mean 'km/h'?"));
}

TEST(UnitsErrors, MonthsAndYearsAreNotDurations) {
  for (const char* text : {"3mo", "1 month", "2months", "1y", "1yr", "1 year", "2 years"}) {
    EXPECT_THAT(error_of(text, kDuration), HasSubstr("months and years vary in length")) << text;
  }
  EXPECT_THAT(error_of("2/month", kRate), HasSubstr("months vary in length"));
}

TEST(UnitsErrors, WrongKindSaysWhatKindItIs) {
  EXPECT_EQ(error_of("5km", kDuration),
            "5km is a distance; expected a duration such as 90s, 15min, 2h, 3d, 1w");
  EXPECT_THAT(error_of("162/h", kDuration), StartsWith("162/h is a rate; expected a duration"));
  EXPECT_THAT(error_of("90s", kRate),
              StartsWith("90s is a duration; expected a rate such as 162/h"));
  EXPECT_THAT(error_of("5km/h", kDistance), StartsWith("5km/h is a speed; expected a distance"));
  EXPECT_THAT(error_of("1.5 m/s", kRate), StartsWith("1.5 m/s is a speed; expected a rate"));
  EXPECT_THAT(error_of("2h", kSpeed), StartsWith("2h is a duration; expected a speed"));
  EXPECT_THAT(error_of("4/year per 1000", kDistance), HasSubstr("is a rate; expected a distance"));
  // "5m" for a duration is most likely meant as minutes.
  EXPECT_THAT(error_of("5m", kDuration),
              AllOf(StartsWith("5m is a distance"), HasSubstr("write min for minutes")));
  EXPECT_THAT(error_of("5m", kSpeed), Not(HasSubstr("write min")));
  // Only rates can be per 1000 residents.
  EXPECT_THAT(error_of("5km per 1000", kDistance), HasSubstr("unknown distance unit"));
}

TEST(UnitsErrors, MalformedNumbers) {
  EXPECT_THAT(error_of("1..5h", kDuration), HasSubstr("'1..5' is not a valid number"));
  EXPECT_THAT(error_of("1.5.2h", kDuration), HasSubstr("'1.5.2' is not a valid number"));
  EXPECT_THAT(error_of("5-10min", kDuration), HasSubstr("'5-10' is not a valid number"));
  EXPECT_THAT(error_of("--5min", kDuration), HasSubstr("not a valid number"));
  EXPECT_THAT(error_of("+-5min", kDuration), HasSubstr("not a valid number"));
  EXPECT_THAT(error_of(".h", kDuration), HasSubstr("'.' is not a valid number"));
  EXPECT_THAT(error_of("1e h", kDuration), HasSubstr("'1e' is not a valid number"));
  EXPECT_THAT(error_of("1,5h", kDuration),
              AllOf(HasSubstr("'1,5' is not a valid number"), HasSubstr("use a point")));
  EXPECT_THAT(error_of("h", kDuration), HasSubstr("'h' does not start with a number"));
  EXPECT_THAT(error_of("/h", kRate), HasSubstr("'/h' does not start with a number"));
  EXPECT_THAT(error_of("", kDuration), StartsWith("no duration given (expected e.g. 90s"));
  EXPECT_THAT(error_of("  \t ", kRate), StartsWith("no rate given"));
  EXPECT_THAT(error_of("1e999h", kDuration), HasSubstr("'1e999' is outside the range"));
  EXPECT_THAT(error_of("-1e999h", kDuration), HasSubstr("outside the range"));
  EXPECT_THAT(error_of("1e-999h", kDuration), HasSubstr("outside the range"));
  EXPECT_THAT(error_of("nanh", kDuration), HasSubstr("'nanh' is not a finite number"));
  EXPECT_THAT(error_of("NaN s", kDuration), HasSubstr("not a finite number"));
  EXPECT_THAT(error_of("infh", kDuration), HasSubstr("not a finite number"));
  EXPECT_THAT(error_of("-inf min", kDuration), HasSubstr("not a finite number"));
  EXPECT_THAT(error_of("infinity/h", kRate), HasSubstr("not a finite number"));
  EXPECT_THAT(error_of("1 000h", kDuration), HasSubstr("is not a number followed by a unit"));
}

TEST(UnitsErrors, OverflowOnConversion) {
  EXPECT_THAT(error_of("1e308w", kDuration), HasSubstr("too large once converted to minutes"));
  EXPECT_THAT(error_of("1e308/s", kRate),
              HasSubstr("too large once converted to events per minute"));
  EXPECT_THAT(error_of("1e308km", kDistance), HasSubstr("too large"));
}

TEST(UnitsErrors, MessagesFollowTheConventions) {
  // Lower case, no trailing period, and no file or key (the caller adds those).
  const std::pair<const char*, QuantityKind> cases[] = {
      {"15", kDuration},     {"5 furlongs", kDuration}, {"5km", kDuration},
      {"1..5h", kDuration},  {"h", kDuration},          {"", kDuration},
      {"1e999h", kDuration}, {"nanh", kDuration},       {"3/fortnight", kRate},
      {"2H", kDuration},     {"1 year", kDuration},     {"1e308w", kDuration},
  };
  for (const auto& [text, kind] : cases) {
    const std::string error = error_of(text, kind);
    ASSERT_FALSE(error.empty()) << text;
    EXPECT_NE(error.back(), '.') << error;
    EXPECT_FALSE(std::isupper(static_cast<unsigned char>(error.front()))) << error;
    EXPECT_THAT(error, Not(HasSubstr("\n"))) << error;
  }
}

TEST(UnitsNames, KindNamesAndExamples) {
  EXPECT_EQ(quantity_kind_name(kDuration), "duration");
  EXPECT_EQ(quantity_kind_name(kRate), "rate");
  EXPECT_EQ(quantity_kind_name(kDistance), "distance");
  EXPECT_EQ(quantity_kind_name(kSpeed), "speed");
  EXPECT_EQ(quantity_example(kDuration), "90s, 15min, 2h, 3d, 1w");
  EXPECT_EQ(quantity_example(kRate), "162/h, 12/day, 4/year per 1000 residents");
  EXPECT_EQ(quantity_example(kDistance), "800m, 1.2km");
  EXPECT_EQ(quantity_example(kSpeed), "1.5m/s, 80m/min, 5km/h");
}

TEST(UnitsNames, EveryExampleParsesAsItsKind) {
  for (const QuantityKind kind : {kDuration, kRate, kDistance, kSpeed}) {
    std::string_view examples = quantity_example(kind);
    while (!examples.empty()) {
      const std::size_t comma = examples.find(", ");
      const std::string_view example = examples.substr(0, comma);
      const QuantityResult result = parse_quantity(example, kind);
      EXPECT_TRUE(result.quantity.has_value()) << example << ": " << result.error;
      examples = comma == std::string_view::npos ? "" : examples.substr(comma + 2);
    }
  }
}

TEST(UnitsClockTime, Accepts) {
  EXPECT_EQ(parse_clock_time("08:30"), 510.0);
  EXPECT_EQ(parse_clock_time("8:30"), 510.0);
  EXPECT_EQ(parse_clock_time("00:00"), 0.0);
  EXPECT_EQ(parse_clock_time("0:00"), 0.0);
  EXPECT_EQ(parse_clock_time("12:05"), 725.0);
  EXPECT_EQ(parse_clock_time("23:59"), 1439.0);
  EXPECT_EQ(parse_clock_time("24:00"), 1440.0);
  EXPECT_EQ(parse_clock_time(" 08:30\t"), 510.0);
}

TEST(UnitsClockTime, Rejects) {
  for (const char* text : {"24:01", "25:00",  "99:00", "08:60", "ab:cd", "08:3a",    "8:5", "08:5",
                           "8:005", "008:30", "",      " ",     "0830",  "08:30:00", ":30", "08:",
                           ":",     "-1:00",  "+8:30", "8 :30", "8: 30", "08.30",    "8h30"}) {
    EXPECT_EQ(parse_clock_time(text), std::nullopt) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace circlesim::scenario
