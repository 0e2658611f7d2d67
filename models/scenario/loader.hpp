// Reads a scenario file into a typed Scenario: YAML, then --set overrides, then the schema, then
// the checks that need the whole document (references, uniqueness, what the model supports).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario.hpp"

namespace circlesim::scenario {

struct LoadOptions {
  std::vector<std::string> overrides;  // "run.horizon=30d", as given to --set
};

// Every problem goes to `diagnostics`; the result is empty when there is any.
std::optional<Scenario> load_scenario(const std::string& path, const LoadOptions& options,
                                      Diagnostics& diagnostics);

}  // namespace circlesim::scenario
