// TimeAverage: construction, windows, merging.
#include "sim/time_average.hpp"

#include <algorithm>

namespace circlesim::sim {

TimeAverage::TimeAverage(Time start_time, double initial_value)
    : value_(initial_value),
      offset_(-initial_value * start_time),
      max_(initial_value),
      min_(initial_value),
      last_time_(start_time),
      start_(start_time) {
  CIRCLESIM_REQUIRE(std::isfinite(start_time), "time average: start_time must be finite, got {}",
                    start_time);
  CIRCLESIM_REQUIRE(std::isfinite(initial_value),
                    "time average: initial_value must be finite, got {}", initial_value);
}

double TimeAverage::mean(Time now) const {
  const Time length = duration(now);
  return length > 0.0 ? integral(now) / length : value_;
}

void TimeAverage::reset(Time now) {
  assert(now >= last_time_ && "time average: time went backwards");
  start_ = now;
  last_time_ = now;
  offset_ = -value_ * now;
  merged_area_ = 0.0;
  merged_duration_ = 0.0;
  max_ = value_;
  min_ = value_;
}

void TimeAverage::merge(const TimeAverage& other, Time other_end) {
  CIRCLESIM_REQUIRE(std::isfinite(other_end) && other_end >= other.last_time_,
                    "time average: merge end must be finite and >= the other's last update {}, "
                    "got {}",
                    other.last_time_, other_end);
  merged_area_ += other.integral(other_end);
  merged_duration_ += other.duration(other_end);
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

}  // namespace circlesim::sim
