#include "sim/arrival_process.hpp"

#include <algorithm>
#include <cmath>

namespace circlesim::sim {

PoissonArrivals::PoissonArrivals(double rate) : rate_(rate), exponential_(1.0) {
  CIRCLESIM_REQUIRE(std::isfinite(rate) && rate > 0, "arrival rate must be > 0 and finite, got {}",
                    rate);
  exponential_ = boost::random::exponential_distribution<double>(rate);
}

RateProfile::RateProfile(double base_rate, std::vector<double> daily_shape,
                         std::vector<double> weekday_factors, int start_weekday)
    : base_rate_(base_rate),
      daily_shape_(std::move(daily_shape)),
      weekday_factors_(std::move(weekday_factors)),
      start_weekday_(start_weekday),
      slot_length_(0) {
  CIRCLESIM_REQUIRE(std::isfinite(base_rate) && base_rate > 0,
                    "arrival rate must be > 0 and finite, got {}", base_rate);
  const std::size_t n = daily_shape_.size();
  CIRCLESIM_REQUIRE(n >= 1 && 1440 % n == 0,
                    "daily profile: length must divide 1440 (24 hourly, 48, 96 ... values), got "
                    "{} values",
                    n);
  if (weekday_factors_.empty()) weekday_factors_.assign(7, 1.0);
  CIRCLESIM_REQUIRE(weekday_factors_.size() == 7,
                    "weekly profile: needs exactly 7 day factors (Monday first), got {} values",
                    weekday_factors_.size());
  CIRCLESIM_REQUIRE(start_weekday >= 0 && start_weekday < 7,
                    "rate profile: start_weekday must be in [0, 6], got {}", start_weekday);
  for (std::size_t i = 0; i < n; ++i) {
    CIRCLESIM_REQUIRE(std::isfinite(daily_shape_[i]) && daily_shape_[i] >= 0,
                      "daily profile: value {} must be >= 0 and finite, got {}", i,
                      daily_shape_[i]);
  }
  for (std::size_t d = 0; d < 7; ++d) {
    CIRCLESIM_REQUIRE(std::isfinite(weekday_factors_[d]) && weekday_factors_[d] >= 0,
                      "weekly profile: factor {} must be >= 0 and finite, got {}", d,
                      weekday_factors_[d]);
  }
  slot_length_ = kDay / static_cast<double>(n);
  // Runs of equal slots form one piece: a profile given per minute (1,440 slots) with long
  // constant stretches, such as opening hours, then costs a few pieces a day, not 1,440.
  run_end_.assign(n, n);
  for (std::size_t i = n - 1; i-- > 0;) {
    run_end_[i] = daily_shape_[i] == daily_shape_[i + 1] ? run_end_[i + 1] : i + 1;
  }
  const double peak_shape = *std::max_element(daily_shape_.begin(), daily_shape_.end());
  const double peak_day = *std::max_element(weekday_factors_.begin(), weekday_factors_.end());
  max_rate_ = base_rate_ * peak_shape * peak_day;
  CIRCLESIM_REQUIRE(max_rate_ > 0, "rate profile: every rate is zero (no arrivals would occur)");
}

void RateProfile::add_shock(Time from, Time to, double factor) {
  CIRCLESIM_REQUIRE(std::isfinite(from) && std::isfinite(to) && from < to,
                    "rate profile: a shock needs from < to, both finite, got [{}, {})", from, to);
  CIRCLESIM_REQUIRE(std::isfinite(factor) && factor >= 0,
                    "rate profile: a shock's factor must be >= 0 and finite, got {}", factor);
  shocks_.push_back({from, to, factor});
  if (factor > 1) max_rate_ *= factor;
}

double RateProfile::rate_at(Time t) const {
  const auto slot = static_cast<std::size_t>(time_of_day(t) / slot_length_);
  const double shape = daily_shape_[std::min(slot, daily_shape_.size() - 1)];
  double rate = base_rate_ * shape *
                weekday_factors_[static_cast<std::size_t>(day_of_week(t, start_weekday_))];
  for (const Shock& shock : shocks_) {
    if (t >= shock.from && t < shock.to) rate *= shock.factor;
  }
  return rate;
}

Time RateProfile::piece_end(Time t) const {
  const Time day_start = std::floor(t / kDay) * kDay;
  const auto slot =
      std::min(static_cast<std::size_t>((t - day_start) / slot_length_), daily_shape_.size() - 1);
  Time end = day_start + static_cast<double>(run_end_[slot]) * slot_length_;
  if (end <= t) end = t + slot_length_;  // guards rounding at a slot boundary
  // A shock starting or ending inside the piece ends it there.
  for (const Shock& shock : shocks_) {
    if (shock.from > t && shock.from < end) end = shock.from;
    if (shock.to > t && shock.to < end) end = shock.to;
  }
  return end;
}

double RateProfile::mean_rate() const {
  double daily = 0;
  for (const double s : daily_shape_) daily += s;
  daily /= static_cast<double>(daily_shape_.size());
  double weekly = 0;
  for (const double f : weekday_factors_) weekly += f;
  return base_rate_ * daily * weekly / 7.0;
}

Time ProfileArrivals::next_after(Time t, RandomEngine& rng) const {
  // Memorylessness: an exponential gap that overruns its piece is redrawn from the piece's end
  // at the next piece's rate, which is exact for a piecewise-constant rate.
  for (;;) {
    if (!(t >= piece_start_ && t < piece_end_)) {
      piece_start_ = t;
      piece_end_ = profile_.piece_end(t);
      piece_rate_ = profile_.rate_at(t);
    }
    if (piece_rate_ > 0) {
      const Time candidate = t + unit_exponential_(rng) / piece_rate_;
      if (candidate < piece_end_) return candidate;
    }
    t = piece_end_;
  }
}

ScheduledArrivals ScheduledArrivals::at(std::vector<Time> times) {
  for (std::size_t i = 0; i < times.size(); ++i) {
    CIRCLESIM_REQUIRE(std::isfinite(times[i]) && times[i] >= 0,
                      "arrival schedule: time {} must be >= 0 and finite, got {}", i, times[i]);
    if (i > 0) {
      CIRCLESIM_REQUIRE(times[i] >= times[i - 1],
                        "arrival schedule: times out of order: time {} ({}) comes before time {} "
                        "({})",
                        i, times[i], i - 1, times[i - 1]);
    }
  }
  ScheduledArrivals schedule;
  schedule.times_ = std::move(times);
  return schedule;
}

ScheduledArrivals ScheduledArrivals::every(Time interval, Time first) {
  CIRCLESIM_REQUIRE(std::isfinite(interval) && interval > 0,
                    "arrival schedule: interval must be > 0 and finite, got {}", interval);
  CIRCLESIM_REQUIRE(std::isfinite(first) && first >= 0,
                    "arrival schedule: first arrival must be >= 0 and finite, got {}", first);
  ScheduledArrivals schedule;
  schedule.interval_ = interval;
  schedule.first_ = first;
  return schedule;
}

Time ScheduledArrivals::next() {
  if (interval_ > 0) {
    // Multiplying rather than accumulating keeps the n-th time exact to rounding.
    return first_ + static_cast<double>(cursor_++) * interval_;
  }
  return cursor_ < times_.size() ? times_[cursor_++] : kNever;
}

}  // namespace circlesim::sim
