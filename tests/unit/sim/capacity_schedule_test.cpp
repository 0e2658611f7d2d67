// Tests of sim/capacity_schedule: constant, piecewise and cyclic (weekly opening hours)
// schedules, at and around change points and across period boundaries, and bad input.
#include "sim/capacity_schedule.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/time.hpp"
#include "tests/unit/test_constants.hpp"

#if defined(__unix__)
#include <unistd.h>
#endif

namespace circlesim::sim {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Opening hours of a community health room, repeating weekly from Monday 00:00:
// Mon-Fri 08:00-12:00 three servers, 13:00-17:00 two; Sat 09:00-12:00 one; closed otherwise.
CapacitySchedule weekly_opening_hours() {
  std::vector<CapacityChange> changes{{0.0, 0}};
  for (int d = 0; d < 5; ++d) {
    const Time day = d * kDay;
    changes.push_back({day + 8 * kHour, 3});
    changes.push_back({day + 12 * kHour, 0});
    changes.push_back({day + 13 * kHour, 2});
    changes.push_back({day + 17 * kHour, 0});
  }
  changes.push_back({5 * kDay + 9 * kHour, 1});
  changes.push_back({5 * kDay + 12 * kHour, 0});
  return CapacitySchedule::cyclic(changes, kWeek);
}

TEST(CapacityScheduleTest, ConstantHasOneLevelForever) {
  const CapacitySchedule s = CapacitySchedule::constant(4);
  EXPECT_TRUE(s.is_constant());
  EXPECT_EQ(s.max_capacity(), 4);
  EXPECT_EQ(s.period(), kNever);
  for (const Time t : {0.0, 0.5, 59.0, 1e6, 1e12}) {
    EXPECT_EQ(s.capacity_at(t), 4) << t;
    EXPECT_EQ(s.next_change_after(t), kNever) << t;
  }
  ASSERT_EQ(s.changes().size(), 1U);
  EXPECT_EQ(s.changes()[0].at, 0.0);
  EXPECT_EQ(s.changes()[0].servers, 4);
}

TEST(CapacityScheduleTest, PiecewiseAtAndAroundChangePoints) {
  const CapacitySchedule s = CapacitySchedule::piecewise({{0, 1}, {60, 3}, {120, 0}, {300, 2}});
  EXPECT_FALSE(s.is_constant());
  EXPECT_EQ(s.max_capacity(), 3);
  EXPECT_EQ(s.period(), kNever);
  EXPECT_EQ(s.capacity_at(0.0), 1);
  EXPECT_EQ(s.capacity_at(59.999), 1);
  EXPECT_EQ(s.capacity_at(60.0), 3);  // a change applies from its own instant
  EXPECT_EQ(s.capacity_at(std::nextafter(60.0, 0.0)), 1);
  EXPECT_EQ(s.capacity_at(119.0), 3);
  EXPECT_EQ(s.capacity_at(120.0), 0);
  EXPECT_EQ(s.capacity_at(299.0), 0);
  EXPECT_EQ(s.capacity_at(300.0), 2);
  EXPECT_EQ(s.capacity_at(1e9), 2);  // the last level holds forever

  EXPECT_EQ(s.next_change_after(0.0), 60.0);
  EXPECT_EQ(s.next_change_after(59.999), 60.0);
  EXPECT_EQ(s.next_change_after(60.0), 120.0);  // strictly after
  EXPECT_EQ(s.next_change_after(119.5), 120.0);
  EXPECT_EQ(s.next_change_after(120.0), 300.0);
  EXPECT_EQ(s.next_change_after(300.0), kNever);
  EXPECT_EQ(s.next_change_after(1e9), kNever);
}

TEST(CapacityScheduleTest, PiecewiseSingleChangeIsConstant) {
  const CapacitySchedule s = CapacitySchedule::piecewise({{0, 2}});
  EXPECT_TRUE(s.is_constant());
  EXPECT_EQ(s.capacity_at(1e5), 2);
  EXPECT_EQ(s.next_change_after(0.0), kNever);
}

TEST(CapacityScheduleTest, WeeklyOpeningHoursCapacity) {
  const CapacitySchedule s = weekly_opening_hours();
  EXPECT_EQ(s.period(), kWeek);
  EXPECT_EQ(s.max_capacity(), 3);
  EXPECT_FALSE(s.is_constant());
  const Time mon = 0;
  const Time tue = kDay;
  const Time fri = 4 * kDay;
  const Time sat = 5 * kDay;
  const Time sun = 6 * kDay;
  EXPECT_EQ(s.capacity_at(mon), 0);
  EXPECT_EQ(s.capacity_at(mon + 8 * kHour - 1e-9), 0);
  EXPECT_EQ(s.capacity_at(mon + 8 * kHour), 3);
  EXPECT_EQ(s.capacity_at(mon + 11 * kHour + 59), 3);
  EXPECT_EQ(s.capacity_at(mon + 12 * kHour), 0);
  EXPECT_EQ(s.capacity_at(mon + 12 * kHour + 30), 0);
  EXPECT_EQ(s.capacity_at(mon + 13 * kHour), 2);
  EXPECT_EQ(s.capacity_at(tue + 10 * kHour), 3);
  EXPECT_EQ(s.capacity_at(fri + 16 * kHour + 59.5), 2);
  EXPECT_EQ(s.capacity_at(fri + 17 * kHour), 0);
  EXPECT_EQ(s.capacity_at(sat + 8 * kHour), 0);
  EXPECT_EQ(s.capacity_at(sat + 10 * kHour), 1);
  EXPECT_EQ(s.capacity_at(sat + 12 * kHour), 0);
  EXPECT_EQ(s.capacity_at(sun + 10 * kHour), 0);
  EXPECT_EQ(s.capacity_at(kWeek - 1e-9), 0);
  // Later weeks repeat the first, also far out where rounding could bite.
  for (const int week : {1, 2, 51, 520, 5200}) {
    const Time w = week * kWeek;
    EXPECT_EQ(s.capacity_at(w), 0) << week;
    EXPECT_EQ(s.capacity_at(w + 8 * kHour), 3) << week;
    EXPECT_EQ(s.capacity_at(w + 8 * kHour - 1e-6), 0) << week;
    EXPECT_EQ(s.capacity_at(w + 2 * kDay + 14 * kHour), 2) << week;  // Wednesday afternoon
    EXPECT_EQ(s.capacity_at(w + sat + 9 * kHour), 1) << week;
    EXPECT_EQ(s.capacity_at(w + sun + 9 * kHour), 0) << week;
  }
}

TEST(CapacityScheduleTest, WeeklyOpeningHoursNextChange) {
  const CapacitySchedule s = weekly_opening_hours();
  EXPECT_EQ(s.next_change_after(0.0), 8 * kHour);
  EXPECT_EQ(s.next_change_after(8 * kHour - 0.5), 8 * kHour);
  EXPECT_EQ(s.next_change_after(8 * kHour), 12 * kHour);  // strictly after
  EXPECT_EQ(s.next_change_after(12 * kHour), 13 * kHour);
  EXPECT_EQ(s.next_change_after(17 * kHour), kDay + 8 * kHour);  // overnight
  EXPECT_EQ(s.next_change_after(4 * kDay + 17 * kHour), 5 * kDay + 9 * kHour);
  // After the last change point of the week the next one is the first of the next week: the
  // change point at offset 0 counts even though it repeats the closed level.
  EXPECT_EQ(s.next_change_after(5 * kDay + 12 * kHour), kWeek);
  EXPECT_EQ(s.next_change_after(6 * kDay + 23 * kHour), kWeek);
  EXPECT_EQ(s.next_change_after(kWeek), kWeek + 8 * kHour);
  EXPECT_EQ(s.next_change_after(kWeek - 1e-9), kWeek);
  EXPECT_EQ(s.next_change_after(100 * kWeek + 12 * kHour), 100 * kWeek + 13 * kHour);

  // Walking from change to change visits every change point of two weeks exactly once.
  std::vector<Time> visited;
  for (Time t = 0.0; t < 2 * kWeek;) {
    t = s.next_change_after(t);
    visited.push_back(t);
  }
  std::vector<Time> expected;
  for (int week = 0; week < 2; ++week) {
    for (const CapacityChange& c : s.changes()) {
      if (week == 0 && c.at == 0.0) continue;
      expected.push_back(week * kWeek + c.at);
    }
  }
  expected.push_back(2 * kWeek);
  EXPECT_EQ(visited, expected);
}

TEST(CapacityScheduleTest, DailyCycleWithClosedNights) {
  const CapacitySchedule s = CapacitySchedule::cyclic({{0, 0}, {480, 2}, {1020, 0}}, kDay);
  EXPECT_EQ(s.capacity_at(3 * kDay + 479), 0);
  EXPECT_EQ(s.capacity_at(3 * kDay + 480), 2);
  EXPECT_EQ(s.capacity_at(3 * kDay + 1019.99), 2);
  EXPECT_EQ(s.capacity_at(3 * kDay + 1020), 0);
  EXPECT_EQ(s.next_change_after(3 * kDay + 1020), 4 * kDay);
  EXPECT_EQ(s.next_change_after(4 * kDay), 4 * kDay + 480);
  EXPECT_EQ(s.next_change_after(3 * kDay + 600), 3 * kDay + 1020);
}

TEST(CapacityScheduleTest, CyclicWithoutChangesIsConstant) {
  const CapacitySchedule s = CapacitySchedule::cyclic({{0, 3}}, kDay);
  EXPECT_TRUE(s.is_constant());
  EXPECT_EQ(s.capacity_at(5 * kDay + 7), 3);
  EXPECT_EQ(s.next_change_after(5 * kDay + 7), kNever);
}

// A period that is not a binary fraction (0.1 min = 6 s). At t = 1.7 (the double just below 17
// periods) floor(t / period) * period rounds up past t, giving a negative offset into the cycle;
// the exact offset, fmod(t, period), is 0.0999999999999991, in the second piece.
TEST(CapacityScheduleTest, CyclicOffsetNeverNegativeForInexactPeriods) {
  const Time period = 0.1;
  const CapacitySchedule s = CapacitySchedule::cyclic({{0, 1}, {0.05, 2}}, period);
  const Time t = 1.7;
  ASSERT_GT(std::floor(t / period) * period, t) << "the rounding case this test is about";
  ASSERT_GE(std::fmod(t, period), 0.05);
  EXPECT_EQ(s.capacity_at(t), 2);
  EXPECT_GT(s.next_change_after(t), t);
  EXPECT_LE(s.next_change_after(t), t + period);
}

TEST(CapacityScheduleTest, NextChangeCarriesItsServers) {
  const CapacitySchedule s = weekly_opening_hours();
  CapacityChange next = s.next_change(0.0);
  EXPECT_EQ(next.at, 8 * kHour);
  EXPECT_EQ(next.servers, 3);
  next = s.next_change(12 * kHour);
  EXPECT_EQ(next.at, 13 * kHour);
  EXPECT_EQ(next.servers, 2);
  next = s.next_change(5 * kDay + 12 * kHour);
  EXPECT_EQ(next.at, kWeek);
  EXPECT_EQ(next.servers, 0);
  next = s.next_change(3 * kWeek + 5 * kDay);
  EXPECT_EQ(next.at, 3 * kWeek + 5 * kDay + 9 * kHour);
  EXPECT_EQ(next.servers, 1);
  const CapacitySchedule p = CapacitySchedule::piecewise({{0, 1}, {60, 4}});
  EXPECT_EQ(p.next_change(-5.0).at, 60.0);
  EXPECT_EQ(p.next_change(-5.0).servers, 4);
  EXPECT_EQ(p.next_change(60.0).at, kNever);
  EXPECT_EQ(CapacitySchedule::constant(2).next_change(0.0).at, kNever);
}

// Change points given to the second (08:00:20 is 480 + 1/3 min, not a binary fraction). A pool
// wakes up at exactly the time next_change_after() returned and asks capacity_at() for the new
// level; then asks next_change_after() for its next wake-up. At every change point the new level
// must apply, and the next change must be strictly later (else the pool re-schedules the same
// instant forever).
TEST(CapacityScheduleTest, ChangePointsReturnedByNextChangeApplyAtThatInstant) {
  const Time opens = 8 * kHour + 20.0 / 60.0;
  const Time closes = 17 * kHour + 40.0 / 60.0;
  const CapacitySchedule s = CapacitySchedule::cyclic({{0, 0}, {opens, 2}, {closes, 0}}, kDay);
  Time t = 0.0;
  for (int i = 0; i < 3 * 365; ++i) {
    const Time next = s.next_change_after(t);
    ASSERT_GT(next, t) << "change " << i << " at " << t;
    t = next;
    const int expected = (i % 3 == 0) ? 2 : 0;  // opens, closes, midnight (still closed)
    ASSERT_EQ(s.capacity_at(t), expected) << "change " << i << " at t = " << t;
  }
}

// The binary search against the definition, by brute force: the latest change point at or
// before t, and the earliest strictly after, over the cycles either side of t. Weekly schedules
// with change points at odd seconds (not binary fractions), asked at random times, at the change
// points themselves and one ulp either side, over ten years.
TEST(CapacityScheduleTest, AgreesWithABruteForceSearchOverNeighbouringCycles) {
  RandomEngine rng = make_engine(17);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<CapacityChange> changes{{0.0, static_cast<int>(rng() % 3)}};
    Time at = 0;
    const int count = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < count; ++i) {
      at += static_cast<double>(1 + rng() % 36000) / 60.0;  // 1 s to 10 h, in seconds
      if (at >= kWeek) break;
      changes.push_back({at, static_cast<int>(rng() % 4)});
    }
    const CapacitySchedule s = CapacitySchedule::cyclic(changes, kWeek);
    const auto brute_capacity = [&](Time t) {
      int servers = changes.front().servers;
      Time latest = -kInf;
      const double cycle = std::floor(t / kWeek);
      for (const double k : {cycle - 1, cycle, cycle + 1}) {
        for (const CapacityChange& c : changes) {
          const Time time = k * kWeek + c.at;
          if (k >= 0 && time <= t && time >= latest) {
            latest = time;
            servers = c.servers;
          }
        }
      }
      return servers;
    };
    const auto brute_next = [&](Time t) {
      Time next = kNever;
      const double cycle = std::floor(t / kWeek);
      for (const double k : {cycle - 1, cycle, cycle + 1}) {
        for (const CapacityChange& c : changes) {
          const Time time = k * kWeek + c.at;
          if (k >= 0 && time > t && time < next) next = time;
        }
      }
      return changes.size() == 1 ? kNever : next;
    };
    std::vector<Time> times;
    for (int i = 0; i < 200; ++i) times.push_back(static_cast<double>(rng() % 5256000) * 1.000001);
    for (int week = 0; week < 520; week += 37) {
      for (const CapacityChange& c : changes) {
        const Time t = week * kWeek + c.at;
        times.insert(times.end(), {t, std::nextafter(t, 0.0), std::nextafter(t, kInf)});
      }
    }
    for (const Time t : times) {
      ASSERT_EQ(s.capacity_at(t), brute_capacity(t)) << "trial " << trial << ", t = " << t;
      ASSERT_EQ(s.next_change_after(t), brute_next(t)) << "trial " << trial << ", t = " << t;
    }
  }
}

