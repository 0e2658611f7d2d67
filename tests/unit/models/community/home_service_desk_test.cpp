// Tests for models/community/home_service_desk: the dispatch tiers (own grid, another grid of
// the community, the community's staff, the queue), skills, patience, availability windows and
// wake-ups, what each dispatch policy picks, member time, conservation and determinism.
#include "models/community/home_service_desk.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include <map>
#include <memory>

#include "tests/unit/models/community/test_city.hpp"

namespace circlesim::community {
namespace {

using testing::home_request;
using testing::Recorder;
using testing::team;

// A desk on the small city, driven by hand: at(t, request) runs the clock to t and asks.
struct Harness {
  explicit Harness(scenario::Scenario s, sim::Time warmup = 0)
      : scenario(std::move(s)),
        desk(std::make_unique<HomeServiceDesk>(sim, scenario, city, streams, warmup, out)) {
    desk->set_observer(&recorder);
  }
  void at(sim::Time t, HomeRequest r, std::uint32_t tag) {
    sim.run_until(t);
    r.resident = tag;
    desk->request(r);
  }
  // The report of the request tagged `tag` (fails the test if there is none).
  const HomeRequestDone& done(std::uint32_t tag) const {
    for (const HomeRequestDone& d : recorder.done) {
      if (d.request.resident == tag) return d;
    }
    ADD_FAILURE() << "no report of request " << tag;
    static const HomeRequestDone none;
    return none;
  }

