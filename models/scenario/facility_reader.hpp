// Reads a scenario's facilities and their rooms: those listed one by one, and those laid out by
// rule (`facilities.generate`) over the city's communities, streets or districts.
#pragma once

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// Appends to scenario.facilities and scenario.rooms; needs scenario.city read already (it may
// be empty: a scenario of rooms alone). Problems go to `diagnostics`.
void read_facilities(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario);

// Where a facility of `kind` in area `area` stands by default: a community's location, or the
// population-weighted centre of a street's or district's communities.
city::Point default_location(const city::City& city, FacilityKind kind, city::Index area);

}  // namespace circlesim::scenario
