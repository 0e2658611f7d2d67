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
  std::vector<std::string> overrides;  // "run.horizon=30d", as given to --set, applied last
  std::string variant;                 // run this named variant instead of the base
  bool all_variants = false;           // the base and every variant (for validate)
};

// One concrete scenario of a file: the base, a variant, or a point of the sweep.
struct ScenarioRun {
  std::string label;
  Scenario scenario;
  std::string variant = "baseline";  // the variant's name, or "baseline"
  int sweep_point = -1;              // index of the sweep point; -1 without a sweep
  // The run's document after extends, variant, sweep point and overrides, as JSON (which is
  // YAML 1.2): loading it again gives the same scenario.
  std::string resolved_yaml;
};

// Every run the file stands for (composition.hpp: extends, variants, sweep, --set). Every
// problem in any of them goes to `diagnostics`; the result is empty when there is any.
std::optional<std::vector<ScenarioRun>> load_scenario_runs(const std::string& path,
                                                           const LoadOptions& options,
                                                           Diagnostics& diagnostics);

// The one scenario of a file without a sweep (the base, or options.variant).
std::optional<Scenario> load_scenario(const std::string& path, const LoadOptions& options,
                                      Diagnostics& diagnostics);

}  // namespace circlesim::scenario
