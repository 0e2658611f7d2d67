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

}  // namespace

int run_validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const std::string& file : files) {
    scenario::Diagnostics diagnostics;
    const auto loaded = scenario::load_scenario(file, {}, diagnostics);
    if (loaded) {
      fmt::print("{}: ok\n", file);
    } else {
      fmt::print(stderr, "{}", diagnostics.to_string());
      fmt::print(stderr, "{}: {} problem{}\n", file, diagnostics.size(),
                 diagnostics.size() == 1 ? "" : "s");
      status = kExitBadScenario;
    }
  }
  return status;
}

int run_schema() {
  fmt::print("{}", scenario::embedded_schema());
  return 0;
}

int run_scenario(const RunOptions& options) {
  scenario::LoadOptions load;
  load.overrides = options.overrides;
  if (options.seed >= 0) load.overrides.push_back(fmt::format("run.seed={}", options.seed));
  if (options.replications > 0) {
    load.overrides.push_back(fmt::format("run.replications={}", options.replications));
  }
  if (!options.variant.empty()) {
    fmt::print(stderr,
               "{}: --variant {}: variants are part of the scenario language but not "
               "implemented yet\n",
               options.file, options.variant);
    return kExitBadScenario;
  }
  scenario::Diagnostics diagnostics;
  const auto loaded = scenario::load_scenario(options.file, load, diagnostics);
  if (!loaded) {
    fmt::print(stderr, "{}", diagnostics.to_string());
    return kExitBadScenario;
  }
  const auto replications = models::run_room_replications(*loaded, options.jobs);
  const std::string summary = models::room_summary_table(*loaded, replications);
  fmt::print("{}", summary);
  const std::string output = options.output.empty() ? loaded->run.output : options.output;
  write_atomically(output, "summary.txt", summary);
  fmt::print("\nsummary written to {}\n", (std::filesystem::path(output) / "summary.txt").string());
  return 0;
}

}  // namespace circlesim::app
