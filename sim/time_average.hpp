// Time-weighted average of a piecewise-constant signal (queue length, busy servers, ...): the
// integral of the signal over a window divided by the window's length, in constant memory.
#pragma once

#include <cassert>
#include <cmath>
#include <concepts>

#include "sim/error.hpp"
#include "sim/time.hpp"

namespace circlesim::sim {

class TimeAverage {
 public:
  // The signal holds `initial_value` from `start_time` on.
  explicit TimeAverage(Time start_time = 0.0, double initial_value = 0.0);

  // The signal changes to `new_value` at `now`. Times must not go backwards (asserted: callers
  // pass the simulation clock, which never does).
  void update(Time now, double new_value) {
    assert(now >= last_time_ && "time average: time went backwards");
    CIRCLESIM_REQUIRE(std::isfinite(new_value), "time average: value must be finite, got {}",
                      new_value);
    step(now, new_value);
  }
  // A count (queue length, busy servers) is always finite: no check on the hot path.
  template <std::integral Count>
  void update(Time now, Count new_value) {
    assert(now >= last_time_ && "time average: time went backwards");
    step(now, static_cast<double>(new_value));
  }

  // The signal steps by `delta` at `now` (+1 on arrival, -1 on departure). Inlined with a
  // constant delta this is a few instructions and one comparison.
  void add(Time now, double delta) {
    assert(now >= last_time_ && "time average: time went backwards");
    offset_ -= delta * now;
    value_ += delta;
    if (delta > 0 && value_ > max_) max_ = value_;
    if (delta < 0 && value_ < min_) min_ = value_;
    last_time_ = now;
  }

  [[nodiscard]] double value() const { return value_; }
  [[nodiscard]] Time start_time() const { return start_; }
  [[nodiscard]] Time last_time() const { return last_time_; }

  // Area under the signal from the window start to `now` (>= last_time()), plus merged areas.
  [[nodiscard]] double integral(Time now) const {
    assert(now >= last_time_ && "time average: time went backwards");
    return merged_area_ + offset_ + value_ * now;
  }
  // Length of the window up to `now`, plus merged durations.
  [[nodiscard]] Time duration(Time now) const { return merged_duration_ + (now - start_); }
  // integral / duration; for a window of zero length, the current value (the limit).
  [[nodiscard]] double mean(Time now) const;

  // Extremes the signal took in the window, even for an instant (two changes at the same time
  // still count the intermediate value: a queue that reached 5 did reach 5).
  [[nodiscard]] double max() const { return max_; }
  [[nodiscard]] double min() const { return min_; }

  // Restarts the window at `now`, keeping the current value: cuts a warm-up period. Merged
  // contributions are discarded too.
  void reset(Time now);

  // Adds another signal's area and duration up to `other_end` (>= other.last_time()), e.g. the
  // same statistic of another replication run to its horizon. This window keeps running.
  void merge(const TimeAverage& other, Time other_end);

 private:
  void step(Time now, double new_value) {
    offset_ += (value_ - new_value) * now;
    value_ = new_value;
    if (new_value > max_) max_ = new_value;
    if (new_value < min_) min_ = new_value;
    last_time_ = now;
  }

  // The area up to `now` is offset_ + value_ * now: a change adjusts offset_ so that the area
  // stays continuous, which makes a step of +-1 a multiply-free subtraction. (Rounding: offset_
  // is of the order of value * now, so each change adds an error of an ulp of that, far below
  // the resolution of any average read from it.)
  // What add() and update() touch comes first, together in 40 bytes: a pool steps these
  // averages at nearly every event, and in a city of thousands of pools they are usually cold.
  double value_;
  double offset_;
  double max_;
  double min_;
  Time last_time_;  // of the last change: reads and merges may not reach back before it
  Time start_;
  double merged_area_ = 0.0;
  Time merged_duration_ = 0.0;
};

}  // namespace circlesim::sim