  city::City city = testing::small_city();
  scenario::Scenario scenario;
  sim::Simulation sim;
  sim::RandomStreams streams{7, 0};
  services::CityMeasures out;
  Recorder recorder;
  std::unique_ptr<HomeServiceDesk> desk;
};

scenario::Scenario with_teams(std::vector<scenario::MemberTeam> teams) {
  scenario::Scenario s = testing::small_scenario();
  s.member_teams = std::move(teams);
  return s;
}

TEST(HomeServiceDesk, TiersGoOwnGridThenNeighbourThenStaffThenQueue) {
  // Teams: grid 0 (index 0), grid 2 (1), grid 1 (2), staff (3): the far grid is listed first,
  // so the nearest-first order of other grids is the desk's own doing.
  Harness h(with_teams({team(0, 0), team(0, 2), team(0, 1), team(0, -1)}));
  for (std::uint32_t k = 0; k < 5; ++k) h.at(0, home_request(0), k);
  h.sim.run_until(1000);
  ASSERT_EQ(h.recorder.done.size(), 5U);
  EXPECT_EQ(h.done(0).tier, DispatchTier::kOwnGrid);
  EXPECT_EQ(h.done(0).team, 0U);
  EXPECT_DOUBLE_EQ(h.done(0).travel, 0.5);  // within_grid_m 50 at 100 m/min
  EXPECT_EQ(h.done(1).tier, DispatchTier::kNeighbourGrid);
  EXPECT_EQ(h.done(1).team, 2U);  // grid 1, 1000 m
  EXPECT_DOUBLE_EQ(h.done(1).travel, 10.0);
  EXPECT_EQ(h.done(2).tier, DispatchTier::kNeighbourGrid);
  EXPECT_EQ(h.done(2).team, 1U);  // grid 2, 3000 m
  EXPECT_EQ(h.done(3).tier, DispatchTier::kCommunityStaff);
  EXPECT_EQ(h.done(3).team, 3U);
  EXPECT_DOUBLE_EQ(h.done(3).travel, 5.0);  // the community's centre is 500 m away
  // The fifth waits for the first member back at base: the own grid's, at 0.5 + 100 + 0.5.
  EXPECT_EQ(h.done(4).tier, DispatchTier::kQueued);
  EXPECT_EQ(h.done(4).team, 0U);
  EXPECT_DOUBLE_EQ(h.done(4).dispatched, 101.0);
  EXPECT_DOUBLE_EQ(h.done(4).at_door, 101.5);
  EXPECT_DOUBLE_EQ(h.done(4).end, 201.5);
  for (const HomeRequestDone& d : h.recorder.done) EXPECT_EQ(d.outcome, HomeOutcome::kServed);
  const services::HomeCounts& c = h.out.home[0];
  EXPECT_EQ(c.own_grid, 1);
  EXPECT_EQ(c.neighbour_grid, 2);
  EXPECT_EQ(c.community_staff, 1);
  EXPECT_EQ(c.queued, 1);
  EXPECT_EQ(c.served, 5);
  EXPECT_DOUBLE_EQ(c.response.max(), 101.5);
}

TEST(HomeServiceDesk, SkillsAreRespectedAndNobodyAbleIsNoMember) {
  // Grid 0's team only does service 1; grid 1's only service 0.
  Harness h(with_teams({team(0, 0, 1, {1}), team(0, 1, 1, {0})}));
  h.at(0, home_request(0, 0), 0);
  h.at(1, home_request(0, 1), 1);
  h.at(2, home_request(3, 0), 2);  // community 1 has no members at all
  h.sim.run_until(1000);
  EXPECT_EQ(h.done(0).team, 1U);
  EXPECT_EQ(h.done(0).tier, DispatchTier::kNeighbourGrid);
  EXPECT_EQ(h.done(1).team, 0U);
  EXPECT_EQ(h.done(1).tier, DispatchTier::kOwnGrid);
  EXPECT_EQ(h.done(2).outcome, HomeOutcome::kNoMember);
  EXPECT_DOUBLE_EQ(h.done(2).end, 2.0);
  EXPECT_EQ(h.out.home[0].no_member, 1);
  // A request waits for the only able team, even with another member free.
  Harness q(with_teams({team(0, 0, 1, {1}), team(0, 1, 1, {0})}));
  q.at(0, home_request(0, 1), 0);
  q.at(0, home_request(0, 1), 1);
  q.sim.run_until(1000);
  EXPECT_EQ(q.done(1).team, 0U);
  EXPECT_EQ(q.done(1).tier, DispatchTier::kQueued);
  EXPECT_DOUBLE_EQ(q.done(1).dispatched, 101.0);
}

TEST(HomeServiceDesk, QueuedRequestsRenegeWhenPatienceRunsOut) {
  Harness h(with_teams({team(0, 0)}));
  h.at(0, home_request(0), 0);
  h.at(0, home_request(0, 0, 100, 30), 1);   // gives up at 30
  h.at(0, home_request(0, 0, 100, 200), 2);  // still there at 101
  h.at(0, home_request(0, 0, 100, 0.5), 3);  // would be taken at 101: gives up first
  h.sim.run_until(1000);
  EXPECT_EQ(h.done(1).outcome, HomeOutcome::kReneged);
  EXPECT_DOUBLE_EQ(h.done(1).end, 30.0);
  EXPECT_TRUE(std::isnan(h.done(1).dispatched));
  EXPECT_EQ(h.done(2).outcome, HomeOutcome::kServed);
  EXPECT_DOUBLE_EQ(h.done(2).dispatched, 101.0);
  EXPECT_EQ(h.done(3).outcome, HomeOutcome::kReneged);
  // A dispatched request never reneges, however long the service.
  EXPECT_EQ(h.done(0).outcome, HomeOutcome::kServed);
  EXPECT_EQ(h.out.home[0].reneged, 2);
  EXPECT_EQ(h.out.home[0].served, 2);
  EXPECT_EQ(h.desk->queued(), 0U);
}

TEST(HomeServiceDesk, ADispatchedRequestsPatienceTimerDiesWithIt) {
  // Two members until 12, then one: the slot of request 2 (queued with patience 30, taken at 6,
  // back at 12) goes to request 3, which must not give up at request 2's deadline of 31.
  scenario::MemberTeam shrinking = team(0, 0, 2);
  shrinking.available = sim::CapacitySchedule::piecewise({{0, 2}, {12, 1}});
  Harness h(with_teams({shrinking}));
  h.at(0, home_request(0, 0, 1000), 0);
  h.at(0, home_request(0, 0, 5), 1);
  h.at(1, home_request(0, 0, 5, 30), 2);
  h.at(13, home_request(0, 0, 5, 1000), 3);
  h.sim.run_until(500);
  EXPECT_EQ(h.done(2).outcome, HomeOutcome::kServed);
  EXPECT_DOUBLE_EQ(h.done(2).dispatched, 6.0);
  EXPECT_EQ(h.desk->queued(), 1U);  // request 3 still waits for the long one
  h.sim.run_until(2000);
  EXPECT_EQ(h.done(3).outcome, HomeOutcome::kServed);
  EXPECT_DOUBLE_EQ(h.done(3).dispatched, 1001.0);
}

TEST(HomeServiceDesk, NoDispatchOutsideWindowsAndWakeUpWhenATeamComesOnDuty) {
  scenario::MemberTeam day = team(0, 0);
  // On duty 08:00-17:00 every day.
  day.available = sim::CapacitySchedule::cyclic({{0, 0}, {480, 1}, {1020, 0}}, sim::kDay);
  Harness h(with_teams({day}));
  h.at(100, home_request(0), 0);  // before opening: waits for 08:00
  h.sim.run_until(479);
  EXPECT_EQ(h.desk->queued(), 1U);
  h.at(1000, home_request(0, 0, 100), 1);  // the member is busy until 580.5: free at 1000
  h.at(1050, home_request(0), 2);          // 1000-1101 busy past closing; then off duty
  h.sim.run_until(3000);
  EXPECT_DOUBLE_EQ(h.done(0).dispatched, 480.0);
  EXPECT_EQ(h.done(0).tier, DispatchTier::kQueued);
  EXPECT_DOUBLE_EQ(h.done(1).dispatched, 1000.0);
  EXPECT_DOUBLE_EQ(h.done(1).end, 1100.5);  // finished after closing
  EXPECT_DOUBLE_EQ(h.done(2).dispatched, sim::kDay + 480.0);
  // Member time on duty: 9 h a day; two days and the start of the third by 3000.
  h.desk->finish(h.sim.now());
  const services::MemberCounts& m =
      h.out.members[static_cast<int>(scenario::MemberKind::kPartyMemberVolunteer)];
  EXPECT_DOUBLE_EQ(m.available_minutes, 540 + 540);  // the third day opens at 3360
  EXPECT_DOUBLE_EQ(m.busy_minutes, 3 * 101.0);
}

// Which team a request from grid 0 gets under `kind`, after `warm` earlier requests (each
// finished before the next).
std::vector<std::uint32_t> teams_chosen(scenario::DispatchKind kind,
                                        std::vector<scenario::MemberTeam> teams, int requests) {
  scenario::Scenario s = with_teams(std::move(teams));
  s.dispatch.kind = kind;
  Harness h(s);
  for (int k = 0; k < requests; ++k)
    h.at(1000.0 * k, home_request(0), static_cast<std::uint32_t>(k));
  h.sim.run_until(1000.0 * requests);
  std::vector<std::uint32_t> chosen;
  for (int k = 0; k < requests; ++k) chosen.push_back(h.done(static_cast<std::uint32_t>(k)).team);
  return chosen;
}

TEST(HomeServiceDesk, EachDispatchPolicyMakesItsOwnChoice) {
  using Kind = scenario::DispatchKind;
  // A generalist in grid 1 (near) and a specialist in service 0 in grid 2 (far).
  const std::vector<scenario::MemberTeam> mixed = {team(0, 1), team(0, 2, 1, {0})};
  EXPECT_THAT(teams_chosen(Kind::kNearestAvailable, mixed, 1), ::testing::ElementsAre(0U));
  EXPECT_THAT(teams_chosen(Kind::kSkillMatch, mixed, 1), ::testing::ElementsAre(1U));
  // Two generalists: nearest always sends the near one; least busy alternates.
  const std::vector<scenario::MemberTeam> two = {team(0, 1), team(0, 2)};
  EXPECT_THAT(teams_chosen(Kind::kNearestAvailable, two, 3), ::testing::ElementsAre(0U, 0U, 0U));
  EXPECT_THAT(teams_chosen(Kind::kLeastBusy, two, 3), ::testing::ElementsAre(0U, 1U, 0U));
  EXPECT_THAT(teams_chosen(Kind::kPriorityByGroup, two, 2), ::testing::ElementsAre(0U, 0U));
}

TEST(HomeServiceDesk, PriorityByGroupServesTheQueueInTheGroupsOrder) {
  auto second_served = [](scenario::DispatchKind kind) {
    scenario::Scenario s = with_teams({team(0, 0)});
    s.dispatch.kind = kind;
    s.dispatch.group_order = {2, 1};  // disabled first, then elderly
    Harness h(s);
    h.at(0, home_request(0), 0);
    h.at(1, home_request(0, 0, 100, sim::kNever, 0b011), 1);  // elderly
    h.at(2, home_request(0, 0, 100, sim::kNever, 0b101), 2);  // disabled
    h.sim.run_until(1000);
    return h.done(1).dispatched < h.done(2).dispatched ? 1 : 2;
  };
  EXPECT_EQ(second_served(scenario::DispatchKind::kNearestAvailable), 1);
  EXPECT_EQ(second_served(scenario::DispatchKind::kPriorityByGroup), 2);
  // Without the policy, the services' priorities order the queue.
  scenario::Scenario s = with_teams({team(0, 0)});
  s.services[1].priority = 0;  // service 1 before service 0 (priority 1)
  Harness h(s);
  h.at(0, home_request(0), 0);
  h.at(1, home_request(0, 0), 1);
  h.at(2, home_request(0, 1), 2);
  h.sim.run_until(1000);
  EXPECT_LT(h.done(2).dispatched, h.done(1).dispatched);
}

TEST(HomeServiceDesk, MemberTimeIsCountedAfterTheWarmupByKind) {
  using Kind = scenario::MemberKind;
  scenario::Scenario s = with_teams(
      {team(0, 0, 2, {}, Kind::kCommunityWorker), team(0, 1, 1, {}, Kind::kNewEconomyVolunteer)});
  Harness h(s, /*warmup=*/50);
  h.at(0, home_request(0), 0);    // 0-101, 51 min after the warm-up
  h.at(200, home_request(0), 1);  // 200-301
  h.at(200, home_request(0), 2);  // 200-301 too: the second member
  h.sim.run_until(1000);
  h.desk->finish(1000);
  const services::MemberCounts& w = h.out.members[static_cast<int>(Kind::kCommunityWorker)];
  EXPECT_EQ(w.members, 2);
  EXPECT_DOUBLE_EQ(w.available_minutes, 2 * 950.0);
  EXPECT_DOUBLE_EQ(w.busy_minutes, 51 + 101 + 101);
  EXPECT_EQ(w.home_requests, 3);
  EXPECT_DOUBLE_EQ(w.busy_hours_mean, (51 + 101 + 101) / 2.0 / 60.0);
  const services::MemberCounts& n = h.out.members[static_cast<int>(Kind::kNewEconomyVolunteer)];
  EXPECT_EQ(n.members, 1);
  EXPECT_EQ(n.busy_minutes, 0);
  EXPECT_EQ(h.out.home[0].requests, 2);  // the first was made in the warm-up
}

// Poisson requests of both home services from every grid, with patience, for the whole-run
// checks.
class RandomRequests final : public sim::EventHandler {
 public:
  RandomRequests(sim::Simulation& sim, HomeServiceDesk& desk, const sim::RandomStreams& streams)
      : desk_(desk), rng_(streams.stream("test_requests")), handler_(sim.add_handler(*this)) {
    sim.post_at(0, handler_, 0, 0);
  }
  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    const auto grid = boost::random::uniform_int_distribution<city::Index>(0, 3)(rng_);
    const auto service = boost::random::uniform_int_distribution<std::uint16_t>(0, 1)(rng_);
    HomeRequest r =
        home_request(grid, service, boost::random::exponential_distribution<double>(1 / 60.0)(rng_),
                     boost::random::exponential_distribution<double>(1 / 90.0)(rng_));
    r.resident = next_++;
    desk_.request(r);
    sim.post_in(boost::random::exponential_distribution<double>(1 / 12.0)(rng_), handler_, 0, 0);
  }

