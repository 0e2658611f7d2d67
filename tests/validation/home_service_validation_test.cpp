// The home-service desk against queueing theory: one grid, one team of c = 3 members always on
// duty, Poisson requests and exponential services with no travel (within_grid_m = 0) form an
// M/M/3 queue, so the 99% confidence interval of the mean response (= the wait for a member)
// over 30 replications must contain Erlang C's Wq, and of the share queued its P(wait).
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "analysis/confidence_interval.hpp"
#include "analysis/queueing.hpp"
#include "models/community/home_service_desk.hpp"
#include "sim/arrival_process.hpp"
#include "sim/distribution.hpp"

namespace circlesim {
namespace {

constexpr double kLambda = 0.24;  // requests per minute
constexpr double kMu = 0.1;       // services per minute and member
constexpr int kMembers = 3;       // rho = 0.8

// Poisson requests from the one grid, each with an exponential service time.
class Requests final : public sim::EventHandler {
 public:
  Requests(sim::Simulation& sim, community::HomeServiceDesk& desk,
           const sim::RandomStreams& streams)
      : desk_(desk),
        arrivals_(kLambda),
        duration_(sim::Distribution::exponential(1 / kMu)),
        arrival_rng_(streams.stream("arrivals")),
        duration_rng_(streams.stream("duration")),
        handler_(sim.add_handler(*this)) {
    sim.post_at(arrivals_.next_after(0, arrival_rng_), handler_, 0, 0);
  }
  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    community::HomeRequest r;
    r.resident = next_++;
    r.duration = duration_.sample(duration_rng_);
    desk_.request(r);
    sim.post_at(arrivals_.next_after(sim.now(), arrival_rng_), handler_, 0, 0);
  }

 private:
  community::HomeServiceDesk& desk_;
  sim::PoissonArrivals arrivals_;
  sim::Distribution duration_;
  sim::RandomEngine arrival_rng_;
  sim::RandomEngine duration_rng_;
  sim::HandlerId handler_;
  std::uint32_t next_ = 0;
};

city::City one_grid() {
  city::City c;
  c.districts.push_back({"d", "D", {0}});
  c.streets.push_back({"s", "S", 0, {0}});
  city::Community k;
  k.id = "k";
  k.grid_count = 1;
  c.communities.push_back(k);
  city::Grid g;
  g.id = "g";
  c.grids.push_back(g);
  return c;
}

scenario::Scenario one_team() {
  scenario::Scenario s;
  scenario::Service service;
  service.id = "home_help";
  service.channel = scenario::Channel::kHomeVisit;
  service.duration = sim::Distribution::exponential(1 / kMu);
  s.services.push_back(service);
  scenario::MemberTeam team;
  team.community = 0;
  team.grid = 0;
  team.count = kMembers;
  team.available = sim::CapacitySchedule::constant(kMembers);
  s.member_teams.push_back(team);
  s.dispatch.within_grid_m = 0;
  return s;
}

TEST(HomeServiceValidation, OneTeamWithoutTravelMatchesErlangC) {
  const city::City city = one_grid();
  const scenario::Scenario scenario = one_team();
  constexpr sim::Time kWarmup = 2000;
  constexpr sim::Time kEnd = kWarmup + 300000;
  std::vector<double> waits, delayed;
  for (std::uint64_t rep = 0; rep < 30; ++rep) {
    sim::Simulation sim;
    const sim::RandomStreams streams(2026, rep);
    services::CityMeasures out;
    community::HomeServiceDesk desk(sim, scenario, city, streams, kWarmup, out);
    Requests requests(sim, desk, streams);
    sim.run_until(kEnd);
    desk.finish(kEnd);
    const services::HomeCounts& h = out.home[0];
    EXPECT_EQ(h.requests, h.served + h.reneged + h.no_member + h.in_system);
    EXPECT_EQ(h.reneged + h.no_member + h.neighbour_grid + h.community_staff, 0);
    EXPECT_EQ(h.member_travel.max(), 0);
    waits.push_back(h.response.mean());
    delayed.push_back(h.queued / h.requests);
  }
  const auto theory = analysis::mmc(kLambda, kMu, kMembers);
  const auto wq = analysis::t_confidence_interval(waits, 0.99);
  const auto pw = analysis::t_confidence_interval(delayed, 0.99);
  std::printf("Wq %.4f ± %.4f vs Erlang C %.4f; P(wait) %.4f ± %.4f vs Erlang C %.4f\n", wq.mean,
              wq.half_width, theory.wq, pw.mean, pw.half_width, theory.p_wait);
  EXPECT_TRUE(wq.contains(theory.wq))
      << "Wq " << wq.mean << " ± " << wq.half_width << " vs Erlang C " << theory.wq;
  EXPECT_TRUE(pw.contains(theory.p_wait))
      << "P(wait) " << pw.mean << " ± " << pw.half_width << " vs Erlang C " << theory.p_wait;
  EXPECT_LT(wq.relative_half_width(), 0.05);  // the check has teeth
  EXPECT_LT(pw.relative_half_width(), 0.02);
}

}  // namespace
}  // namespace circlesim
