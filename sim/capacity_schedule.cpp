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

std::size_t CapacitySchedule::index_at(Time offset) const {
  const auto after =
      std::upper_bound(changes_.begin(), changes_.end(), offset,
                       [](Time value, const CapacityChange& change) { return value < change.at; });
  return static_cast<std::size_t>(after - changes_.begin()) - 1;
}

int CapacitySchedule::capacity_at(Time t) const {
  if (t < 0) t = 0;
  const Time offset = std::isfinite(period_) ? t - std::floor(t / period_) * period_ : t;
  return changes_[index_at(offset)].servers;
}

Time CapacitySchedule::next_change_after(Time t) const {
  if (changes_.size() == 1) return kNever;
  if (!std::isfinite(period_)) {
    const std::size_t i = index_at(std::max(t, 0.0));
    return i + 1 < changes_.size() ? changes_[i + 1].at : kNever;
  }
  const Time cycle_start = std::floor(t / period_) * period_;
  const std::size_t i = index_at(t - cycle_start);
  return i + 1 < changes_.size() ? cycle_start + changes_[i + 1].at : cycle_start + period_;
}

int CapacitySchedule::max_capacity() const {
  int best = 0;
  for (const CapacityChange& c : changes_) best = std::max(best, c.servers);
  return best;
}

}  // namespace circlesim::sim