// A cursor must answer exactly as the searches do, whatever the schedule: random weekly cycles
// and one-off schedules, with and without dated windows, followed over ten years of queries that
// land on change points (as a pool asks), just before or after them, between them, or skip
// several at once (as a team whose cache ran out long ago asks), and once back in time.
TEST(CapacityScheduleTest, CursorAnswersAsTheSearchesDo) {
  RandomEngine rng = make_engine(29);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<CapacityChange> changes{{0.0, static_cast<int>(rng() % 3)}};
    Time at = 0;
    const int count = static_cast<int>(rng() % 12);
    for (int i = 0; i < count; ++i) {
      at += static_cast<double>(1 + rng() % 36000) / 60.0 * 1.000001;
      if (at >= kWeek) break;
      changes.push_back({at, static_cast<int>(rng() % 4)});
    }
    CapacitySchedule s = trial % 4 == 3 ? CapacitySchedule::piecewise(changes)
                                        : CapacitySchedule::cyclic(changes, kWeek);
    if (trial % 2 == 1) {
      const Time from = static_cast<double>(rng() % 20000) + 0.25;
      s = s.with_window(from, from + static_cast<double>(1 + rng() % 30000),
                        [](int servers) { return servers / 2; });
    }
    CapacityCursor cursor;
    Time t = 0;
    int landed = 0;
    for (int query = 0; query < 3000 && t < 520 * kWeek; ++query) {
      const CapacityChange got = s.next_change(t, cursor);
      const CapacityChange want = s.next_change(t);
      ASSERT_EQ(got.at, want.at) << "trial " << trial << ", query " << query << ", t = " << t;
      ASSERT_EQ(got.servers, want.servers) << "trial " << trial << ", t = " << t;
      ASSERT_EQ(cursor.servers(), s.capacity_at(t)) << "trial " << trial << ", t = " << t;
      if (want.at == kNever) break;
      switch (rng() % 8) {
        case 0:  // between now and the next change
          t += (want.at - t) * 0.5;
          break;
        case 1:  // just before it
          t = std::nextafter(want.at, 0.0);
          break;
        case 2:  // several changes ahead
          t = want.at + static_cast<double>(rng() % 20000);
          break;
        case 3:  // back in time, once in a while
          t = query % 50 == 0 ? std::max(0.0, t - 1000.0) : want.at;
          break;
        default:  // at the change, as a pool asks
          t = want.at;
          ++landed;
      }
    }
    if (trial % 4 != 3 && changes.size() > 1) {  // cycles go on: many changes were landed on
      EXPECT_GT(landed, 10) << "trial " << trial;
    }
  }
}

