// Model II's community parts through the loader: grid member teams (one by one and by rule,
// with availability windows and skills), the dispatch policy, care visits, home-service response
// targets and escalation targets; and the problems each can have, at their line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "models/scenario/loader.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::scenario {
namespace {

using ::testing::HasSubstr;

class CommunityReaderTest : public ScratchDirTest {
 protected:
  std::optional<Scenario> load(const std::string& tail, Diagnostics& diagnostics) {
    return load_scenario(write("scenario.yaml", std::string(kCity) + tail), {}, diagnostics);
  }

  // Two communities of two grids (1,000 and 3,000 residents), a home service and a room service.
  static constexpr const char* kCity =
      R"(run: {name: community, horizon: 1d, start: {date: "2026-01-05"}}
city:
  districts:
    - id: town
      streets:
        - id: main
          communities:
            - id: north
              population: 4000
              location: {x: 0m, y: 0m}
              grids:
                - {id: n1, population: 1000, location: {x: 0m, y: 0m}}
                - {id: n2, population: 3000, location: {x: 300m, y: 0m}}
            - id: south
              population: 2000
              location: {x: 0m, y: 2km}
              grids:
                - {id: s1, population: 1000, location: {x: 0m, y: 2km}}
                - {id: s2, population: 1000, location: {x: 300m, y: 2km}}
population:
  groups:
    - {id: elderly, share: 0.2}
facilities:
  community_centres:
    - {id: centre_north, community: north, rooms: [{type: health, staff: 1}]}
services:
  - id: home_help
    channel: home_visit
    eligible: [elderly]
    demand:
      - {group: elderly, rate: 10/year per 1000}
    duration: {dist: exponential, mean: 30min}
    response_target: 45min
  - id: checkup
    channel: centre_room
    room: health
    demand:
      - {rate: 100/year per 1000}
    duration: {dist: exponential, mean: 10min}
)";
};

TEST_F(CommunityReaderTest, ReadsTeamsOneByOneAndByRule) {
  Diagnostics diagnostics;
  const auto s = load(R"(
grid_members:
  - {grid: n1, kind: party_member_volunteer, count: 3}
  - {community: south, kind: community_worker, count: 2,
     availability: [{days: [weekday], from: "08:30", to: "17:30"}]}
  - {each: grid, kind: new_economy_volunteer, per_1000_residents: 2}
  - {each: community, kind: community_worker, count: 1, districts: [town]}
)",
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  // 1 + 1 + 4 grids + 2 communities.
  ASSERT_EQ(s->member_teams.size(), 8U);
  const MemberTeam& first = s->member_teams[0];
  EXPECT_EQ(first.kind, MemberKind::kPartyMemberVolunteer);
  ASSERT_TRUE(first.grid);
  EXPECT_EQ(*first.grid, 0U);
  EXPECT_EQ(first.community, 0U);
  EXPECT_EQ(first.count, 3);
  EXPECT_EQ(first.available.capacity_at(1234.5), 3);
  const MemberTeam& staff = s->member_teams[1];
  EXPECT_FALSE(staff.grid);
  EXPECT_EQ(staff.community, 1U);
  // 2026-01-05 is a Monday: on duty 08:30-17:30 on weekdays, not at night, not on Saturday.
  EXPECT_EQ(staff.available.capacity_at(9 * 60.0), 2);
  EXPECT_EQ(staff.available.capacity_at(20 * 60.0), 0);
  EXPECT_EQ(staff.available.capacity_at(5 * 1440.0 + 9 * 60.0), 0);
  EXPECT_EQ(staff.available.capacity_at(7 * 1440.0 + 9 * 60.0), 2);  // the next Monday
  // Two per 1,000 residents: 2, 6, 2, 2 in grids n1, n2, s1, s2.
  std::vector<int> per_grid;
  for (std::size_t t = 2; t < 6; ++t) per_grid.push_back(s->member_teams[t].count);
  EXPECT_EQ(per_grid, (std::vector<int>{2, 6, 2, 2}));
  EXPECT_EQ(s->member_teams[6].community, 0U);
  EXPECT_EQ(s->member_teams[7].community, 1U);
  EXPECT_FALSE(s->member_teams[7].grid);
  // Skills default to every home service; the response target is read.
  EXPECT_TRUE(first.skills.empty());
  EXPECT_DOUBLE_EQ(s->home_settings[0].response_target_minutes, 45.0);
}

