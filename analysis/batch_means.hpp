// Confidence interval for the steady-state mean of one long run by the method of batch means
// (Law, Simulation Modeling and Analysis, section 9.5.3): the series, optionally after an MSER-5
// warm-up cut (analysis/warmup.hpp), is split into k batches of equal size, and the batch means,
// if the batches are long enough to be nearly independent, give a Student t interval with k - 1
// degrees of freedom (analysis/confidence_interval.hpp, Boost.Math students_t).
//
// Batches that are too short leave the batch means positively correlated and the interval too
// narrow; the lag-1 autocorrelation of the batch means is reported so that this shows (near 0 is
// good; above about 2/sqrt(k), the rough 95% bound for independent means, the batches are too
// short: run longer or use fewer batches).
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "analysis/confidence_interval.hpp"
#include "analysis/warmup.hpp"

namespace circlesim::analysis {

struct BatchMeansOptions {
  std::size_t batches = 20;  // k; 10 to 30 is the usual advice (Schmeiser 1982)
  double level = 0.95;       // confidence level, 0 < level < 1
  bool cut_warmup = false;   // apply MSER-5 first and batch only what it keeps
};

struct BatchMeansResult {
  ConfidenceInterval interval;  // of the batch means: n = batches, batches - 1 degrees of freedom
  std::size_t batches = 0;
  std::size_t batch_size = 0;  // observations per batch
  std::size_t truncation = 0;  // observations cut as warm-up (0 without cut_warmup)
  // Observations right after the cut that did not fill a batch (fewer than `batches`); the
  // earliest ones are dropped rather than the last, since any remaining initial bias is there.
  std::size_t unused = 0;
  // Lag-1 autocorrelation of the batch means; NaN when they are all equal.
  double lag1_autocorrelation = 0;
  std::optional<WarmupResult> warmup;  // the MSER-5 result, when cut_warmup
};

// Batch means of `observations` (equally weighted, in order). Throws sim::InvalidParameter when
// an observation is not finite, batches < 2, the level is outside (0, 1), or fewer observations
// than batches remain after the cut.
[[nodiscard]] BatchMeansResult batch_means(std::span<const double> observations,
                                           const BatchMeansOptions& options = {});

// r_1 = sum_{j<k} (x_j - mean)(x_{j+1} - mean) / sum_j (x_j - mean)^2, the usual estimator of the
// lag-1 autocorrelation; NaN when the series has fewer than 2 values or no variance.
[[nodiscard]] double lag1_autocorrelation(std::span<const double> series);

}  // namespace circlesim::analysis