TEST(CapacityScheduleTest, NegativeTimesUseTheCapacityAtTimeZero) {
  const CapacitySchedule s = CapacitySchedule::piecewise({{0, 5}, {10, 1}});
  EXPECT_EQ(s.capacity_at(-3.0), 5);
  EXPECT_EQ(s.next_change_after(-3.0), 10.0);
}

// Asking a cyclic schedule about the end of time must answer (or reject the question), not
// loop: floor(inf / period) is inf, and stepping a cycle counter from inf never ends. Runs in
// a child process with an alarm so that a hang fails this test only.
[[noreturn]] void ask_cyclic_schedule_about_infinity() {
#if defined(__unix__)
  alarm(5);
#endif
  const CapacitySchedule s = weekly_opening_hours();
  bool ok = true;
  try {
    ok = ok && s.next_change_after(kNever) == kNever;
  } catch (const InvalidParameter&) {
  }
  try {
    const int servers = s.capacity_at(kNever);
    ok = ok && servers >= 0 && servers <= s.max_capacity();
  } catch (const InvalidParameter&) {
  }
  std::exit(ok ? 0 : 3);
}

TEST(CapacityScheduleDeathTest, CyclicScheduleAnswersForInfiniteTimes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(ask_cyclic_schedule_about_infinity(), ::testing::ExitedWithCode(0), "");
}

