// IntervalSeries and IntervalCounter: interval bookkeeping, closing and merging.
#include "sim/interval_series.hpp"

#include <algorithm>

namespace circlesim::sim {

namespace {

// Sanity bound on the intervals reserved from a horizon: a mistyped width should fail loudly,
// not allocate gigabytes.
constexpr double kMaxReservedIntervals = 1e8;

}  // namespace

namespace detail {

IntervalGrid::IntervalGrid(const char* kind, Time start_time, Time width, Time horizon)
    : kind_(kind), t0_(start_time), width_(width) {
  CIRCLESIM_REQUIRE(std::isfinite(start_time), "{}: start_time must be finite, got {}", kind,
                    start_time);
  CIRCLESIM_REQUIRE(std::isfinite(width) && width > 0.0,
                    "{}: interval width must be finite and > 0, got {}", kind, width);
  CIRCLESIM_REQUIRE(std::isfinite(horizon), "{}: horizon must be finite, got {}", kind, horizon);
  if (horizon > start_time) {
    const double intervals = std::ceil((horizon - start_time) / width);
    CIRCLESIM_REQUIRE(intervals <= kMaxReservedIntervals,
                      "{}: horizon {} with interval width {} gives {} intervals, more than {}",
                      kind, horizon, width, intervals, kMaxReservedIntervals);
    values_.reserve(static_cast<std::size_t>(intervals) + 1);
  }
}

const std::vector<double>& IntervalGrid::values() const {
  CIRCLESIM_REQUIRE(finished_, "{}: call finish() before reading values", kind_);
  return values_;
}

std::vector<double> IntervalGrid::mean_values() const {
  CIRCLESIM_REQUIRE(finished_, "{}: call finish() before reading values", kind_);
  std::vector<double> means(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    means[i] = values_[i] / static_cast<double>(coverage_[i]);
  }
  return means;
}

void IntervalGrid::close() {
  coverage_.assign(values_.size(), 1);
  replications_ = 1;
  finished_ = true;
}

void IntervalGrid::merge_grid(const IntervalGrid& other) {
  CIRCLESIM_REQUIRE(finished_ && other.finished_, "{}: finish() both series before merging", kind_);
  CIRCLESIM_REQUIRE(t0_ == other.t0_ && width_ == other.width_,
                    "{}: cannot merge series with different intervals: start_time {} vs {}, "
                    "width {} vs {}",
                    kind_, t0_, other.t0_, width_, other.width_);
  if (other.values_.size() > values_.size()) {
    values_.resize(other.values_.size(), 0.0);
    coverage_.resize(other.values_.size(), 0);
  }
  for (std::size_t i = 0; i < other.values_.size(); ++i) {
    values_[i] += other.values_[i];
    coverage_[i] += other.coverage_[i];
  }
  replications_ += other.replications_;
}

}  // namespace detail

IntervalSeries::IntervalSeries(Time start_time, Time width, double initial_value, Time horizon)
    : IntervalGrid("interval series", start_time, width, horizon),
      value_(initial_value),
      last_time_(start_time),
      current_end_(this->start_time(1)) {
  CIRCLESIM_REQUIRE(std::isfinite(initial_value),
                    "interval series: initial_value must be finite, got {}", initial_value);
  values_.push_back(0.0);  // interval 0 is open from the start
}

void IntervalSeries::advance_to_interval_of(Time now) {
  // Walks boundary by boundary with the index kept explicitly: recomputing it from the time
  // could round back to the interval just closed and never move on.
  while (now > current_end_) {
    values_[current_] += value_ * (current_end_ - last_time_);
    last_time_ = current_end_;
    ++current_;
    current_end_ = start_time(current_ + 1);
    values_.push_back(0.0);
  }
}

void IntervalSeries::finish(Time end) {
  CIRCLESIM_REQUIRE(!finished_, "interval series: finish() called twice");
  CIRCLESIM_REQUIRE(std::isfinite(end) && end >= last_time_,
                    "interval series: end must be finite and >= the last update {}, got {}",
                    last_time_, end);
  update(end, value_);
  for (std::size_t i = 0; i < current_; ++i) values_[i] /= start_time(i + 1) - start_time(i);
  const Time covered = end - start_time(current_);
  if (covered > 0.0) {
    values_[current_] /= covered;
  } else {
    values_.pop_back();  // the interval starting exactly at the end was never observed
  }
  close();
}

IntervalCounter::IntervalCounter(Time start_time, Time width, Time horizon)
    : IntervalGrid("interval counter", start_time, width, horizon), last_time_(start_time) {}

void IntervalCounter::finish(Time end) {
  CIRCLESIM_REQUIRE(!finished_, "interval counter: finish() called twice");
  CIRCLESIM_REQUIRE(std::isfinite(end) && end >= last_time_,
                    "interval counter: end must be finite and >= the latest event {}, got {}",
                    last_time_, end);
  // Intervals starting before the end; a trailing one may already exist for an event at `end`.
  std::size_t reached = 0;
  if (end > t0_) {
    const std::size_t i = index_of(end);
    reached = end > start_time(i) ? i + 1 : i;
  }
  if (values_.size() < reached) values_.resize(reached, 0.0);
  close();
}

}  // namespace circlesim::sim
