// The engine's validation cases: queueing systems with known answers, each checked by whether
// the 99% confidence interval over independent replications contains the analytic value.
// `circlesim check-engine` prints them; tests/validation asserts them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/confidence_interval.hpp"

namespace circlesim::models::validation {

// What one replication of a case produced: one value per check, plus invariants.
struct ReplicationOutcome {
  std::vector<double> values;
  bool flow_conserved = true;
  double littles_law_relative_gap = 0;  // 0 where Little's law is not measured
};

struct Check {
  std::string metric;  // e.g. "Wq", "P(wait>0)", "T class 2"
  double analytic;     // from analysis/queueing
};

struct ValidationCase {
  std::string name;     // e.g. "M/M/3 priority, preemptive-resume"
  std::string formula;  // where the analytic values come from
  int replications;
  std::vector<Check> checks;
  std::function<ReplicationOutcome(std::uint64_t seed, std::uint64_t replication)> run;
};

struct CheckResult {
  std::string case_name;
  std::string metric;
  analysis::ConfidenceInterval interval;
  double analytic;
  bool inside;
};

struct CaseResult {
  std::vector<CheckResult> checks;
  bool flow_conserved = true;      // on every replication
  double max_littles_law_gap = 0;  // largest relative gap over replications
  std::uint64_t replications = 0;
};

// The cases. `effort` scales run lengths (1 = the full precision of about +-2% at 99%); smaller
// values keep sanitizer builds fast at the cost of wider, still valid, intervals.
std::vector<ValidationCase> engine_validation_cases(double effort = 1.0);

// Runs a case's replications on `jobs` threads. Results do not depend on `jobs`: replication r
// always uses stream (seed, r) and estimates are combined in replication order.
CaseResult run_validation_case(const ValidationCase& validation_case, std::uint64_t seed,
                               int jobs = 1, double confidence = 0.99);

// Little's law holds on the sample path up to edge effects of order 1/window; this is the largest
// relative gap that a correct engine shows on these run lengths.
inline constexpr double kLittlesLawTolerance = 0.01;

}  // namespace circlesim::models::validation
