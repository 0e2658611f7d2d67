// Histogram: bucket layout, quantiles, cdf and merging.
#include "sim/histogram.hpp"

#include <compare>
#include <map>
#include <mutex>

namespace circlesim::sim {

namespace {

// What a histogram's layout depends on. The parameters are checked before (finite, no NaN).
struct LayoutKey {
  double relative_error;
  double min_positive;
  double max_value;
  auto operator<=>(const LayoutKey&) const = default;
};

}  // namespace

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
  counts_.assign(static_cast<std::size_t>(buckets), 0);
  inv_log2_gamma_ = std::log(2.0) * inv_log_gamma_;
  layout_ = shared_layout(first, buckets);
}

std::shared_ptr<const Histogram::Layout> Histogram::shared_layout(double first,
                                                                  double buckets) const {
  // Weak references: a layout lives as long as some histogram uses it. Built under the lock, so
  // that threads starting replications together build each layout once.
  static std::mutex mutex;
  static std::map<LayoutKey, std::weak_ptr<const Layout>> layouts;
  const LayoutKey key{alpha_, min_positive_, max_value_};
  const std::lock_guard<std::mutex> lock(mutex);
  if (const auto found = layouts.find(key); found != layouts.end()) {
    if (std::shared_ptr<const Layout> layout = found->second.lock()) return layout;
  }
  std::erase_if(layouts, [](const auto& entry) { return entry.second.expired(); });
  std::shared_ptr<const Layout> layout =
      build_layout(static_cast<std::int64_t>(first), static_cast<std::size_t>(buckets));
  layouts[key] = layout;
  return layout;
}

std::shared_ptr<const Histogram::Layout> Histogram::build_layout(std::int64_t first_index,
                                                                 std::size_t buckets) const {
  auto layout = std::make_shared<Layout>();
  layout->first_index = first_index;
  std::vector<double>& upper = layout->upper;
  upper.resize(buckets);
  for (std::size_t k = 0; k < upper.size(); ++k) {
    upper[k] = power_of_gamma(first_index + static_cast<std::int64_t>(k));
  }
  if (min_positive_ < std::numeric_limits<double>::min()) return layout;  // subnormals: no table
  // Mantissa bits kept: enough that a slice, at most 2^-bits wide relative to its values, is
  // narrower than a bucket (gamma - 1), with room for the rounding of the edges.
  int bits = 0;
  while (bits < 52 && std::ldexp(1.0, -bits) * 1.001 >= gamma_ - 1.0) ++bits;
  layout->slice_shift = 52 - bits;
  layout->first_slice = std::bit_cast<std::uint64_t>(min_positive_) >> layout->slice_shift;
  const std::uint64_t last_slice = std::bit_cast<std::uint64_t>(max_value_) >> layout->slice_shift;
  const std::uint64_t slices = last_slice - layout->first_slice + 1;
  if (slices > 2 * kMaxBuckets) return layout;  // more slices than buckets justify: search
  layout->slice_bucket.resize(static_cast<std::size_t>(slices));
  for (std::uint64_t s = 0; s < slices; ++s) {
    const double lowest = std::bit_cast<double>((layout->first_slice + s) << layout->slice_shift);
    const auto edge = std::lower_bound(upper.begin(), upper.end(), lowest);
    const auto k = std::min<std::ptrdiff_t>(edge - upper.begin(),
                                            static_cast<std::ptrdiff_t>(upper.size()) - 1);
    layout->slice_bucket[static_cast<std::size_t>(s)] = static_cast<std::uint32_t>(k);
  }
  return layout;
}

std::size_t Histogram::searched_bucket_index(double x) const {
  // A cheap polynomial log2 (error < 2e-4, about 0.03 buckets at alpha = 0.005) gives a guess
  // that the exact boundary table then corrects. (The ceiling is taken by hand: std::ceil is a
  // libm call on baseline x86-64.)
  const std::vector<double>& upper = layout_->upper;
  const auto last = static_cast<std::int64_t>(upper.size()) - 1;
  const double exponent = approximate_log2(x) * inv_log2_gamma_;
  const auto truncated = static_cast<std::int64_t>(exponent);
  const std::int64_t ceiling = truncated + (exponent > static_cast<double>(truncated) ? 1 : 0);
  auto k = std::clamp<std::int64_t>(ceiling - layout_->first_index, 0, last);
  while (k > 0 && x <= upper[static_cast<std::size_t>(k - 1)]) --k;
  while (k < last && x > upper[static_cast<std::size_t>(k)]) ++k;
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
  return k == 0 ? power_of_gamma(layout_->first_index - 1) : layout_->upper[k - 1];
}

double Histogram::bucket_upper(std::size_t k) const { return layout_->upper[k]; }

double Histogram::bucket_value(std::size_t k) const {
  return bucket_upper(k) * (2.0 / (gamma_ + 1.0));
}

std::vector<double> Histogram::bucket_edges() const {
  std::vector<double> edges(counts_.size() + 1);
  for (std::size_t k = 0; k < edges.size(); ++k) edges[k] = bucket_lower(k);
  return edges;
}

}  // namespace circlesim::sim
