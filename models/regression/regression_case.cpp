// Regression cases: expected.yaml in and out, the case's scenario run in memory, the check.
#include "models/regression/regression_case.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>

#include "models/rooms/room_model.hpp"
#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "sim/error.hpp"
#include "sim/trace/trace_sink.hpp"

namespace circlesim::regression {

namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------
// Reading expected.yaml

[[noreturn]] void fail_at(const fs::path& file, const YAML::Node& node, const std::string& what) {
  const YAML::Mark mark = node.Mark();
  throw CaseError(CaseErrorKind::kInvalid,
                  fmt::format("{}:{}:{}: {}", file.string(), mark.line + 1, mark.column + 1, what));
}

std::string read_text(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) {
    throw CaseError(CaseErrorKind::kMissing,
                    fmt::format("{}: cannot open: no such file", file.string()));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) {
    throw CaseError(CaseErrorKind::kIo, fmt::format("{}: cannot read", file.string()));
  }
  return text.str();
}

// The leading lines that are comments or blank: kept verbatim when the file is rewritten.
std::string leading_comments(const std::string& text) {
  std::size_t end = 0;
  std::size_t kept = 0;
  while (end < text.size()) {
    const std::size_t newline = text.find('\n', end);
    const std::size_t stop = newline == std::string::npos ? text.size() : newline;
    const std::string_view line(text.data() + end, stop - end);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') break;
    end = newline == std::string::npos ? text.size() : newline + 1;
    if (first != std::string_view::npos) kept = end;  // trailing blank lines are not kept
  }
  return text.substr(0, kept);
}

std::string scalar_text(const fs::path& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) fail_at(file, node, fmt::format("{}: expected a scalar", key));
  return node.Scalar();
}

// A YAML 1.2 float: decimal or exponent notation, .nan, .inf, -.inf.
double number_of(const fs::path& file, const YAML::Node& node, const std::string& key) {
  const std::string text = scalar_text(file, node, key);
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return kNaN;
  if (text == ".inf" || text == ".Inf" || text == "+.inf") return HUGE_VAL;
  if (text == "-.inf" || text == "-.Inf") return -HUGE_VAL;
  double value = 0;
  const char* begin = text.data() + (text.starts_with('+') ? 1 : 0);
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    fail_at(file, node, fmt::format("{}: expected a number, got '{}'", key, text));
  }
  return value;
}

template <class Integer>
Integer integer_of(const fs::path& file, const YAML::Node& node, const std::string& key) {
  const std::string text = scalar_text(file, node, key);
  Integer value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    fail_at(file, node, fmt::format("{}: expected a whole number, got '{}'", key, text));
  }
  return value;
}

// Refuses keys other than `allowed` (a typo such as `tolerence` would otherwise be ignored).
void require_keys(const fs::path& file, const YAML::Node& map, const std::string& where,
                  std::initializer_list<std::string_view> allowed) {
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail_at(file, entry.first,
              fmt::format("{}: unknown key '{}' (expected one of: {})", where, key, list));
    }
  }
}

analysis::KpiTolerance tolerance_of(const fs::path& file, const YAML::Node& node,
                                    const std::string& where) {
  if (!node.IsMap() || node.size() == 0) {
    fail_at(file, node,
            fmt::format("{}.tolerance: expected a mapping with absolute and/or relative (0 "
                        "allowed, e.g. {{relative: 0.02}})",
                        where));
  }
  require_keys(file, node, where + ".tolerance", {"absolute", "relative"});
  analysis::KpiTolerance tolerance;
  if (node["absolute"]) {
    tolerance.absolute = number_of(file, node["absolute"], where + ".tolerance.absolute");
  }
  if (node["relative"]) {
    tolerance.relative = number_of(file, node["relative"], where + ".tolerance.relative");
  }
  try {
    analysis::require_valid(tolerance);
  } catch (const sim::InvalidParameter& e) {
    fail_at(file, node, fmt::format("{}.tolerance: {}", where, e.what()));
  }
  return tolerance;
}

Approval approval_of(const fs::path& file, const YAML::Node& node) {
  if (!node.IsMap()) fail_at(file, node, "approval: expected a mapping");
  require_keys(
      file, node, "approval",
      {"software_version", "git_sha", "date", "scenario", "replications", "seed", "confidence"});
  Approval approval;
  auto text = [&](const char* key) {
    return node[key] ? scalar_text(file, node[key], std::string("approval.") + key) : std::string();
  };
  approval.software_version = text("software_version");
  approval.git_sha = text("git_sha");
  approval.date = text("date");
  approval.scenario = text("scenario");
  if (node["replications"]) {
    approval.replications = integer_of<int>(file, node["replications"], "approval.replications");
  }
  if (node["seed"]) approval.seed = integer_of<std::uint64_t>(file, node["seed"], "approval.seed");
  if (node["confidence"]) {
    approval.confidence = number_of(file, node["confidence"], "approval.confidence");
  }
  return approval;
}

