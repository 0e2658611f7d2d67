// Tests for sim/interval_series: per-interval averages and counts worked by hand, boundaries,
// merging replications and bad input.
#include "sim/interval_series.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace circlesim::sim {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// 15-minute intervals from 0. Signal: 0 on [0, 5), 2 on [5, 15), 4 on [15, 20) (the change at 15
// is exactly on a boundary), 1 on [20, 40), 3 on [40, 50); the run ends at 50.
//   [0, 15):  0*5 + 2*10 = 20 -> 20/15
//   [15, 30): 4*5 + 1*10 = 30 -> 2
//   [30, 45): 1*10 + 3*5 = 25 -> 25/15
//   [45, 50): 3*5 over 5 minutes -> 3
IntervalSeries hand_series() {
  IntervalSeries series(0.0, 15.0);
  series.update(5.0, 2.0);
  series.update(15.0, 4.0);
  series.update(20.0, 1.0);
  series.update(40.0, 3.0);
  series.finish(50.0);
  return series;
}

TEST(IntervalSeriesTest, HandWorkedAveragesAcrossIntervals) {
  const IntervalSeries series = hand_series();
  EXPECT_EQ(series.interval_width(), 15.0);
  ASSERT_EQ(series.size(), 4u);
  EXPECT_THAT(series.values(), ElementsAre(DoubleEq(20.0 / 15.0), DoubleEq(2.0),
                                           DoubleEq(25.0 / 15.0), DoubleEq(3.0)));
  EXPECT_EQ(series.start_time(0), 0.0);
  EXPECT_EQ(series.start_time(3), 45.0);
  EXPECT_EQ(series.replications(), 1u);
  EXPECT_THAT(series.coverage(), ElementsAre(1u, 1u, 1u, 1u));
  EXPECT_EQ(series.mean_values(), series.values());
}

TEST(IntervalSeriesTest, OffsetStartAndEndOnBoundary) {
  // From 8:00; busy servers 1 until 8:20, 3 until 8:30 (a boundary), then 0; ends at 8:45.
  IntervalSeries series(480.0, 15.0, 1.0, 525.0);
  series.add(500.0, 2.0);
  series.update(510.0, 0.0);
  series.finish(525.0);  // exactly on a boundary: no empty interval after it
  ASSERT_EQ(series.size(), 3u);
  // [480, 495): 1. [495, 510): 1*5 + 3*10 = 35. [510, 525): 0.
  EXPECT_THAT(series.values(), ElementsAre(DoubleEq(1.0), DoubleEq(35.0 / 15.0), DoubleEq(0.0)));
  EXPECT_EQ(series.start_time(2), 510.0);
}

TEST(IntervalSeriesTest, LongGapFillsEveryInterval) {
  IntervalSeries series(0.0, 15.0, 2.0);
  series.update(100.0, 0.0);
  series.finish(100.0);
  ASSERT_EQ(series.size(), 7u);  // the last one, [90, 105), covered for 10 minutes
  for (const double v : series.values()) EXPECT_DOUBLE_EQ(v, 2.0);
}

TEST(IntervalSeriesTest, EndAtStartGivesNoIntervals) {
  IntervalSeries series(10.0, 15.0, 5.0);
  series.finish(10.0);
  EXPECT_EQ(series.size(), 0u);
  EXPECT_TRUE(series.values().empty());
}

TEST(IntervalSeriesTest, BoundariesConsistentWithStartTimes) {
  // Width 0.1 and an irrational-looking start: (t - t0) / w rounds either way at boundaries. A
  // signal equal to the interval index, changing at each start_time(i), must average exactly that
  // index in every interval.
  IntervalSeries series(1.0 / 3.0, 0.1);
  for (std::size_t i = 1; i < 1000; ++i)
    series.update(series.start_time(i), static_cast<double>(i));
  series.finish(series.start_time(1000));
  ASSERT_EQ(series.size(), 1000u);
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_NEAR(series.values()[i], static_cast<double>(i), 1e-9 * static_cast<double>(i + 1));
  }
}

TEST(IntervalSeriesTest, MergeSumsAndCountsCoverage) {
  IntervalSeries merged = hand_series();
  IntervalSeries shorter(0.0, 15.0, 1.0);
  shorter.finish(30.0);  // reaches two intervals only
  merged.merge(shorter);
  EXPECT_EQ(merged.replications(), 2u);
  EXPECT_THAT(merged.values(), ElementsAre(DoubleEq(20.0 / 15.0 + 1.0), DoubleEq(3.0),
                                           DoubleEq(25.0 / 15.0), DoubleEq(3.0)));
  EXPECT_THAT(merged.coverage(), ElementsAre(2u, 2u, 1u, 1u));
  // Intervals the shorter run never reached average over the one run that did.
  EXPECT_THAT(merged.mean_values(), ElementsAre(DoubleEq((20.0 / 15.0 + 1.0) / 2.0), DoubleEq(1.5),
                                                DoubleEq(25.0 / 15.0), DoubleEq(3.0)));

  // Merging the other way round grows the shorter one.
  IntervalSeries other(0.0, 15.0, 1.0);
  other.finish(30.0);
  other.merge(hand_series());
  EXPECT_EQ(other.values(), merged.values());
  EXPECT_EQ(other.coverage(), merged.coverage());
}

