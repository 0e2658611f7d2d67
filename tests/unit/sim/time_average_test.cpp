// Tests for sim/time_average: areas worked by hand, warm-up reset, merging, bad input.
#include "sim/time_average.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace circlesim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Signal: 2 on [0, 3), 5 on [3, 7), 1 from 7 on. Areas: 6 + 20 + 1 per minute after 7.
TimeAverage hand_example() {
  TimeAverage average(0.0, 2.0);
  average.update(3.0, 5.0);
  average.update(7.0, 1.0);
  return average;
}

TEST(TimeAverageTest, HandComputedAreas) {
  const TimeAverage average = hand_example();
  EXPECT_EQ(average.value(), 1.0);
  EXPECT_DOUBLE_EQ(average.integral(7.0), 26.0);
  EXPECT_DOUBLE_EQ(average.integral(10.0), 29.0);
  EXPECT_DOUBLE_EQ(average.duration(10.0), 10.0);
  EXPECT_DOUBLE_EQ(average.mean(10.0), 2.9);
  EXPECT_EQ(average.max(), 5.0);
  EXPECT_EQ(average.min(), 1.0);

  TimeAverage early(0.0, 2.0);
  early.update(3.0, 5.0);
  EXPECT_DOUBLE_EQ(early.mean(3.0), 2.0);
  EXPECT_DOUBLE_EQ(early.mean(5.0), (6.0 + 10.0) / 5.0);
}

TEST(TimeAverageTest, NonZeroStartAndSteps) {
  // A queue from 8:00 (480 min): +1 at 490, +1 at 500, -1 at 520, -1 at 530; observe to 540.
  TimeAverage queue(480.0, 0.0);
  queue.add(490.0, 1.0);
  queue.add(500.0, 1.0);
  queue.add(520.0, -1.0);
  queue.add(530.0, -1.0);
  // Area: 1*10 + 2*20 + 1*10 = 60 over 60 minutes.
  EXPECT_DOUBLE_EQ(queue.integral(540.0), 60.0);
  EXPECT_DOUBLE_EQ(queue.mean(540.0), 1.0);
  EXPECT_EQ(queue.max(), 2.0);
  EXPECT_EQ(queue.value(), 0.0);
}

TEST(TimeAverageTest, InstantaneousValueCountsForMaxNotArea) {
  TimeAverage average(0.0, 0.0);
  average.update(5.0, 9.0);
  average.update(5.0, 1.0);  // 9 held for no time
  EXPECT_EQ(average.max(), 9.0);
  EXPECT_DOUBLE_EQ(average.integral(10.0), 5.0);
}

TEST(TimeAverageTest, ZeroLengthWindowMeanIsCurrentValue) {
  const TimeAverage average(12.0, 4.0);
  EXPECT_EQ(average.mean(12.0), 4.0);
  EXPECT_EQ(average.integral(12.0), 0.0);
}

TEST(TimeAverageTest, ResetCutsWarmUpKeepingValue) {
  TimeAverage average(0.0, 2.0);
  average.update(3.0, 5.0);
  average.reset(5.0);  // inside the 5-valued stretch: [0, 5) is warm-up
  EXPECT_EQ(average.value(), 5.0);
  EXPECT_EQ(average.start_time(), 5.0);
  EXPECT_EQ(average.max(), 5.0);
  EXPECT_EQ(average.min(), 5.0);  // the warm-up's 2 is forgotten
  // [5, 7) at 5, [7, 10) at 1: area 13 over 5 minutes.
  average.update(7.0, 1.0);
  EXPECT_DOUBLE_EQ(average.integral(10.0), 13.0);
  EXPECT_DOUBLE_EQ(average.mean(10.0), 2.6);
  EXPECT_EQ(average.min(), 1.0);
}

TEST(TimeAverageTest, MergeAddsAreasAndDurations) {
  TimeAverage a = hand_example();  // area 29 over [0, 10)
  TimeAverage b(100.0, 3.0);       // 3 on [100, 104), 7 on [104, 110): 12 + 42 = 54 over 10
  b.update(104.0, 7.0);
  a.merge(b, 110.0);
  EXPECT_DOUBLE_EQ(a.integral(10.0), 29.0 + 54.0);
  EXPECT_DOUBLE_EQ(a.duration(10.0), 20.0);
  EXPECT_DOUBLE_EQ(a.mean(10.0), 83.0 / 20.0);
  EXPECT_EQ(a.max(), 7.0);
  EXPECT_EQ(a.min(), 1.0);
  // The merged window keeps running on this signal.
  EXPECT_DOUBLE_EQ(a.mean(20.0), (83.0 + 10.0) / 30.0);
}

TEST(TimeAverageTest, RejectsBadInput) {
  EXPECT_THAT(
      [] { TimeAverage bad(std::nan(""), 0.0); },
      ThrowsMessage<InvalidParameter>(HasSubstr("time average: start_time must be finite")));
  EXPECT_THAT([] { TimeAverage bad(0.0, HUGE_VAL); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("time average: initial_value must be finite, got inf")));
  TimeAverage average(0.0, 1.0);
  EXPECT_THAT([&] { average.update(1.0, std::nan("")); },
              ThrowsMessage<InvalidParameter>(HasSubstr("time average: value must be finite")));
  TimeAverage other(0.0, 1.0);
  other.update(5.0, 2.0);
  EXPECT_THAT([&] { average.merge(other, 4.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("merge end must be finite and >= the "
                                                        "other's last update 5, got 4")));
}

TEST(TimeAverageDeathTest, TimeGoingBackwardsIsAsserted) {
  TimeAverage average(0.0, 1.0);
  average.update(5.0, 2.0);
  EXPECT_DEBUG_DEATH(average.update(4.0, 3.0), "time went backwards");
}

}  // namespace
}  // namespace circlesim::sim
