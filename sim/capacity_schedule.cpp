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

template <class Visit>
void CapacitySchedule::for_changes_near(Time t, Visit&& visit) const {
  if (!std::isfinite(period_)) {
    for (const CapacityChange& c : changes_) visit(c.at, c);
    return;
  }
  // The cycle of t by division may be off by one through rounding; looking one cycle either side
  // and comparing absolute times makes the answer exact for the times we compute.
  const double cycle = std::floor(t / period_);
  for (const double k : {cycle - 1, cycle, cycle + 1}) {
    if (k < 0) continue;
    for (const CapacityChange& c : changes_) visit(k * period_ + c.at, c);
  }
}

int CapacitySchedule::capacity_at(Time t) const {
  CIRCLESIM_REQUIRE(!std::isnan(t) && t < kNever, "capacity schedule: time must be finite, got {}",
                    t);
  // The city model asks at every arrival whether the room is open; most rooms never change.
  if (is_constant()) return changes_.front().servers;
  int servers = changes_.front().servers;
  Time latest = -kNever;
  for_changes_near(t, [&](Time at, const CapacityChange& c) {
    if (at <= t && at >= latest) {
      latest = at;
      servers = c.servers;
    }
  });
  return servers;
}

CapacityChange CapacitySchedule::next_change(Time t) const {
  CapacityChange next{kNever, 0};
  if (changes_.size() == 1) return next;
  if (!(t < kNever)) return next;  // also NaN
  t = std::max(t, 0.0);            // before time 0 the first change point already applies
  for_changes_near(t, [&](Time at, const CapacityChange& c) {
    if (at > t && at < next.at) next = CapacityChange{at, c.servers};
  });
  return next;
}

int CapacitySchedule::max_capacity() const {
  int best = 0;
  for (const CapacityChange& c : changes_) best = std::max(best, c.servers);
  return best;
}

}  // namespace circlesim::sim
