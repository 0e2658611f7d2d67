// Reads the parts of a scenario that describe a city: its geography (inline, CSV tables or
// generated), the population groups, and the facility-choice policy. The loader calls it
// before the facilities and services, which refer to the city's areas and groups.
#pragma once

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// Fills scenario.city (when the document has `city`), scenario.groups (always: `general` first)
// and scenario.facility_choice. Problems go to `diagnostics`.
void read_city_parts(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario);

// Fills scenario.travel_times from the table of `city.travel_times` (a path relative to the
// scenario file, as the city's CSV tables). The table names grids and facilities, so it is read
// after the facilities; nothing happens without a city.
void read_travel_times(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario);

}  // namespace circlesim::scenario