ApprovedKpi kpi_of(const fs::path& file, const YAML::Node& node, std::size_t index) {
  const std::string where = fmt::format("kpis.{}", index);
  if (!node.IsMap()) fail_at(file, node, where + ": expected a mapping");
  require_keys(file, node, where, {"name", "entity", "id", "value", "tolerance", "unit", "ci"});
  ApprovedKpi kpi;
  for (const char* key : {"name", "entity", "id", "tolerance"}) {
    if (!node[key]) fail_at(file, node, fmt::format("{}: {} is required", where, key));
  }
  kpi.key.name = scalar_text(file, node["name"], where + ".name");
  kpi.key.entity = scalar_text(file, node["entity"], where + ".entity");
  kpi.key.id = scalar_text(file, node["id"], where + ".id");
  kpi.tolerance = tolerance_of(file, node["tolerance"], where);
  if (const YAML::Node value = node["value"]; value && !value.IsNull()) {
    kpi.value = number_of(file, value, where + ".value");
  }
  if (node["unit"]) kpi.unit = scalar_text(file, node["unit"], where + ".unit");
  if (const YAML::Node ci = node["ci"]; ci && !ci.IsNull()) {
    if (!ci.IsSequence() || ci.size() != 2) {
      fail_at(file, ci, where + ".ci: expected [low, high]");
    }
    kpi.ci_low = number_of(file, ci[0], where + ".ci");
    kpi.ci_high = number_of(file, ci[1], where + ".ci");
  }
  return kpi;
}

// ---------------------------------------------------------------------------------------------
// Writing expected.yaml

// A plain YAML scalar when it cannot be mistaken for anything else, else double-quoted.
std::string yaml_string(const std::string& text) {
  const bool plain = !text.empty() &&
                     std::all_of(text.begin(), text.end(),
                                 [](char c) {
                                   return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                                          c == '.' || c == '/' || c == '-';
                                 }) &&
                     std::isalpha(static_cast<unsigned char>(text.front())) && text != "null" &&
                     text != "true" && text != "false" && text != "yes" && text != "no";
  if (plain) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  return quoted + '"';
}

// The shortest text that reads back to the same double.
std::string yaml_number(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  return fmt::format("{}", value);
}

std::string format_kpi(const ApprovedKpi& kpi) {
  std::string line = fmt::format("  - {{entity: {}, id: {}, name: {}", yaml_string(kpi.key.entity),
                                 yaml_string(kpi.key.id), yaml_string(kpi.key.name));
  line += fmt::format(", value: {}", kpi.value ? yaml_number(*kpi.value) : "null");
  std::string tolerance;
  if (kpi.tolerance.absolute > 0 || kpi.tolerance.relative == 0) {
    tolerance = fmt::format("absolute: {}", yaml_number(kpi.tolerance.absolute));
  }
  if (kpi.tolerance.relative > 0) {
    tolerance += fmt::format("{}relative: {}", tolerance.empty() ? "" : ", ",
                             yaml_number(kpi.tolerance.relative));
  }
  line += fmt::format(", tolerance: {{{}}}", tolerance);
  if (!kpi.unit.empty()) line += fmt::format(", unit: {}", yaml_string(kpi.unit));
  if (!std::isnan(kpi.ci_low) || !std::isnan(kpi.ci_high)) {
    // For the reviewer only: six digits are plenty.
    auto short_number = [](double x) {
      return std::isfinite(x) ? fmt::format("{:.6g}", x) : yaml_number(x);
    };
    line += fmt::format(", ci: [{}, {}]", short_number(kpi.ci_low), short_number(kpi.ci_high));
  }
  return line + "}\n";
}

// ---------------------------------------------------------------------------------------------
// Running the scenario in memory

// Keeps a replication's lookups and scalars, which is all a regression check reads; the rest of
// a trace is dropped as it comes.
struct Captured {
  std::map<std::string, std::vector<std::string>, std::less<>> lookups;
  std::vector<sim::trace::ScalarRecord> scalars;
};

