// Tests of sim/arrival_process: Poisson gaps and counts, the weekly rate profile and its
// piecewise-exact arrivals (counts per hour of day and per weekday against the integrated rate),
// thinning against a sinusoidal rate, scheduled arrivals, and bad input.
#include "sim/arrival_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <vector>

#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/time.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::sim {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Checks a Poisson count against its expectation: the standard error is sqrt(expected).
void expect_poisson_count(double count, double expected, const char* what, int index) {
  if (expected == 0.0) {
    EXPECT_EQ(count, 0.0) << what << " " << index;
    return;
  }
  EXPECT_NEAR(count, expected, kZ * std::sqrt(expected)) << what << " " << index;
}

// --- PoissonArrivals -------------------------------------------------------------------------

TEST(PoissonArrivalsTest, MeanAndVarianceOfGaps) {
  const double rate = 0.5;
  const PoissonArrivals process(rate);
  EXPECT_EQ(process.rate(), rate);
  RandomEngine rng = make_engine(stream_seed(1, 0, "poisson-gaps"));
  constexpr int kN = 200'000;
  double sum = 0;
  double sum_sq = 0;
  Time t = 0;
  for (int i = 0; i < kN; ++i) {
    const Time next = process.next_after(t, rng);
    ASSERT_GT(next, t);
    const double gap = next - t;
    sum += gap;
    sum_sq += gap * gap;
    t = next;
  }
  const double mean = sum / kN;
  const double variance = (sum_sq - sum * mean) / (kN - 1);
  // Exponential(rate): mean 1/rate, sd 1/rate; the sample variance has sd sqrt(8)/rate^2/sqrt(n).
  EXPECT_NEAR(mean, 1.0 / rate, kZ * (1.0 / rate) / std::sqrt(kN));
  EXPECT_NEAR(variance, 1.0 / (rate * rate), kZ * std::sqrt(8.0) / (rate * rate) / std::sqrt(kN));
}

TEST(PoissonArrivalsTest, CountOverALongHorizon) {
  const double rate = 0.25;
  const PoissonArrivals process(rate);
  RandomEngine rng = make_engine(stream_seed(2, 0, "poisson-count"));
  const Time horizon = 400'000;
  int count = 0;
  // Counts per 1000-minute block are Poisson(250) too: check their dispersion index.
  std::vector<int> blocks(400, 0);
  for (Time t = process.next_after(0.0, rng); t < horizon; t = process.next_after(t, rng)) {
    ++count;
    ++blocks[static_cast<std::size_t>(t / 1000.0)];
  }
  expect_poisson_count(count, rate * horizon, "total", 0);
  const double mean = static_cast<double>(count) / 400.0;
  double ss = 0;
  for (const int b : blocks) ss += (b - mean) * (b - mean);
  const double dispersion = ss / 399.0 / mean;  // ~1 for Poisson; sd ~ sqrt(2/399)
  EXPECT_NEAR(dispersion, 1.0, kZ * std::sqrt(2.0 / 399.0));
}

TEST(PoissonArrivalsTest, SameSeedSameArrivals) {
  const PoissonArrivals process(1.5);
  RandomEngine a = make_engine(stream_seed(3, 1, "arrivals"));
  RandomEngine b = make_engine(stream_seed(3, 1, "arrivals"));
  Time ta = 10;
  Time tb = 10;
  for (int i = 0; i < 1000; ++i) {
    ta = process.next_after(ta, a);
    tb = process.next_after(tb, b);
    ASSERT_EQ(ta, tb);
  }
}

