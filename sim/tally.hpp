// Streaming summary of a sequence of observations (count, mean, sample variance, min, max, sum)
// in constant memory, and a plain event counter.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/error.hpp"

namespace circlesim::sim {

// Welford's update keeps the mean and the sum of squared deviations directly, so the variance
// stays accurate when the values share a large offset (the textbook sum-of-squares formula loses
// every digit for values like 1e9 + u). Undefined statistics are quiet NaN, never a fake 0: mean,
// min and max of an empty tally, and the sample variance of fewer than two values.
class Tally {
 public:
  void add(double x) {
    CIRCLESIM_REQUIRE(std::isfinite(x), "tally: observation must be finite, got {}", x);
    ++count_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(count_);
    m2_ += delta * (x - mean_);
    sum_ += x;
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
  }

  // Combines another tally as if all its observations had been added here (Chan, Golub and
  // LeVeque's pairwise formula), e.g. to pool replications or threads.
  void merge(const Tally& other);

  void reset() { *this = Tally(); }

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] bool empty() const { return count_ == 0; }
  [[nodiscard]] double mean() const { return count_ == 0 ? kUndefined : mean_; }
  // Sample variance, divisor n - 1.
  [[nodiscard]] double variance() const {
    return count_ < 2 ? kUndefined : m2_ / static_cast<double>(count_ - 1);
  }
  [[nodiscard]] double stddev() const { return std::sqrt(variance()); }
  [[nodiscard]] double min() const { return count_ == 0 ? kUndefined : min_; }
  [[nodiscard]] double max() const { return count_ == 0 ? kUndefined : max_; }
  [[nodiscard]] double sum() const { return sum_; }

 private:
  static constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

  std::uint64_t count_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;  // sum of squared deviations from the running mean
  double sum_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// Counts events (or units); merging adds.
struct Counter {
  std::uint64_t value = 0;

  void add(std::uint64_t n = 1) { value += n; }
  void merge(const Counter& other) { value += other.value; }
  void reset() { value = 0; }
};

}  // namespace circlesim::sim
