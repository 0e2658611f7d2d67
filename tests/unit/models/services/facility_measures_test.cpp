// Measures by room and facility: a room counts the requests whose first place it was (as a
// community counts its residents'), a facility the sum of its rooms, and FlowCounts::merge adds
// two breakdowns. On a town small enough to check by hand: two centres, A with a health and a
// social room and always open, B with a health room open weekday mornings only (requests that
// find it closed leave), and a third community too far from both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "tests/unit/models/memory_sink.hpp"
#include "tests/unit/models/services/flow_checks.hpp"

namespace circlesim {
namespace {

using services::CityMeasures;
using services::FlowCounts;
using services::UnmetReason;

constexpr int kTooFar = static_cast<int>(UnmetReason::kTooFar);

// Community a lives 300 m from centre A (300 x 1.3 / 60 m/min = 6.5 min), b at centre B (no
// travel) and 1,800 m from A (39 min), far 8,200 m beyond B (178 min, beyond the 60 min limit).
// `check` is offered in both health rooms, `benefits` only in A's social room.
scenario::Scenario two_centres() {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("circlesim_facilities_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
  std::ofstream(path) << R"(run:
  name: two-centres
  horizon: 21d
  warmup: 1d
  start: {date: 2026-01-05}
  seed: 11
  replications: 1
targets: {travel: 15min, wait: 15min}
city:
  detour_factor: 1.3
  districts:
    - id: d
      streets:
        - id: s
          communities:
            - id: a
              population: 2000
              location: {x: 0m, y: 0m}
              grids: [{id: ga, location: {x: 300m, y: 0m}}]
            - id: b
              population: 2000
              location: {x: 1800m, y: 0m}
              grids: [{id: gb, location: {x: 1800m, y: 0m}}]
            - id: far
              population: 1000
              location: {x: 10000m, y: 0m}
              grids: [{id: gf, location: {x: 10000m, y: 0m}}]
facilities:
  community_centres:
    - id: centre_a
      community: a
      location: {x: 0m, y: 0m}
      rooms: [{type: health, staff: 2}, {type: social, staff: 1}]
    - id: centre_b
      community: b
      location: {x: 1800m, y: 0m}
      opening_hours: {weekday: ["08:30-12:00"]}
      rooms: [{type: health, staff: 2}]
services:
  - id: check
    channel: centre_room
    room: health
    demand: [{rate: 3000/year per 1000}]
    duration: {dist: exponential, mean: 8min}
    when_closed: leave
  - id: benefits
    channel: centre_room
    room: social
    demand: [{rate: 2000/year per 1000}]
    duration: {dist: exponential, mean: 12min}
    patience: {dist: exponential, mean: 30min}
policies:
  facility_choice:
    name: nearest
    parameters: {max_travel_time: 60min}
)";
  scenario::Diagnostics diagnostics;
  auto loaded = scenario::load_scenario(path.string(), {}, diagnostics);
  std::filesystem::remove(path);
  EXPECT_TRUE(loaded) << diagnostics.to_string();
  return loaded ? std::move(*loaded) : scenario::Scenario{};
}

// The room of `facility` of `type`.
std::size_t room_of(const scenario::Scenario& s, std::size_t facility, const std::string& type) {
  for (const std::size_t r : s.facilities[facility].rooms) {
    if (s.rooms[r].type == type) return r;
  }
  ADD_FAILURE() << "no room " << type << " at " << s.facilities[facility].id;
  return 0;
}

void expect_same_counts(const FlowCounts& a, const FlowCounts& b) {
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.served, b.served);
  EXPECT_EQ(a.reneged, b.reneged);
  EXPECT_EQ(a.balked, b.balked);
  EXPECT_EQ(a.unmet, b.unmet);
  EXPECT_EQ(a.escalated, b.escalated);
  EXPECT_EQ(a.in_system, b.in_system);
  for (int k = 0; k < services::kUnmetReasons; ++k) {
    EXPECT_EQ(a.unmet_by_reason[k], b.unmet_by_reason[k]) << k;
  }
  EXPECT_EQ(a.wait.count(), b.wait.count());
  EXPECT_EQ(a.sojourn.count(), b.sojourn.count());
  EXPECT_EQ(a.travel.count(), b.travel.count());
  EXPECT_EQ(a.within_travel_target, b.within_travel_target);
  EXPECT_EQ(a.within_wait_target, b.within_wait_target);
}

TEST(FlowCountsMerge, AddsCountsSumsAndMaxima) {
  FlowCounts a;
  a.requests = 3;
  a.served = 2;
  a.unmet = 1;
  a.unmet_by_reason[kClosed] = 1;
  a.wait.add(4);
  a.wait.add(6);
  a.travel.add(10);
  a.within_wait_target = 2;
  FlowCounts b;
  b.requests = 2;
  b.reneged = 1;
  b.in_system = 1;
  b.unmet_by_reason[kTooFar] = 2;
  b.wait.add(20);
  b.sojourn.add(30);
  b.within_travel_target = 1;
  FlowCounts sum;
  sum.merge(a);
  sum.merge(b);
  EXPECT_EQ(sum.requests, 5);
  EXPECT_EQ(sum.served, 2);
  EXPECT_EQ(sum.reneged, 1);
  EXPECT_EQ(sum.unmet, 1);
  EXPECT_EQ(sum.in_system, 1);
  EXPECT_EQ(sum.unmet_by_reason[kClosed], 1);
  EXPECT_EQ(sum.unmet_by_reason[kTooFar], 2);
  EXPECT_EQ(sum.wait.count(), 3U);
  EXPECT_EQ(sum.wait.sum(), 30);
  EXPECT_EQ(sum.wait.mean(), 10);
  EXPECT_EQ(sum.wait.max(), 20);
  EXPECT_EQ(sum.sojourn.count(), 1U);
  EXPECT_EQ(sum.sojourn.max(), 30);
  EXPECT_EQ(sum.travel.max(), 10);
  EXPECT_EQ(sum.within_travel_target, 1);
  EXPECT_EQ(sum.within_wait_target, 2);
  // Nothing merged in: means and maxima stay undefined; an empty one changes nothing.
  FlowCounts empty;
  empty.merge(FlowCounts{});
  EXPECT_TRUE(std::isnan(empty.wait.max()));
  EXPECT_TRUE(std::isnan(empty.wait.mean()));
  a.merge(FlowCounts{});
  EXPECT_EQ(a.wait.max(), 6);
  EXPECT_EQ(a.wait.sum(), 10);
}

TEST(CityRoomAndFacilityMeasures, CountRequestsByTheirFirstPlace) {
  const scenario::Scenario s = two_centres();
  ASSERT_EQ(s.facilities.size(), 2U);
  ASSERT_EQ(s.rooms.size(), 3U);
  const std::size_t a_health = room_of(s, 0, "health");
  const std::size_t a_social = room_of(s, 0, "social");
  const std::size_t b_health = room_of(s, 1, "health");
  MemorySink sink(trace::TraceLevel::kSummary);
  const CityMeasures m = services::run_city_replication(s, 0, {&sink});
  const FlowCounts& check = m.services[0].flow;
  const FlowCounts& benefits = m.services[1].flow;
  const FlowCounts& ah = m.rooms[a_health].flow;
  const FlowCounts& as = m.rooms[a_social].flow;
  const FlowCounts& bh = m.rooms[b_health].flow;

  for (const auto& room : m.rooms) {
    EXPECT_EQ(room.flow.requests, outcomes(room.flow));
    EXPECT_GT(room.flow.requests, 100);
    // Unmet at a room only by finding it closed.
    EXPECT_EQ(room.flow.unmet, room.flow.unmet_by_reason[kClosed]);
  }
  // The far community reaches no room: its requests are unmet, too far, under no room.
  const double too_far = check.unmet_by_reason[kTooFar] + benefits.unmet_by_reason[kTooFar];
  EXPECT_GT(too_far, 100);
  EXPECT_EQ(m.communities[2].requests, too_far);
  EXPECT_EQ(ah.requests + as.requests + bh.requests, check.requests + benefits.requests - too_far);

  // Benefits: one room, so it holds every benefits request that reached a room, and the same
  // waits in the same order (sums equal to the last bit).
  FlowCounts benefits_reached = benefits;
  benefits_reached.requests -= benefits.unmet_by_reason[kTooFar];
  benefits_reached.unmet -= benefits.unmet_by_reason[kTooFar];
  benefits_reached.unmet_by_reason[kTooFar] = 0;
  expect_same_counts(as, benefits_reached);
  EXPECT_EQ(as.wait.sum(), benefits.wait.sum());
  EXPECT_EQ(as.sojourn.sum(), benefits.sojourn.sum());
  EXPECT_EQ(as.travel.sum(), benefits.travel.sum());
  EXPECT_GT(as.reneged, 0);
  // From a 6.5 min, from b 39 min: only a's trips are within the 15 min target.
  EXPECT_DOUBLE_EQ(as.travel.max(), 1800 * 1.3 / 60);
  EXPECT_GT(as.within_travel_target, 0);
  EXPECT_LT(as.within_travel_target, static_cast<double>(as.travel.count()));

  // Check: a goes to A (always open), b to B, which is closed most of the week.
  EXPECT_EQ(ah.requests + bh.requests, check.requests - check.unmet_by_reason[kTooFar]);
  EXPECT_EQ(ah.served + bh.served, check.served);
  EXPECT_EQ(ah.unmet, 0);
  EXPECT_EQ(ah.within_travel_target, ah.requests - ah.in_system);
  EXPECT_DOUBLE_EQ(ah.travel.max(), 300 * 1.3 / 60);
  EXPECT_GT(bh.unmet, 0.7 * bh.requests);
  EXPECT_EQ(bh.unmet_by_reason[kClosed], check.unmet_by_reason[kClosed]);
  EXPECT_GT(bh.served, 0);
  EXPECT_EQ(bh.travel.max(), 0);

  // Facilities: the sums of their rooms.
  ASSERT_EQ(m.facilities.size(), 2U);
  FlowCounts a = ah;
  a.merge(as);
  expect_same_counts(m.facilities[0], a);
  EXPECT_DOUBLE_EQ(m.facilities[0].wait.sum(), ah.wait.sum() + as.wait.sum());
  expect_same_counts(m.facilities[1], bh);
  EXPECT_EQ(m.facilities[1].wait.sum(), bh.wait.sum());

  // In the trace, prefixed `first.` (a room's `served` counts every arrival).
  std::map<std::string, double> scalar;
  for (const trace::ScalarRecord& r : sink.scalars) {
    EXPECT_TRUE(
        scalar.emplace(r.entity + "/" + std::to_string(r.entity_id) + "/" + r.name, r.value).second)
        << "twice: " << r.entity << " " << r.entity_id << " " << r.name;
  }
  const std::string b_room = "room/" + std::to_string(b_health) + "/";
  EXPECT_EQ(scalar.at(b_room + "first.requests"), bh.requests);
  EXPECT_EQ(scalar.at(b_room + "first.unmet_closed"), bh.unmet_by_reason[kClosed]);
  EXPECT_EQ(scalar.at(b_room + "first.within_wait_target"), bh.within_wait_target);
  EXPECT_EQ(scalar.at(b_room + "served"), m.rooms[b_health].served);
  EXPECT_EQ(scalar.at("facility/0/first.requests"), m.facilities[0].requests);
  EXPECT_EQ(scalar.at("facility/0/first.served"), m.facilities[0].served);
  EXPECT_DOUBLE_EQ(scalar.at("facility/0/first.mean_wait"), m.facilities[0].wait.mean());
  EXPECT_EQ(scalar.at("facility/1/first.unmet"), bh.unmet);
  EXPECT_EQ(sink.lookups.at("facilities"), (std::vector<std::string>{"centre_a", "centre_b"}));
}

TEST(CitySummary, ListsTheFacilitiesWithTheLongestMeanWait) {
  scenario::Scenario s = two_centres();
  s.run.replications = 2;
  const std::vector<CityMeasures> replications = services::run_city_replications(s, 1);
  const std::string summary = services::city_summary_table(s, replications);
  const auto title =
      summary.find("facilities with the longest mean wait: the 2 of 2 with requests");
  ASSERT_NE(title, std::string::npos) << summary;
  // Longest mean wait (over the replications) first.
  double wait[2] = {0, 0};
  for (const CityMeasures& m : replications) {
    for (std::size_t f = 0; f < 2; ++f) wait[f] += m.facilities[f].wait.mean();
  }
  const std::string first = wait[0] >= wait[1] ? "\ncentre_a " : "\ncentre_b ";
  const std::string second = wait[0] >= wait[1] ? "\ncentre_b " : "\ncentre_a ";
  const auto at_first = summary.find(first, title);
  const auto at_second = summary.find(second, title);
  ASSERT_NE(at_first, std::string::npos) << summary;
  ASSERT_NE(at_second, std::string::npos) << summary;
  EXPECT_LT(at_first, at_second) << summary;
  EXPECT_THAT(summary, ::testing::HasSubstr("wait<=target"));
}

// The busiest rooms are ranked by utilisation over the staff on duty: every room's line comes
// after the line of each room busier on duty.
TEST(CitySummary, RanksTheBusiestRoomsByUtilisationOnDuty) {
  scenario::Scenario s = two_centres();
  s.run.replications = 2;
  const std::vector<CityMeasures> replications = services::run_city_replications(s, 1);
  const std::string summary = services::city_summary_table(s, replications);
  const auto table = summary.find("busiest rooms");
  ASSERT_NE(table, std::string::npos) << summary;
  std::vector<std::pair<double, std::size_t>> rooms;  // mean on duty, position in the table
  for (std::size_t r = 0; r < s.rooms.size(); ++r) {
    double on_duty = 0;
    for (const CityMeasures& m : replications) on_duty += m.rooms[r].utilisation_on_duty;
    const auto at =
        summary.find("\n" + s.rooms[r].facility_id + "/" + s.rooms[r].type + " ", table);
    ASSERT_NE(at, std::string::npos) << summary;
    rooms.emplace_back(on_duty, at);
  }
  for (const auto& [a_duty, a_at] : rooms) {
    for (const auto& [b_duty, b_at] : rooms) {
      if (a_duty > b_duty) {
        EXPECT_LT(a_at, b_at) << summary;
      }
    }
  }
}

}  // namespace
}  // namespace circlesim
