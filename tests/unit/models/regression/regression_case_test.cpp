// Regression cases: expected.yaml read, written and read back exactly; its errors with file and
// line; a case's scenario run in memory giving the model's own measures with their lookup
// names; the check of a case and its re-approval.
#include "models/regression/regression_case.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "models/rooms/room_model.hpp"
#include "models/scenario/loader.hpp"
#include "tests/unit/scratch_dir.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::regression {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::filesystem::path source_root() {
  return std::filesystem::path(__FILE__)
      .parent_path()
      .parent_path()
      .parent_path()
      .parent_path()
      .parent_path();
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The Erlang C validation scenario, shortened: `replications` of 20 hours.
std::string short_erlang_c(int replications = 3) {
  return "extends: " + (source_root() / "scenarios/validation/erlang-c-mm3.yaml").string() +
         "\nrun:\n  horizon: 20h\n  warmup: 1h\n  replications: " + std::to_string(replications) +
         "\n  confidence: 0.9\n";
}

// Runs `body` and returns the CaseError it throws (fails the test when it throws none).
template <class Body>
CaseError error_of(Body&& body) {
  try {
    body();
  } catch (const CaseError& e) {
    return e;
  }
  ADD_FAILURE() << "no CaseError thrown";
  return CaseError(CaseErrorKind::kIo, "none");
}

class RegressionCaseTest : public ScratchDirTest {};

TEST_F(RegressionCaseTest, ReadsKpisTolerancesApprovalAndKeepsTheHeader) {
  const std::string path = write("expected.yaml",
                                 "# Approved KPIs of a case.\n"
                                 "#   second line\n"
                                 "\n"
                                 "approval:\n"
                                 "  software_version: \"0.1.0\"\n"
                                 "  git_sha: abc123\n"
                                 "  date: \"2026-11-28T05:40:00Z\"\n"
                                 "  scenario: erlang-c-mm3\n"
                                 "  replications: 20\n"
                                 "  seed: 7\n"
                                 "  confidence: 0.99\n"
                                 "kpis:\n"
                                 "  - {entity: service, id: counter, name: mean_wait, value: 0.44,"
                                 " tolerance: {relative: 0.02}, unit: min, ci: [0.43, 0.45]}\n"
                                 "  - entity: room\n"
                                 "    id: centre/convenience_services\n"
                                 "    name: utilisation\n"
                                 "    value: .nan\n"
                                 "    tolerance: {absolute: 0.01, relative: 0.5}\n"
                                 "  - {entity: run, id: '0', name: residents, value: null,"
                                 " tolerance: {absolute: 0}}\n");
  const ExpectedFile e = read_expected(path);
  EXPECT_EQ(e.header, "# Approved KPIs of a case.\n#   second line\n");
  ASSERT_TRUE(e.approval);
  EXPECT_EQ(e.approval->git_sha, "abc123");
  EXPECT_EQ(e.approval->replications, 20);
  EXPECT_EQ(e.approval->seed, 7u);
  EXPECT_DOUBLE_EQ(e.approval->confidence, 0.99);
  ASSERT_EQ(e.kpis.size(), 3u);
  EXPECT_EQ(e.kpis[0].key, (KpiKey{"mean_wait", "service", "counter"}));
  EXPECT_DOUBLE_EQ(*e.kpis[0].value, 0.44);
  EXPECT_DOUBLE_EQ(e.kpis[0].tolerance.relative, 0.02);
  EXPECT_DOUBLE_EQ(e.kpis[0].tolerance.absolute, 0.0);
  EXPECT_EQ(e.kpis[0].unit, "min");
  EXPECT_DOUBLE_EQ(e.kpis[0].ci_high, 0.45);
  EXPECT_EQ(e.kpis[1].key.id, "centre/convenience_services");
  ASSERT_TRUE(e.kpis[1].value);
  EXPECT_TRUE(std::isnan(*e.kpis[1].value));
  EXPECT_DOUBLE_EQ(e.kpis[1].tolerance.absolute, 0.01);
  EXPECT_FALSE(e.kpis[2].value);  // listed, not approved yet
  EXPECT_EQ(e.kpis[2].key.id, "0");
}

