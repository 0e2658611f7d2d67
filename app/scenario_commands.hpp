// The scenario commands of the command line: validate, schema, run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace circlesim::app {

struct RunOptions {
  std::string file;
  std::vector<std::string> overrides;  // --set key.path=value
  std::string variant;
  std::string output;                 // -o; empty: the scenario's run.trace.output
  std::optional<std::uint64_t> seed;  // unset: the scenario's
  int replications = 0;               // 0: the scenario's
  int jobs = 1;
  std::string trace_level;  // summary|requests|events; empty: the scenario's run.trace.level
  int compression = -1;     // 0..9; -1: the scenario's run.trace.compression
  bool overwrite = false;   // replace existing trace files
  // Minutes per time-series interval; unset: the scenario's run.trace.interval, else the model's
  // default (scenario::default_trace_interval).
  std::optional<double> trace_interval;
};

int run_validate(const std::vector<std::string>& files);
int run_schema();
int run_scenario(const RunOptions& options);

}  // namespace circlesim::app