TEST(IntervalSeriesTest, RejectsBadInput) {
  EXPECT_THAT([] { IntervalSeries bad(0.0, 0.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("interval series: interval width must be finite and > 0, got 0")));
  EXPECT_THAT([] { IntervalSeries bad(0.0, -15.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got -15")));
  EXPECT_THAT([] { IntervalSeries bad(std::nan(""), 15.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("start_time must be finite, got nan")));
  EXPECT_THAT([] { IntervalSeries bad(0.0, 15.0, HUGE_VAL); },
              ThrowsMessage<InvalidParameter>(HasSubstr("initial_value must be finite, got inf")));
  EXPECT_THAT([] { IntervalSeries bad(0.0, 1e-9, 0.0, 525600.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("intervals, more than")));

  IntervalSeries series(0.0, 15.0);
  series.update(20.0, 1.0);
  EXPECT_THAT([&] { series.update(25.0, std::nan("")); },
              ThrowsMessage<InvalidParameter>(HasSubstr("interval series: value must be finite")));
  EXPECT_THAT([&] { (void)series.values(); },
              ThrowsMessage<InvalidParameter>(HasSubstr("call finish() before reading values")));
  EXPECT_THAT([&] { series.finish(10.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("end must be finite and >= the last update 20, got 10")));
  IntervalSeries finished(0.0, 15.0);
  finished.finish(30.0);
  EXPECT_THAT([&] { finished.merge(series); },
              ThrowsMessage<InvalidParameter>(HasSubstr("finish() both series before merging")));
  series.finish(30.0);
  IntervalSeries wider(0.0, 30.0);
  wider.finish(30.0);
  EXPECT_THAT([&] { series.merge(wider); },
              ThrowsMessage<InvalidParameter>(HasSubstr("width 15 vs 30")));
  EXPECT_THAT([&] { series.finish(40.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("finish() called twice")));
}

TEST(IntervalCounterTest, HandWorkedCounts) {
  IntervalCounter counter(0.0, 15.0, 60.0);
  counter.add(0.0);
  counter.add(14.9);
  counter.add(15.0);  // on the boundary: the later interval
  counter.add(47.0, 2.5);
  counter.finish(60.0);
  EXPECT_EQ(counter.interval_width(), 15.0);
  ASSERT_EQ(counter.size(), 4u);
  EXPECT_THAT(counter.values(), ElementsAre(2.0, 1.0, 0.0, 2.5));
  EXPECT_EQ(counter.start_time(2), 30.0);
}

TEST(IntervalCounterTest, FinishExtendsToTheEndWithZeros) {
  IntervalCounter counter(0.0, 15.0);
  counter.add(3.0);
  counter.finish(61.0);  // [60, 75) is reached for one minute
  EXPECT_THAT(counter.values(), ElementsAre(1.0, 0.0, 0.0, 0.0, 0.0));
  IntervalCounter at_end(0.0, 15.0);
  at_end.add(60.0);  // an event exactly at the end keeps the interval starting there
  at_end.finish(60.0);
  EXPECT_THAT(at_end.values(), ElementsAre(0.0, 0.0, 0.0, 0.0, 1.0));
}

TEST(IntervalCounterTest, OutOfOrderEvents) {
  IntervalCounter counter(100.0, 10.0);
  counter.add(135.0);
  counter.add(101.0);
  counter.add(120.0, 3.0);
  counter.finish(140.0);
  EXPECT_THAT(counter.values(), ElementsAre(1.0, 0.0, 3.0, 1.0));
}

TEST(IntervalCounterTest, BoundariesConsistentWithStartTimes) {
  IntervalCounter counter(1.0 / 3.0, 0.1);
  for (std::size_t i = 0; i < 1000; ++i) counter.add(counter.start_time(i));
  counter.finish(counter.start_time(1000));
  ASSERT_EQ(counter.size(), 1000u);
  for (const double v : counter.values()) EXPECT_EQ(v, 1.0);
}

TEST(IntervalCounterTest, MergeReplications) {
  IntervalCounter a(0.0, 15.0);
  a.add(1.0);
  a.add(20.0, 4.0);
  a.finish(30.0);
  IntervalCounter b(0.0, 15.0);
  b.add(2.0, 3.0);
  b.finish(45.0);
  a.merge(b);
  EXPECT_EQ(a.replications(), 2u);
  EXPECT_THAT(a.values(), ElementsAre(4.0, 4.0, 0.0));
  EXPECT_THAT(a.coverage(), ElementsAre(2u, 2u, 1u));
  EXPECT_THAT(a.mean_values(), ElementsAre(2.0, 2.0, 0.0));
}

TEST(IntervalCounterTest, RejectsBadInput) {
  EXPECT_THAT([] { IntervalCounter bad(0.0, HUGE_VAL); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("interval counter: interval width must be finite and > 0, got inf")));
  IntervalCounter counter(0.0, 15.0);
  EXPECT_THAT([&] { counter.add(-1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr(
                  "interval counter: event time must be finite and >= the start 0, got -1")));
  EXPECT_THAT([&] { counter.add(5.0, -2.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("interval counter: amount must be finite and >= 0, got -2")));
  counter.add(40.0);
  EXPECT_THAT([&] { counter.finish(30.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("end must be finite and >= the latest event 40, got 30")));
  counter.finish(45.0);
  IntervalCounter shifted(5.0, 15.0);
  shifted.finish(50.0);
  EXPECT_THAT([&] { counter.merge(shifted); },
              ThrowsMessage<InvalidParameter>(HasSubstr("start_time 0 vs 5")));
}

}  // namespace
}  // namespace circlesim::sim
