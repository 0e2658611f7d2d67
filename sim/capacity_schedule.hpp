// How many servers a pool has over time: constant, or piecewise constant (shifts, opening
// hours), either once from time 0 or repeating with a period such as a day or a week.
#pragma once

#include <vector>

#include "sim/time.hpp"

namespace circlesim::sim {

struct CapacityChange {
  Time at = 0;      // when the new capacity starts (offset within the period if cyclic)
  int servers = 0;  // servers on duty from then on
};

class CapacitySchedule {
 public:
  // `servers` identical servers at all times (servers >= 1).
  static CapacitySchedule constant(int servers);
  // Change points from time 0 onwards; the first must be at 0 and times strictly increase.
  static CapacitySchedule piecewise(std::vector<CapacityChange> changes);
  // Change points at offsets in [0, period), repeated every period; the first must be at 0.
  static CapacitySchedule cyclic(std::vector<CapacityChange> changes, Time period);

  // Servers on duty at time t: those of the latest change point at or before t.
  [[nodiscard]] int capacity_at(Time t) const;
  // The first change point strictly after t ({kNever, 0} if none), with its servers, so that a
  // pool applies exactly the change it scheduled whatever the rounding of the time.
  [[nodiscard]] CapacityChange next_change(Time t) const;
  // The time of next_change(t).
  [[nodiscard]] Time next_change_after(Time t) const { return next_change(t).at; }
  [[nodiscard]] int max_capacity() const;
  [[nodiscard]] bool is_constant() const { return changes_.size() == 1; }
  [[nodiscard]] const std::vector<CapacityChange>& changes() const { return changes_; }
  [[nodiscard]] Time period() const { return period_; }

 private:
  CapacitySchedule(std::vector<CapacityChange> changes, Time period);
  // The cycle k holding t >= 0, k period <= t < (k + 1) period (0 for a one-off schedule).
  [[nodiscard]] double cycle_of(Time t) const;
  // The first change point of cycle k strictly after t, other than the cycle's first, found by
  // binary search: a weekly schedule has dozens, and the city asks at every arrival.
  [[nodiscard]] std::vector<CapacityChange>::const_iterator first_change_after(Time t,
                                                                               double k) const;

  std::vector<CapacityChange> changes_;
  Time period_;  // kNever for a one-off schedule
};

}  // namespace circlesim::sim