// --- Bad input -------------------------------------------------------------------------------

TEST(CapacityScheduleTest, RejectsOutOfOrderChangePoints) {
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::piecewise({{0, 1}, {60, 2}, {30, 3}});
      },
      ThrowsMessage<InvalidParameter>(AllOf(HasSubstr("out of order"),
                                            HasSubstr("change 2 at time 30"),
                                            HasSubstr("change 1 at time 60"))));
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::piecewise({{0, 1}, {60, 2}, {60, 3}});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("out of order")));
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::cyclic({{0, 1}, {600, 2}, {480, 3}}, kDay);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("out of order")));
}

TEST(CapacityScheduleTest, RejectsAFirstChangeNotAtZero) {
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::piecewise({{5, 1}, {10, 2}});
      },
      ThrowsMessage<InvalidParameter>(
          HasSubstr("the first change point must be at time 0, got 5")));
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::cyclic({{480, 2}, {1020, 0}}, kDay);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("first change point must be at time 0")));
  EXPECT_THAT([] { (void)CapacitySchedule::piecewise({}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at least one change point")));
}

TEST(CapacityScheduleTest, RejectsNegativeServers) {
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::piecewise({{0, 1}, {60, -1}});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("servers at change 1 must be >= 0, got -1")));
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::cyclic({{0, -2}}, kDay);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("must be >= 0, got -2")));
}

