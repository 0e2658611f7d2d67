// Reads the community parts of model II: grid members (`grid_members`), the home services'
// settings, the dispatch policy, proactive care visits (`policies.care_visits`) and the
// escalation targets (`targets.escalation`).
#pragma once

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// Needs the city, facilities, groups and services read already. Problems go to `diagnostics`.
void read_community_parts(const YamlDocument& document, Diagnostics& diagnostics,
                          Scenario& scenario);

}  // namespace circlesim::scenario
