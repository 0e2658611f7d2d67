// run.trace through the loader: the time series' interval is read as a duration, refused
// outside 1 min to 7 d at its own key, and left unset when not given so that the model's default
// applies (15 min for rooms, an hour for a city).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "models/scenario/loader.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::scenario {
namespace {

using ::testing::HasSubstr;

class TraceSettingsTest : public ScratchDirTest {
 protected:
  // A room scenario whose run.trace block is `trace` (empty: none).
  std::optional<Scenario> load(const std::string& trace, Diagnostics& diagnostics) {
    const std::string text = R"(run:
  name: trace
  horizon: 1d
)" + trace + R"(
facilities:
  community_centres:
    - id: centre
      rooms:
        - {type: health, staff: 1}
services:
  - id: consultation
    channel: centre_room
    room: health
    demand: [{rate: 2/h}]
    duration: {dist: exponential, mean: 12min}
)";
    return load_scenario(write("scenario.yaml", text), {}, diagnostics);
  }
};

TEST_F(TraceSettingsTest, IntervalIsADuration) {
  Diagnostics diagnostics;
  const auto s = load("  trace: {interval: 2h}", diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_TRUE(s->run.trace_interval.has_value());
  EXPECT_EQ(*s->run.trace_interval, 120.0);
}

TEST_F(TraceSettingsTest, WithoutAnIntervalTheModelDefaultApplies) {
  Diagnostics diagnostics;
  const auto s = load("", diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  EXPECT_FALSE(s->run.trace_interval.has_value());
  EXPECT_EQ(default_trace_interval(false), 15.0);
  EXPECT_EQ(default_trace_interval(true), 60.0);
}

TEST_F(TraceSettingsTest, IntervalOutsideOneMinuteToAWeekIsRefusedAtItsKey) {
  for (const std::string value : {"30s", "8d"}) {
    SCOPED_TRACE(value);
    Diagnostics diagnostics;
    EXPECT_FALSE(load("  trace: {interval: " + value + "}", diagnostics));
    EXPECT_THAT(diagnostics.to_string(),
                HasSubstr("scenario.yaml:4:21: run.trace.interval: the time series' interval must "
                          "be from 1 min to 7 d"));
  }
}

}  // namespace
}  // namespace circlesim::scenario
