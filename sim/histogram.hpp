// Quantiles with a bounded relative error in constant memory: a DDSketch-style histogram with
// logarithmic buckets, pre-sized for a value range, plus an exact bucket for zeros.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::sim {

// With gamma = (1 + alpha) / (1 - alpha), bucket k covers (gamma^(i-1), gamma^i] for
// i = first_index + k, and its representative 2 gamma^i / (gamma + 1) is within relative error
// alpha of every value in it. Three ranges:
//  - values <= min_positive (exact zeros, common for waiting times) go to a zero bucket and are
//    reported as 0: exact for zeros, absolute error <= min_positive for tiny positive values;
//  - values in (min_positive, max_value] go to the log buckets, relative error <= alpha;
//  - values > max_value (including +inf) go to an overflow count, reported as max_value (except
//    the largest, see quantile): a lower bound with unbounded error, so size max_value generously.
// The exact observed min and max are kept as well; estimates are clamped to them.
class Histogram {
 public:
  // The bucket array is allocated here once; add() never allocates. Throws InvalidParameter for
  // alpha outside (0, 1), a bad range, or a range needing more than kMaxBuckets buckets.
  Histogram(double relative_error, double min_positive, double max_value);

  static constexpr std::size_t kMaxBuckets = std::size_t{1} << 22;

  // Records `count` observations of value x (>= 0; NaN or negative throw InvalidParameter).
  void add(double x, std::uint64_t count = 1) {
    CIRCLESIM_REQUIRE(x >= 0.0, "histogram: value must be >= 0, got {}", x);  // NaN fails too
    if (count == 0) return;
    total_ += count;
    if (x <= min_positive_) {
      zero_count_ += count;
    } else if (x > max_value_) {
      overflow_count_ += count;
    } else {
      counts_[bucket_index(x)] += count;
    }
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
  }

  // Adds another histogram's counts: the result equals having added all values here. Requires
  // the same relative_error, min_positive and max_value (else InvalidParameter).
  void merge(const Histogram& other);

  // Forgets all observations; keeps the configuration and the allocated buckets.
  void reset();

  [[nodiscard]] std::uint64_t count() const { return total_; }

  // The value of the ceil(q n)-th smallest observation (the first for q = 0), within relative
  // error alpha (see the ranges above). q n within a few ulps of an integer counts as that
  // integer, so that q = 0.1 with n = 1e5 means the 10000th value whatever the rounding of 0.1.
  // Ranks 1 and n (q = 0 and q = 1) return the exact observed min and max, even in the zero or
  // overflow range. NaN when empty; q outside [0, 1] throws InvalidParameter.
  [[nodiscard]] double quantile(double q) const;

  // Fraction of observations <= x. Exact for x below the observed min, at or above the observed
  // max, and for x < min_positive (the zero bucket counts as all zeros). Otherwise the whole
  // bucket holding x is counted, so the result lies between the true F(x) and F(gamma x). For
  // min_positive < x < observed max, overflowed values count as greater than x. NaN when empty.
  [[nodiscard]] double cdf(double x) const;

  [[nodiscard]] double relative_error() const { return alpha_; }
  [[nodiscard]] double gamma() const { return gamma_; }
  [[nodiscard]] double min_positive() const { return min_positive_; }
  [[nodiscard]] double max_value() const { return max_value_; }
  // Exact extremes observed; NaN when empty.
  [[nodiscard]] double min() const { return total_ == 0 ? kUndefined : min_; }
  [[nodiscard]] double max() const { return total_ == 0 ? kUndefined : max_; }

