// Checks the city-model tests share (in one place, since the unit tests are compiled in unity
// batches where two files' helpers of one name would clash).
#pragma once

#include "models/services/city_measures.hpp"

namespace circlesim {

// Requests accounted for by an outcome: flow conservation says they equal the requests.
inline double outcomes(const services::FlowCounts& f) {
  return f.served + f.reneged + f.balked + f.unmet + f.escalated + f.in_system;
}

// The index of the "closed" reason in the unmet-demand breakdowns.
inline constexpr int kClosed = static_cast<int>(services::UnmetReason::kClosed);

}  // namespace circlesim
