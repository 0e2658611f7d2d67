// How many servers a pool has over time: constant, or piecewise constant (shifts, opening
// hours), either once from time 0 or repeating with a period such as a day or a week; and dated
// windows that change it for a while (absences, closures), after which the cycle goes on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/time.hpp"

namespace circlesim::sim {

struct CapacityChange {
  Time at = 0;      // when the new capacity starts (offset within the period if cyclic)
  int servers = 0;  // servers on duty from then on
};

// Where a caller stands in one schedule, for callers that ask again and again as time passes (a
// pool at each of its changes, a team when its members' duty runs out): see
// CapacitySchedule::next_change(t, cursor). Starts unplaced; any schedule may be asked through
// it, but only ever the same one.
class CapacityCursor {
 public:
  // Servers on duty at the time of the last query: capacity_at(that time).
  [[nodiscard]] int servers() const { return servers_; }

 private:
  friend class CapacitySchedule;
  enum class Where : std::uint8_t { kUnplaced, kDated, kDatedEnd, kCycle, kNoMore };
  Time asked_ = 0;
  CapacityChange answer_;  // next_change(asked_)
  int servers_ = 0;        // capacity_at(asked_)
  Where where_ = Where::kUnplaced;
  std::size_t index_ = 0;  // of answer_ in the dated points or in the cycle
  double cycle_ = 0;       // of answer_, when in the cycle
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
  // The same answer, and the cursor's servers() = capacity_at(t), for a caller whose t never
  // decreases from one call to the next: a query before the cursor's next change returns it,
  // one at that change steps to the next change point, and only a query that skips several
  // (or goes back in time) searches. Pools and teams ask at each change of their schedule; a
  // binary search over a schedule's cold change points per change was 5% of a city's run.
  CapacityChange next_change(Time t, CapacityCursor& cursor) const;
  // The time of next_change(t).
  [[nodiscard]] Time next_change_after(Time t) const { return next_change(t).at; }
  [[nodiscard]] int max_capacity() const;
  [[nodiscard]] bool is_constant() const { return changes_.size() == 1 && dated_.empty(); }
  // The change points of the cycle (or of the one-off schedule), without dated windows.
  [[nodiscard]] const std::vector<CapacityChange>& changes() const { return changes_; }
  [[nodiscard]] Time period() const { return period_; }
  // Change points in all: the cycle's and the dated ones (a bound for searches that walk them).
  [[nodiscard]] std::size_t change_points() const { return changes_.size() + dated_.size(); }

  // This schedule with the servers over [from, to) replaced by transform(servers) (for example
  // a share absent, or 0 for a closure); before and after, unchanged. Windows compose: each
  // applies to the schedule as the earlier ones left it. Until the end of the last window the
  // schedule is held as dated change points (from time 0, so that memory grows with the
  // window's end, not with the run), then the cycle takes over again.
  [[nodiscard]] CapacitySchedule with_window(Time from, Time to,
                                             const std::function<int(int)>& transform) const;

 private:
  CapacitySchedule(std::vector<CapacityChange> changes, Time period);
  // The cycle k holding t >= 0, k period <= t < (k + 1) period (0 for a one-off schedule).
  [[nodiscard]] double cycle_of(Time t) const;
  // The first change point of cycle k strictly after t, other than the cycle's first, found by
  // binary search: a weekly schedule has dozens, and the city asks at every arrival.
  [[nodiscard]] std::vector<CapacityChange>::const_iterator first_change_after(Time t,
                                                                               double k) const;

  // The cyclic (or one-off) schedule alone, ignoring dated windows.
  [[nodiscard]] int cycle_capacity_at(Time t) const;
  // next_change(t) found by search, placing the cursor at the answer.
  CapacityChange locate(Time t, CapacityCursor& cursor) const;
  CapacityChange cycle_locate(Time t, CapacityCursor& cursor) const;
  // Moves a placed cursor from its answer to the next change point, exactly as locate() at the
  // answer's time would (its servers become those of the answer); false where that needs a
  // search (after the dated windows, or where rounding makes two change times equal).
  bool step(CapacityCursor& cursor) const;
  // Start of cycle k (0 for a one-off schedule).
  [[nodiscard]] Time cycle_start(double k) const { return period_ < kNever ? k * period_ : 0.0; }
  // The first change point of cycle k, at its start (cyclic schedules only).
  [[nodiscard]] CapacityChange first_of_cycle(double k) const {
    return CapacityChange{cycle_start(k) + changes_.front().at, changes_.front().servers};
  }

  std::vector<CapacityChange> changes_;
  Time period_;  // kNever for a one-off schedule
  // Dated windows: absolute change points from 0 that replace the cycle before dated_end_.
  std::vector<CapacityChange> dated_;
  Time dated_end_ = 0;
};

}  // namespace circlesim::sim
