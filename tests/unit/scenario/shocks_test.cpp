// Dated shocks through the loader and the city model: absences lower the staff and members on
// duty over the dates, closures empty a facility, a surge multiplies the demand of the listed
// service and district only; and the problems a shock can have, at their line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "sim/time.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::scenario {
namespace {

using ::testing::HasSubstr;

// Two districts of one community each (10,000 residents), a centre with a room of 3 staff in
// each, and community workers; the run starts on Monday 2026-01-05.
constexpr const char* kShockCity =
    R"(run: {name: shocks, horizon: 20d, seed: 7, replications: 1, start: {date: "2026-01-05"}}
city:
  districts:
    - id: east
      streets:
        - id: e_street
          communities:
            - id: e1
              population: 10000
              location: {x: 0m, y: 0m}
              grids:
                - {id: e1_g1, location: {x: 0m, y: 0m}}
    - id: west
      streets:
        - id: w_street
          communities:
            - id: w1
              population: 10000
              location: {x: 5km, y: 0m}
              grids:
                - {id: w1_g1, location: {x: 5km, y: 0m}}
facilities:
  community_centres:
    - {id: centre_e1, community: e1, rooms: [{type: health, staff: 3}]}
    - {id: centre_w1, community: w1, rooms: [{type: health, staff: 3}]}
grid_members:
  - {each: community, kind: community_worker, count: 4}
  - {each: grid, kind: party_member_volunteer, count: 6}
services:
  - id: checkup
    channel: centre_room
    room: health
    demand:
      - {rate: 7300/year per 1000}
    duration: {dist: exponential, mean: 1min}
  - id: home_help
    channel: home_visit
    demand:
      - {rate: 10/year per 1000}
    duration: {dist: exponential, mean: 20min}
)";

class ShocksTest : public ScratchDirTest {
 protected:
  std::optional<Scenario> load(const std::string& tail, Diagnostics& diagnostics) {
    return load_scenario(write("scenario.yaml", std::string(kShockCity) + tail), {}, diagnostics);
  }
};

TEST_F(ShocksTest, AbsencesAndClosuresLowerWhoIsOnDutyOverTheDates) {
  Diagnostics diagnostics;
  const auto s = load(R"(
shocks:
  - id: flu
    from: "2026-01-07"
    to: "2026-01-09"
    absence: {staff: 0.34, members: 0.5, member_kinds: [community_worker], districts: [east]}
  - id: repairs
    from: "2026-01-12"
    to: "2026-01-12"
    closure: {facilities: [centre_w1]}
)",
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->shocks.size(), 2U);
  const sim::CapacitySchedule& east = s->rooms[0].capacity;
  const sim::CapacitySchedule& west = s->rooms[1].capacity;
  // Days 2, 3 and 4 from 00:00 (Wednesday to Friday): 3 x 0.66 = 1.98, rounded to 2.
  EXPECT_EQ(east.capacity_at(2 * sim::kDay - 1), 3);
  EXPECT_EQ(east.capacity_at(2 * sim::kDay), 2);
  EXPECT_EQ(east.capacity_at(5 * sim::kDay - 1), 2);
  EXPECT_EQ(east.capacity_at(5 * sim::kDay), 3);
  EXPECT_EQ(west.capacity_at(3 * sim::kDay), 3);  // not in the district
  // The closure: all of day 7, and only it.
  EXPECT_EQ(west.capacity_at(7 * sim::kDay - 1), 3);
  EXPECT_EQ(west.capacity_at(7 * sim::kDay + 600), 0);
  EXPECT_EQ(west.capacity_at(8 * sim::kDay), 3);
  EXPECT_EQ(east.capacity_at(7 * sim::kDay + 600), 3);
  // Members: the east community's workers halve; its volunteers and the west's stay.
  for (const MemberTeam& team : s->member_teams) {
    const bool halves = team.kind == MemberKind::kCommunityWorker && team.community == 0;
    EXPECT_EQ(team.available.capacity_at(3 * sim::kDay), halves ? team.count / 2 : team.count);
    EXPECT_EQ(team.available.capacity_at(6 * sim::kDay), team.count);
  }
}

