// `circlesim report DIR -o REPORT_DIR`: an HTML page with figures of a run's or batch's traces
// (docs/report.md), made by analysis/python/circlesim_report.py under Debian's /usr/bin/python3.
// The report is written into a temporary directory beside REPORT_DIR and renamed when complete,
// so that no half-written report is ever left under REPORT_DIR's name.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace circlesim::app {

struct ReportOptions {
  std::string input;   // DIR: <variant>/rep-NNNN.h5 traces
  std::string output;  // REPORT_DIR
  bool overwrite = false;
  std::optional<double> confidence;  // unset: the run's run.confidence, else 0.95
};

// Adds the `report` subcommand to `app`, filling `options`; returns it so that main can ask
// whether it was chosen.
CLI::App* add_report_command(CLI::App& app, ReportOptions& options);

// The directory of circlesim_report.py: $CIRCLESIM_PYTHON_DIR when set, else the source tree's
// analysis/python that the build compiled in.
std::filesystem::path report_script_directory();

// Returns the exit code: 0; 64 when REPORT_DIR would hold or replace DIR; 65 when a file is not
// a readable circlesim trace; 66 when DIR does not exist or holds no complete trace; 74 when
// REPORT_DIR exists (without --overwrite, or is not a report) or a directory cannot be created,
// renamed or removed; 70 when the script is missing or fails (its messages on stderr); 130 or
// 143 after SIGINT or SIGTERM.
int run_report(const ReportOptions& options);

}  // namespace circlesim::app
