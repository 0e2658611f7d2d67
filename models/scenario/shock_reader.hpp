// Reads dated shocks (`shocks`): demand surges by service, group and district, absences of staff
// and grid members, and facility closures; and applies the absences and closures to the rooms'
// staff and the member teams' availability.
#pragma once

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// Reads scenario.shocks; needs the city, facilities, groups, services and member teams read.
void read_shocks(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario);

// Lowers the rooms' capacity schedules and the member teams' availability over each shock's
// dates (absences, closures). Demand surges are applied by the demand sources as they run.
void apply_shocks(Scenario& scenario);

}  // namespace circlesim::scenario
