// `circlesim summarize DIR|FILE [--format table|csv|json]`: the scalar measures of a run's traces
// (docs/trace-format.md, /scalars) across replications: n, mean, standard deviation and Student t
// interval of each (name, entity, entity id), one summary per variant directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace circlesim::app {

struct SummarizeOptions {
  std::string input;                       // a trace file or a directory searched recursively
  std::string format = "table";            // table, csv or json
  std::optional<double> confidence;        // unset: the run's run.confidence, else 0.95
  std::vector<std::string> entities;       // keep only these entities (empty: all)
  std::vector<std::string> name_prefixes;  // keep only names starting with one of these
};

// Adds the `summarize` subcommand to `app`, filling `options`; returns it so that main can ask
// whether it was chosen.
CLI::App* add_summarize_command(CLI::App& app, SummarizeOptions& options);

// Returns the process exit code: 0; 66 when the input does not exist or holds no complete trace;
// 65 when a file is not a circlesim trace (or, given by name, not complete); 74 when a file or
// directory cannot be read or stdout cannot be written.
int run_summarize(const SummarizeOptions& options);

}  // namespace circlesim::app
