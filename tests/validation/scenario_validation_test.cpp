// The whole path from a YAML scenario to a result, validated against queueing theory: every file
// in scenarios/validation/ is loaded, run through the room model, and each measure's confidence
// interval over replications must contain the analytic value.
//
// Seeds are fixed, so every verdict is deterministic. There are about 30 checks, so each uses a
// 99.9% interval (a family-wise error of about 3% for a correct simulator, by Bonferroni).
// CIRCLESIM_VALIDATION_EFFORT scales the horizons (sanitizer builds use a fraction).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "analysis/confidence_interval.hpp"
#include "analysis/queueing.hpp"
#include "models/rooms/room_model.hpp"
#include "models/scenario/loader.hpp"

namespace circlesim {
namespace {

constexpr double kLevel = 0.999;

std::filesystem::path scenario_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "scenarios" /
         "validation";
}

double effort() {
  const char* text = std::getenv("CIRCLESIM_VALIDATION_EFFORT");
  return text != nullptr ? std::stod(text) : 1.0;
}

using Measure = std::function<double(const models::ReplicationMeasures&)>;
struct Check {
  std::string metric;
  Measure measure;
  double analytic;
};
struct Case {
  std::string file;
  std::vector<Check> checks;
};

Measure service(std::size_t s, double models::ServiceMeasures::*field) {
  return [s, field](const models::ReplicationMeasures& r) { return r.services[s].*field; };
}
Measure room(std::size_t r, double models::RoomMeasures::*field) {
  return [r, field](const models::ReplicationMeasures& m) { return m.rooms[r].*field; };
}

std::vector<Case> cases() {
  using S = models::ServiceMeasures;
  using R = models::RoomMeasures;
  std::vector<Case> out;
  out.push_back({"erlang-b-mm20.yaml",
                 {{"P(turned away)", service(0, &S::p_turned_away), analysis::erlang_b(20, 15)}}});
  {
    const auto r = analysis::mmc(2, 1, 3);
    out.push_back({"erlang-c-mm3.yaml",
                   {{"P(delayed)", service(0, &S::p_delayed), r.p_wait},
                    {"Wq", service(0, &S::mean_wait), r.wq},
                    {"Lq", room(0, &R::mean_in_queue), r.lq},
                    {"utilisation", room(0, &R::utilisation), 2.0 / 3.0}}});
  }
  {
    const auto r = analysis::mmc(10.0 / 3.0, 1.0 / 3.0, 14);
    out.push_back({"erlang-c-mm14.yaml",
                   {{"P(delayed)", service(0, &S::p_delayed), r.p_wait},
                    {"Wq", service(0, &S::mean_wait), r.wq}}});
  }
  for (const auto& [file, lambda, c, k] :
       {std::tuple{"mmck-mm5-8.yaml", 8.0, 5, 8}, std::tuple{"mmck-mm2-10.yaml", 2.0, 2, 10}}) {
    const auto r = analysis::mmck(lambda, 1, c, k);
    out.push_back({file,
                   {{"P(block)", service(0, &S::p_turned_away), r.p_block},
                    {"Wq", service(0, &S::mean_wait), r.wq}}});
  }
  for (const auto& [file, scv] :
       {std::pair{"mg1-deterministic.yaml", 0.0}, std::pair{"mg1-erlang2.yaml", 0.5},
        std::pair{"mg1-exponential.yaml", 1.0}, std::pair{"mg1-lognormal.yaml", 0.25},
        std::pair{"mg1-hyperexponential.yaml", 4.0}}) {
    const auto r = analysis::mg1_pollaczek_khinchine(0.8, 1.0, scv);
    out.push_back({file, {{"Wq", service(0, &S::mean_wait), r.wq}}});
  }
  const std::vector<double> lambdas{0.6, 0.9, 0.9};
  {
    const auto wq = analysis::priority_nonpreemptive_mmc_wq(lambdas, 1, 3);
    Case c{"priority-nonpreemptive.yaml", {}};
    for (std::size_t k = 0; k < 3; ++k) {
      c.checks.push_back({"Wq class " + std::to_string(k), service(k, &S::mean_wait), wq[k]});
    }
    out.push_back(c);
  }
  {
    const auto w = analysis::priority_preemptive_mmc_sojourn(lambdas, 1, 3);
    Case c{"priority-preemptive.yaml", {}};
    for (std::size_t k = 0; k < 3; ++k) {
      c.checks.push_back({"W class " + std::to_string(k), service(k, &S::mean_sojourn), w[k]});
    }
    out.push_back(c);
  }
  for (const auto& [file, lambda, c, theta] :
       {std::tuple{"erlang-a-mm5.yaml", 4.0, 5, 0.5}, std::tuple{"erlang-a-mm1.yaml", 2.0, 1, 1.0},
        std::tuple{"erlang-a-mm100.yaml", 110.0, 100, 2.0}}) {
    const auto r = analysis::erlang_a(lambda, 1, c, theta);
    out.push_back({file,
                   {{"P(delayed)", service(0, &S::p_delayed), r.p_wait},
                    {"P(abandon)", service(0, &S::p_abandon), r.p_abandon},
                    {"Wq (all)", service(0, &S::mean_delay), r.wq}}});
  }
  {
    // The analytic values come from the profile as the loader read it (the file's rounded
    // factors), so that the check is exact for the rate actually simulated.
    scenario::Diagnostics diagnostics;
    const auto loaded = scenario::load_scenario((scenario_dir() / "mt-minf-sinusoid.yaml").string(),
                                                {}, diagnostics);
    Case c{"mt-minf-sinusoid.yaml", {}};
    if (loaded && loaded->services.front().profile) {
      const scenario::Service& service = loaded->services.front();
      std::vector<double> rates;
      for (const double factor : service.profile->daily) {
        rates.push_back(service.rate_per_minute * factor);
      }
      const std::vector<double> m =
          analysis::mt_m_inf_piecewise_periodic_mean(rates, 60.0, 1.0 / service.duration.mean());
      for (const std::size_t hour : {0U, 6U, 12U, 18U}) {
        c.checks.push_back({"present at " + std::to_string(hour) + ":00",
                            [hour](const models::ReplicationMeasures& r) {
                              return r.rooms[0].present_by_hour[hour];
                            },
                            m[hour]});
      }
    }
    out.push_back(c);
  }
  return out;
}

class ScenarioValidation : public testing::TestWithParam<Case> {};

TEST_P(ScenarioValidation, ConfidenceIntervalContainsTheory) {
  const Case& c = GetParam();
  const std::string path = (scenario_dir() / c.file).string();
  scenario::Diagnostics diagnostics;
  auto loaded = scenario::load_scenario(path, {}, diagnostics);
  ASSERT_TRUE(loaded.has_value()) << diagnostics.to_string();
  loaded->run.horizon *= effort();
  const auto replications = models::run_room_replications(*loaded, 2);
  ASSERT_EQ(replications.size(), static_cast<std::size_t>(loaded->run.replications));
  ASSERT_FALSE(c.checks.empty()) << c.file
                                 << ": no check (the analytic values could not be set up)";
  for (const Check& check : c.checks) {
    std::vector<double> values;
    for (const auto& r : replications) values.push_back(check.measure(r));
    const analysis::ConfidenceInterval ci = analysis::t_confidence_interval(values, kLevel);
    std::cout << c.file << ": " << check.metric << " simulated " << ci.mean << " +- "
              << ci.half_width << ", analytic " << check.analytic << "\n";
    EXPECT_TRUE(ci.contains(check.analytic))
        << c.file << ": " << check.metric << " simulated " << ci.mean << " 99.9% CI [" << ci.lower
        << ", " << ci.upper << "] does not contain analytic " << check.analytic;
    // The interval must also be narrow enough to mean something.
    EXPECT_LT(ci.half_width, 0.1 * std::max(std::abs(check.analytic), 0.01) / std::sqrt(effort()))
        << c.file << ": " << check.metric << " interval too wide";
  }
}

INSTANTIATE_TEST_SUITE_P(Files, ScenarioValidation, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& param_info) {
                           std::string name;
                           for (const char ch : param_info.param.file) {
                             if (ch == '.') break;
                             name += std::isalnum(static_cast<unsigned char>(ch)) != 0 ? ch : '_';
                           }
                           return name;
                         });

// Every file in the folder has a case above: a validation scenario nobody checks is a claim
// nobody tests.
TEST(ScenarioValidationFolder, EveryFileIsChecked) {
  std::vector<std::string> checked;
  for (const Case& c : cases()) checked.push_back(c.file);
  checked.emplace_back("city-erlang-c.yaml");  // the city model's case: city_validation_test.cpp
  // Red stations' cases: red_station_validation_test.cpp.
  checked.emplace_back("red-station-mmck.yaml");
  checked.emplace_back("red-station-overflow.yaml");
  checked.emplace_back("home-erlang-c.yaml");  // home services: city_validation_test.cpp
  for (const auto& entry : std::filesystem::directory_iterator(scenario_dir())) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NE(std::find(checked.begin(), checked.end(), entry.path().filename().string()),
              checked.end())
        << entry.path() << " has no validation case";
  }
}

}  // namespace
}  // namespace circlesim
