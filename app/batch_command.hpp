// `circlesim batch FILE -o DIR`: every variant and sweep point of a scenario times its
// replications, on a pool of worker threads (and, built with CIRCLESIM_WITH_MPI, over MPI
// ranks), one HDF5 trace per replication (DIR/<run>/rep-NNNN.h5) and DIR/campaign.h5 linking
// them with the summary across replications. Complete traces of the same scenario are kept
// (a batch resumes); .part files of interrupted runs are redone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace circlesim::app {

struct BatchOptions {
  std::string file;
  std::string output;                  // -o DIR (required)
  std::vector<std::string> overrides;  // --set key.path=value
  std::vector<std::string> variants;   // only these runs ("baseline", a variant's name); all
  std::optional<std::uint64_t> seed;   // unset: the scenario's
  int replications = 0;                // 0: the scenario's
  int jobs = 1;
  std::string rep_range;  // "A:B": replications A..B-1 only (job arrays); empty: all
  std::string trace_level;
  int compression = -1;
  std::optional<double> trace_interval;
  bool overwrite = false;            // redo traces written from a different scenario
  bool independent_streams = false;  // a seed per run instead of common random numbers
  bool campaign_only = false;        // simulate nothing; rebuild campaign.h5 from the traces
  double log_interval = 5.0;         // seconds between progress lines when not on a terminal
};

CLI::App* add_batch_command(CLI::App& app, BatchOptions& options);

// Exit code: 0; 64 usage (unknown variant, bad range); 65 invalid scenario; 66 missing file;
// 74 I/O (an existing trace from another scenario, a full disk); 1 a replication failed;
// 128 + signal when interrupted.
int run_batch(const BatchOptions& options);

}  // namespace circlesim::app
