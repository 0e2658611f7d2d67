// Paired t comparisons and Holm's correction.
#include "analysis/paired_comparison.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "analysis/confidence_interval.hpp"
#include "sim/error.hpp"

namespace circlesim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

PairedComparison paired_comparison(std::span<const double> baseline,
                                   std::span<const double> variant, double level) {
  CIRCLESIM_REQUIRE(baseline.size() == variant.size(),
                    "paired comparison needs as many baseline as variant values, got {} and {}",
                    baseline.size(), variant.size());
  CIRCLESIM_REQUIRE(level > 0.0 && level < 1.0, "confidence level must be in (0, 1), got {}",
                    level);
  PairedComparison result{.n = 0,
                          .left_out = 0,
                          .baseline_mean = kNaN,
                          .variant_mean = kNaN,
                          .difference = kNaN,
                          .sd_difference = kNaN,
                          .ci_low = kNaN,
                          .ci_high = kNaN,
                          .level = level,
                          .t_statistic = kNaN,
                          .p_value = kNaN,
                          .relative_change = kNaN};
  std::vector<double> differences;
  double baseline_sum = 0.0;
  double variant_sum = 0.0;
  for (std::size_t i = 0; i < baseline.size(); ++i) {
    if (!std::isfinite(baseline[i]) || !std::isfinite(variant[i])) {
      ++result.left_out;
      continue;
    }
    differences.push_back(variant[i] - baseline[i]);
    baseline_sum += baseline[i];
    variant_sum += variant[i];
  }
  result.n = differences.size();
  if (result.n == 0) return result;
  const auto n = static_cast<double>(result.n);
  result.baseline_mean = baseline_sum / n;
  result.variant_mean = variant_sum / n;
  result.difference = std::accumulate(differences.begin(), differences.end(), 0.0) / n;
  if (result.baseline_mean != 0.0)
    result.relative_change = result.difference / result.baseline_mean;
  if (result.n < 2) return result;

  const ConfidenceInterval ci = t_confidence_interval(differences, level);
  result.difference = ci.mean;
  result.ci_low = ci.lower;
  result.ci_high = ci.upper;
  double squared_deviations = 0.0;
  for (const double d : differences) squared_deviations += (d - ci.mean) * (d - ci.mean);
  result.sd_difference = std::sqrt(squared_deviations / (n - 1.0));
  if (result.baseline_mean != 0.0)
    result.relative_change = result.difference / result.baseline_mean;

  if (result.sd_difference == 0.0) {
    // Every difference equal: no sampling noise to test against.
    const bool all_zero =
        std::all_of(differences.begin(), differences.end(), [](double d) { return d == 0.0; });
    result.p_value = all_zero ? 1.0 : 0.0;
    if (!all_zero) {
      result.t_statistic = std::copysign(std::numeric_limits<double>::infinity(), ci.mean);
    }
    return result;
  }
  result.t_statistic = result.difference / (result.sd_difference / std::sqrt(n));
  const boost::math::students_t dist(n - 1.0);
  result.p_value =
      2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(result.t_statistic)));
  result.p_value = std::min(result.p_value, 1.0);
  return result;
}

std::vector<double> holm_adjust(std::span<const double> p_values) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    if (std::isnan(p_values[i])) continue;
    CIRCLESIM_REQUIRE(p_values[i] >= 0.0 && p_values[i] <= 1.0,
                      "p-values must be in [0, 1], got {} at index {}", p_values[i], i);
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(p_values.size(), kNaN);
  const std::size_t m = order.size();
  double running_max = 0.0;  // step-down: an adjusted p-value never falls below an earlier one
  for (std::size_t j = 0; j < m; ++j) {
    const double scaled = std::min(1.0, static_cast<double>(m - j) * p_values[order[j]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[j]] = running_max;
  }
  return adjusted;
}

std::vector<bool> significant_at(std::span<const double> adjusted_p_values, double alpha) {
  CIRCLESIM_REQUIRE(alpha > 0.0 && alpha < 1.0,
                    "significance level alpha must be in (0, 1), got {}", alpha);
  std::vector<bool> significant(adjusted_p_values.size());
  for (std::size_t i = 0; i < adjusted_p_values.size(); ++i) {
    significant[i] = adjusted_p_values[i] <= alpha;  // false for NaN
  }
  return significant;
}

}  // namespace circlesim::analysis
