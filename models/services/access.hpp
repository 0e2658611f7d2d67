// Spatial access to each kind of service by group, from where residents live and where the
// places are: 15-minute coverage and two-step floating catchment (2SFCA) accessibility. It
// depends on the residents and facilities only, not on the run.
#pragma once

#include "models/city/population.hpp"
#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"
#include "models/services/service_network.hpp"

namespace circlesim::services {

// Members of each group living in each grid (grids x groups, row-major).
std::vector<double> members_by_grid(const city::Residents& residents, std::size_t grids,
                                    std::size_t groups);

AccessMeasures measure_access(const scenario::Scenario& scenario, const city::City& city,
                              const city::Residents& residents, const ServiceNetwork& network);

}  // namespace circlesim::services
