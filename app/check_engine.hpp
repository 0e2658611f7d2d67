// `circlesim check-engine`: runs the engine's validation cases and prints, for each check, the
// simulated value with its confidence interval, the analytic value, and whether it lies inside.
#pragma once

#include <cstdint>
#include <string>

namespace circlesim::app {

struct CheckEngineOptions {
  std::uint64_t seed = 20261127;
  double effort = 1.0;
  int jobs = 2;
  double confidence = 0.99;
  std::string filter;  // run only cases whose name contains this text
};

// Returns the process exit code: 0 when every check holds, 1 otherwise.
int run_check_engine(const CheckEngineOptions& options);

}  // namespace circlesim::app
