// Paired comparison of a variant against a baseline run on common random numbers (DESIGN.md
// section 6): replication i of both used the same random streams, so the differences
// D_i = variant_i - baseline_i are independent across i and far less variable than either side;
// the paired t interval and test use them. Holm's step-down procedure then controls the
// family-wise error rate over many such comparisons (many KPIs, many variants).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace circlesim::analysis {

// NaN marks what a sample cannot define (see each field).
struct PairedComparison {
  std::size_t n = 0;         // pairs used (both values finite)
  std::size_t left_out = 0;  // pairs with a NaN or infinite value on either side
  double baseline_mean;      // over the pairs used; NaN when n = 0
  double variant_mean;       // over the pairs used; NaN when n = 0
  double difference;         // mean of D = variant - baseline; NaN when n = 0
  double sd_difference;      // sample standard deviation of D; NaN when n < 2
  double ci_low;             // Student t interval of the mean difference, n - 1 degrees of
  double ci_high;            //   freedom; NaN when n < 2
  double level;              // of the interval
  double t_statistic;        // difference / (sd / sqrt(n)); NaN when n < 2 or D is all 0
  // Two-sided p-value of "mean difference = 0". With no spread in D (sd = 0) it is 1 when every
  // difference is 0 (identical results, e.g. a variant that changes nothing) and 0 otherwise (a
  // constant shift); NaN when n < 2.
  double p_value;
  // difference / baseline_mean; NaN when the baseline mean is 0 or undefined.
  double relative_change;
};

// Compares variant[i] with baseline[i] for every i (the caller pairs them, e.g. by replication
// index). Throws sim::InvalidParameter when the spans differ in size or level is outside (0, 1).
[[nodiscard]] PairedComparison paired_comparison(std::span<const double> baseline,
                                                 std::span<const double> variant, double level);

// Holm's step-down adjusted p-values (Holm 1979): sorting the m defined p-values as
// p_(1) <= ... <= p_(m), adjusted_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)), returned in the
// input's order. Rejecting where adjusted <= alpha is Holm's procedure at family-wise level
// alpha. NaN p-values (comparisons that could not be made) are not part of the family and stay
// NaN. Throws sim::InvalidParameter when a p-value is outside [0, 1].
[[nodiscard]] std::vector<double> holm_adjust(std::span<const double> p_values);

// Whether each adjusted p-value is at most alpha (false for NaN). Throws sim::InvalidParameter
// unless 0 < alpha < 1.
[[nodiscard]] std::vector<bool> significant_at(std::span<const double> adjusted_p_values,
                                               double alpha);

}  // namespace circlesim::analysis