TEST_F(ShocksTest, ASurgeMultipliesTheListedServiceInTheListedDistrictOnly) {
  Diagnostics diagnostics;
  const auto plain = load("", diagnostics);
  ASSERT_TRUE(plain) << diagnostics.to_string();
  const auto surged = load(R"(
shocks:
  - id: epidemic
    from: "2026-01-10"
    to: "2026-01-19"
    demand: {factor: 3, services: [checkup], districts: [east]}
)",
                           diagnostics);
  ASSERT_TRUE(surged) << diagnostics.to_string();
  const services::CityMeasures a = services::run_city_replication(*plain, 0, {});
  const services::CityMeasures b = services::run_city_replication(*surged, 0, {});
  // 10 of the 20 days at 3 times the rate: twice the requests in the east, about 4,000 more
  // than its 4,000 (Poisson: a standard deviation of about 90); the west keeps its rate (the
  // stream runs at 3 times over the dates and keeps a third of the west's requests: the same
  // count in law, not the same draws), and the other service's stream is untouched.
  EXPECT_NEAR(b.districts[0].requests - a.districts[0].requests, 4000.0, 400.0);
  EXPECT_NEAR(b.districts[1].requests, a.districts[1].requests, 300.0);
  EXPECT_EQ(b.services[1].flow.requests, a.services[1].flow.requests);
}

TEST_F(ShocksTest, AFallInDemandThinsWithoutADistrict) {
  Diagnostics diagnostics;
  const auto plain = load("", diagnostics);
  const auto fallen = load(R"(
shocks:
  - {id: holiday, from: "2026-01-05", to: "2026-01-24", demand: {factor: 0.5, groups: [general]}}
)",
                           diagnostics);
  ASSERT_TRUE(plain && fallen) << diagnostics.to_string();
  const services::CityMeasures a = services::run_city_replication(*plain, 0, {});
  const services::CityMeasures b = services::run_city_replication(*fallen, 0, {});
  const double ratio = b.services[0].flow.requests / a.services[0].flow.requests;
  EXPECT_NEAR(ratio, 0.5, 0.05);
}

struct BadShock {
  const char* name;
  const char* tail;
  int line;
  const char* message;
};

class ShockProblems : public ShocksTest, public testing::WithParamInterface<BadShock> {};

TEST_P(ShockProblems, AreReportedAtTheirLine) {
  Diagnostics diagnostics;
  EXPECT_FALSE(load(GetParam().tail, diagnostics));
  const std::string report = diagnostics.to_string();
  EXPECT_THAT(report, HasSubstr(GetParam().message));
  EXPECT_THAT(report, HasSubstr(fmt::format("scenario.yaml:{}:", GetParam().line))) << report;
}

// The city above is 40 lines; a tail's first line is line 41.
const BadShock kBadShocks[] = {
    {"UnknownService",
     "shocks:\n  - {id: s, from: \"2026-01-06\", to: \"2026-01-07\", demand: {factor: 2, "
     "services: [chekup]}}\n",
     42, "no service 'chekup'; did you mean 'checkup'?"},
    {"UnknownFacility",
     "shocks:\n  - id: s\n    from: \"2026-01-06\"\n    to: \"2026-01-07\"\n    closure: "
     "{facilities: [centre_x]}\n",
     45, "no facility 'centre_x'"},
    {"EndsBeforeItStarts", "shocks:\n  - {id: s, from: \"2026-01-09\", to: \"2026-01-07\"}\n", 42,
     "a shock ends before it starts"},
    {"ShareAboveOne",
     "shocks:\n  - id: s\n    from: \"2026-01-06\"\n    to: \"2026-01-07\"\n    absence: "
     "{staff: 1.5}\n",
     45, "staff"},
};

std::string shock_case_name(const testing::TestParamInfo<BadShock>& bad) { return bad.param.name; }

INSTANTIATE_TEST_SUITE_P(Cases, ShockProblems, testing::ValuesIn(kBadShocks), shock_case_name);

}  // namespace
}  // namespace circlesim::scenario
