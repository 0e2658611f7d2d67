// Simulation time: a double in minutes since the scenario start (a Monday 00:00 by default).
#pragma once

#include <cmath>
#include <limits>

namespace circlesim::sim {

using Time = double;  // minutes

inline constexpr Time kMinute = 1.0;
inline constexpr Time kHour = 60.0;
inline constexpr Time kDay = 24.0 * kHour;
inline constexpr Time kWeek = 7.0 * kDay;
inline constexpr Time kNever = std::numeric_limits<double>::infinity();

// Minutes since the most recent midnight, in [0, kDay).
inline Time time_of_day(Time t) { return t - std::floor(t / kDay) * kDay; }

// Day of week 0 = Monday ... 6 = Sunday, counting from a start that falls on `start_weekday`.
inline int day_of_week(Time t, int start_weekday = 0) {
  const auto day = static_cast<long long>(std::floor(t / kDay));
  return static_cast<int>(((day + start_weekday) % 7 + 7) % 7);
}

}  // namespace circlesim::sim
