// The circlesim command line. Thin by design: it parses arguments and calls the libraries.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <boost/version.hpp>

#include <exception>

#include "app/check_engine.hpp"
#include "circlesim/version.hpp"
#include "sim/error.hpp"

namespace {

// Exit codes (DESIGN.md section 7).
constexpr int kExitUsage = 64;
constexpr int kExitInternal = 70;

std::string version_text() {
  return fmt::format("circlesim {} (git {})\nBoost {}.{}.{}, Eigen {}.{}.{}, fmt {}.{}.{}",
                     circlesim::kVersion, circlesim::kGitSha, BOOST_VERSION / 100000,
                     BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100, EIGEN_WORLD_VERSION,
                     EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION, FMT_VERSION / 10000,
                     FMT_VERSION / 100 % 100, FMT_VERSION % 100);
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
  check_engine->add_option("--seed", check.seed, "Master seed")->capture_default_str();
  check_engine->add_option("--effort", check.effort, "Run-length scale (1 = about +-2% at 99%)")
      ->check([](const std::string& text) {
        double value = 0;
        const bool number = CLI::detail::lexical_cast(text, value);
        return number && value > 0 ? std::string() : "must be a number > 0, got " + text;
      })
      ->capture_default_str();
  check_engine->add_option("--jobs,-j", check.jobs, "Worker threads for replications")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  check_engine->add_option("--confidence", check.confidence, "Confidence level of the intervals")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  check_engine->add_option("--case", check.filter, "Run only cases whose name contains this");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  try {
    if (check_engine->parsed()) return circlesim::app::run_check_engine(check);
  } catch (const circlesim::sim::InvalidParameter& e) {
    fmt::print(stderr, "circlesim: invalid parameter: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "circlesim: internal error: {}\n", e.what());
    return kExitInternal;
  }
  return 0;
}
