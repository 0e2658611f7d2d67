// What the commands that run scenarios (run, batch) share: where a run's traces go, the
// provenance every trace carries, and writing files so that an interruption leaves no file that
// looks complete.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::app {

// Writes `text` to dir/name through a temporary file renamed into place.
void write_atomically(const std::filesystem::path& dir, const std::string& name,
                      const std::string& text);

// A scenario file that is not there is missing input (66), not an invalid scenario (65): prints
// the problem and returns true when `file` does not exist.
bool report_if_missing(const std::string& file);

std::string read_file(const std::string& path);

sim::trace::TraceLevel trace_level_of(scenario::TraceLevel level);

// The replication traces in `dir` (rep-NNNN.h5 and their .part files), from any earlier run.
std::vector<std::filesystem::path> replication_files(const std::filesystem::path& dir);

// Directory of a run's traces under the output: its variant, and the sweep point when there is
// a sweep ("baseline", "more-staff", "baseline-003").
std::string run_directory(const scenario::ScenarioRun& run);

// A replication's trace file name: rep-NNNN.h5.
std::string replication_file_name(std::uint64_t replication);

// The provenance of every trace of `run` (replication left 0: the caller sets it).
sim::trace::Provenance provenance_of(const scenario::ScenarioRun& run, const std::string& file,
                                     const std::string& source);

// The command line's interval, else the scenario's, else the model's default.
double trace_interval(const std::optional<double>& command_line,
                      const scenario::Scenario& scenario);

}  // namespace circlesim::app
