// Arrival processes: when does the next customer come?
//
// Each process answers next_after(t, rng): the first arrival time after t, or kNever. Sources in
// models own the process and the stream, and schedule one calendar event per arrival.
#pragma once

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_01.hpp>

#include <cstddef>
#include <vector>

#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/time.hpp"

namespace circlesim::sim {

// Homogeneous Poisson process with `rate` arrivals per minute.
class PoissonArrivals {
 public:
  explicit PoissonArrivals(double rate);
  Time next_after(Time t, RandomEngine& rng) const { return t + exponential_(rng); }
  [[nodiscard]] double rate() const { return rate_; }

 private:
  double rate_;
  mutable boost::random::exponential_distribution<double> exponential_;
};

// A piecewise-constant rate over the week: base rate x daily shape (n equal slots per day) x
// day-of-week factor. The daily shape and the factors are relative multipliers.
class RateProfile {
 public:
  // daily_shape: n >= 1 non-negative values, n must divide 1440 (so slots are whole minutes);
  // weekday_factors: empty (all 1) or exactly 7 values, Monday first.
  RateProfile(double base_rate, std::vector<double> daily_shape,
              std::vector<double> weekday_factors = {}, int start_weekday = 0);

  // A period [from, to) in which the rate is multiplied by `factor` (>= 0; overlapping shocks
  // multiply): an epidemic, a festival. Times in minutes from the start, like t.
  void add_shock(Time from, Time to, double factor);

  [[nodiscard]] double rate_at(Time t) const;
  // End of the constant piece that contains t (a run of equal slots, within t's day).
  [[nodiscard]] Time piece_end(Time t) const;
  // An upper bound of the rate (exact without shocks; with them, the peak times every factor
  // above 1).
  [[nodiscard]] double max_rate() const { return max_rate_; }
  // Average rate over a whole week.
  [[nodiscard]] double mean_rate() const;

 private:
  double base_rate_;
  std::vector<double> daily_shape_;
  std::vector<double> weekday_factors_;
  int start_weekday_;
  Time slot_length_;
  std::vector<std::size_t> run_end_;  // per slot: the first later slot of another value
  struct Shock {
    Time from;
    Time to;
    double factor;
  };
  std::vector<Shock> shocks_;
  double max_rate_ = 0;
};

// Non-homogeneous Poisson process with a RateProfile. Thinning with a majorant equal to the rate
// on each constant piece: no candidate is ever rejected, and zero-rate pieces are skipped whole,
// so the cost per arrival does not depend on how peaked the profile is.
class ProfileArrivals {
 public:
  explicit ProfileArrivals(RateProfile profile) : profile_(std::move(profile)) {}
  Time next_after(Time t, RandomEngine& rng) const;
  [[nodiscard]] const RateProfile& profile() const { return profile_; }

 private:
  RateProfile profile_;
  mutable boost::random::exponential_distribution<double> unit_exponential_{1.0};
  // The constant piece of the last call, [piece_start_, piece_end_) at piece_rate_: arrivals
  // mostly fall in the piece of the one before, where the rate and the end are already known
  // (the same numbers rate_at and piece_end would compute: the rate is constant on the piece).
  // One process per stream, never shared between threads.
  mutable Time piece_start_ = 0;
  mutable Time piece_end_ = 0;
  mutable double piece_rate_ = 0;
};

// Non-homogeneous Poisson process for any rate function bounded by `max_rate` (Lewis-Shedler
// thinning): candidates at rate max_rate, each kept with probability rate(t)/max_rate.
template <class RateFunction>
class ThinnedArrivals {
 public:
  ThinnedArrivals(RateFunction rate, double max_rate)
      : rate_(std::move(rate)), max_rate_(max_rate) {
    CIRCLESIM_REQUIRE(std::isfinite(max_rate) && max_rate > 0,
                      "thinning: max_rate must be > 0 and finite, got {}", max_rate);
  }
  Time next_after(Time t, RandomEngine& rng) const {
    boost::random::exponential_distribution<double> candidate_gap(max_rate_);
    boost::random::uniform_01<double> uniform;
    for (;;) {
      t += candidate_gap(rng);
      const double rate = rate_(t);
      CIRCLESIM_REQUIRE(rate >= 0 && rate <= max_rate_ * (1 + 1e-12),
                        "thinning: rate {} at time {} is outside [0, max_rate={}]", rate, t,
                        max_rate_);
      if (uniform(rng) * max_rate_ < rate) return t;
    }
  }

 private:
  RateFunction rate_;
  double max_rate_;
};

// Deterministic arrivals: at listed times (non-decreasing; repeats mean simultaneous arrivals),
// or every `interval` from `first`. A cursor: each call to next() yields the following time.
class ScheduledArrivals {
 public:
  static ScheduledArrivals at(std::vector<Time> times);
  static ScheduledArrivals every(Time interval, Time first = 0);
  // The next scheduled time, or kNever when a listed schedule is exhausted.
  Time next();

 private:
  ScheduledArrivals() = default;
  std::vector<Time> times_;
  std::size_t cursor_ = 0;
  Time interval_ = 0;
  Time first_ = 0;
};

}  // namespace circlesim::sim
