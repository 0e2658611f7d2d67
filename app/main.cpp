// The circlesim command line. Thin by design: it parses arguments and calls the libraries.
#include <H5public.h>
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <boost/version.hpp>

#include <exception>
#include <new>

#include "app/batch_command.hpp"
#include "app/check_engine.hpp"
#include "app/command_failure.hpp"
#include "app/compare_command.hpp"
#include "app/inspect_command.hpp"
#include "app/option_checks.hpp"
#include "app/regress_command.hpp"
#include "app/report_command.hpp"
#include "app/scenario_commands.hpp"
#include "app/summarize_command.hpp"
#include "circlesim/version.hpp"
#include "sim/error.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"

namespace {

std::string version_text() {
  return fmt::format(
      "circlesim {} (git {})\nBoost {}.{}.{}, Eigen {}.{}.{}, fmt {}.{}.{}, HDF5 {}.{}.{}, "
      "yaml-cpp {}, trace format {}",
      circlesim::kVersion, circlesim::kGitSha, BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
      BOOST_VERSION % 100, EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
      FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100, H5_VERS_MAJOR, H5_VERS_MINOR,
      H5_VERS_RELEASE, CIRCLESIM_YAML_CPP_VERSION, circlesim::sim::trace::kFormatVersion);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"circlesim: discrete-event simulation of community service circles"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());

  circlesim::app::CheckEngineOptions check;
  CLI::App* check_engine =
      app.add_subcommand("check-engine",
                         "Validate the engine against queueing theory (Erlang B/C, M/M/c/K, M/G/1, "
                         "priorities, Erlang-A, M_t/M/inf)");
  check_engine->add_option("--seed", check.seed, "Master seed")
      ->transform(circlesim::app::seed_number())
      ->capture_default_str();
  check_engine->add_option("--effort", check.effort, "Run-length scale (1 = about +-2% at 99%)")
      ->check(circlesim::app::finite_above(0))
      ->capture_default_str();
  check_engine->add_option("--jobs,-j", check.jobs, "Worker threads for replications")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  check_engine->add_option("--confidence", check.confidence, "Confidence level of the intervals")
      ->check(circlesim::app::finite_range(0.5, 0.9999))
      ->capture_default_str();
  check_engine->add_option("--case", check.filter, "Run only cases whose name contains this");

  std::vector<std::string> validate_files;
  CLI::App* validate =
      app.add_subcommand("validate", "Check scenario files; print ok or every problem found");
  validate->add_option("files", validate_files, "Scenario files")->required();

  CLI::App* schema = app.add_subcommand("schema", "Print the scenario JSON Schema (draft-07)");

  circlesim::app::RunOptions run;
  CLI::App* run_command = app.add_subcommand(
      "run",
      "Run a scenario: HDF5 traces per replication (OUT/<variant>/rep-NNNN.h5) and a summary");
  run_command->add_option("file", run.file, "Scenario file")->required();
  run_command->add_option("--set", run.overrides, "Override a key: key.path=value (repeatable)");
  run_command->add_option("--variant", run.variant, "Run a named variant of the scenario");
  run_command->add_option("-o,--output", run.output, "Output directory");
  run_command->add_option("--seed", run.seed, "Master seed (default: the scenario's)")
      ->transform(circlesim::app::seed_number());
  run_command
      ->add_option("--replications", run.replications, "Replications (default: the scenario's)")
      ->check(CLI::Range(1, 100000));
  run_command->add_option("--jobs,-j", run.jobs, "Worker threads for replications")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  run_command
      ->add_option("--trace-level", run.trace_level,
                   "summary, requests or events (default: the scenario's run.trace.level)")
      ->check(CLI::IsMember({"summary", "requests", "events"}));
  run_command
      ->add_option("--compression", run.compression,
                   "Deflate level of the traces, 0 (off) to 9 (default: the scenario's)")
      ->check(CLI::Range(0, 9));
  run_command->add_flag("--overwrite", run.overwrite, "Replace existing trace files");
  run_command
      ->add_option("--trace-interval", run.trace_interval,
                   "Minutes per interval of the traces' time series (default: the scenario's "
                   "run.trace.interval, else 15 for rooms and 60 for a city)")
      ->check(circlesim::app::finite_range(1.0, 10080.0));

  circlesim::app::BatchOptions batch;
  CLI::App* batch_command = circlesim::app::add_batch_command(app, batch);

  circlesim::app::InspectOptions inspect;
  CLI::App* inspect_command = app.add_subcommand(
      "inspect", "Show a trace file: provenance, datasets and sizes, outcomes, summary measures");
  inspect_command->add_option("file", inspect.file, "Trace file (.h5)")->required();
  inspect_command->add_flag("--json", inspect.json, "Print one JSON object");
  inspect_command->add_flag("--allow-partial", inspect.allow_partial,
                            "Also read .h5.part files of running or interrupted runs");

  circlesim::app::SummarizeOptions summarize;
  CLI::App* summarize_command = circlesim::app::add_summarize_command(app, summarize);

  circlesim::app::CompareOptions compare;
  CLI::App* compare_command = circlesim::app::add_compare_command(app, compare);

  circlesim::app::ReportOptions report;
  CLI::App* report_command = circlesim::app::add_report_command(app, report);

  circlesim::app::RegressOptions regress;
  CLI::App* regress_command = circlesim::app::add_regress_command(app, regress);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : circlesim::app::kExitUsage;
  }

  try {
    if (check_engine->parsed()) return circlesim::app::run_check_engine(check);
    if (validate->parsed()) return circlesim::app::run_validate(validate_files);
    if (schema->parsed()) return circlesim::app::run_schema();
    if (run_command->parsed()) return circlesim::app::run_scenario(run);
    if (batch_command->parsed()) return circlesim::app::run_batch(batch);
    if (inspect_command->parsed()) return circlesim::app::run_inspect(inspect);
    if (summarize_command->parsed()) return circlesim::app::run_summarize(summarize);
    if (compare_command->parsed()) return circlesim::app::run_compare(compare);
    if (report_command->parsed()) return circlesim::app::run_report(report);
    if (regress_command->parsed()) return circlesim::app::run_regress(regress);
  } catch (const circlesim::sim::InvalidParameter& e) {
    fmt::print(stderr, "circlesim: invalid parameter: {}\n", e.what());
    return circlesim::app::kExitUsage;
  } catch (const std::bad_alloc&) {
    // Not a bug to report but a run too large for the machine, almost always a queue that only
    // grows: every waiting request is held in memory.
    fmt::print(stderr,
               "circlesim: out of memory. Every waiting request is held in memory, so a room "
               "whose demand far exceeds its staff fills it in a long run: check the demand "
               "rates, profiles and shocks against the staff, or run a shorter horizon\n");
    return circlesim::app::kExitOutOfMemory;
  } catch (const std::exception& e) {
    fmt::print(stderr, "circlesim: internal error: {}\n", e.what());
    return circlesim::app::kExitInternal;
  }
  return 0;
}
