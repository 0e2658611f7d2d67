// `circlesim compare DIR --baseline NAME [--format table|csv|json]`: each variant directory of
// DIR against the baseline's, replication by replication (common random numbers): for every
// scalar of the traces' /scalars (docs/trace-format.md), the means, the mean difference with its
// paired t interval, the relative change, the p-value and the Holm-adjusted p-value over every
// comparison made (docs/analysis.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace circlesim::app {

struct CompareOptions {
  std::string input;                       // DIR: one subdirectory of traces per variant
  std::string baseline;                    // the subdirectory the others are compared with
  std::string format = "table";            // table, csv or json
  std::optional<double> confidence;        // unset: the baseline's run.confidence, else 0.95
  std::optional<double> alpha;             // unset: 1 - confidence
  std::vector<std::string> entities;       // keep only these entities (empty: all)
  std::vector<std::string> name_prefixes;  // keep only names starting with one of these
};

// Adds the `compare` subcommand to `app`, filling `options`; returns it so that main can ask
// whether it was chosen.
CLI::App* add_compare_command(CLI::App& app, CompareOptions& options);

// Returns the process exit code: 0; 66 when DIR does not exist or holds no complete traces, when
// the baseline is not one of its variant directories (the message lists those found), when it is
// the only one, or when no variant shares a replication with it; 65 when a file is not a
// circlesim trace or has no replication index; 74 when a file or directory cannot be read or
// stdout cannot be written.
int run_compare(const CompareOptions& options);

}  // namespace circlesim::app
