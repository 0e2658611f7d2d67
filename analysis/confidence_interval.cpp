// Student t confidence intervals for replication means.
#include "analysis/confidence_interval.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

#include "sim/error.hpp"

namespace circlesim::analysis {

bool ConfidenceInterval::contains(double x) const { return lower <= x && x <= upper; }

namespace {

// t_{1-(1-level)/2, n-1}. A campaign's summary asks for the same quantile for each of thousands
// of measures, and Boost's inverse of the t distribution is most of the cost of an interval, so
// each thread remembers the last one it computed.
double t_quantile(std::size_t n, double level) {
  thread_local std::size_t last_n = 0;
  thread_local double last_level = 0;
  thread_local double last_t = 0;
  if (n != last_n || level != last_level) {
    const boost::math::students_t dist(static_cast<double>(n) - 1.0);
    last_t = boost::math::quantile(boost::math::complement(dist, (1.0 - level) / 2.0));
    last_n = n;
    last_level = level;
  }
  return last_t;
}

}  // namespace

double ConfidenceInterval::relative_half_width() const {
  if (half_width == 0.0) return 0.0;
  if (mean == 0.0) return std::numeric_limits<double>::infinity();
  return half_width / std::abs(mean);
}

ConfidenceInterval t_confidence_interval(std::span<const double> samples, double level) {
  CIRCLESIM_REQUIRE(samples.size() >= 2,
                    "confidence interval needs n >= 2 samples (n-1 degrees of freedom), got n = {}",
                    samples.size());
  CIRCLESIM_REQUIRE(level > 0.0 && level < 1.0, "confidence level must be in (0, 1), got {}",
                    level);
  const auto n = static_cast<double>(samples.size());

  // Two passes (mean, then squared deviations) are more accurate than sum of squares, and the
  // sample counts here (replications) are small.
  double sum = 0.0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    CIRCLESIM_REQUIRE(std::isfinite(samples[i]), "samples must be finite, got {} at index {}",
                      samples[i], i);
    sum += samples[i];
  }
  const double mean = sum / n;
  double squared_deviations = 0.0;
  for (const double x : samples) squared_deviations += (x - mean) * (x - mean);
  const double std_dev = std::sqrt(squared_deviations / (n - 1.0));

  const double t = t_quantile(samples.size(), level);

  ConfidenceInterval ci{};
  ci.mean = mean;
  ci.half_width = t * std_dev / std::sqrt(n);
  ci.lower = mean - ci.half_width;
  ci.upper = mean + ci.half_width;
  ci.n = samples.size();
  ci.level = level;
  return ci;
}

}  // namespace circlesim::analysis
