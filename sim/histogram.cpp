// Histogram: bucket layout, quantiles, cdf and merging.
#include "sim/histogram.hpp"

namespace circlesim::sim {

Histogram::Histogram(double relative_error, double min_positive, double max_value)
    : alpha_(relative_error), min_positive_(min_positive), max_value_(max_value) {
  CIRCLESIM_REQUIRE(relative_error > 0.0 && relative_error < 1.0,
                    "histogram: relative_error must be in (0, 1), got {}", relative_error);
  CIRCLESIM_REQUIRE(std::isfinite(min_positive) && min_positive > 0.0,
                    "histogram: min_positive must be finite and > 0, got {}", min_positive);
  CIRCLESIM_REQUIRE(std::isfinite(max_value) && max_value > min_positive,
                    "histogram: max_value must be finite and > min_positive ({}), got {}",
                    min_positive, max_value);
  gamma_ = (1.0 + alpha_) / (1.0 - alpha_);
  log_gamma_ = std::log1p(2.0 * alpha_ / (1.0 - alpha_));  // log(gamma), accurate for small alpha
  inv_log_gamma_ = 1.0 / log_gamma_;
  // Checked in doubles first: a tiny alpha would overflow the integer conversion.
  const double first = std::ceil(std::log(min_positive) * inv_log_gamma_);
  const double last = std::ceil(std::log(max_value) * inv_log_gamma_);
  const double buckets = last - first + 1.0;
  CIRCLESIM_REQUIRE(buckets <= static_cast<double>(kMaxBuckets),
                    "histogram: relative_error {} over ({}, {}] needs {} buckets, more than the "
                    "limit {}",
                    relative_error, min_positive, max_value, buckets, kMaxBuckets);
  first_index_ = static_cast<std::int64_t>(first);
  counts_.assign(static_cast<std::size_t>(buckets), 0);
  inv_log2_gamma_ = std::log(2.0) * inv_log_gamma_;
  upper_.resize(counts_.size());
  for (std::size_t k = 0; k < upper_.size(); ++k) {
    upper_[k] = power_of_gamma(first_index_ + static_cast<std::int64_t>(k));
  }
  build_slice_table();
}

void Histogram::build_slice_table() {
  if (min_positive_ < std::numeric_limits<double>::min()) return;  // subnormals: no table
  // Mantissa bits kept: enough that a slice, at most 2^-bits wide relative to its values, is
  // narrower than a bucket (gamma - 1), with room for the rounding of the edges.
  int bits = 0;
  while (bits < 52 && std::ldexp(1.0, -bits) * 1.001 >= gamma_ - 1.0) ++bits;
  slice_shift_ = 52 - bits;
  first_slice_ = std::bit_cast<std::uint64_t>(min_positive_) >> slice_shift_;
  const std::uint64_t last_slice = std::bit_cast<std::uint64_t>(max_value_) >> slice_shift_;
  const std::uint64_t slices = last_slice - first_slice_ + 1;
  if (slices > 2 * kMaxBuckets) return;  // more slices than buckets can justify: search instead
  slice_bucket_.resize(static_cast<std::size_t>(slices));
  for (std::uint64_t s = 0; s < slices; ++s) {
    const double lowest = std::bit_cast<double>((first_slice_ + s) << slice_shift_);
    const auto edge = std::lower_bound(upper_.begin(), upper_.end(), lowest);
    const auto k = std::min<std::ptrdiff_t>(edge - upper_.begin(),
                                            static_cast<std::ptrdiff_t>(upper_.size()) - 1);
    slice_bucket_[static_cast<std::size_t>(s)] = static_cast<std::uint32_t>(k);
  }
}

std::size_t Histogram::searched_bucket_index(double x) const {
  // A cheap polynomial log2 (error < 2e-4, about 0.03 buckets at alpha = 0.005) gives a guess
  // that the exact boundary table then corrects. (The ceiling is taken by hand: std::ceil is a
  // libm call on baseline x86-64.)
  const auto last = static_cast<std::int64_t>(upper_.size()) - 1;
  const double exponent = approximate_log2(x) * inv_log2_gamma_;
  const auto truncated = static_cast<std::int64_t>(exponent);
  const std::int64_t ceiling = truncated + (exponent > static_cast<double>(truncated) ? 1 : 0);
  auto k = std::clamp<std::int64_t>(ceiling - first_index_, 0, last);
  while (k > 0 && x <= upper_[static_cast<std::size_t>(k - 1)]) --k;
  while (k < last && x > upper_[static_cast<std::size_t>(k)]) ++k;
  return static_cast<std::size_t>(k);
}

void Histogram::merge(const Histogram& other) {
  CIRCLESIM_REQUIRE(alpha_ == other.alpha_ && min_positive_ == other.min_positive_ &&
                        max_value_ == other.max_value_,
                    "histogram: cannot merge histograms with different layouts: relative_error {} "
                    "vs {}, min_positive {} vs {}, max_value {} vs {}",
                    alpha_, other.alpha_, min_positive_, other.min_positive_, max_value_,
                    other.max_value_);
  for (std::size_t k = 0; k < counts_.size(); ++k) counts_[k] += other.counts_[k];
  total_ += other.total_;
  zero_count_ += other.zero_count_;
  overflow_count_ += other.overflow_count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = 0;
  zero_count_ = 0;
  overflow_count_ = 0;
  min_ = std::numeric_limits<double>::infinity();
  max_ = -std::numeric_limits<double>::infinity();
}

double Histogram::quantile(double q) const {
  CIRCLESIM_REQUIRE(q >= 0.0 && q <= 1.0, "histogram: quantile q must be in [0, 1], got {}", q);
  if (total_ == 0) return kUndefined;
  // Rank ceil(q n), after absorbing the rounding of q and of the product (a few ulps of q n).
  double r = q * static_cast<double>(total_);
  r -= 4.0 * std::numeric_limits<double>::epsilon() * r;
  const auto rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(r)), 1, total_);
  // The extremes are kept exactly, so the first and the last rank need no estimate.
  if (rank == 1) return min_;
  if (rank == total_) return max_;
  if (rank <= zero_count_) return 0.0;
  std::uint64_t seen = zero_count_;
  for (std::size_t k = 0; k < counts_.size(); ++k) {
    seen += counts_[k];
    // Clamping to the observed range can only move the estimate towards the true value.
    if (seen >= rank) return std::clamp(bucket_value(k), min_, max_);
  }
  return max_value_;  // the rank lies among the overflowed values
}

