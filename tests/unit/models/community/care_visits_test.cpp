// Tests for models/community/care_visits: visits fall due on schedule and are made on time when
// members are free; a backlog builds while nobody is on duty and is worked off in order; overdue
// and never-visited residents at the end; visits nobody can make; visits after residents'
// requests in the queue; repeatable runs.
#include "models/community/care_visits.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "tests/unit/models/community/test_city.hpp"

namespace circlesim::community {
namespace {

using testing::team;

// Ten residents: 0-5 in grid 0, 6-9 in grid 3 (community 1); `members` of them in group 1.
city::Residents residents(const std::vector<std::uint32_t>& members) {
  city::Residents r;
  r.first_of_grid = {0, 6, 6, 6, 10};
  for (std::uint32_t k = 0; k < 10; ++k) {
    r.grid.push_back(k < 6 ? 0 : 3);
    r.age_band.push_back(city::AgeBand::kAdult);
    r.groups.push_back(1);
  }
  for (const std::uint32_t k : members) r.groups[k] |= 2;
  return r;
}

struct VisitRun {
  VisitRun(scenario::Scenario s, const std::vector<std::uint32_t>& members, sim::Time warmup,
           sim::Time end, std::uint64_t seed = 3)
      : scenario(std::move(s)),
        people(residents(members)),
        streams(seed, 1),
        desk(sim, scenario, city, streams, warmup, out),
        visits(sim, scenario, people, streams, warmup, desk, out, end),
        end_(end) {
    desk.set_observer(&recorder);
  }
  const services::VisitCounts& run() {
    sim.run_until(end_);
    desk.finish(end_);
    return out.visits[0];
  }

  city::City city = testing::small_city();
  scenario::Scenario scenario;
  city::Residents people;
  sim::Simulation sim;
  sim::RandomStreams streams;
  services::CityMeasures out;
  testing::Recorder recorder;
  HomeServiceDesk desk;
  CareVisitScheduler visits;
  sim::Time end_;
};

// Visits of service 0 (10 min at the door) to group 1 every 1000 min, by `teams`.
scenario::Scenario visiting(std::vector<scenario::MemberTeam> teams) {
  scenario::Scenario s = testing::small_scenario();
  s.services[0].duration = sim::Distribution::deterministic(10);
  s.member_teams = std::move(teams);
  scenario::CareVisitPolicy policy;
  policy.id = "monthly";
  policy.group = 1;
  policy.service = 0;
  policy.interval_minutes = 1000;
  s.care_visits.push_back(policy);
  return s;
}

TEST(CareVisits, VisitsFallDueEvenlyAndAreMadeOnTimeByFreeMembers) {
  VisitRun r(visiting({team(0, 0)}), {0, 1, 2, 3, 4}, 0, 4999);
  const services::VisitCounts& v = r.run();
  EXPECT_EQ(v.residents, 5);
  EXPECT_EQ(v.due, 25);  // every 200 min from 0 to 4800
  EXPECT_EQ(v.done, 25);
  EXPECT_EQ(v.on_time, 25);
  EXPECT_EQ(v.overdue, 0);
  EXPECT_EQ(v.never_visited, 0);
  EXPECT_EQ(v.backlog.count(), 84U);  // hourly, 0 to 4980
  EXPECT_LE(v.backlog.max(), 1);
  EXPECT_LT(v.backlog.mean(), 0.2);
  EXPECT_TRUE(r.recorder.done.empty());  // visits are not residents' requests
  EXPECT_EQ(r.out.home[0].requests, 0);
  const services::MemberCounts& m =
      r.out.members[static_cast<int>(scenario::MemberKind::kPartyMemberVolunteer)];
  EXPECT_EQ(m.visits, 25);
  EXPECT_DOUBLE_EQ(m.busy_minutes, 25 * 11.0);
}

TEST(CareVisits, ABacklogBuildsWhileNobodyIsOnDutyAndIsWorkedOffInOrder) {
  scenario::MemberTeam late = team(0, 0);
  late.available = sim::CapacitySchedule::piecewise({{0, 0}, {2500, 1}});
  VisitRun r(visiting({late}), {0, 1, 2, 3, 4}, 0, 4999);
  const services::VisitCounts& v = r.run();
  EXPECT_EQ(v.due, 25);
  EXPECT_EQ(v.done, 25);
  // The 13 due by 2400 are made from 2500 on, one every 11 min in the order they fell due:
  // those due from 1600 on within their interval, and all 12 due later.
  EXPECT_EQ(v.on_time, 5 + 12);
  EXPECT_EQ(v.backlog.max(), 13);
  EXPECT_GT(v.backlog.mean(), 3);
}

TEST(CareVisits, OverdueAndNeverVisitedAreCountedAtTheEnd) {
  scenario::MemberTeam never = team(0, 0);
  never.available = sim::CapacitySchedule::piecewise({{0, 0}, {1e9, 1}});
  VisitRun r(visiting({never}), {0, 1, 2, 3, 4}, /*warmup=*/1000, 3500);
  const services::VisitCounts& v = r.run();
  EXPECT_EQ(v.due, 13);     // 1000 to 3400
  EXPECT_EQ(v.overdue, 8);  // due 1000 to 2400: more than an interval ago at 3500
  EXPECT_EQ(v.done, 0);
  EXPECT_EQ(v.never_visited, 5);
  EXPECT_EQ(v.backlog.max(), 18);  // every visit since time 0
}

TEST(CareVisits, VisitsNobodyInTheCommunityCanMakeAreDropped) {
  // Residents 6 and 7 live in community 1, which has no members.
  VisitRun r(visiting({team(0, 0)}), {1, 6, 7}, 0, 2999);
  const services::VisitCounts& v = r.run();
  EXPECT_EQ(v.due, 9);
  EXPECT_EQ(v.no_member, 6);
  EXPECT_EQ(v.done, 3);
  EXPECT_EQ(v.never_visited, 2);
  EXPECT_LE(v.backlog.max(), 1);
}

TEST(CareVisits, ResidentsRequestsGoBeforeVisitsInTheQueue) {
  scenario::Scenario s = visiting({team(0, 0)});
  s.services[0].duration = sim::Distribution::deterministic(150);
  s.care_visits[0].interval_minutes = 200;  // two members: due at 0, 100, 200, ...
  VisitRun r(s, {0, 1}, 0, 1000);
  r.sim.run_until(120);  // the visit of 0 is under way, the one of 100 waits
  HomeRequest request = testing::home_request(0, 0, 30);
  request.resident = 5;
  r.desk.request(request);
  r.sim.run_until(400);
  ASSERT_EQ(r.recorder.done.size(), 1U);
  EXPECT_DOUBLE_EQ(r.recorder.done[0].dispatched, 151.0);  // the member back from the first visit
}

TEST(CareVisits, RunsRepeatWithRandomDurations) {
  auto busy = [](std::uint64_t seed) {
    scenario::Scenario s = visiting({team(0, 0)});
    s.services[0].duration = sim::Distribution::exponential(150);
    VisitRun r(s, {0, 1, 2, 3, 4, 5}, 0, 20000, seed);
    r.run();
    return r.out.members[static_cast<int>(scenario::MemberKind::kPartyMemberVolunteer)]
        .busy_minutes;
  };
  EXPECT_EQ(busy(1), busy(1));
  EXPECT_NE(busy(1), busy(2));
}

}  // namespace
}  // namespace circlesim::community
