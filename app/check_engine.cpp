#include "app/check_engine.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "app/command_failure.hpp"
#include "models/validation/engine_cases.hpp"

namespace circlesim::app {

namespace {

using models::validation::ValidationCase;

// The cases whose name contains `filter` (all when it is empty).
std::vector<ValidationCase> chosen_cases(std::vector<ValidationCase> cases,
                                         const std::string& filter) {
  std::erase_if(cases, [&](const ValidationCase& validation_case) {
    return validation_case.name.find(filter) == std::string::npos;
  });
  return cases;
}

}  // namespace

int run_check_engine(const CheckEngineOptions& options) {
  using models::validation::CaseResult;
  const auto all_cases = models::validation::engine_validation_cases(options.effort);
  const auto cases = chosen_cases(all_cases, options.filter);
  if (cases.empty()) {
    // A misspelt --case must not pass as "0 checks, 0 outside their interval".
    fmt::print(stderr, "circlesim check-engine: --case '{}' matches no case; the cases are:\n",
               options.filter);
    for (const ValidationCase& validation_case : all_cases) {
      fmt::print(stderr, "  {}\n", validation_case.name);
    }
    return kExitUsage;
  }
  const int level = static_cast<int>(options.confidence * 100 + 0.5);
  fmt::print(
      "circlesim check-engine: seed {}, effort {}, {}% confidence intervals over "
      "replications\n\n",
      options.seed, options.effort, level);
  fmt::print("{:<52} {:<16} {:>12} {:>26} {:>8} {:>12} {:>7}\n", "case", "metric", "simulated",
             fmt::format("{}% CI", level), "+-%", "analytic", "inside");
  fmt::print("{}\n", std::string(139, '-'));

  int checks = 0;
  int failures = 0;
  const auto started = std::chrono::steady_clock::now();
  for (const auto& validation_case : cases) {
    const CaseResult result = models::validation::run_validation_case(
        validation_case, options.seed, options.jobs, options.confidence);
    for (const auto& check : result.checks) {
      ++checks;
      if (!check.inside) ++failures;
      fmt::print("{:<52} {:<16} {:>12.6f} [{:>11.6f}, {:>11.6f}] {:>7.2f}% {:>12.6f} {:>7}\n",
                 check.case_name, check.metric, check.interval.mean, check.interval.lower,
                 check.interval.upper, 100 * check.interval.relative_half_width(), check.analytic,
                 check.inside ? "yes" : "NO");
    }
    const bool little_ok = result.max_littles_law_gap <= models::validation::kLittlesLawTolerance;
    if (!result.flow_conserved || !little_ok) {
      ++failures;
      fmt::print("{:<52} invariant failed: flow conservation {}, Little's law gap {:.4f}\n",
                 validation_case.name, result.flow_conserved ? "ok" : "BROKEN",
                 result.max_littles_law_gap);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("{}\n", std::string(139, '-'));
  fmt::print(
      "{} checks, {} outside their interval or failing an invariant; flow conservation "
      "and Little's law checked on every case; {:.1f} s\n",
      checks, failures, seconds);
  return failures == 0 ? 0 : 1;
}

}  // namespace circlesim::app
