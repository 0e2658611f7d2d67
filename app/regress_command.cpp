#include "app/regress_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "app/command_failure.hpp"
#include "app/output_table.hpp"
#include "circlesim/version.hpp"
#include "models/regression/regression_case.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::app {

namespace {

namespace fs = std::filesystem;
using regression::CaseError;
using regression::CaseErrorKind;

int exit_code_of(CaseErrorKind kind) {
  switch (kind) {
    case CaseErrorKind::kMissing:
      return kExitNoInput;
    case CaseErrorKind::kInvalid:
      return kExitDataError;
    case CaseErrorKind::kIo:
      return kExitIoError;
  }
  return kExitDataError;
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  return fmt::format("{:.6g}", value);
}

// The case directories: those named, else every directory under `root` with a scenario.yaml or
// an expected.yaml (sorted, so that the output is stable).
std::vector<fs::path> find_cases(const RegressOptions& options) {
  std::vector<fs::path> cases;
  if (!options.cases.empty()) {
    for (const std::string& c : options.cases) cases.emplace_back(c);
    return cases;
  }
  const fs::path root(options.root);
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    throw CaseError(
        CaseErrorKind::kMissing,
        fmt::format("{}: no such directory of regression cases (--root)", root.string()));
  }
  for (fs::directory_iterator it(root, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    std::error_code type_error;
    if (!it->is_directory(type_error)) continue;
    if (fs::exists(it->path() / "scenario.yaml", type_error) ||
        fs::exists(it->path() / "expected.yaml", type_error)) {
      cases.push_back(it->path());
    }
  }
  if (error) {
    throw CaseError(CaseErrorKind::kIo,
                    fmt::format("{}: cannot read directory: {}", root.string(), error.message()));
  }
  if (cases.empty()) {
    throw CaseError(CaseErrorKind::kMissing,
                    fmt::format("{}: no regression cases (directories with scenario.yaml and "
                                "expected.yaml)",
                                root.string()));
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

std::string case_name(const fs::path& dir) {
  fs::path p = dir.lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

void print_result(const regression::KpiResult& r) {
  const regression::ApprovedKpi& kpi = *r.approved;
  std::string line = fmt::format("  {:<4}  {}: approved {}", r.check.passed() ? "pass" : "FAIL",
                                 regression::to_string(kpi.key),
                                 kpi.value ? number(*kpi.value) : std::string("-"));
  if (r.measure != nullptr) {
    const analysis::SampleSummary& s = r.measure->stats;
    line += fmt::format(", new {} [{}, {}]", number(s.mean), number(s.ci_low), number(s.ci_high));
    if (s.undefined > 0) line += fmt::format(" ({} NaN left out)", s.undefined);
    if (!std::isnan(r.check.allowed_low)) {
      line += fmt::format(", allowed [{}, {}]", number(r.check.allowed_low),
                          number(r.check.allowed_high));
    }
  }
  if (!r.check.passed()) line += ": " + r.check.reason;
  fmt::print("{}\n", line);
}

// A note when the run's settings differ from those that approved the values: not a failure
// (the interval is valid for any seed and number of replications), but worth knowing.
void note_settings(const regression::ExpectedFile& expected, const regression::CaseRun& run) {
  if (!expected.approval) return;
  const regression::Approval& a = *expected.approval;
  if (a.replications == run.replications && a.seed == run.seed && a.confidence == run.confidence) {
    return;
  }
  fmt::print(
      "  note: approved with {} replications, seed {}, {}; the scenario now runs {}, seed {}, "
      "{}\n",
      a.replications, a.seed, percent(a.confidence), run.replications, run.seed,
      percent(run.confidence));
}

struct CaseOutcome {
  std::size_t kpis = 0;
  std::size_t failed = 0;
  std::optional<int> error;  // exit code of a case that could not be checked
};

CaseOutcome run_one_case(const fs::path& dir, const RegressOptions& options) {
  CaseOutcome outcome;
  const std::string name = case_name(dir);
  try {
    std::error_code error;
    if (!fs::is_directory(dir, error)) {
      throw CaseError(CaseErrorKind::kMissing,
                      fmt::format("{}: no such case directory", dir.string()));
    }
    const regression::ExpectedFile expected = regression::read_expected(dir / "expected.yaml");
    const auto started = std::chrono::steady_clock::now();
    const regression::CaseRun run = regression::run_case(dir / "scenario.yaml", options.jobs);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print("== {} ({}): {} replications, seed {}, {} t intervals, {:.1f} s\n", name,
               dir.string(), run.replications, run.seed, percent(run.confidence), seconds);
    note_settings(expected, run);
    const std::vector<regression::KpiResult> results = regression::check_case(expected, run);
    for (const regression::KpiResult& r : results) {
      print_result(r);
      ++outcome.kpis;
      if (!r.check.passed()) ++outcome.failed;
    }
    if (!options.update) {
      fmt::print("  {}: {} KPIs, {}\n", name, outcome.kpis,
                 outcome.failed == 0 ? std::string("all passed")
                                     : fmt::format("{} FAILED", outcome.failed));
      return outcome;
    }
    regression::Approval approval;
    approval.software_version = circlesim::kVersion;
    approval.git_sha = circlesim::kGitSha;
    approval.date = sim::trace::utc_now_iso8601();
    const regression::ExpectedFile updated = regression::reapprove(expected, run, approval);
    std::size_t changed = 0;
    for (std::size_t i = 0; i < updated.kpis.size(); ++i) {
      const auto& before = expected.kpis[i].value;
      const double after = *updated.kpis[i].value;
      const bool same = before && (*before == after || (std::isnan(*before) && std::isnan(after)));
      if (!same) ++changed;
    }
    regression::write_expected(dir / "expected.yaml", updated);
    fmt::print("  {}: re-approved, {} of {} values changed; {} rewritten\n", name, changed,
               updated.kpis.size(), (dir / "expected.yaml").string());
    outcome.failed = 0;  // re-approved on purpose
  } catch (const CaseError& e) {
    fmt::print(stderr, "circlesim regress: {}: {}\n", name, e.what());
    outcome.error = exit_code_of(e.kind());
  }
  return outcome;
}

}  // namespace

CLI::App* add_regress_command(CLI::App& app, RegressOptions& options) {
  CLI::App* command = app.add_subcommand(
      "regress",
      "CI regression: run each case's scenario and check its approved KPIs against the new "
      "confidence intervals widened by their tolerances (docs/regression.md)");
  command->add_option("cases", options.cases,
                      "Case directories (scenario.yaml, expected.yaml); default: every case "
                      "under --root");
  command->add_option("--root", options.root, "Directory of the cases when none is named")
      ->capture_default_str();
  command->add_flag("--update", options.update,
                    "Re-approve on purpose: rewrite expected.yaml with the new means, keeping "
                    "each KPI and its tolerance");
  command->add_option("--jobs,-j", options.jobs, "Worker threads for a case's replications")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  return command;
}

int run_regress(const RegressOptions& options) {
  std::vector<fs::path> cases;
  try {
    cases = find_cases(options);
  } catch (const CaseError& e) {
    fmt::print(stderr, "circlesim regress: {}\n", e.what());
    return exit_code_of(e.kind());
  }
  std::size_t kpis = 0;
  std::size_t failed = 0;
  std::size_t failed_cases = 0;
  std::size_t broken_cases = 0;
  std::optional<int> first_error;
  const auto started = std::chrono::steady_clock::now();
  for (const fs::path& dir : cases) {
    const CaseOutcome outcome = run_one_case(dir, options);
    std::fflush(stdout);
    kpis += outcome.kpis;
    failed += outcome.failed;
    if (outcome.failed > 0) ++failed_cases;
    if (outcome.error) {
      ++broken_cases;
      if (!first_error) first_error = outcome.error;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("regress: {} case{}, {} KPIs, {} failed{}{} ({:.1f} s)\n", cases.size(),
             cases.size() == 1 ? "" : "s", kpis, failed,
             failed > 0 ? fmt::format(" in {} case{}", failed_cases, failed_cases == 1 ? "" : "s")
                        : std::string(),
             broken_cases > 0 ? fmt::format(", {} case{} could not be {}", broken_cases,
                                            broken_cases == 1 ? "" : "s",
                                            options.update ? "re-approved" : "checked")
                              : std::string(),
             seconds);
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    fmt::print(stderr, "circlesim regress: cannot write to stdout\n");
    return kExitIoError;
  }
  if (first_error) return *first_error;
  return failed > 0 ? kExitRunFailed : 0;
}

}  // namespace circlesim::app
