// Confidence intervals for a mean from independent replications (DESIGN.md §6: Student t with
// n-1 degrees of freedom, never a normal interval for a handful of replications).
#pragma once

#include <cstddef>
#include <span>

namespace circlesim::analysis {

// mean ± half_width, i.e. [lower, upper], from n samples at confidence `level` (e.g. 0.99).
struct ConfidenceInterval {
  double mean;
  double half_width;
  double lower;
  double upper;
  std::size_t n;
  double level;

  // Whether x lies in the closed interval [lower, upper].
  bool contains(double x) const;
  // half_width / |mean|, the usual stopping criterion for sequential replication; +inf when the
  // mean is 0 but the half-width is not, 0 when both are 0.
  double relative_half_width() const;
};

// Student t interval mean ± t_{1-(1-level)/2, n-1} s/sqrt(n), s the sample standard deviation
// (boost::math::students_t). Requires n >= 2 finite samples and 0 < level < 1.
ConfidenceInterval t_confidence_interval(std::span<const double> samples, double level = 0.99);

}  // namespace circlesim::analysis