TEST_F(RegressionCaseTest, WritesAndReadsBackEveryValueExactly) {
  ExpectedFile e;
  e.header = "# header\n";
  e.approval = Approval{"0.1.0", "deadbeef", "2026-11-28T05:40:00Z", "small town", 12, 99, 0.95};
  const double values[] = {0.1 + 0.2, 1e-300, -47942.125, 6.02214076e23, kNaN};
  int i = 0;
  for (const double v : values) {
    ApprovedKpi kpi;
    kpi.key = KpiKey{"coverage.elderly_60_plus", "offer",
                     "community_centre/health #" + std::to_string(i++)};
    kpi.value = v;
    kpi.tolerance = analysis::KpiTolerance{.absolute = 0.25, .relative = 0.015};
    kpi.unit = "1";
    e.kpis.push_back(kpi);
  }
  ApprovedKpi unapproved;
  unapproved.key = KpiKey{"true", "null", "yes"};
  e.kpis.push_back(unapproved);

  const std::filesystem::path path = dir_ / "expected.yaml";
  write_expected(path, e);
  const ExpectedFile back = read_expected(path);
  EXPECT_EQ(back.header, e.header);
  ASSERT_TRUE(back.approval);
  EXPECT_EQ(back.approval->scenario, "small town");
  EXPECT_EQ(back.approval->seed, 99u);
  ASSERT_EQ(back.kpis.size(), e.kpis.size());
  for (std::size_t k = 0; k + 1 < e.kpis.size(); ++k) {
    EXPECT_EQ(back.kpis[k].key, e.kpis[k].key);
    if (std::isnan(*e.kpis[k].value)) {
      EXPECT_TRUE(std::isnan(*back.kpis[k].value));
    } else {
      EXPECT_EQ(*back.kpis[k].value, *e.kpis[k].value);  // bit for bit
    }
    EXPECT_EQ(back.kpis[k].tolerance.absolute, 0.25);
    EXPECT_EQ(back.kpis[k].tolerance.relative, 0.015);
  }
  // Words YAML would read as booleans or null stay strings.
  EXPECT_EQ(back.kpis.back().key, (KpiKey{"true", "null", "yes"}));
  EXPECT_FALSE(back.kpis.back().value);
  // One KPI a line, so that a re-approval's diff shows exactly what moved; no temporary left.
  const std::string text = read_all(path);
  EXPECT_THAT(text, HasSubstr("\n  - {entity: offer, id: \"community_centre/health #0\", name: "
                              "coverage.elderly_60_plus, value: 0.30000000000000004, tolerance: "
                              "{absolute: 0.25, relative: 0.015}, unit: \"1\"}\n"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(RegressionCaseTest, WritingWhereNoDirectoryIsFailsAsAnIoError) {
  const CaseError e =
      error_of([&] { write_expected(dir_ / "nowhere" / "expected.yaml", ExpectedFile{}); });
  EXPECT_EQ(e.kind(), CaseErrorKind::kIo);
  EXPECT_THAT(e.what(), HasSubstr("nowhere/expected.yaml"));
}

TEST_F(RegressionCaseTest, ProblemsInExpectedYamlNameTheFileAndLine) {
  const std::string kpi = "kpis:\n  - {entity: service, id: counter, name: mean_wait, value: 1, ";
  struct Bad {
    std::string text;
    std::string message;
  };
  const Bad cases[] = {
      {kpi + "tolerence: {relative: 0.1}}\n", ":2:"},
      {kpi + "tolerance: {relative: 0.1}, tolerence: 3}\n", "unknown key 'tolerence'"},
      {kpi + "}\n", "tolerance is required"},
      {kpi + "tolerance: {}}\n", "expected a mapping with absolute and/or relative"},
      {kpi + "tolerance: {relative: -0.1}}\n", "relative tolerance must be >= 0"},
      {kpi + "tolerance: {absolute: .inf}}\n", "absolute tolerance must be >= 0 and finite"},
      {kpi + "tolerance: {relative: 1%}}\n", "expected a number, got '1%'"},
      {"kpis:\n  - {entity: service, id: counter, name: mean_wait, value: 1x, tolerance: "
       "{absolute: 0}}\n",
       "kpis.0.value: expected a number, got '1x'"},
      {kpi + "tolerance: {absolute: 0}}\n" + kpi.substr(5) + "tolerance: {absolute: 1}}\n",
       "kpis.1: service counter mean_wait is listed twice"},
      {"kpis: []\n", "kpis: expected a list of at least one KPI"},
      {"approval: {seed: -1}\nkpis: []\n", "approval.seed: expected a whole number"},
      {"kpi:\n  - {}\n", "unknown key 'kpi'"},
      {"kpis: [\n", "expected.yaml:"},
  };
  for (const Bad& bad : cases) {
    const std::string path = write("expected.yaml", bad.text);
    const CaseError e = error_of([&] { (void)read_expected(path); });
    EXPECT_EQ(e.kind(), CaseErrorKind::kInvalid) << bad.text;
    EXPECT_THAT(e.what(), StartsWith(path)) << bad.text;
    EXPECT_THAT(e.what(), HasSubstr(bad.message)) << bad.text;
  }
  const CaseError missing = error_of([&] { (void)read_expected(dir_ / "absent.yaml"); });
  EXPECT_EQ(missing.kind(), CaseErrorKind::kMissing);
  EXPECT_THAT(missing.what(), HasSubstr("absent.yaml: cannot open"));
}

TEST_F(RegressionCaseTest, RunsTheScenarioInMemoryWithTheModelsOwnMeasures) {
  const std::string path = write("scenario.yaml", short_erlang_c());
  const CaseRun run = run_case(path, 2);
  EXPECT_EQ(run.scenario, "erlang-c-mm3");
  EXPECT_EQ(run.replications, 3);
  EXPECT_EQ(run.seed, 1u);
  EXPECT_DOUBLE_EQ(run.confidence, 0.9);

  // The same scenario run directly: the captured scalars are its measures, replication by
  // replication, summarised at the scenario's confidence.
  scenario::Diagnostics diagnostics;
  const auto scenario = scenario::load_scenario(path, {}, diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.to_string();
  const auto direct = models::run_room_replications(*scenario, 1);
  std::vector<double> arrivals;
  std::vector<double> utilisation;
  for (const models::ReplicationMeasures& m : direct) {
    arrivals.push_back(m.services[0].arrivals);
    utilisation.push_back(m.rooms[0].utilisation);
  }
  const analysis::SampleSummary expected_arrivals = analysis::summarize_sample(arrivals, 0.9);
  const Measure* a = run.find(KpiKey{"arrivals", "service", "counter"});
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->stats.n, 3u);
  EXPECT_EQ(a->stats.mean, expected_arrivals.mean);
  EXPECT_EQ(a->stats.ci_low, expected_arrivals.ci_low);
  EXPECT_EQ(a->unit, "count");
  // Rooms are named from the trace's lookup: facility/type.
  const Measure* u =
      run.find(KpiKey{"utilisation", "room", "validation_centre/convenience_services"});
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->stats.mean, analysis::summarize_sample(utilisation, 0.9).mean);
  EXPECT_EQ(run.find(KpiKey{"utilisation", "room", "0"}), nullptr);

  // Identical for any number of threads.
  const CaseRun again = run_case(path, 1);
  ASSERT_EQ(again.measures.size(), run.measures.size());
  for (std::size_t i = 0; i < run.measures.size(); ++i) {
    EXPECT_EQ(again.measures[i].key, run.measures[i].key);
    const double x = again.measures[i].stats.mean;
    const double y = run.measures[i].stats.mean;
    EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << to_string(run.measures[i].key);
  }
}

TEST_F(RegressionCaseTest, RunsACityScenarioToo) {
  const std::string path =
      write("scenario.yaml",
            "extends: " + (source_root() / "scenarios/validation/red-station-mmck.yaml").string() +
                "\nrun:\n  horizon: 2d\n  warmup: 0d\n  replications: 2\n");
  const CaseRun run = run_case(path, 1);
  const Measure* blocking = run.find(KpiKey{"red_station.blocking", "station_offer", "seats"});
  ASSERT_NE(blocking, nullptr);
  EXPECT_EQ(blocking->stats.n, 2u);
  EXPECT_GT(blocking->stats.mean, 0.0);
  EXPECT_NE(run.find(KpiKey{"mean_wait", "service", "rest"}), nullptr);
}

TEST_F(RegressionCaseTest, RefusesScenariosThatCannotBeACase) {
  const CaseError missing = error_of([&] { (void)run_case(dir_ / "none.yaml", 1); });
  EXPECT_EQ(missing.kind(), CaseErrorKind::kMissing);

  const std::string one = write("one.yaml", short_erlang_c(1));
  const CaseError single = error_of([&] { (void)run_case(one, 1); });
  EXPECT_EQ(single.kind(), CaseErrorKind::kInvalid);
  EXPECT_THAT(single.what(), HasSubstr("at least 2 replications"));

  const std::string sweep = write("sweep.yaml", short_erlang_c() + "sweep:\n  run.seed: [1, 2]\n");
  const CaseError two = error_of([&] { (void)run_case(sweep, 1); });
  EXPECT_EQ(two.kind(), CaseErrorKind::kInvalid);
  EXPECT_THAT(two.what(), HasSubstr("stands for 2 runs"));

  const std::string bad = write("bad.yaml", short_erlang_c() + "  horizon_typo: 3\n");
  const CaseError invalid = error_of([&] { (void)run_case(bad, 1); });
  EXPECT_EQ(invalid.kind(), CaseErrorKind::kInvalid);
  EXPECT_THAT(invalid.what(), HasSubstr("horizon_typo"));
}

// A run of two measures: arrivals 100 +- 2 and mean_wait 0.5 +- 0.05.
CaseRun two_measures() {
  CaseRun run;
  run.scenario = "x";
  run.replications = 10;
  run.seed = 5;
  run.confidence = 0.99;
  run.measures.push_back(Measure{
      KpiKey{"arrivals", "service", "counter"}, "count",
      analysis::SampleSummary{
          .n = 10, .undefined = 0, .mean = 100.0, .sd = 3.0, .ci_low = 98.0, .ci_high = 102.0}});
  run.measures.push_back(Measure{
      KpiKey{"mean_wait", "service", "counter"}, "min",
      analysis::SampleSummary{
          .n = 10, .undefined = 0, .mean = 0.5, .sd = 0.07, .ci_low = 0.45, .ci_high = 0.55}});
  return run;
}

ApprovedKpi approved(std::string name, std::optional<double> value, double relative) {
  ApprovedKpi kpi;
  kpi.key = KpiKey{std::move(name), "service", "counter"};
  kpi.value = value;
  kpi.tolerance.relative = relative;
  return kpi;
}

TEST(CheckCase, EachKpiPassesFailsIsMissingOrIsNotApprovedYet) {
  ExpectedFile e;
  e.kpis = {approved("arrivals", 103.0, 0.02),  // 102 + 2.06: passes
            approved("mean_wait", 0.6, 0.05),   // 0.55 + 0.03: fails
            approved("served", 100.0, 1.0),     // not in the run
            approved("arrivals_typo", std::nullopt, 0.1)};
  e.kpis[3].key.name = "mean_wait";
  e.kpis[3].key.entity = "service";
  e.kpis[3].key.id = "other";
  const CaseRun run = two_measures();
  const std::vector<KpiResult> r = check_case(e, run);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(r[0].check.passed()) << r[0].check.reason;
  EXPECT_EQ(r[0].measure, &run.measures[0]);
  EXPECT_EQ(r[1].check.verdict, analysis::KpiVerdict::kFail);
  EXPECT_THAT(r[1].check.reason, HasSubstr("above the allowed range"));
  EXPECT_EQ(r[2].check.verdict, analysis::KpiVerdict::kMissing);
  EXPECT_EQ(r[2].measure, nullptr);
  EXPECT_FALSE(r[3].check.passed());
  EXPECT_THAT(r[3].check.reason, HasSubstr("not approved yet"));
}

TEST(Reapprove, TakesTheNewMeansAndKeepsKpisOrderAndTolerances) {
  ExpectedFile e;
  e.header = "# mine\n";
  e.kpis = {approved("mean_wait", 0.6, 0.05), approved("arrivals", std::nullopt, 0.02)};
  e.kpis[0].tolerance.absolute = 0.01;
  const ExpectedFile u =
      reapprove(e, two_measures(), Approval{"1.2.3", "cafe", "today", "", 0, 0, 0.0});
  EXPECT_EQ(u.header, "# mine\n");
  ASSERT_EQ(u.kpis.size(), 2u);
  EXPECT_EQ(u.kpis[0].key.name, "mean_wait");
  EXPECT_EQ(*u.kpis[0].value, 0.5);
  EXPECT_EQ(u.kpis[0].tolerance.relative, 0.05);
  EXPECT_EQ(u.kpis[0].tolerance.absolute, 0.01);
  EXPECT_EQ(u.kpis[0].unit, "min");
  EXPECT_EQ(u.kpis[0].ci_low, 0.45);
  EXPECT_EQ(*u.kpis[1].value, 100.0);
  ASSERT_TRUE(u.approval);
  EXPECT_EQ(u.approval->software_version, "1.2.3");
  EXPECT_EQ(u.approval->git_sha, "cafe");
  EXPECT_EQ(u.approval->scenario, "x");
  EXPECT_EQ(u.approval->replications, 10);
  EXPECT_EQ(u.approval->seed, 5u);
  EXPECT_EQ(u.approval->confidence, 0.99);
  // Re-approved values pass their own check.
  for (const KpiResult& r : check_case(u, two_measures())) EXPECT_TRUE(r.check.passed());
}

TEST(Reapprove, RefusesKpisTheRunDoesNotHave) {
  ExpectedFile e;
  e.kpis = {approved("arrivals", 1.0, 0.1), approved("gone", 1.0, 0.1),
            approved("also_gone", 1.0, 0.1)};
  const CaseError error = error_of([&] { (void)reapprove(e, two_measures(), Approval{}); });
  EXPECT_EQ(error.kind(), CaseErrorKind::kInvalid);
  EXPECT_THAT(error.what(), HasSubstr("cannot approve 2 KPIs"));
  EXPECT_THAT(error.what(), HasSubstr("service counter gone"));
  EXPECT_THAT(error.what(), HasSubstr("service counter also_gone"));
}

}  // namespace
}  // namespace circlesim::regression