TEST(PoissonArrivalsTest, RejectsBadRates) {
  for (const double rate : {0.0, -1.0, kNaN, kInf}) {
    EXPECT_THAT([rate] { PoissonArrivals p(rate); },
                ThrowsMessage<InvalidParameter>(HasSubstr("arrival rate must be > 0")))
        << rate;
  }
  EXPECT_THAT([] { PoissonArrivals p(-2.5); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got -2.5")));
}

// --- RateProfile -----------------------------------------------------------------------------

// A day of a community clinic: closed 22:00-06:00, peaks mid-morning and mid-afternoon.
const std::vector<double> kDailyShape = {0, 0, 0,   0, 0,   0, 0.5, 1, 2,   3,    3, 2.5,
                                         2, 2, 2.5, 3, 2.5, 2, 1.5, 1, 0.5, 0.25, 0, 0};
// Monday first; Friday busy, Saturday half, closed on Sunday.
const std::vector<double> kWeekdayFactors = {1, 1, 1, 1, 1.2, 0.6, 0};
constexpr double kBaseRate = 0.1;  // per minute at shape 1, factor 1

TEST(ArrivalRateProfileTest, RateAtCombinesBaseShapeAndWeekday) {
  const RateProfile p(kBaseRate, kDailyShape, kWeekdayFactors);
  EXPECT_DOUBLE_EQ(p.rate_at(8 * kHour + 30), 0.1 * 2);               // Mon 08:30
  EXPECT_DOUBLE_EQ(p.rate_at(8 * kHour), 0.1 * 2);                    // Mon 08:00 exactly
  EXPECT_DOUBLE_EQ(p.rate_at(8 * kHour - 1e-9), 0.1 * 1);             // Mon 07:59:59.99
  EXPECT_DOUBLE_EQ(p.rate_at(kDay + 9 * kHour + 59), 0.1 * 3);        // Tue 09:59
  EXPECT_DOUBLE_EQ(p.rate_at(4 * kDay + 15 * kHour), 0.1 * 3 * 1.2);  // Fri 15:00
  EXPECT_DOUBLE_EQ(p.rate_at(5 * kDay + 10 * kHour), 0.1 * 3 * 0.6);  // Sat 10:00
  EXPECT_EQ(p.rate_at(6 * kDay + 12 * kHour), 0.0);                   // Sun
  EXPECT_EQ(p.rate_at(30), 0.0);                                      // Mon 00:30
  EXPECT_DOUBLE_EQ(p.rate_at(21 * kHour + 59), 0.1 * 0.25);           // Mon 21:59
  EXPECT_EQ(p.rate_at(7 * kDay - 1e-7), 0.0);                         // Sun 23:59:59.99
  EXPECT_DOUBLE_EQ(p.rate_at(kWeek + 8 * kHour + 30), 0.1 * 2);       // next Monday
  EXPECT_DOUBLE_EQ(p.rate_at(100 * kWeek + 4 * kDay + 9 * kHour), 0.1 * 3 * 1.2);
  EXPECT_DOUBLE_EQ(p.max_rate(), 0.1 * 3 * 1.2);
}

TEST(ArrivalRateProfileTest, StartWeekdayShiftsTheWeek) {
  // The scenario starts on a Saturday: t = 0 is Saturday 00:00.
  const RateProfile p(kBaseRate, kDailyShape, kWeekdayFactors, 5);
  EXPECT_DOUBLE_EQ(p.rate_at(10 * kHour), 0.1 * 3 * 0.6);             // Sat
  EXPECT_EQ(p.rate_at(kDay + 10 * kHour), 0.0);                       // Sun
  EXPECT_DOUBLE_EQ(p.rate_at(2 * kDay + 10 * kHour), 0.1 * 3);        // Mon
  EXPECT_DOUBLE_EQ(p.rate_at(6 * kDay + 15 * kHour), 0.1 * 3 * 1.2);  // Fri
  EXPECT_DOUBLE_EQ(p.rate_at(kWeek + 10 * kHour), 0.1 * 3 * 0.6);     // Sat again
  // The weekly mean does not depend on where the week starts.
  EXPECT_DOUBLE_EQ(p.mean_rate(), RateProfile(kBaseRate, kDailyShape, kWeekdayFactors).mean_rate());
}

TEST(ArrivalRateProfileTest, WithoutWeekdayFactorsEveryDayIsTheSame) {
  const RateProfile p(kBaseRate, kDailyShape);
  for (int d = 0; d < 7; ++d) {
    EXPECT_DOUBLE_EQ(p.rate_at(d * kDay + 9 * kHour + 5), 0.1 * 3) << d;
  }
  EXPECT_DOUBLE_EQ(p.max_rate(), 0.3);
}

TEST(ArrivalRateProfileTest, ShocksMultiplyTheRateForTheirPeriod) {
  RateProfile p(0.5, {1.0});
  p.add_shock(2 * kDay, 4 * kDay, 3.0);
  p.add_shock(3 * kDay, 5 * kDay, 0.5);  // overlaps the first on day 3: factors multiply
  EXPECT_DOUBLE_EQ(p.rate_at(kDay), 0.5);
  EXPECT_DOUBLE_EQ(p.rate_at(2 * kDay), 1.5);
  EXPECT_DOUBLE_EQ(p.rate_at(3 * kDay + 1), 0.75);
  EXPECT_DOUBLE_EQ(p.rate_at(4 * kDay), 0.25);  // the first ended (its end is excluded)
  EXPECT_DOUBLE_EQ(p.rate_at(5 * kDay), 0.5);
  // Pieces end where a shock starts or ends.
  EXPECT_EQ(p.piece_end(kDay + 5), 2 * kDay);
  EXPECT_EQ(p.piece_end(2 * kDay), 3 * kDay);
  EXPECT_EQ(p.piece_end(3 * kDay), 4 * kDay);
  EXPECT_GE(p.max_rate(), 1.5);
  // Arrivals follow: three times as many in the shock's first day as on a normal day.
  ProfileArrivals arrivals(p);
  RandomEngine rng = make_engine(11);
  std::array<int, 6> per_day{};
  for (Time t = arrivals.next_after(0, rng); t < 6 * kDay; t = arrivals.next_after(t, rng)) {
    ++per_day[static_cast<std::size_t>(t / kDay)];
  }
  // Poisson counts with means 720, 2160, 1080, 360, 720: 5 standard deviations.
  EXPECT_NEAR(per_day[1], 720, 5 * std::sqrt(720.0));
  EXPECT_NEAR(per_day[2], 2160, 5 * std::sqrt(2160.0));
  EXPECT_NEAR(per_day[3], 1080, 5 * std::sqrt(1080.0));
  EXPECT_NEAR(per_day[4], 360, 5 * std::sqrt(360.0));
  EXPECT_THAT([&] { p.add_shock(5, 1, 2.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("a shock needs from < to")));
  EXPECT_THAT([&] { p.add_shock(1, 5, -2.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("factor must be >= 0")));
}

TEST(ArrivalRateProfileTest, PieceEndIsTheEndOfARunOfEqualSlots) {
  const RateProfile hourly(kBaseRate, kDailyShape, kWeekdayFactors);
  EXPECT_EQ(hourly.piece_end(0.0), 360.0);  // the night's six zero hours are one piece
  EXPECT_EQ(hourly.piece_end(59.999), 360.0);
  EXPECT_EQ(hourly.piece_end(360.0), 420.0);         // a boundary starts the next piece
  EXPECT_EQ(hourly.piece_end(9 * 60.0), 11 * 60.0);  // 09:00-11:00 both at 3
  EXPECT_EQ(hourly.piece_end(1439.5), 1440.0);
  EXPECT_EQ(hourly.piece_end(10 * kWeek + 61), 10 * kWeek + 360);
  // Equal neighbouring slots form one piece, ending at the day's end at the latest.
  std::vector<double> quarters(96, 1.0);
  for (std::size_t q = 34; q < 48; ++q) quarters[q] = 3.0;  // 08:30-12:00
  const RateProfile quarter_hourly(1.0, quarters);
  EXPECT_EQ(quarter_hourly.piece_end(0.0), 510.0);
  EXPECT_EQ(quarter_hourly.piece_end(16.0), 510.0);
  EXPECT_EQ(quarter_hourly.piece_end(510.0), 720.0);
  EXPECT_EQ(quarter_hourly.piece_end(719.0), 720.0);
  EXPECT_EQ(quarter_hourly.piece_end(720.0), kDay);
  EXPECT_EQ(quarter_hourly.piece_end(kDay - 1), kDay);
  EXPECT_EQ(quarter_hourly.piece_end(3 * kDay + 600), 3 * kDay + 720);
  const RateProfile flat(1.0, {1.0});
  EXPECT_EQ(flat.piece_end(100.0), kDay);
  EXPECT_EQ(flat.piece_end(kDay), 2 * kDay);
}

TEST(ArrivalRateProfileTest, MeanRateIsTheWeeklyIntegralOverAWeek) {
  const RateProfile p(kBaseRate, kDailyShape, kWeekdayFactors);
  // Integrate rate_at piece by piece over the week, independently of mean_rate().
  double integral = 0;
  for (int slot = 0; slot < 7 * 24; ++slot) integral += p.rate_at(slot * kHour + 30) * kHour;
  EXPECT_NEAR(p.mean_rate(), integral / kWeek, 1e-15);
  // And by hand: base x mean(shape) x mean(factors).
  const double shape_sum = std::accumulate(kDailyShape.begin(), kDailyShape.end(), 0.0);
  EXPECT_DOUBLE_EQ(shape_sum, 29.25);
  EXPECT_DOUBLE_EQ(p.mean_rate(), 0.1 * (29.25 / 24) * (5.8 / 7));
}

TEST(ArrivalRateProfileTest, RejectsBadBaseRates) {
  for (const double rate : {0.0, -0.1, kNaN, kInf}) {
    EXPECT_THAT([rate] { RateProfile p(rate, {1.0}); },
                ThrowsMessage<InvalidParameter>(HasSubstr("arrival rate must be > 0")))
        << rate;
  }
}

TEST(ArrivalRateProfileTest, RejectsProfilesOfTheWrongLength) {
  EXPECT_THAT([] { RateProfile p(1.0, std::vector<double>(23, 1.0)); },
              ThrowsMessage<InvalidParameter>(
                  AllOf(HasSubstr("daily profile"), HasSubstr("got 23 values"))));
  EXPECT_THAT([] { RateProfile p(1.0, std::vector<double>(25, 1.0)); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got 25 values")));
  EXPECT_THAT([] { RateProfile p(1.0, {}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got 0 values")));
  EXPECT_NO_THROW(RateProfile(1.0, std::vector<double>(48, 1.0)));
  EXPECT_NO_THROW(RateProfile(1.0, std::vector<double>(1440, 1.0)));
}

TEST(ArrivalRateProfileTest, RejectsWeekdayFactorsOfTheWrongLength) {
  EXPECT_THAT([] { RateProfile p(1.0, kDailyShape, std::vector<double>(6, 1.0)); },
              ThrowsMessage<InvalidParameter>(
                  AllOf(HasSubstr("exactly 7 day factors"), HasSubstr("got 6 values"))));
  EXPECT_THAT([] { RateProfile p(1.0, kDailyShape, std::vector<double>(8, 1.0)); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got 8 values")));
}

TEST(ArrivalRateProfileTest, RejectsNegativeOrNonFiniteValues) {
  std::vector<double> shape = kDailyShape;
  shape[3] = -0.5;
  EXPECT_THAT(
      [&] { RateProfile p(1.0, shape); },
      ThrowsMessage<InvalidParameter>(HasSubstr("value 3 must be >= 0 and finite, got -0.5")));
  shape[3] = kNaN;
  EXPECT_THAT([&] { RateProfile p(1.0, shape); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got nan")));
  std::vector<double> factors = kWeekdayFactors;
  factors[2] = -1;
  EXPECT_THAT(
      [&] { RateProfile p(1.0, kDailyShape, factors); },
      ThrowsMessage<InvalidParameter>(HasSubstr("factor 2 must be >= 0 and finite, got -1")));
  factors[2] = kInf;
  EXPECT_THAT([&] { RateProfile p(1.0, kDailyShape, factors); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got inf")));
}

TEST(ArrivalRateProfileTest, RejectsAllZeroProfiles) {
  EXPECT_THAT([] { RateProfile p(1.0, std::vector<double>(24, 0.0)); },
              ThrowsMessage<InvalidParameter>(HasSubstr("every rate is zero")));
  EXPECT_THAT([] { RateProfile p(1.0, kDailyShape, std::vector<double>(7, 0.0)); },
              ThrowsMessage<InvalidParameter>(HasSubstr("every rate is zero")));
}

TEST(ArrivalRateProfileTest, RejectsBadStartWeekday) {
  EXPECT_THAT([] { RateProfile p(1.0, kDailyShape, {}, 7); },
              ThrowsMessage<InvalidParameter>(HasSubstr("start_weekday must be in [0, 6], got 7")));
  EXPECT_THAT([] { RateProfile p(1.0, kDailyShape, {}, -1); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got -1")));
}

// --- ProfileArrivals -------------------------------------------------------------------------

TEST(ProfileArrivalsTest, CountsPerHourAndWeekdayMatchTheIntegratedRate) {
  const ProfileArrivals process(RateProfile(kBaseRate, kDailyShape, kWeekdayFactors));
  RandomEngine rng = make_engine(stream_seed(4, 0, "profile"));
  constexpr int kWeeks = 150;
  const Time horizon = kWeeks * kWeek;
  std::array<std::array<double, 24>, 7> cell{};
  double total = 0;
  Time previous = 0;
  for (Time t = process.next_after(0.0, rng); t < horizon; t = process.next_after(t, rng)) {
    ASSERT_GT(t, previous);
    ASSERT_GT(process.profile().rate_at(t), 0.0) << "arrival at a zero-rate time " << t;
    previous = t;
    const int day = day_of_week(t);
    const auto hour = static_cast<std::size_t>(time_of_day(t) / kHour);
    cell[static_cast<std::size_t>(day)][hour] += 1;
    total += 1;
  }
  const double shape_sum = std::accumulate(kDailyShape.begin(), kDailyShape.end(), 0.0);
  const double factor_sum = std::accumulate(kWeekdayFactors.begin(), kWeekdayFactors.end(), 0.0);
  expect_poisson_count(total, kBaseRate * kHour * shape_sum * factor_sum * kWeeks, "total", 0);
  for (std::size_t h = 0; h < 24; ++h) {
    double count = 0;
    for (std::size_t d = 0; d < 7; ++d) count += cell[d][h];
    expect_poisson_count(count, kBaseRate * kHour * kDailyShape[h] * factor_sum * kWeeks, "hour",
                         static_cast<int>(h));
  }
  for (std::size_t d = 0; d < 7; ++d) {
    double count = 0;
    for (std::size_t h = 0; h < 24; ++h) count += cell[d][h];
    expect_poisson_count(count, kBaseRate * kHour * shape_sum * kWeekdayFactors[d] * kWeeks,
                         "weekday", static_cast<int>(d));
  }
  // Every (weekday, hour) cell on its own, zero-rate cells exactly zero.
  for (std::size_t d = 0; d < 7; ++d) {
    for (std::size_t h = 0; h < 24; ++h) {
      expect_poisson_count(cell[d][h],
                           kBaseRate * kHour * kDailyShape[h] * kWeekdayFactors[d] * kWeeks,
                           "cell (weekday*24 + hour)", static_cast<int>(d * 24 + h));
    }
  }
}

TEST(ProfileArrivalsTest, StartWeekdayMovesTheClosedDay) {
  // Starting on Saturday, the closed Sunday is [1 day, 2 days) and every 7 days after.
  const ProfileArrivals process(RateProfile(kBaseRate, kDailyShape, kWeekdayFactors, 5));
  RandomEngine rng = make_engine(stream_seed(5, 0, "profile"));
  std::array<double, 7> per_day{};
  for (Time t = process.next_after(0.0, rng); t < 50 * kWeek; t = process.next_after(t, rng)) {
    per_day[static_cast<std::size_t>(static_cast<long long>(t / kDay) % 7)] += 1;
  }
  const double shape_sum = std::accumulate(kDailyShape.begin(), kDailyShape.end(), 0.0);
  // Day index k since the start is weekday (5 + k) % 7.
  for (std::size_t k = 0; k < 7; ++k) {
    const double factor = kWeekdayFactors[(5 + k) % 7];
    expect_poisson_count(per_day[k], kBaseRate * kHour * shape_sum * factor * 50, "day",
                         static_cast<int>(k));
  }
  EXPECT_EQ(per_day[1], 0.0);
}

TEST(ProfileArrivalsTest, StartingInsideAClosedPeriodJumpsToTheOpening) {
  // Only 10:00-11:00 is open, every day: the first arrival after 11:30 is on the next day.
  std::vector<double> shape(24, 0.0);
  shape[10] = 1.0;
  const ProfileArrivals process(RateProfile(2.0, shape));
  RandomEngine rng = make_engine(stream_seed(6, 0, "profile"));
  for (int i = 0; i < 1000; ++i) {
    const Time start = i * kDay + 11.5 * kHour;
    const Time t = process.next_after(start, rng);
    ASSERT_GE(t, (i + 1) * kDay + 10 * kHour);
    ASSERT_LT(t, (i + 1) * kDay + 11 * kHour);
  }
}

// --- ThinnedArrivals -------------------------------------------------------------------------

TEST(ThinnedArrivalsTest, SinusoidalRateCountsPerQuarterPeriod) {
  const double a = 0.5;
  const double b = 0.4;
  const Time period = kDay;
  const auto rate = [=](Time t) { return a + b * std::sin(2 * std::numbers::pi * t / period); };
  const ThinnedArrivals<decltype(rate)> process(rate, a + b);
  RandomEngine rng = make_engine(stream_seed(7, 0, "thinning"));
  constexpr int kPeriods = 100;
  std::array<double, 4> quarter{};
  for (Time t = process.next_after(0.0, rng); t < kPeriods * period;
       t = process.next_after(t, rng)) {
    const double phase = t - std::floor(t / period) * period;
    quarter[static_cast<std::size_t>(phase / (period / 4))] += 1;
  }
  // Integral of a + b sin over a quarter: a P/4 + b P/(2 pi) (cos(q pi/2) - cos((q+1) pi/2)).
  const double swing = b * period / (2 * std::numbers::pi);
  const std::array<double, 4> per_period = {a * period / 4 + swing, a * period / 4 + swing,
                                            a * period / 4 - swing, a * period / 4 - swing};
  for (std::size_t q = 0; q < 4; ++q) {
    expect_poisson_count(quarter[q], per_period[q] * kPeriods, "quarter", static_cast<int>(q));
  }
}

TEST(ThinnedArrivalsTest, RejectsBadMaxRateAndRatesAboveIt) {
  const auto one = [](Time /*t*/) { return 1.0; };
  for (const double max_rate : {0.0, -1.0, kNaN, kInf}) {
    EXPECT_THAT([&] { ThinnedArrivals<decltype(one)> p(one, max_rate); },
                ThrowsMessage<InvalidParameter>(HasSubstr("max_rate must be > 0 and finite")))
        << max_rate;
  }
  RandomEngine rng = make_engine(stream_seed(8, 0, "thinning"));
  const ThinnedArrivals<decltype(one)> too_high(one, 0.5);
  EXPECT_THAT([&] { (void)too_high.next_after(0.0, rng); },
              ThrowsMessage<InvalidParameter>(HasSubstr("outside [0, max_rate=0.5]")));
  const auto negative = [](Time /*t*/) { return -0.1; };
  const ThinnedArrivals<decltype(negative)> below(negative, 0.5);
  EXPECT_THAT([&] { (void)below.next_after(0.0, rng); },
              ThrowsMessage<InvalidParameter>(HasSubstr("rate -0.1 at time")));
}

// --- ScheduledArrivals -----------------------------------------------------------------------

TEST(ScheduledArrivalsTest, ListedTimesIncludingDuplicates) {
  ScheduledArrivals s = ScheduledArrivals::at({0.0, 1.0, 2.5, 2.5, 2.5, 7.0});
  EXPECT_EQ(s.next(), 0.0);
  EXPECT_EQ(s.next(), 1.0);
  EXPECT_EQ(s.next(), 2.5);
  EXPECT_EQ(s.next(), 2.5);
  EXPECT_EQ(s.next(), 2.5);
  EXPECT_EQ(s.next(), 7.0);
  EXPECT_EQ(s.next(), kNever);
  EXPECT_EQ(s.next(), kNever);  // stays exhausted
  ScheduledArrivals empty = ScheduledArrivals::at({});
  EXPECT_EQ(empty.next(), kNever);
}

TEST(ScheduledArrivalsTest, EveryIntervalFromFirst) {
  ScheduledArrivals s = ScheduledArrivals::every(2.5, 1.0);
  EXPECT_EQ(s.next(), 1.0);
  EXPECT_EQ(s.next(), 3.5);
  EXPECT_EQ(s.next(), 6.0);
  for (int i = 3; i < 1000; ++i) (void)s.next();
  EXPECT_EQ(s.next(), 1.0 + 1000 * 2.5);
  ScheduledArrivals from_zero = ScheduledArrivals::every(15.0);
  EXPECT_EQ(from_zero.next(), 0.0);
  EXPECT_EQ(from_zero.next(), 15.0);
}

TEST(ScheduledArrivalsTest, EveryDoesNotAccumulateRoundingErrors) {
  // 0.1 is not a binary fraction: adding it 1e7 times drifts to 999999.9998; n x 0.1 does not.
  ScheduledArrivals s = ScheduledArrivals::every(0.1);
  for (int i = 0; i < 10'000'000; ++i) (void)s.next();
  EXPECT_EQ(s.next(), 1e6);
}

TEST(ScheduledArrivalsTest, RejectsBadSchedules) {
  EXPECT_THAT(
      [] {
        (void)ScheduledArrivals::at({1.0, 3.0, 2.0});
      },
      ThrowsMessage<InvalidParameter>(
          AllOf(HasSubstr("out of order"), HasSubstr("time 2 (2) comes before time 1 (3)"))));
  EXPECT_THAT([] { (void)ScheduledArrivals::at({-1.0}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("must be >= 0 and finite, got -1")));
  EXPECT_THAT(
      [] {
        (void)ScheduledArrivals::at({1.0, kNaN});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("got nan")));
  EXPECT_THAT(
      [] {
        (void)ScheduledArrivals::at({1.0, kInf});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("got inf")));
  for (const double interval : {0.0, -5.0, kNaN, kInf}) {
    EXPECT_THAT([interval] { (void)ScheduledArrivals::every(interval); },
                ThrowsMessage<InvalidParameter>(HasSubstr("interval must be > 0 and finite")))
        << interval;
  }
  EXPECT_THAT([] { (void)ScheduledArrivals::every(1.0, -1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("first arrival must be >= 0")));
  EXPECT_THAT([] { (void)ScheduledArrivals::every(1.0, kNaN); },
              ThrowsMessage<InvalidParameter>(HasSubstr("first arrival must be >= 0")));
}

}  // namespace
}  // namespace circlesim::sim
