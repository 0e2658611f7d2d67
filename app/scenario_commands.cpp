#include "app/scenario_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/command_failure.hpp"
#include "app/run_support.hpp"
#include "app/signals.hpp"
#include "models/rooms/room_model.hpp"
#include "models/scenario/embedded_schema.hpp"
#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"

namespace circlesim::app {

namespace {

// Before simulating anything: refuses the traces of an earlier run unless `overwrite`, then
// removes every file the runs will rewrite. Traces of an earlier, larger run would otherwise be
// summarised with these; its summary.txt, beside the partial traces of an interrupted run,
// would look like the summary of the new one.
void clear_earlier_outputs(const std::vector<scenario::ScenarioRun>& runs,
                           const std::filesystem::path& output, bool overwrite) {
  std::vector<std::filesystem::path> earlier;
  for (const scenario::ScenarioRun& run : runs) {
    const std::filesystem::path dir = output / run_directory(run);
    for (const std::filesystem::path& path : replication_files(dir)) {
      if (!overwrite) {
        throw sim::trace::TraceIoError(
            fmt::format("{}: already exists (use --overwrite to replace it)", path.string()));
      }
      earlier.push_back(path);
    }
    earlier.push_back(dir / "summary.txt");
    earlier.push_back(dir / "summary.txt.partial");  // left by a failed write
  }
  for (const std::filesystem::path& path : earlier) {
    std::error_code error;
    std::error_code unknown;
    // A file that is not there (nor its directory) is fine: writing the traces reports a
    // directory that cannot be created.
    if (!std::filesystem::remove(path, error) && error && std::filesystem::exists(path, unknown)) {
      throw sim::trace::TraceIoError(
          fmt::format("{}: cannot remove it: {}", path.string(), error.message()));
    }
  }
}

}  // namespace

int run_validate(const std::vector<std::string>& files) {
  int status = 0;
  for (const std::string& file : files) {
    if (report_if_missing(file)) {
      status = kExitNoInput;
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
      if (status == 0) status = kExitDataError;
    }
  }
  return status;
}

int run_schema() {
  fmt::print("{}", scenario::embedded_schema());
  return 0;
}

int run_scenario(const RunOptions& options) {
  if (report_if_missing(options.file)) return kExitNoInput;
  scenario::LoadOptions load;
  load.overrides = options.overrides;
  load.variant = options.variant;
  if (options.seed)
    load.option_overrides.push_back({"--seed", fmt::format("run.seed={}", *options.seed)});
  if (options.replications > 0) {
    load.option_overrides.push_back(
        {"--replications", fmt::format("run.replications={}", options.replications)});
  }
  scenario::Diagnostics diagnostics;
  const auto runs = scenario::load_scenario_runs(options.file, load, diagnostics);
  if (!runs) {
    fmt::print(stderr, "{}", diagnostics.to_string());
    return kExitDataError;
  }
  const std::atomic<int>& stop = install_stop_signals();
  const std::filesystem::path output =
      options.output.empty() ? runs->front().scenario.run.output : options.output;
  const std::string source = read_file(options.file);
  sim::trace::WriterOptions writer;
  writer.overwrite = options.overwrite;
  if (!options.trace_level.empty()) {
    const auto level = sim::trace::parse_trace_level(options.trace_level);
    if (!level) {
      fmt::print(stderr, "--trace-level: expected summary, requests or events, got '{}'\n",
                 options.trace_level);
      return kExitDataError;
    }
    writer.level = *level;
  }

  std::vector<std::string> summaries;
  try {
    clear_earlier_outputs(*runs, output, options.overwrite);
    for (const scenario::ScenarioRun& run : *runs) {
      sim::trace::WriterOptions run_writer = writer;
      if (options.trace_level.empty())
        run_writer.level = trace_level_of(run.scenario.run.trace_level);
      run_writer.compression =
          options.compression >= 0 ? options.compression : run.scenario.run.compression;
      const std::filesystem::path dir = output / run_directory(run);
      const sim::trace::Provenance base = provenance_of(run, options.file, source);
      auto sinks = [&](std::uint64_t replication) -> std::unique_ptr<sim::trace::TraceSink> {
        auto sink = std::make_unique<sim::trace::Hdf5TraceWriter>(
            dir / replication_file_name(replication), run_writer);
        sim::trace::Provenance p = base;
        p.replication = static_cast<std::int64_t>(replication);
        sink->begin(p);
        return sink;
      };
      const auto started = std::chrono::steady_clock::now();
      if (run.scenario.city) {
        // The community-service model of a city; scenarios of rooms alone run the room model.
        const auto replications =
            services::run_city_replications(run.scenario, options.jobs, sinks, &stop,
                                            trace_interval(options.trace_interval, run.scenario));
        if (stop.load() != 0) break;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        double requests = 0;
        double build = 0;
        for (const services::CityMeasures& m : replications) {
          requests += m.requests_simulated;
          build = std::max(build, m.build_seconds);
        }
        summaries.push_back(services::city_summary_table(run.scenario, replications));
        summaries.back() += fmt::format(
            "\n{:.0f} requests simulated in {:.2f} s ({:.3g} requests/s, {} jobs); building a "
            "replication's residents and service network took at most {:.2f} s\n",
            requests, seconds, seconds > 0 ? requests / seconds : 0.0, options.jobs, build);
      } else {
        const auto replications =
            models::run_room_replications(run.scenario, options.jobs, sinks, &stop,
                                          trace_interval(options.trace_interval, run.scenario));
        if (stop.load() != 0) break;
        summaries.push_back(models::room_summary_table(run.scenario, replications));
      }
      if (runs->size() > 1) fmt::print("== {}\n", run.label);
      fmt::print("{}\n", summaries.back());
    }
  } catch (const sim::trace::TraceIoError& e) {
    fmt::print(stderr, "circlesim: cannot write the trace: {}\n", e.what());
    // Leave without HDF5's exit handler: HDF5 1.10.8 crashes in it when a file whose close
    // failed (a full disk) is still registered. Every trace is closed or removed by now.
    std::fflush(nullptr);
    std::_Exit(kExitIoError);
  }
  if (const int signal = stop.load(); signal != 0) {
    fmt::print(stderr,
               "circlesim: interrupted by signal {}; the traces written so far are closed as "
               "'interrupted' and keep their .part name\n",
               signal);
    return 128 + signal;
  }
  for (std::size_t i = 0; i < runs->size(); ++i) {
    write_atomically(output / run_directory((*runs)[i]), "summary.txt",
                     "# " + (*runs)[i].label + "\n" + summaries[i]);
  }
  fmt::print("traces and summaries written to {}\n", output.string());
  return 0;
}

}  // namespace circlesim::app
