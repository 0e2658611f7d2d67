#include "sim/capacity_schedule.hpp"

#include <algorithm>
#include <cmath>

#include "sim/error.hpp"

namespace circlesim::sim {

CapacitySchedule::CapacitySchedule(std::vector<CapacityChange> changes, Time period)
    : changes_(std::move(changes)), period_(period) {
  CIRCLESIM_REQUIRE(!changes_.empty(), "capacity schedule: needs at least one change point");
  CIRCLESIM_REQUIRE(changes_.front().at == 0.0,
                    "capacity schedule: the first change point must be at time 0, got {}",
                    changes_.front().at);
  for (std::size_t i = 0; i < changes_.size(); ++i) {
    const CapacityChange& c = changes_[i];
    CIRCLESIM_REQUIRE(std::isfinite(c.at),
                      "capacity schedule: time of change {} must be finite, got {}", i, c.at);
    CIRCLESIM_REQUIRE(c.servers >= 0,
                      "capacity schedule: servers at change {} must be >= 0, got {}", i, c.servers);
    CIRCLESIM_REQUIRE(c.at < period_,
                      "capacity schedule: change {} at time {} is not inside the period {}", i,
                      c.at, period_);
    if (i > 0) {
      CIRCLESIM_REQUIRE(c.at > changes_[i - 1].at,
                        "capacity schedule: change points out of order: change {} at time {} "
                        "does not come after change {} at time {}",
                        i, c.at, i - 1, changes_[i - 1].at);
    }
  }
}

CapacitySchedule CapacitySchedule::constant(int servers) {
  CIRCLESIM_REQUIRE(servers >= 1, "servers c must be >= 1, got {}", servers);
  return CapacitySchedule({{0.0, servers}}, kNever);
}

CapacitySchedule CapacitySchedule::piecewise(std::vector<CapacityChange> changes) {
  return CapacitySchedule(std::move(changes), kNever);
}

CapacitySchedule CapacitySchedule::cyclic(std::vector<CapacityChange> changes, Time period) {
  CIRCLESIM_REQUIRE(std::isfinite(period) && period > 0,
                    "capacity schedule: period must be > 0 and finite, got {}", period);
  return CapacitySchedule(std::move(changes), period);
}

double CapacitySchedule::cycle_of(Time t) const {
  if (!std::isfinite(period_)) return 0.0;
  // The cycle of t by division may be off by one through rounding: step it so that t lies in
  // [k period, (k + 1) period) as the very expressions used below compute them, which makes the
  // answers exact for the times we compute (a change time handed out is found again).
  double k = std::max(std::floor(t / period_), 0.0);
  if (k > 0 && k * period_ > t) k -= 1;
  if ((k + 1) * period_ <= t) k += 1;
  return k;
}

std::vector<CapacityChange>::const_iterator CapacitySchedule::first_change_after(Time t,
                                                                                 double k) const {
  const Time start = std::isfinite(period_) ? k * period_ : 0.0;
  return std::upper_bound(
      changes_.begin() + 1, changes_.end(), t,
      [start](Time time, const CapacityChange& c) { return time < start + c.at; });
}

int CapacitySchedule::capacity_at(Time t) const {
  CIRCLESIM_REQUIRE(!std::isnan(t) && t < kNever, "capacity schedule: time must be finite, got {}",
                    t);
  if (!dated_.empty() && t < dated_end_) {
    const auto after =
        std::upper_bound(dated_.begin() + 1, dated_.end(), t,
                         [](Time time, const CapacityChange& c) { return time < c.at; });
    return t < 0 ? dated_.front().servers : std::prev(after)->servers;
  }
  return cycle_capacity_at(t);
}

int CapacitySchedule::cycle_capacity_at(Time t) const {
  // The city model asks at every arrival whether the room is open; most rooms never change.
  if (changes_.size() == 1 || t < 0) return changes_.front().servers;
  // The change point before the first one after t (the first of the cycle is at its start).
  return std::prev(first_change_after(t, cycle_of(t)))->servers;
}

CapacityChange CapacitySchedule::next_change(Time t) const {
  if (!dated_.empty() && t < dated_end_) {
    const auto after =
        std::upper_bound(dated_.begin(), dated_.end(), t,
                         [](Time time, const CapacityChange& c) { return time < c.at; });
    if (after != dated_.end()) return *after;
    // The end of the last window: the cycle again, from its servers then.
    return CapacityChange{dated_end_, cycle_capacity_at(dated_end_)};
  }
  return cycle_next_change(t);
}

CapacityChange CapacitySchedule::cycle_next_change(Time t) const {
  if (changes_.size() == 1 || !(t < kNever)) return CapacityChange{kNever, 0};  // also NaN
  t = std::max(t, 0.0);  // before time 0 the first change point already applies
  const double k = cycle_of(t);
  const auto after = first_change_after(t, k);
  if (after != changes_.end()) {
    return CapacityChange{(std::isfinite(period_) ? k * period_ : 0.0) + after->at, after->servers};
  }
  if (!std::isfinite(period_)) return CapacityChange{kNever, 0};
  // The next cycle's first change point, at its start.
  return CapacityChange{(k + 1) * period_ + changes_.front().at, changes_.front().servers};
}

int CapacitySchedule::max_capacity() const {
  int best = 0;
  for (const CapacityChange& c : changes_) best = std::max(best, c.servers);
  for (const CapacityChange& c : dated_) best = std::max(best, c.servers);
  return best;
}

CapacitySchedule CapacitySchedule::with_window(Time from, Time to,
                                               const std::function<int(int)>& transform) const {
  CIRCLESIM_REQUIRE(std::isfinite(from) && std::isfinite(to) && from >= 0 && to > from,
                    "capacity schedule: a dated window needs 0 <= from < to, finite; got [{}, {})",
                    from, to);
  // Every change point of the schedule as it is, up to the new end, with the window applied.
  const Time end = std::max(to, dated_end_);
  std::vector<CapacityChange> points;
  auto add = [&](Time at, int servers) {
    if (from <= at && at < to) servers = std::max(0, transform(servers));
    if (!points.empty() && points.back().at == at) points.pop_back();
    if (points.empty() || points.back().servers != servers) points.push_back({at, servers});
  };
  add(0.0, capacity_at(0.0));
  for (CapacityChange next = next_change(0.0); next.at < end; next = next_change(next.at)) {
    if (from > points.back().at && from < next.at) add(from, capacity_at(from));
    if (to > points.back().at && to < next.at) add(to, capacity_at(to));
    add(next.at, next.servers);
  }
  if (from > points.back().at && from < end) add(from, capacity_at(from));
  if (to > points.back().at && to < end) add(to, capacity_at(to));
  CapacitySchedule result = *this;
  result.dated_ = std::move(points);
  result.dated_end_ = end;
  return result;
}

}  // namespace circlesim::sim
