// What the red stations measured, for the trace (scalars) and the printed summary: per thing
// they offer (seats, chargers, lockers, a room type), arrivals, blocking, service at the first
// or a later station, the extra walk and use by hour; and the distance from residents to the
// nearest place of every offer.
#pragma once

#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::services {

// Appends red_station.<measure> (entity "station_offer", id = index into
// measures.red_station_offers) and nearest_m.<group> (entity "offer", id = index into
// measures.access.offers) to `scalars`.
void add_red_station_scalars(std::vector<sim::trace::ScalarRecord>& scalars,
                             const scenario::Scenario& scenario, const CityMeasures& measures);

// The red stations' table with t confidence intervals at `confidence` across replications; an
// empty string when the scenario has no red-station service.
std::string red_station_summary(const scenario::Scenario& scenario,
                                const std::vector<CityMeasures>& replications, double confidence);

}  // namespace circlesim::services
