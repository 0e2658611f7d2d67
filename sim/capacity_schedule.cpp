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
  CapacityCursor scratch;
  return locate(t, scratch);
}

CapacityChange CapacitySchedule::next_change(Time t, CapacityCursor& cursor) const {
  // Skipping more change points than this costs more than a search.
  constexpr int kMostSteps = 4;
  if (cursor.where_ != CapacityCursor::Where::kUnplaced && t >= cursor.asked_) {
    for (int steps = 0; steps <= kMostSteps; ++steps) {
      // The answer is the first change point after the last query: also the first after t.
      if (t < cursor.answer_.at) {
        cursor.asked_ = t;
        return cursor.answer_;
      }
      if (steps == kMostSteps || !step(cursor)) break;
    }
  }
  const CapacityChange answer = locate(t, cursor);
  cursor.servers_ = std::isnan(t) || t >= kNever ? 0 : capacity_at(t);
  return answer;
}

CapacityChange CapacitySchedule::locate(Time t, CapacityCursor& cursor) const {
  cursor.asked_ = t;
  if (!dated_.empty() && t < dated_end_) {
    const auto after =
        std::upper_bound(dated_.begin(), dated_.end(), t,
                         [](Time time, const CapacityChange& c) { return time < c.at; });
    if (after != dated_.end()) {
      cursor.where_ = CapacityCursor::Where::kDated;
      cursor.index_ = static_cast<std::size_t>(after - dated_.begin());
      return cursor.answer_ = *after;
    }
    // The end of the last window: the cycle again, from its servers then.
    cursor.where_ = CapacityCursor::Where::kDatedEnd;
    return cursor.answer_ = CapacityChange{dated_end_, cycle_capacity_at(dated_end_)};
  }
  return cycle_locate(t, cursor);
}

CapacityChange CapacitySchedule::cycle_locate(Time t, CapacityCursor& cursor) const {
  if (changes_.size() == 1 || !(t < kNever)) {  // also NaN
    cursor.where_ = CapacityCursor::Where::kNoMore;
    return cursor.answer_ = CapacityChange{kNever, 0};
  }
  t = std::max(t, 0.0);  // before time 0 the first change point already applies
  const double k = cycle_of(t);
  const auto after = first_change_after(t, k);
  if (after != changes_.end()) {
    cursor.where_ = CapacityCursor::Where::kCycle;
    cursor.index_ = static_cast<std::size_t>(after - changes_.begin());
    cursor.cycle_ = k;
    return cursor.answer_ = CapacityChange{cycle_start(k) + after->at, after->servers};
  }
  if (!std::isfinite(period_)) {
    cursor.where_ = CapacityCursor::Where::kNoMore;
    return cursor.answer_ = CapacityChange{kNever, 0};
  }
  // The next cycle's first change point, at its start.
  cursor.where_ = CapacityCursor::Where::kCycle;
  cursor.index_ = 0;
  cursor.cycle_ = k + 1;
  return cursor.answer_ = first_of_cycle(k + 1);
}

bool CapacitySchedule::step(CapacityCursor& cursor) const {
  const Time t = cursor.answer_.at;
  const int servers = cursor.answer_.servers;
  switch (cursor.where_) {
    case CapacityCursor::Where::kDated:
      // Dated points strictly increase and all lie before dated_end_.
      if (cursor.index_ + 1 < dated_.size()) {
        cursor.answer_ = dated_[++cursor.index_];
      } else {
        cursor.where_ = CapacityCursor::Where::kDatedEnd;
        cursor.answer_ = CapacityChange{dated_end_, cycle_capacity_at(dated_end_)};
      }
      break;
    case CapacityCursor::Where::kCycle: {
      // locate(t) would search cycle_of(t) for the first point after t. When that cycle is the
      // cursor's, rounding being monotone puts every earlier point at or before t, so the answer
      // is the next point if it lies after t, or the next cycle's first if there is none.
      const double k = cursor.cycle_;
      if (cycle_of(t) != k) return false;
      const std::size_t next = cursor.index_ + 1;
      if (next < changes_.size()) {
        const Time at = cycle_start(k) + changes_[next].at;
        if (!(at > t)) return false;
        cursor.index_ = next;
        cursor.answer_ = CapacityChange{at, changes_[next].servers};
      } else if (std::isfinite(period_)) {
        cursor.index_ = 0;
        cursor.cycle_ = k + 1;
        cursor.answer_ = first_of_cycle(k + 1);
      } else {
        cursor.where_ = CapacityCursor::Where::kNoMore;
        cursor.answer_ = CapacityChange{kNever, 0};
      }
      break;
    }
    default:  // the cycle after the dated windows, or nothing more: search
      return false;
  }
  cursor.asked_ = t;
  cursor.servers_ = servers;
  return true;
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
