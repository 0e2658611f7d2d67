// Turns a scenario's demand profile into the engine's rate profile for one service: the daily
// and day-type factors, and the dated shocks that apply to that service.
#pragma once

#include <string_view>

#include "models/scenario/scenario.hpp"
#include "sim/arrival_process.hpp"

namespace circlesim::scenario {

sim::RateProfile to_rate_profile(const Profile& profile, double rate, int start_weekday,
                                 std::string_view service_id);

}  // namespace circlesim::scenario
