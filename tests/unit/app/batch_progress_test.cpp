// Tests for app/batch_progress: the pause between log lines stays in its range whatever the
// caller passes (a NaN or zero pause made the reporting loop spin and never stop), and the
// progress line counts replications and simulated time.
#include "app/batch_progress.hpp"
#include "tests/unit/test_constants.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

namespace circlesim::app {
namespace {

TEST(BatchProgress, LogPeriodIsClampedAndNeverNaN) {
  EXPECT_DOUBLE_EQ(log_period(2.0).count(), 2.0);
  EXPECT_DOUBLE_EQ(log_period(0.001).count(), kMinLogSeconds);
  EXPECT_DOUBLE_EQ(log_period(1e9).count(), kMaxLogSeconds);
  for (const double bad : {kNaN, std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(), 0.0, -1.0}) {
    EXPECT_DOUBLE_EQ(log_period(bad).count(), kDefaultLogSeconds) << bad;
  }
}

TEST(BatchProgress, StopsPromptlyWhateverTheInterval) {
  for (const double seconds : {kNaN, 0.0, -3.0}) {
    const auto started = std::chrono::steady_clock::now();
    BatchProgress progress({60.0, 60.0}, "test: ", seconds);
    progress.finished(0);
    progress.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << seconds;
    EXPECT_EQ(progress.line().substr(0, 23), "test: 1/2 replications,");
  }
}

}  // namespace
}  // namespace circlesim::app