TEST(CapacityScheduleTest, RejectsBadPeriods) {
  for (const double period : {0.0, -1440.0, kNaN, kInf}) {
    EXPECT_THAT(
        [period] {
          (void)CapacitySchedule::cyclic({{0, 1}}, period);
        },
        ThrowsMessage<InvalidParameter>(HasSubstr("period must be > 0 and finite")))
        << period;
  }
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::cyclic({{0, 1}}, -5.0);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("got -5")));
}

TEST(CapacityScheduleTest, RejectsChangesOutsideThePeriod) {
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::cyclic({{0, 1}, {1440, 2}}, kDay);
      },
      ThrowsMessage<InvalidParameter>(
          HasSubstr("change 1 at time 1440 is not inside the period 1440")));
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::cyclic({{0, 1}, {2000, 2}}, kDay);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("not inside the period")));
}

TEST(CapacityScheduleTest, RejectsNonFiniteChangeTimes) {
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::piecewise({{0, 1}, {kNaN, 2}});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("must be finite, got nan")));
  EXPECT_THAT(
      [] {
        (void)CapacitySchedule::piecewise({{0, 1}, {kInf, 2}});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("must be finite, got inf")));
}

TEST(CapacityScheduleTest, RejectsConstantWithoutServers) {
  EXPECT_THAT([] { (void)CapacitySchedule::constant(0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("servers c must be >= 1, got 0")));
  EXPECT_THAT([] { (void)CapacitySchedule::constant(-3); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got -3")));
}

// Dated windows (absences, closures) against their definition: the base schedule, with each
// window's transform applied to the servers inside it, in order; and next_change walks exactly
// the points where that changes.
TEST(CapacityScheduleTest, DatedWindowsAgreeWithTheirDefinition) {
  // Open 08:00-12:00 (3 staff) and 14:00-18:00 (2 staff) every day.
  const CapacitySchedule base =
      CapacitySchedule::cyclic({{0, 0}, {480, 3}, {720, 0}, {840, 2}, {1080, 0}}, kDay);
  auto absent_third = [](int servers) {
    return static_cast<int>(std::floor(servers * 2 / 3.0 + 0.5));
  };
  auto closed = [](int) { return 0; };
  // An absence over days 2-9 from mid-morning, and a closure over day 5 to noon of day 6.
  const CapacitySchedule shocked = base.with_window(2 * kDay + 600, 9 * kDay, absent_third)
                                       .with_window(5 * kDay, 6 * kDay + 720, closed);
  auto expected = [&](Time t) {
    int servers = base.capacity_at(t);
    if (t >= 2 * kDay + 600 && t < 9 * kDay) servers = absent_third(servers);
    if (t >= 5 * kDay && t < 6 * kDay + 720) servers = 0;
    return servers;
  };
  for (Time t = 0; t < 12 * kDay; t += 7.5) {
    ASSERT_EQ(shocked.capacity_at(t), expected(t)) << "at " << t;
  }
  // Walking next_change from 0 lands on every change of the expected capacity, and only there.
  Time t = 0;
  int changes = 0;
  for (CapacityChange next = shocked.next_change(t); next.at < 12 * kDay;
       next = shocked.next_change(next.at)) {
    EXPECT_EQ(next.servers, expected(next.at)) << "at " << next.at;
    EXPECT_EQ(shocked.capacity_at(next.at), next.servers);
    for (Time u = t + 2.5; u < next.at; u += 2.5) {
      ASSERT_EQ(shocked.capacity_at(u), shocked.capacity_at(t))
          << "between " << t << " and " << next.at;
    }
    t = next.at;
    ++changes;
  }
  EXPECT_GT(changes, 30);
  // After the windows the cycle goes on as before.
  EXPECT_EQ(shocked.capacity_at(20 * kDay + 500), 3);
  EXPECT_EQ(shocked.next_change(20 * kDay + 500).at, 20 * kDay + 720);
  EXPECT_FALSE(shocked.is_constant());
  EXPECT_GT(shocked.change_points(), base.change_points());
}

TEST(CapacityScheduleTest, ADatedWindowOnAConstantScheduleEnds) {
  const CapacitySchedule closed =
      CapacitySchedule::constant(4).with_window(100, 250, [](int) { return 0; });
  EXPECT_EQ(closed.capacity_at(99), 4);
  EXPECT_EQ(closed.capacity_at(100), 0);
  EXPECT_EQ(closed.capacity_at(249.9), 0);
  EXPECT_EQ(closed.capacity_at(250), 4);
  EXPECT_EQ(closed.next_change(0).at, 100);
  EXPECT_EQ(closed.next_change(100).at, 250);
  EXPECT_EQ(closed.next_change(100).servers, 4);
  EXPECT_EQ(closed.next_change(250).at, kNever);
  EXPECT_THAT(
      [] { (void)CapacitySchedule::constant(1).with_window(5, 5, [](int s) { return s; }); },
      ThrowsMessage<InvalidParameter>(HasSubstr("needs 0 <= from < to")));
}

}  // namespace
}  // namespace circlesim::sim
