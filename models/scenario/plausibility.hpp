// Bounds beyond which a scenario's number is much more likely a typo or a unit mistake than a
// plan. The loader refuses such values where they are written rather than let them exhaust
// memory or time in a run; the schema states the bounds it can express (plain numbers), these
// are the ones checked in code, shared by the semantic checks and the readers.
#pragma once

#include <cstdint>

#include "models/city/geography.hpp"

namespace circlesim::scenario {

// Staff in one room, members in one team.
inline constexpr std::int64_t kMaxPeople = 10'000;
// Requests per minute of one demand stream, after any shock.
inline constexpr double kMaxRatePerMinute = 1e6;
// Any distance, a point's coordinates included: community services are within a city, and
// larger values (1e308m) overflow the travel times computed from them.
inline constexpr double kMaxDistanceMetres = city::kMaxDistanceMetres;

}  // namespace circlesim::scenario
