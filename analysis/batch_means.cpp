// Batch-means confidence intervals for one long run.
#include "analysis/batch_means.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::analysis {

double lag1_autocorrelation(std::span<const double> series) {
  if (series.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  for (const double x : series) sum += x;
  const double mean = sum / static_cast<double>(series.size());
  double variance_sum = 0.0;
  double lagged_sum = 0.0;
  for (std::size_t j = 0; j < series.size(); ++j) {
    variance_sum += (series[j] - mean) * (series[j] - mean);
    if (j + 1 < series.size()) lagged_sum += (series[j] - mean) * (series[j + 1] - mean);
  }
  if (variance_sum == 0.0) return std::numeric_limits<double>::quiet_NaN();
  return lagged_sum / variance_sum;
}

BatchMeansResult batch_means(std::span<const double> observations,
                             const BatchMeansOptions& options) {
  CIRCLESIM_REQUIRE(options.batches >= 2,
                    "batch means needs at least 2 batches (k - 1 degrees of freedom), got {}",
                    options.batches);
  CIRCLESIM_REQUIRE(options.level > 0.0 && options.level < 1.0,
                    "confidence level must be in (0, 1), got {}", options.level);
  for (std::size_t i = 0; i < observations.size(); ++i) {
    CIRCLESIM_REQUIRE(std::isfinite(observations[i]),
                      "batch means observations must be finite, got {} at index {}",
                      observations[i], i);
  }

  BatchMeansResult result;
  if (options.cut_warmup) {
    result.warmup = mser(observations);
    result.truncation = result.warmup->truncation;
  }
  const std::size_t remaining = observations.size() - result.truncation;
  CIRCLESIM_REQUIRE(remaining >= options.batches,
                    "batch means with {} batches needs at least {} observations after the "
                    "warm-up cut of {}, got {}",
                    options.batches, options.batches, result.truncation, remaining);
  result.batches = options.batches;
  result.batch_size = remaining / options.batches;
  result.unused = remaining % options.batches;

  std::vector<double> means(options.batches);
  const std::size_t first = result.truncation + result.unused;
  for (std::size_t j = 0; j < options.batches; ++j) {
    double sum = 0.0;
    const std::size_t begin = first + j * result.batch_size;
    for (std::size_t i = begin; i < begin + result.batch_size; ++i) sum += observations[i];
    means[j] = sum / static_cast<double>(result.batch_size);
  }
  result.interval = t_confidence_interval(means, options.level);
  result.lag1_autocorrelation = lag1_autocorrelation(means);
  return result;
}

}  // namespace circlesim::analysis
