// A CI regression case (docs/regression.md): a directory with scenario.yaml, the scenario to run,
// and expected.yaml, the approved KPIs with their tolerances and what approved them. This file
// reads and writes expected.yaml, runs the scenario's replications in memory (the /scalars a
// trace would hold, without writing one) and checks each approved KPI with
// analysis::check_kpi; `circlesim regress` (app/regress_command.cpp) is the command around it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/regression_check.hpp"
#include "analysis/trace_summary.hpp"

namespace circlesim::regression {

// What went wrong with a case, by the exit code the command gives it.
enum class CaseErrorKind {
  kMissing,  // a file of the case is not there (66)
  kInvalid,  // the scenario or expected.yaml is not valid, or a KPI cannot be approved (65)
  kIo,       // a file cannot be read or written (74)
};

class CaseError : public std::runtime_error {
 public:
  CaseError(CaseErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  [[nodiscard]] CaseErrorKind kind() const { return kind_; }

 private:
  CaseErrorKind kind_;
};

// A KPI as expected.yaml names it: the measure's name and entity as in a trace's /scalars, and
// the entity's name from /lookup (the id as a number when the entity has no lookup, e.g. "run").
struct KpiKey {
  std::string name;
  std::string entity;
  std::string id;

  friend bool operator==(const KpiKey&, const KpiKey&) = default;
  friend auto operator<=>(const KpiKey&, const KpiKey&) = default;
};

// "service counter mean_wait".
[[nodiscard]] std::string to_string(const KpiKey& key);

struct ApprovedKpi {
  KpiKey key;
  // nullopt: listed (with its tolerance) but not approved yet; NaN: approved as undefined.
  std::optional<double> value;
  analysis::KpiTolerance tolerance;
  // The approving run's unit and interval: written for the reviewer, never used by the check.
  std::string unit;
  double ci_low = std::numeric_limits<double>::quiet_NaN();
  double ci_high = std::numeric_limits<double>::quiet_NaN();
};

// What approved the values: a record. The check runs the scenario as it is now; a difference
// from these is reported, not failed (the statistics hold for any seed and replications).
struct Approval {
  std::string software_version;
  std::string git_sha;
  std::string date;  // UTC, ISO 8601
  std::string scenario;
  int replications = 0;
  std::uint64_t seed = 0;
  double confidence = 0.0;
};

struct ExpectedFile {
  std::string header;                // the file's leading comment lines, kept on rewrite
  std::optional<Approval> approval;  // absent until the first --update
  std::vector<ApprovedKpi> kpis;
};

// Reads expected.yaml; CaseError (kMissing, kInvalid naming file:line:col, kIo) on problems.
// A repeated KPI or a tolerance that is negative or not finite is invalid.
[[nodiscard]] ExpectedFile read_expected(const std::filesystem::path& file);

// The text of expected.yaml: header, approval, then one KPI a line in the given order (so that a
// re-approval's diff shows exactly the values that moved). Values are written in full (shortest
// form that reads back to the same double), NaN as .nan.
[[nodiscard]] std::string format_expected(const ExpectedFile& expected);

// Writes format_expected(expected) to `file` through a temporary file in the same directory
// renamed into place, so that an interruption leaves the old file or the new one, never half of
// one. CaseError(kIo) when it cannot.
void write_expected(const std::filesystem::path& file, const ExpectedFile& expected);

// One measure of the new run across its replications.
struct Measure {
  KpiKey key;
  std::string unit;
  analysis::SampleSummary stats;
};

struct CaseRun {
  std::string scenario;  // run.name
  int replications = 0;
  std::uint64_t seed = 0;
  double confidence = 0.0;
  std::vector<Measure> measures;  // in the trace's order

  // The measure named `key`, or nullptr.
  [[nodiscard]] const Measure* find(const KpiKey& key) const;
};

// Loads `scenario_file` (extends, overrides; it must stand for one run: no sweep) and runs its
// replications on `jobs` threads with an in-memory trace sink at summary level: the scalars are
// those `circlesim run` writes to /scalars, summarised at the scenario's run.confidence as
// `circlesim summarize` does. CaseError(kMissing) when the file is not there, kInvalid with the
// scenario's diagnostics when it does not load or has fewer than 2 replications.
[[nodiscard]] CaseRun run_case(const std::filesystem::path& scenario_file, int jobs);

struct KpiResult {
  const ApprovedKpi* approved = nullptr;
  const Measure* measure = nullptr;  // nullptr when missing from the run
  analysis::KpiCheck check;
};

// Each approved KPI of `expected`, in order, against `run`. A KPI without an approved value
// fails ("not approved yet").
[[nodiscard]] std::vector<KpiResult> check_case(const ExpectedFile& expected, const CaseRun& run);

// `expected` re-approved from `run`: the same KPIs in the same order with the same tolerances,
// their values, units and intervals from `run`, and `approval` (version, sha, date given;
// scenario, replications, seed and confidence filled in from `run`). CaseError(kInvalid) naming
// every KPI the run does not have: a KPI that no longer exists is removed by hand, on purpose.
[[nodiscard]] ExpectedFile reapprove(const ExpectedFile& expected, const CaseRun& run,
                                     Approval approval);

}  // namespace circlesim::regression
