// MSER-5 warm-up detection.
#include "analysis/warmup.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::analysis {

WarmupResult mser(std::span<const double> observations, std::size_t batch_size) {
  CIRCLESIM_REQUIRE(batch_size >= 1, "MSER batch size must be >= 1, got {}", batch_size);
  for (std::size_t i = 0; i < observations.size(); ++i) {
    CIRCLESIM_REQUIRE(std::isfinite(observations[i]),
                      "MSER observations must be finite, got {} at index {}", observations[i], i);
  }
  const std::size_t k = observations.size() / batch_size;
  CIRCLESIM_REQUIRE(k >= 2,
                    "MSER-{} needs at least 2 batches ({} observations), got {} observations",
                    batch_size, 2 * batch_size, observations.size());

  std::vector<double> batch_means(k);
  for (std::size_t j = 0; j < k; ++j) {
    double sum = 0.0;
    for (std::size_t i = j * batch_size; i < (j + 1) * batch_size; ++i) sum += observations[i];
    batch_means[j] = sum / static_cast<double>(batch_size);
  }

  // d < k/2: at least half of the batches are always kept.
  const std::size_t last_d = (k - 1) / 2;
  // The sums of squared deviations of the batches d..k-1, built backwards with Welford's update
  // (one pass, no cancellation as sum-of-squares formulas have on large, nearly equal means).
  std::vector<double> statistic(last_d + 1);
  double mean = 0.0;
  double squared_deviations = 0.0;
  for (std::size_t j = k; j-- > 0;) {
    const auto count = static_cast<double>(k - j);
    const double delta = batch_means[j] - mean;
    mean += delta / count;
    squared_deviations += delta * (batch_means[j] - mean);
    if (j <= last_d) statistic[j] = squared_deviations / (count * count);
  }
  std::size_t best = 0;
  for (std::size_t d = 1; d <= last_d; ++d) {
    if (statistic[d] < statistic[best]) best = d;  // strict: ties go to the smaller cut
  }

  WarmupResult result;
  result.batch_size = batch_size;
  result.batches = k;
  result.truncation_batches = best;
  result.truncation = best * batch_size;
  result.kept = observations.size() - result.truncation;
  double sum = 0.0;
  for (std::size_t i = result.truncation; i < observations.size(); ++i) sum += observations[i];
  result.truncated_mean = sum / static_cast<double>(result.kept);
  result.statistic = statistic[best];
  result.at_search_limit = best > 0 && best == last_d;
  return result;
}

namespace {

void check_step_series(std::span<const double> times, std::span<const double> values, double end,
                       double interval) {
  CIRCLESIM_REQUIRE(times.size() == values.size(),
                    "time-weighted series needs one value per time, got {} times and {} values",
                    times.size(), values.size());
  CIRCLESIM_REQUIRE(!times.empty(), "time-weighted series is empty");
  CIRCLESIM_REQUIRE(std::isfinite(interval) && interval > 0.0,
                    "averaging interval must be finite and > 0, got {}", interval);
  CIRCLESIM_REQUIRE(std::isfinite(end) && std::isfinite(times[0]) && times[0] < end,
                    "time-weighted series must start before its end, got start {} and end {}",
                    times[0], end);
  for (std::size_t i = 0; i < times.size(); ++i) {
    CIRCLESIM_REQUIRE(std::isfinite(values[i]),
                      "time-weighted series values must be finite, got {} at row {}", values[i], i);
    CIRCLESIM_REQUIRE(std::isfinite(times[i]) && times[i] <= end,
                      "time-weighted series times must be finite and <= end {}, got {} at row {}",
                      end, times[i], i);
    CIRCLESIM_REQUIRE(i == 0 || times[i] >= times[i - 1],
                      "time-weighted series times must not decrease, got {} after {} at row {}",
                      times[i], times[i - 1], i);
  }
}

// The integral of a step function from its first time to t, for increasing t: one forward pass
// over the rows however many times it is asked.
class StepIntegral {
 public:
  StepIntegral(std::span<const double> times, std::span<const double> values)
      : times_(times), values_(values) {}

  double to(double t) {
    while (row_ + 1 < times_.size() && times_[row_ + 1] <= t) {
      integral_to_row_ += values_[row_] * (times_[row_ + 1] - times_[row_]);
      ++row_;
    }
    return integral_to_row_ + values_[row_] * (t - times_[row_]);
  }

 private:
  std::span<const double> times_;
  std::span<const double> values_;
  std::size_t row_ = 0;
  double integral_to_row_ = 0.0;  // from times_[0] to times_[row_]
};

}  // namespace

std::vector<double> time_averages(std::span<const double> times, std::span<const double> values,
                                  double end, double interval) {
  check_step_series(times, values, end, interval);
  const double start = times[0];
  // Whole intervals, allowing for the rounding of the quotient: 0.3 / 0.1 is 2.9999999999999996,
  // yet three intervals of 0.1 fill [0, 0.3]. A boundary past `end` by that rounding is `end`.
  constexpr double kRounding = 4 * std::numeric_limits<double>::epsilon();
  const auto intervals =
      static_cast<std::size_t>(std::floor((end - start) / interval * (1 + kRounding)));
  std::vector<double> averages;
  averages.reserve(intervals);
  StepIntegral integral(times, values);
  double previous = 0.0;
  for (std::size_t i = 1; i <= intervals; ++i) {
    // Boundaries as start + i x interval, not by accumulation, which drifts.
    const double current = integral.to(std::min(end, start + static_cast<double>(i) * interval));
    averages.push_back((current - previous) / interval);
    previous = current;
  }
  return averages;
}

TimeWeightedWarmup mser_time_weighted(std::span<const double> times, std::span<const double> values,
                                      double end, double interval, std::size_t batch_size) {
  TimeWeightedWarmup result;
  result.mser = mser(time_averages(times, values, end, interval), batch_size);
  result.interval = interval;
  result.truncation_time = times[0] + static_cast<double>(result.mser.truncation) * interval;
  StepIntegral integral(times, values);
  const double to_cut = integral.to(result.truncation_time);
  result.truncated_mean = (integral.to(end) - to_cut) / (end - result.truncation_time);
  return result;
}

}  // namespace circlesim::analysis
