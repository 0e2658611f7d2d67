// Reads a scenario file into a typed Scenario: YAML, then --set overrides, then the schema, then
// the checks that need the whole document (references, uniqueness, what the model supports).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario.hpp"

namespace circlesim::scenario {

// An override that an option of its own stands for (--replications 3: run.replications=3).
struct OptionOverride {
  std::string option;  // "--replications": a problem with the value names it, not --set
  std::string text;    // "run.replications=3"
};

struct LoadOptions {
  std::vector<std::string> overrides;  // "run.horizon=30d", as given to --set, applied last
  std::string variant;                 // run this named variant instead of the base
  bool all_variants = false;           // the base and every variant (for validate)
  std::vector<OptionOverride> option_overrides;  // applied after `overrides`
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