class ScalarCapture final : public sim::trace::TraceSink {
 public:
  explicit ScalarCapture(Captured& into) : into_(into) {}
  [[nodiscard]] sim::trace::TraceLevel level() const override {
    return sim::trace::TraceLevel::kSummary;
  }
  void begin(const sim::trace::Provenance&) override {}
  void write_lookup(const std::string& kind, const std::vector<std::string>& names) override {
    into_.lookups[kind] = names;
  }
  void append_requests(std::span<const sim::trace::RequestRecord>) override {}
  void append_events(std::span<const sim::trace::EventRecord>) override {}
  void write_timeseries(const sim::trace::TimeSeries&) override {}
  void write_scalars(std::span<const sim::trace::ScalarRecord> scalars) override {
    into_.scalars.insert(into_.scalars.end(), scalars.begin(), scalars.end());
  }
  void write_histograms(const sim::trace::HistogramSet&) override {}
  void write_table(const std::string&, const sim::trace::Table&) override {}
  void finish(sim::trace::TraceStatus, double) override {}

 private:
  Captured& into_;
};

}  // namespace

std::string to_string(const KpiKey& key) {
  return fmt::format("{} {} {}", key.entity, key.id, key.name);
}

ExpectedFile read_expected(const fs::path& file) {
  const std::string text = read_text(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw CaseError(
        CaseErrorKind::kInvalid,
        fmt::format("{}:{}:{}: {}", file.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) fail_at(file, root, "expected a mapping with approval and kpis");
  require_keys(file, root, "expected.yaml", {"approval", "kpis"});
  ExpectedFile expected;
  expected.header = leading_comments(text);
  if (root["approval"] && !root["approval"].IsNull()) {
    expected.approval = approval_of(file, root["approval"]);
  }
  const YAML::Node kpis = root["kpis"];
  if (!kpis || !kpis.IsSequence() || kpis.size() == 0) {
    fail_at(file, kpis ? kpis : root, "kpis: expected a list of at least one KPI");
  }
  std::set<KpiKey> seen;
  for (std::size_t i = 0; i < kpis.size(); ++i) {
    ApprovedKpi kpi = kpi_of(file, kpis[i], i);
    if (!seen.insert(kpi.key).second) {
      fail_at(file, kpis[i], fmt::format("kpis.{}: {} is listed twice", i, to_string(kpi.key)));
    }
    expected.kpis.push_back(std::move(kpi));
  }
  return expected;
}

std::string format_expected(const ExpectedFile& expected) {
  std::string text = expected.header;
  if (expected.approval) {
    const Approval& a = *expected.approval;
    text += "approval:\n";
    text += fmt::format("  software_version: {}\n", yaml_string(a.software_version));
    text += fmt::format("  git_sha: {}\n", yaml_string(a.git_sha));
    text += fmt::format("  date: {}\n", yaml_string(a.date));
    text += fmt::format("  scenario: {}\n", yaml_string(a.scenario));
    text += fmt::format("  replications: {}\n", a.replications);
    text += fmt::format("  seed: {}\n", a.seed);
    text += fmt::format("  confidence: {}\n", yaml_number(a.confidence));
  }
  text += "kpis:\n";
  for (const ApprovedKpi& kpi : expected.kpis) text += format_kpi(kpi);
  return text;
}

void write_expected(const fs::path& file, const ExpectedFile& expected) {
  const std::string text = format_expected(expected);
  // A name of this process's own in the same directory, so that the rename is atomic.
  const fs::path temporary =
      file.parent_path() / fmt::format(".{}.tmp-{}", file.filename().string(), ::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw CaseError(CaseErrorKind::kIo,
                      fmt::format("{}: cannot write {}", file.string(), temporary.string()));
    }
  }
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw CaseError(CaseErrorKind::kIo,
                    fmt::format("{}: cannot replace: {}", file.string(), error.message()));
  }
}