  // Bucket layout, for traces (/histograms/<metric>/{edges,counts} plus the two extra counts).
  [[nodiscard]] std::uint64_t zero_count() const { return zero_count_; }
  [[nodiscard]] std::uint64_t overflow_count() const { return overflow_count_; }
  [[nodiscard]] std::size_t bucket_count() const { return counts_.size(); }
  [[nodiscard]] const std::vector<std::uint64_t>& bucket_counts() const { return counts_; }
  // The exponent i of bucket 0's upper edge gamma^i.
  [[nodiscard]] std::int64_t first_index() const { return layout_->first_index; }
  // Bucket k covers (bucket_lower(k), bucket_upper(k)].
  [[nodiscard]] double bucket_lower(std::size_t k) const;
  [[nodiscard]] double bucket_upper(std::size_t k) const;
  // The value reported for observations in bucket k.
  [[nodiscard]] double bucket_value(std::size_t k) const;
  // bucket_count() + 1 edges: bucket k is (edges[k], edges[k + 1]]. edges[0] < min_positive and
  // edges.back() >= max_value; the zero and overflow counts lie outside.
  [[nodiscard]] std::vector<double> bucket_edges() const;

 private:
  static constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

  // Bucket of a value in (min_positive, max_value]: the k with upper[k-1] < x <= upper[k].
  // The value's exponent and top mantissa bits name a slice of the line narrower than a bucket
  // (a relative width below gamma - 1), so a slice holds at most one bucket edge: a table gives
  // the bucket of the slice's lowest value, and one comparison with that bucket's upper edge
  // decides between it and the next. No libm call and no loop per observation, and membership
  // agrees exactly with bucket_lower/bucket_upper. Ranges that reach into the subnormal doubles
  // (where slices are not relatively narrow) use a polynomial log2 and a corrected guess.
  [[nodiscard]] std::size_t bucket_index(double x) const {
    const Layout& layout = *layout_;
    const std::size_t last = layout.upper.size() - 1;
    if (!layout.slice_bucket.empty()) [[likely]] {
      const std::uint64_t slice =
          (std::bit_cast<std::uint64_t>(x) >> layout.slice_shift) - layout.first_slice;
      const std::size_t k = layout.slice_bucket[slice];
      return std::min(k + (x > layout.upper[k] ? 1 : 0), last);
    }
    return searched_bucket_index(x);
  }
  [[nodiscard]] std::size_t searched_bucket_index(double x) const;

  // What depends only on (relative_error, min_positive, max_value): the bucket edges and the
  // slice table. Building them takes about half a million instructions for a pool's default wait
  // histogram (some 3,000 edges, each an exp, and 5,400 slices, each a binary search), and a
  // city builds hundreds of histograms of a few layouts per replication: histograms of the same
  // layout share one immutable copy (shared_layout in histogram.cpp).
  struct Layout {
    std::int64_t first_index = 0;
    std::vector<double> upper;  // upper edge of each bucket, gamma^(first_index + k)
    // Per slice of the doubles (value bits >> slice_shift, from first_slice on): the bucket of
    // the slice's lowest value. Empty when the range reaches the subnormals.
    std::vector<std::uint32_t> slice_bucket;
    int slice_shift = 0;
    std::uint64_t first_slice = 0;
  };
  [[nodiscard]] std::shared_ptr<const Layout> shared_layout(double first, double buckets) const;
  [[nodiscard]] std::shared_ptr<const Layout> build_layout(std::int64_t first_index,
                                                           std::size_t buckets) const;
  // log2 of a positive normal double: its exponent plus a least-squares quartic in the mantissa.
  static double approximate_log2(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto exponent =
        static_cast<double>(static_cast<std::int64_t>((bits >> 52) & 0x7ff) - 1023);
    const double t =
        std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL) - 1.0;
    return exponent + t * (1.43854793 + t * (-0.67808946 + t * (0.32364631 + t * -0.08429466)));
  }
  [[nodiscard]] double power_of_gamma(std::int64_t i) const {
    return std::exp(static_cast<double>(i) * log_gamma_);
  }

  double alpha_;
  double gamma_;
  double log_gamma_;
  double inv_log_gamma_;
  double inv_log2_gamma_;  // 1 / log2(gamma)
  double min_positive_;
  double max_value_;
  std::shared_ptr<const Layout> layout_;  // null only in a moved-from histogram
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t zero_count_ = 0;
  std::uint64_t overflow_count_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

}  // namespace circlesim::sim
