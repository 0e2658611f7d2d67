#include "app/run_support.hpp"

#include <fmt/format.h>

#include <H5public.h>
#include <boost/version.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "circlesim/version.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"

namespace circlesim::app {

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

bool report_if_missing(const std::string& file) {
  std::error_code error;
  if (std::filesystem::exists(file, error)) return false;
  fmt::print(stderr, "{}: cannot open: no such file\n", file);
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

sim::trace::TraceLevel trace_level_of(scenario::TraceLevel level) {
  switch (level) {
    case scenario::TraceLevel::kSummary:
      return sim::trace::TraceLevel::kSummary;
    case scenario::TraceLevel::kRequests:
      return sim::trace::TraceLevel::kRequests;
    case scenario::TraceLevel::kEvents:
      return sim::trace::TraceLevel::kEvents;
  }
  return sim::trace::TraceLevel::kSummary;
}

std::vector<std::filesystem::path> replication_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("rep-") && (name.ends_with(".h5") || name.ends_with(".h5.part"))) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string replication_file_name(std::uint64_t replication) {
  return fmt::format("rep-{:04d}.h5", replication);
}

std::string run_directory(const scenario::ScenarioRun& run) {
  return run.sweep_point < 0 ? run.variant : fmt::format("{}-{:03d}", run.variant, run.sweep_point);
}

sim::trace::Provenance provenance_of(const scenario::ScenarioRun& run, const std::string& file,
                                     const std::string& source) {
  sim::trace::Provenance p;
  p.software_version = kVersion;
  p.git_sha = kGitSha;
  p.created_utc = sim::trace::utc_now_iso8601();
  p.scenario_name = run.scenario.run.name;
  p.variant = run.sweep_point < 0 ? run.variant : run_directory(run);
  p.master_seed = static_cast<std::int64_t>(run.scenario.run.seed);
  p.warmup = run.scenario.run.warmup;
  p.horizon = run.scenario.run.horizon;
  p.source_path = file;
  p.source_yaml = source;
  p.resolved_yaml = run.resolved_yaml;
  p.hdf5_version = fmt::format("{}.{}.{}", H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE);
  p.yaml_cpp_version = CIRCLESIM_YAML_CPP_VERSION;
  p.boost_version = fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
                                BOOST_VERSION % 100);
  return p;
}
double trace_interval(const std::optional<double>& command_line,
                      const scenario::Scenario& scenario) {
  if (command_line) return *command_line;
  if (scenario.run.trace_interval) return *scenario.run.trace_interval;
  return scenario::default_trace_interval(scenario.city.has_value());
}

}  // namespace circlesim::app
