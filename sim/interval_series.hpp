// Per-interval series over simulated time (e.g. every 15 min from the scenario start): the
// time-average of a piecewise-constant signal per interval, or a count of events per interval.
// Storage grows by one entry when a new interval is first reached, never per observation.
#pragma once

#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/error.hpp"
#include "sim/time.hpp"

namespace circlesim::sim {

namespace detail {

// What both series share: intervals [t0 + i w, t0 + (i + 1) w), the per-interval values and
// merging across replications.
//
// Merging adds values element-wise and counts replications. An interval that a replication did
// not reach (it finished earlier) is not observed, not zero: it adds nothing to that interval's
// sum and is left out of that interval's divisor. coverage(i) says how many merged replications
// observed interval i, and mean_values()[i] = values()[i] / coverage(i). Replications of one
// scenario share a horizon, so normally coverage(i) == replications() for every i.
class IntervalGrid {
 public:
  [[nodiscard]] Time interval_width() const { return width_; }
  [[nodiscard]] Time start_time(std::size_t i = 0) const {
    return t0_ + static_cast<double>(i) * width_;
  }
  // Intervals reached so far (the open one included); after finish(), the intervals observed.
  [[nodiscard]] std::size_t size() const { return values_.size(); }
  [[nodiscard]] bool finished() const { return finished_; }

  // Per-interval values (summed over merged replications); requires finish() first.
  [[nodiscard]] const std::vector<double>& values() const;
  [[nodiscard]] std::uint64_t replications() const { return replications_; }
  [[nodiscard]] const std::vector<std::uint64_t>& coverage() const { return coverage_; }
  // Element-wise mean over the replications that observed each interval.
  [[nodiscard]] std::vector<double> mean_values() const;

 protected:
  IntervalGrid(const char* kind, Time start_time, Time width, Time horizon);

  // The interval holding t >= t0, consistent with start_time() despite rounding of (t - t0) / w.
  [[nodiscard]] std::size_t index_of(Time t) const {
    auto i = static_cast<std::size_t>(std::floor((t - t0_) / width_));
    if (i > 0 && t < start_time(i)) {
      --i;
    } else if (t >= start_time(i + 1)) {
      ++i;
    }
    return i;
  }
  // Marks the values final, each covered by this one replication.
  void close();
  void merge_grid(const IntervalGrid& other);

  const char* kind_;  // "interval series" or "interval counter", for messages
  Time t0_;
  Time width_;
  std::vector<double> values_;
  std::vector<std::uint64_t> coverage_;
  std::uint64_t replications_ = 0;
  bool finished_ = false;
};

}  // namespace detail

// Time-average of a piecewise-constant signal per interval. Before finish(), values_ holds each
// interval's area; finish() divides by the covered length: the full width, or for a last interval
// cut by the end, the part before the end (an interval starting exactly at the end is dropped).
class IntervalSeries : public detail::IntervalGrid {
 public:
  // The signal holds `initial_value` from `start_time` on. `horizon` (absolute time, optional)
  // reserves storage up front.
  IntervalSeries(Time start_time, Time width, double initial_value = 0.0, Time horizon = 0.0);

  // The signal changes to `new_value` at `now`; as TimeAverage::update, times must not go back.
  void update(Time now, double new_value) {
    assert(!finished_ && "interval series: update after finish");
    assert(now >= last_time_ && "interval series: time went backwards");
    CIRCLESIM_REQUIRE(std::isfinite(new_value), "interval series: value must be finite, got {}",
                      new_value);
    if (now > current_end_) advance_to_interval_of(now);
    values_[current_] += value_ * (now - last_time_);
    last_time_ = now;
    value_ = new_value;
  }
  void add(Time now, double delta) { update(now, value_ + delta); }

  [[nodiscard]] double value() const { return value_; }
  [[nodiscard]] Time last_time() const { return last_time_; }

  // Closes the series at `end` (>= the last update): turns areas into averages.
  void finish(Time end);

  // Both must be finished, with the same start and width.
  void merge(const IntervalSeries& other) { merge_grid(other); }

 private:
  // Books the area up to each boundary crossed before `now`; opens the intervals on the way.
  void advance_to_interval_of(Time now);

  double value_;
  Time last_time_;
  std::size_t current_ = 0;  // the open interval; values_.size() == current_ + 1 while recording
  Time current_end_;         // start_time(current_ + 1)
};

// Events (or amounts) per interval. An event exactly at a boundary belongs to the later interval.
class IntervalCounter : public detail::IntervalGrid {
 public:
  IntervalCounter(Time start_time, Time width, Time horizon = 0.0);

  // Counts `amount` (finite, >= 0) at time t (>= start time). Events need not come in time order.
  void add(Time t, double amount = 1.0) {
    assert(!finished_ && "interval counter: add after finish");
    CIRCLESIM_REQUIRE(t >= t0_ && std::isfinite(t),
                      "interval counter: event time must be finite and >= the start {}, got {}",
                      t0_, t);
    CIRCLESIM_REQUIRE(amount >= 0.0 && std::isfinite(amount),
                      "interval counter: amount must be finite and >= 0, got {}", amount);
    const std::size_t i = index_of(t);
    if (i >= values_.size()) values_.resize(i + 1, 0.0);
    values_[i] += amount;
    if (t > last_time_) last_time_ = t;
  }

  // Closes the counter at `end` (>= every event): intervals up to the end that saw no events are
  // observed zeros. An event exactly at `end` keeps the interval starting there.
  void finish(Time end);

  void merge(const IntervalCounter& other) { merge_grid(other); }

 private:
  Time last_time_;  // latest event time seen
};

}  // namespace circlesim::sim