TEST_F(CommunityReaderTest, ReadsPoliciesAndTargets) {
  Diagnostics diagnostics;
  const auto s = load(R"(
grid_members:
  - {each: grid, kind: party_member_volunteer, count: 2, skills: [home_help], speed: 4km/h}
policies:
  dispatch:
    name: priority_by_group
    parameters: {within_grid: 250m, groups: [elderly, general]}
  care_visits:
    - {id: monthly, group: elderly, service: home_help, every: 30d}
targets:
  escalation: {street_office: 2d, district_department: 1w}
)",
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  EXPECT_EQ(s->dispatch.kind, DispatchKind::kPriorityByGroup);
  EXPECT_DOUBLE_EQ(s->dispatch.within_grid_m, 250.0);
  EXPECT_EQ(s->dispatch.group_order, (std::vector<std::size_t>{1, 0}));
  ASSERT_EQ(s->care_visits.size(), 1U);
  EXPECT_EQ(s->care_visits[0].group, 1U);
  EXPECT_EQ(s->care_visits[0].service, 0U);
  EXPECT_DOUBLE_EQ(s->care_visits[0].interval_minutes, 30 * 1440.0);
  EXPECT_EQ(s->member_teams[0].skills, (std::vector<std::size_t>{0}));
  EXPECT_NEAR(s->member_teams[0].speed_m_per_min, 4000.0 / 60.0, 1e-9);
  EXPECT_DOUBLE_EQ(s->escalation_targets.street_office_minutes, 2 * 1440.0);
  EXPECT_DOUBLE_EQ(s->escalation_targets.district_department_minutes, 7 * 1440.0);
}

struct BadCase {
  const char* name;
  const char* tail;
  int line;  // in the whole file, city included
  const char* message;
};

class CommunityReaderProblems : public CommunityReaderTest,
                                public testing::WithParamInterface<BadCase> {};

TEST_P(CommunityReaderProblems, AreReportedAtTheirLine) {
  Diagnostics diagnostics;
  EXPECT_FALSE(load(GetParam().tail, diagnostics));
  const std::string report = diagnostics.to_string();
  EXPECT_THAT(report, HasSubstr(GetParam().message));
  EXPECT_THAT(report, HasSubstr(fmt::format("scenario.yaml:{}:", GetParam().line))) << report;
}

const BadCase kBadCases[] = {
    {"UnknownGrid", "\ngrid_members:\n  - {grid: n9, kind: community_worker}\n", 42,
     "the city has no grid 'n9'; did you mean"},
    {"SkillNotAtHome",
     "\ngrid_members:\n  - {grid: n1, kind: community_worker, skills: [checkup]}\n", 42,
     "service 'checkup' is not served at home"},
    {"UnknownDispatch",
     "\ngrid_members:\n  - {grid: n1, kind: community_worker}\npolicies:\n  dispatch: {name: "
     "fastest}\n",
     44, "unknown dispatch policy 'fastest'"},
    {"PriorityWithoutGroups",
     "\ngrid_members:\n  - {grid: n1, kind: community_worker}\npolicies:\n  dispatch: {name: "
     "priority_by_group, parameters: {within_grid: 100m}}\n",
     44, "priority_by_group needs the groups in order"},
    {"VisitOfARoomService",
     "\ngrid_members:\n  - {grid: n1, kind: community_worker}\npolicies:\n  care_visits:\n    - "
     "{id: v, group: elderly, service: checkup, every: 30d}\n",
     45, "service 'checkup' is not served at home"},
    {"HomeServiceWithoutMembers", "\n", 28, "but the scenario has none (expected grid_members)"},
    {"WindowEndingBeforeItStarts",
     "\ngrid_members:\n  - {grid: n1, kind: community_worker, availability: [{from: \"18:00\", "
     "to: \"09:00\"}]}\n",
     42, "the window must end after it starts"},
};

std::string community_case_name(const testing::TestParamInfo<BadCase>& bad) {
  return bad.param.name;
}

INSTANTIATE_TEST_SUITE_P(Cases, CommunityReaderProblems, testing::ValuesIn(kBadCases),
                         community_case_name);

}  // namespace
}  // namespace circlesim::scenario
