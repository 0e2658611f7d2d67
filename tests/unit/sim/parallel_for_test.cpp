// Tests for sim/parallel_for: every index once whatever the thread count, the first failure
// rethrown after the others stop, nothing to do is fine.
#include "sim/parallel_for.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace circlesim::sim {
namespace {

TEST(ParallelForTest, RunsEveryIndexExactlyOnce) {
  for (const int jobs : {1, 2, 3, 8}) {
    std::vector<std::atomic<int>> calls(100);
    parallel_for(calls.size(), jobs, [&](std::size_t i) { ++calls[i]; });
    for (std::size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(calls[i].load(), 1) << "index " << i << " with " << jobs << " jobs";
    }
  }
}

TEST(ParallelForTest, MoreJobsThanIndicesAndNoIndicesAtAll) {
  std::atomic<int> calls{0};
  parallel_for(2, 16, [&](std::size_t) { ++calls; });
  EXPECT_EQ(calls.load(), 2);
  parallel_for(0, 4, [&](std::size_t) { ++calls; });
  EXPECT_EQ(calls.load(), 2);
}

TEST(ParallelForTest, RethrowsTheFailureAndStopsHandingOutIndices) {
  std::atomic<int> calls{0};
  try {
    parallel_for(1000000, 2, [&](std::size_t i) {
      ++calls;
      if (i == 3) throw std::runtime_error("index 3 failed");
    });
    FAIL() << "expected the failure to be rethrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "index 3 failed");
  }
  // Each thread stops at its next index: far from all of the million ran.
  EXPECT_LT(calls.load(), 1000000);
}

}  // namespace
}  // namespace circlesim::sim
