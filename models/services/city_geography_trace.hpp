// The city's geography in the trace, for maps (docs/trace-format.md, /geography): each grid's
// place, residents, community, district and, by group, whether it reaches each kind of service
// place within the travel target; each facility's place, kind and capacity.
#pragma once

#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"
#include "sim/trace/trace_sink.hpp"

namespace circlesim::services {

// The names of scenario::FacilityKind in order (/lookup/facility_kinds); an offer's name
// (AccessMeasures::offers) starts with one of them.
const std::vector<std::string>& facility_kind_names();

// The column of /geography/grids that says whether `group` reaches `offer` within the target.
std::string reach_column(const std::string& offer, const std::string& group);

// Writes /lookup/facility_kinds, /geography/grids and /geography/facilities.
void write_city_geography(sim::trace::TraceSink& sink, const scenario::Scenario& scenario,
                          const city::City& city, const AccessMeasures& access);

}  // namespace circlesim::services
