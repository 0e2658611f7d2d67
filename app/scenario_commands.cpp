#include "app/scenario_commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "models/rooms/room_model.hpp"
#include "models/scenario/embedded_schema.hpp"
#include "models/scenario/loader.hpp"

namespace circlesim::app {

namespace {

// Writes `text` to dir/name through a temporary file renamed into place, so that an interrupted
// run never leaves a half-written file that looks complete.
void write_atomically(const std::filesystem::path& dir, const std::string& name,
                      const std::string& text) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path target = dir / name;
  const std::filesystem::path temporary = dir / (name + ".partial");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, target);
}

// A scenario file that is not there is missing input (66), not an invalid scenario (65).
bool report_if_missing(const std::string& file) {
  std::error_code error;
  if (std::filesystem::exists(file, error)) return false;
  fmt::print(stderr, "{}: cannot open: no such file\n", file);
  return true;
}
}  // namespace

int run_validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const std::string& file : files) {
    if (report_if_missing(file)) {
      status = kExitMissingInput;
      continue;
    }
    scenario::Diagnostics diagnostics;
    scenario::LoadOptions options;
    options.all_variants = true;  // a variant that does not validate is a broken file too
    const auto runs = scenario::load_scenario_runs(file, options, diagnostics);
    if (runs) {
      fmt::print("{}: ok ({} run{})\n", file, runs->size(), runs->size() == 1 ? "" : "s");
    } else {
      fmt::print(stderr, "{}", diagnostics.to_string());
      fmt::print(stderr, "{}: {} problem{}\n", file, diagnostics.size(),
                 diagnostics.size() == 1 ? "" : "s");
      if (status == 0) status = kExitBadScenario;
    }
  }
  return status;
}

int run_schema() {
  fmt::print("{}", scenario::embedded_schema());
  return 0;
}

int run_scenario(const RunOptions& options) {
  if (report_if_missing(options.file)) return kExitMissingInput;
  scenario::LoadOptions load;
  load.overrides = options.overrides;
  load.variant = options.variant;
  if (options.seed >= 0) load.overrides.push_back(fmt::format("run.seed={}", options.seed));
  if (options.replications > 0) {
    load.overrides.push_back(fmt::format("run.replications={}", options.replications));
  }
  scenario::Diagnostics diagnostics;
  const auto runs = scenario::load_scenario_runs(options.file, load, diagnostics);
  if (!runs) {
    fmt::print(stderr, "{}", diagnostics.to_string());
    return kExitBadScenario;
  }
  // Everything is simulated before anything is written: a run that fails leaves no output.
  std::vector<std::string> summaries;
  for (const scenario::ScenarioRun& run : *runs) {
    const auto replications = models::run_room_replications(run.scenario, options.jobs);
    summaries.push_back(models::room_summary_table(run.scenario, replications));
    if (runs->size() > 1) fmt::print("== {}\n", run.label);
    fmt::print("{}\n", summaries.back());
  }
  const std::filesystem::path output =
      options.output.empty() ? runs->front().scenario.run.output : options.output;
  for (std::size_t i = 0; i < runs->size(); ++i) {
    const std::filesystem::path dir =
        runs->size() == 1 ? output : output / fmt::format("run-{:04d}", i);
    write_atomically(
        dir, "summary.txt",
        runs->size() == 1 ? summaries[i] : "# " + (*runs)[i].label + "\n" + summaries[i]);
  }
  fmt::print("summary written to {}\n", output.string());
  return 0;
}

}  // namespace circlesim::app