 private:
  HomeServiceDesk& desk_;
  sim::RandomEngine rng_;
  sim::HandlerId handler_;
  std::uint32_t next_ = 0;
};

services::CityMeasures random_run(std::uint64_t seed, std::vector<HomeRequestDone>* reports) {
  scenario::MemberTeam evenings = team(0, 1, 2);
  evenings.available = sim::CapacitySchedule::cyclic({{0, 0}, {1080, 2}, {1320, 0}}, sim::kDay);
  Harness h(with_teams({team(0, 0, 1, {0}), evenings, team(0, -1, 1, {1}), team(1, 3, 1, {0})}),
            /*warmup=*/500);
  h.streams = sim::RandomStreams(seed, 0);
  RandomRequests source(h.sim, *h.desk, h.streams);
  h.sim.run_until(20000);
  h.desk->finish(h.sim.now());
  if (reports != nullptr) *reports = h.recorder.done;
  return h.out;
}

TEST(HomeServiceDesk, EveryRequestIsAccountedForOnceAndRunsRepeat) {
  std::vector<HomeRequestDone> reports;
  const services::CityMeasures m = random_run(11, &reports);
  double requests = 0;
  for (int s = 0; s < 2; ++s) {
    const services::HomeCounts& c = m.home[static_cast<std::size_t>(s)];
    EXPECT_GT(c.requests, 500);
    EXPECT_EQ(c.requests, c.served + c.reneged + c.no_member + c.in_system) << s;
    EXPECT_EQ(c.own_grid + c.neighbour_grid + c.community_staff + c.queued,
              c.requests - c.no_member)
        << s;
    EXPECT_GT(c.reneged, 0) << s;
    EXPECT_GT(c.queued, 0) << s;
    EXPECT_EQ(static_cast<double>(c.response.count()), c.served);
    requests += c.requests;
  }
  EXPECT_GT(m.home[1].no_member, 0);  // nobody in community 1 does service 1
  EXPECT_EQ(m.home[2].requests, 0);
  // One report per request, in-system ones at finish included.
  std::map<std::uint32_t, int> seen;
  double reported_after_warmup = 0;
  for (const HomeRequestDone& d : reports) {
    EXPECT_EQ(++seen[d.request.resident], 1);
    if (d.made >= 500) reported_after_warmup += 1;
  }
  EXPECT_EQ(reported_after_warmup, requests);
  // Determinism: the same seed gives the same numbers, another seed others.
  const services::CityMeasures again = random_run(11, nullptr);
  const services::CityMeasures other = random_run(12, nullptr);
  for (int s = 0; s < 2; ++s) {
    const auto k = static_cast<std::size_t>(s);
    EXPECT_EQ(again.home[k].requests, m.home[k].requests);
    EXPECT_EQ(again.home[k].served, m.home[k].served);
    EXPECT_EQ(again.home[k].response.sum(), m.home[k].response.sum());
    EXPECT_EQ(again.home[k].queued, m.home[k].queued);
  }
  for (int k = 0; k < scenario::kMemberKinds; ++k) {
    EXPECT_EQ(again.members[k].busy_minutes, m.members[k].busy_minutes);
  }
  EXPECT_NE(other.home[0].response.sum(), m.home[0].response.sum());
}

}  // namespace
}  // namespace circlesim::community