const Measure* CaseRun::find(const KpiKey& key) const {
  for (const Measure& m : measures) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

CaseRun run_case(const fs::path& scenario_file, int jobs) {
  std::error_code exists_error;
  if (!fs::exists(scenario_file, exists_error)) {
    throw CaseError(CaseErrorKind::kMissing,
                    fmt::format("{}: cannot open: no such file", scenario_file.string()));
  }
  scenario::Diagnostics diagnostics;
  const auto runs = scenario::load_scenario_runs(scenario_file.string(), {}, diagnostics);
  if (!runs) throw CaseError(CaseErrorKind::kInvalid, diagnostics.to_string());
  if (runs->size() != 1) {
    throw CaseError(CaseErrorKind::kInvalid,
                    fmt::format("{}: a regression case runs one scenario, this file stands for {} "
                                "runs (a sweep): make a case of each point instead",
                                scenario_file.string(), runs->size()));
  }
  const scenario::Scenario& scenario = runs->front().scenario;
  if (scenario.run.replications < 2) {
    throw CaseError(CaseErrorKind::kInvalid,
                    fmt::format("{}: run.replications: a regression case needs at least 2 "
                                "replications for a confidence interval, got {}",
                                scenario_file.string(), scenario.run.replications));
  }
  const auto n = static_cast<std::size_t>(scenario.run.replications);
  std::vector<Captured> captured(n);
  auto sinks = [&captured](std::uint64_t replication) -> std::unique_ptr<sim::trace::TraceSink> {
    return std::make_unique<ScalarCapture>(captured[replication]);
  };
  // The interval of the time series, as `circlesim run` chooses it; the scalars do not depend on
  // it, but the same run is the honest one to check.
  const double interval = scenario.run.trace_interval.value_or(
      scenario::default_trace_interval(scenario.city.has_value()));
  if (scenario.city) {
    (void)services::run_city_replications(scenario, jobs, sinks, nullptr, interval);
  } else {
    (void)models::run_room_replications(scenario, jobs, sinks, nullptr, interval);
  }

  CaseRun run;
  run.scenario = scenario.run.name;
  run.replications = scenario.run.replications;
  run.seed = scenario.run.seed;
  run.confidence = scenario.run.confidence;
  analysis::ScalarSummarizer summarizer;
  for (const Captured& c : captured) summarizer.add_replication(c.scalars);
  // Entity ids named from the first replication's lookups, as `circlesim summarize` does.
  const auto& lookups = captured.front().lookups;
  std::vector<std::string> kinds;
  for (const auto& entry : lookups) kinds.push_back(entry.first);
  static const std::vector<std::string> kNoNames;
  for (analysis::ScalarSummary& s : summarizer.summarize(run.confidence)) {
    const auto kind = analysis::lookup_kind_for(s.key.entity, kinds);
    const std::vector<std::string>& names = kind ? lookups.find(*kind)->second : kNoNames;
    run.measures.push_back(
        Measure{KpiKey{s.key.name, s.key.entity, analysis::entity_label(s.key.entity_id, names)},
                std::move(s.unit), s.stats});
  }
  return run;
}

std::vector<KpiResult> check_case(const ExpectedFile& expected, const CaseRun& run) {
  std::map<KpiKey, const Measure*> index;
  for (const Measure& m : run.measures) index.emplace(m.key, &m);  // the first of equal labels
  std::vector<KpiResult> results;
  results.reserve(expected.kpis.size());
  for (const ApprovedKpi& kpi : expected.kpis) {
    KpiResult result;
    result.approved = &kpi;
    const auto found = index.find(kpi.key);
    result.measure = found == index.end() ? nullptr : found->second;
    if (!kpi.value) {
      result.check.verdict = analysis::KpiVerdict::kFail;
      result.check.allowed_low = kNaN;
      result.check.allowed_high = kNaN;
      result.check.reason = "not approved yet (no value): run circlesim regress --update";
    } else {
      result.check = analysis::check_kpi(*kpi.value, kpi.tolerance,
                                         result.measure ? &result.measure->stats : nullptr);
    }
    results.push_back(std::move(result));
  }
  return results;
}

ExpectedFile reapprove(const ExpectedFile& expected, const CaseRun& run, Approval approval) {
  ExpectedFile updated = expected;
  std::vector<std::string> missing;
  for (ApprovedKpi& kpi : updated.kpis) {
    const Measure* m = run.find(kpi.key);
    if (m == nullptr) {
      missing.push_back(to_string(kpi.key));
      continue;
    }
    kpi.value = m->stats.mean;  // NaN when no replication had a value: approved as undefined
    kpi.unit = m->unit;
    kpi.ci_low = m->stats.ci_low;
    kpi.ci_high = m->stats.ci_high;
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& key : missing) list += "\n  " + key;
    throw CaseError(CaseErrorKind::kInvalid,
                    fmt::format("cannot approve {} KPI{} that the run does not have (remove them "
                                "from expected.yaml on purpose if they are gone):{}",
                                missing.size(), missing.size() == 1 ? "" : "s", list));
  }
  approval.scenario = run.scenario;
  approval.replications = run.replications;
  approval.seed = run.seed;
  approval.confidence = run.confidence;
  updated.approval = std::move(approval);
  return updated;
}

}  // namespace circlesim::regression
