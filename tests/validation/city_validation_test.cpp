// The city model against queueing theory: requests from residents at zero distance to one room
// with c staff form an M/M/c queue, so the 99% confidence interval of the mean wait over
// replications must contain Erlang C's Wq, and of the share delayed its P(wait).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "analysis/confidence_interval.hpp"
#include "analysis/queueing.hpp"
#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"

namespace circlesim {
namespace {

TEST(CityValidation, OneRoomAtZeroDistanceMatchesErlangC) {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                    "scenarios/validation/city-erlang-c.yaml";
  scenario::Diagnostics diagnostics;
  const auto loaded = scenario::load_scenario(path.string(), {}, diagnostics);
  ASSERT_TRUE(loaded) << diagnostics.to_string();
  const auto replications = services::run_city_replications(*loaded, 2);

  std::vector<double> waits, delayed, travel;
  for (const services::CityMeasures& m : replications) {
    const services::FlowCounts& f = m.services[0].flow;
    waits.push_back(f.wait.mean());
    // Waiting at all: the complement of the histogram's zero bucket, exact for zero waits.
    const sim::Histogram& h = m.services[0].wait_histogram;
    delayed.push_back(1.0 - h.cdf(0.0));
    travel.push_back(f.travel.max());
    EXPECT_EQ(f.requests, f.served + f.reneged + f.balked + f.unmet + f.escalated + f.in_system);
    EXPECT_EQ(f.unmet, 0);
    // Conservation by room and facility: the one room and its centre hold every request.
    ASSERT_EQ(m.rooms.size(), 1U);
    EXPECT_EQ(m.rooms[0].flow.requests, f.requests);
    EXPECT_EQ(m.rooms[0].flow.served, f.served);
    EXPECT_EQ(m.rooms[0].flow.wait.sum(), f.wait.sum());
    ASSERT_EQ(m.facilities.size(), 1U);
    EXPECT_EQ(m.facilities[0].requests, m.rooms[0].flow.requests);
    EXPECT_EQ(m.facilities[0].within_wait_target, m.rooms[0].flow.within_wait_target);
  }
  const auto theory = analysis::mmc(0.24, 0.1, 3);
  const auto wq = analysis::t_confidence_interval(waits, 0.99);
  const auto pw = analysis::t_confidence_interval(delayed, 0.99);
  EXPECT_TRUE(wq.contains(theory.wq))
      << "Wq " << wq.mean << " ± " << wq.half_width << " vs Erlang C " << theory.wq;
  EXPECT_TRUE(pw.contains(theory.p_wait))
      << "P(wait) " << pw.mean << " ± " << pw.half_width << " vs Erlang C " << theory.p_wait;
  EXPECT_LT(wq.relative_half_width(), 0.05);  // the check has teeth
  for (const double t : travel) EXPECT_EQ(t, 0.0);
}

// Home services through the loader and the whole city model: three members, no travel, Poisson
// requests and exponential service are an M/M/3 queue at the desk.
TEST(CityValidation, HomeServicesOfOneGridMatchErlangC) {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                    "scenarios/validation/home-erlang-c.yaml";
  scenario::Diagnostics diagnostics;
  const auto loaded = scenario::load_scenario(path.string(), {}, diagnostics);
  ASSERT_TRUE(loaded) << diagnostics.to_string();
  const auto replications = services::run_city_replications(*loaded, 2);
  std::vector<double> responses, delayed;
  for (const services::CityMeasures& m : replications) {
    const services::HomeCounts& h = m.home[0];
    responses.push_back(h.response.mean());
    delayed.push_back(h.queued / h.requests);
    EXPECT_EQ(h.requests, h.served + h.reneged + h.no_member + h.in_system);
    EXPECT_EQ(h.requests, h.own_grid + h.neighbour_grid + h.community_staff + h.queued);
    EXPECT_EQ(h.no_member, 0);
    EXPECT_EQ(h.member_travel.max(), 0.0);
    const services::FlowCounts& f = m.services[0].flow;
    EXPECT_EQ(f.requests, h.requests);
    EXPECT_EQ(f.requests, f.served + f.reneged + f.balked + f.unmet + f.escalated + f.in_system);
  }
  const auto theory = analysis::mmc(0.24, 0.1, 3);
  const auto wq = analysis::t_confidence_interval(responses, 0.99);
  const auto pw = analysis::t_confidence_interval(delayed, 0.99);
  EXPECT_TRUE(wq.contains(theory.wq))
      << "response " << wq.mean << " ± " << wq.half_width << " vs Erlang C Wq " << theory.wq;
  EXPECT_TRUE(pw.contains(theory.p_wait))
      << "P(wait) " << pw.mean << " ± " << pw.half_width << " vs Erlang C " << theory.p_wait;
  EXPECT_LT(wq.relative_half_width(), 0.05);
}

}  // namespace
}  // namespace circlesim
