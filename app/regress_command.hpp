// `circlesim regress [CASE_DIR ...] [--update] [--jobs N] [--root DIR]`: CI regression of
// reference KPIs (docs/regression.md). Each case directory holds scenario.yaml and expected.yaml;
// the command runs the scenario's replications in memory and checks every approved KPI against
// the new confidence interval widened by its tolerance (models/regression/regression_case.hpp),
// or, with --update, re-approves the case on purpose.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace circlesim::app {

struct RegressOptions {
  std::vector<std::string> cases;  // case directories; empty: every case under root
  std::string root = "tests/regression";
  bool update = false;  // rewrite expected.yaml with the new values
  int jobs = 1;         // threads for a case's replications
};

// Adds the `regress` subcommand to `app`, filling `options`; returns it so that main can ask
// whether it was chosen.
CLI::App* add_regress_command(CLI::App& app, RegressOptions& options);

// Returns the process exit code: 0 when every KPI of every case passed (with --update: every case
// was re-approved); 1 when a KPI failed or was missing; else, for the first case that could not be
// checked, 66 (a case directory or file is missing, or there are no cases), 65 (the scenario or
// expected.yaml is invalid) or 74 (a file cannot be read or written). The other cases still run.
int run_regress(const RegressOptions& options);

}  // namespace circlesim::app
