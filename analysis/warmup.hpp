// Warm-up detection by MSER-5 (White 1997; White, Cobb and Spratt 2000; Hoad, Robinson and
// Davies 2010), DESIGN.md section 6: the initial transient is cut in analysis, from the recorded
// output, rather than guessed before the run.
//
// MSER-m batches the series into means of m observations Z_1..Z_k (m = 5 for MSER-5; a trailing
// remainder of fewer than m observations is not batched) and, for each truncation d (in batches),
// computes
//
//   MSER(d) = 1 / (k - d)^2 * sum_{j = d+1..k} (Z_j - mean(Z_{d+1..k}))^2,
//
// the squared standard error of the truncated mean, which falls while cutting removes bias and
// rises again once cutting only removes data. The truncation is the d that minimises it, searched
// over the first half of the batches only (d < k/2): a minimum later than that is a sign that the
// run is too short to show its steady state (Hoad et al.), which `at_search_limit` flags.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace circlesim::analysis {

struct WarmupResult {
  std::size_t batch_size = 5;          // m, observations per batch
  std::size_t batches = 0;             // k, complete batches in the series
  std::size_t truncation_batches = 0;  // d*, batches cut
  std::size_t truncation = 0;          // d* x m, observations cut (the first one kept)
  std::size_t kept = 0;                // observations from `truncation` to the end of the series
  // Mean of the observations kept, i.e. from index `truncation` to the end (the trailing
  // remainder included: it is steady-state data, only too short to form a batch).
  double truncated_mean = 0;
  double statistic = 0;  // MSER(d*)
  // d* is the largest truncation searched (the last d < k/2) while d = 0 was not as good: the
  // transient may last longer than half the run, so the run should be longer.
  bool at_search_limit = false;
};

// MSER-m of `observations`, equally weighted in time or order (e.g. waits in order of arrival, or
// averages over equal intervals). Throws sim::InvalidParameter when batch_size is 0, when an
// observation is not finite (naming its index) or when there are fewer than 2 batches. Ties go to
// the smallest truncation.
[[nodiscard]] WarmupResult mser(std::span<const double> observations, std::size_t batch_size = 5);

// A warm-up found on a time-weighted series.
struct TimeWeightedWarmup {
  WarmupResult mser;       // on the averages over intervals of `interval` from the first time
  double interval = 0;     // width of those intervals
  double truncation_time;  // first time + mser.truncation x interval
  // Time-weighted mean of the series from truncation_time to `end` (a last partial interval,
  // which MSER leaves out as unequal in weight, included).
  double truncated_mean;
};

// Averages of a piecewise-constant series over consecutive intervals of width `interval` from
// times[0]: values[i] holds from times[i] until times[i+1], the last one until `end` (e.g. a queue
// length recorded at each change, or the /timeseries of a trace, whose rows are interval starts
// and averages). An incomplete last interval is left out. Throws sim::InvalidParameter unless
// times and values have the same, non-zero size, the times are finite, non-decreasing and at most
// `end`, times[0] < end, the values are finite and interval > 0.
[[nodiscard]] std::vector<double> time_averages(std::span<const double> times,
                                                std::span<const double> values, double end,
                                                double interval);

// MSER-m of a piecewise-constant series given as (time, value) rows, as for time_averages():
// MSER sees the averages over intervals of width `interval`, which are equally weighted. Throws as
// time_averages() does, and as mser() when the intervals make fewer than 2 batches.
[[nodiscard]] TimeWeightedWarmup mser_time_weighted(std::span<const double> times,
                                                    std::span<const double> values, double end,
                                                    double interval, std::size_t batch_size = 5);

}  // namespace circlesim::analysis
