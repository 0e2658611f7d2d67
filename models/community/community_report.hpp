// What the trace and the printed summary show of Model II's community side: home services,
// care visits and grid members.
#pragma once

#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::community {

// Scalars home.<measure> (entity "service", id = service index, home services only),
// visit.<measure> (entity "visit_policy") and member.<measure> (entity "member_kind", id = kind,
// kinds with members only).
void add_community_scalars(std::vector<sim::trace::ScalarRecord>& scalars,
                           const scenario::Scenario& scenario,
                           const services::CityMeasures& measures);

// Tables of home services, care visits and members by kind, each value the mean over the
// replications ± its t confidence half-width at `confidence`; empty when the scenario has no
// home services, care visits or member teams.
std::string community_summary(const scenario::Scenario& scenario,
                              const std::vector<services::CityMeasures>& replications,
                              double confidence);

}  // namespace circlesim::community