double Histogram::cdf(double x) const {
  CIRCLESIM_REQUIRE(!std::isnan(x), "histogram: cdf argument must not be NaN");
  if (total_ == 0) return kUndefined;
  if (x < min_) return 0.0;
  if (x >= max_) return 1.0;
  const auto n = static_cast<double>(total_);
  if (x <= min_positive_) return static_cast<double>(zero_count_) / n;
  if (x > max_value_) return static_cast<double>(total_ - overflow_count_) / n;
  std::uint64_t below = zero_count_;
  const std::size_t last = bucket_index(x);
  for (std::size_t k = 0; k <= last; ++k) below += counts_[k];
  return static_cast<double>(below) / n;
}

double Histogram::bucket_lower(std::size_t k) const {
  return k == 0 ? power_of_gamma(first_index_ - 1) : upper_[k - 1];
}

double Histogram::bucket_upper(std::size_t k) const { return upper_[k]; }

double Histogram::bucket_value(std::size_t k) const {
  return bucket_upper(k) * (2.0 / (gamma_ + 1.0));
}

std::vector<double> Histogram::bucket_edges() const {
  std::vector<double> edges(counts_.size() + 1);
  for (std::size_t k = 0; k < edges.size(); ++k) edges[k] = bucket_lower(k);
  return edges;
}

}  // namespace circlesim::sim
