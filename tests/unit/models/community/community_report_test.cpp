// Tests for models/community/community_report: the trace scalars name home services, visit
// policies and member kinds with units, only where they exist; the summary prints its tables
// with intervals, and nothing for a scenario without home services, visits or members.
#include "models/community/community_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/models/community/test_city.hpp"

namespace circlesim::community {
namespace {

using ::testing::HasSubstr;

services::CityMeasures measures(double served) {
  services::CityMeasures m;
  m.home.resize(3);
  m.home[0].requests = 10;
  m.home[0].served = served;
  m.home[0].response.add(12);
  m.home[0].response_histogram.add(12);
  m.visits.resize(1);
  m.visits[0].due = 4;
  m.visits[0].on_time = 3;
  m.visits[0].residents = 2;
  const int worker = static_cast<int>(scenario::MemberKind::kCommunityWorker);
  m.members[worker].members = 3;
  m.members[worker].available_minutes = 600;
  m.members[worker].busy_minutes = 150;
  return m;
}

scenario::Scenario with_everything() {
  scenario::Scenario s = testing::small_scenario();
  // Residents ask for the home services (a service only visits use is not in the table).
  for (scenario::Service& service : s.services) service.demand.push_back({});
  s.member_teams.push_back(testing::team(0, 0, 3, {}, scenario::MemberKind::kCommunityWorker));
  scenario::CareVisitPolicy policy;
  policy.id = "weekly";
  policy.group = 1;
  s.care_visits.push_back(policy);
  return s;
}

const sim::trace::ScalarRecord* find(const std::vector<sim::trace::ScalarRecord>& scalars,
                                     const std::string& name, std::uint32_t id) {
  const auto it = std::find_if(scalars.begin(), scalars.end(),
                               [&](const auto& r) { return r.name == name && r.entity_id == id; });
  return it == scalars.end() ? nullptr : &*it;
}

TEST(CommunityReport, HomeVisitAndMemberScalarsForWhatExists) {
  std::vector<sim::trace::ScalarRecord> scalars;
  add_community_scalars(scalars, with_everything(), measures(8));
  const auto* requests = find(scalars, "home.requests", 0);
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->entity, "service");
  EXPECT_EQ(requests->value, 10);
  EXPECT_EQ(requests->unit, "requests");
  EXPECT_EQ(find(scalars, "home.mean_response", 0)->unit, "min");
  EXPECT_NE(find(scalars, "home.requests", 1), nullptr);  // service 1 is at home too
  EXPECT_EQ(find(scalars, "home.requests", 2), nullptr);  // service 2 is at a centre
  const auto* on_time = find(scalars, "visit.on_time", 0);
  ASSERT_NE(on_time, nullptr);
  EXPECT_EQ(on_time->entity, "visit_policy");
  EXPECT_EQ(on_time->value, 3);
  const auto* utilisation = find(scalars, "member.utilisation", 0);
  ASSERT_NE(utilisation, nullptr);
  EXPECT_EQ(utilisation->entity, "member_kind");
  EXPECT_DOUBLE_EQ(utilisation->value, 0.25);
  EXPECT_EQ(find(scalars, "member.members", 1), nullptr);  // no volunteers
}

TEST(CommunityReport, SummaryTablesWithIntervalsOrNothing) {
  const std::string text =
      community_summary(with_everything(), {measures(8), measures(6), measures(7)}, 0.95);
  EXPECT_THAT(text, HasSubstr("home services"));
  EXPECT_THAT(text, HasSubstr("service0"));
  EXPECT_THAT(text, HasSubstr("0.7 ± "));  // served share 0.8, 0.6, 0.7
  EXPECT_THAT(text, HasSubstr("care visits"));
  EXPECT_THAT(text, HasSubstr("weekly"));
  EXPECT_THAT(text, HasSubstr("community_worker"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("service2")));
  // A home service nobody asks for (care visits only) is left out of the table.
  scenario::Scenario visits_only = with_everything();
  visits_only.services[0].demand.clear();
  EXPECT_THAT(community_summary(visits_only, {measures(8), measures(6)}, 0.95),
              ::testing::Not(HasSubstr("service0")));
  scenario::Scenario rooms_only = testing::small_scenario();
  rooms_only.services.resize(1);
  rooms_only.services[0].channel = scenario::Channel::kCentreRoom;
  EXPECT_EQ(community_summary(rooms_only, {measures(8), measures(6)}, 0.95), "");
}

}  // namespace
}  // namespace circlesim::community
