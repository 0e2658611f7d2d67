// `circlesim inspect FILE [--json]`: what a trace file holds (docs/trace-format.md): its
// provenance, its datasets with their sizes on disk, the lookup tables, the request outcomes and
// the summary measures.
#pragma once

#include <string>

namespace circlesim::app {

struct InspectOptions {
  std::string file;
  bool json = false;           // one JSON object on stdout instead of tables
  bool allow_partial = false;  // read .h5.part files of running or interrupted runs
};

// Returns the process exit code: 0, 66 when the file does not exist, 74 when it cannot be read
// as a trace (not HDF5, not circlesim, unsupported version, not complete, damaged).
int run_inspect(const InspectOptions& options);

}  // namespace circlesim::app
