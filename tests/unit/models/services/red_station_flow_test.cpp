// Red stations in the city model: the routes a worker takes from a full station, the walk on
// (its distance and travel), the counts by offer and hour, the overflow policy's limits, the
// distance to the nearest station, and the scalars and summary written from them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "models/services/red_station_report.hpp"
#include "models/services/red_station_routes.hpp"
#include "models/services/service_network.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::services {
namespace {

using ::testing::HasSubstr;

// Workers live where the first station stands (x = 0); the others stand east of it, in the
// order written. One seat each and no standing: a worker finding it taken moves on.
std::string stations_scenario(const std::string& xs) {
  std::string stations;
  int k = 0;
  std::string rest = xs;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string x = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    stations += "    - {id: st" + std::to_string(k++) + ", street: s, seats: 1, chargers: 0, " +
                "location: {x: " + x + "m, y: 0m}}\n";
  }
  return R"(run: {name: stations, horizon: 7d, warmup: 1d, replications: 1, seed: 7}
city:
  detour_factor: 1.0
  districts:
    - id: d
      streets:
        - id: s
          communities:
            - {id: c, population: 1000, location: {x: 0m, y: 0m}}
facilities:
  red_stations:
)" + stations +
         R"(services:
  - id: rest
    channel: red_station
    demand: [{rate: 8760/year per 1000}]
    duration: {dist: exponential, mean: 30min}
policies:
  red_station_overflow: {next_within: 1km, max_tries: 3}
)";
}

class RedStationFlowTest : public ScratchDirTest {
 protected:
  scenario::Scenario load(const std::string& text, std::vector<std::string> overrides = {}) {
    scenario::Diagnostics diagnostics;
    scenario::LoadOptions options;
    options.overrides = std::move(overrides);
    auto loaded = scenario::load_scenario(write("scenario.yaml", text), options, diagnostics);
    EXPECT_TRUE(loaded) << diagnostics.to_string();
    return loaded ? *loaded : scenario::Scenario{};
  }
};

TEST_F(RedStationFlowTest, RoutesGoToTheNearestStationsOfTheFirstWithinReach) {
  const scenario::Scenario s = load(stations_scenario("0,800,300,2000"));
  const ServiceNetwork network(s, *s.city);
  const RedStationRoutes routes(s, *s.city, network);
  ASSERT_EQ(routes.names(), std::vector<std::string>{"seats"});
  ASSERT_EQ(routes.station_offer(network.offer_of_service(0)), 0U);
  auto room_of = [&](std::size_t facility) {
    return static_cast<std::uint32_t>(s.facilities[facility].rooms[0]);
  };
  // From x = 0: 300 m (st2), then 800 m (st1), walking on from st2 (500 m more); max_tries 3.
  const RedStationRoutes::Stop* first = routes.stop(room_of(0), 1);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->facility, 2U);
  EXPECT_EQ(first->room, room_of(2));
  EXPECT_DOUBLE_EQ(first->hop_m, 300.0);
  const RedStationRoutes::Stop* second = routes.stop(room_of(0), 2);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->facility, 1U);
  EXPECT_DOUBLE_EQ(second->hop_m, 500.0);
  EXPECT_DOUBLE_EQ(second->walked_m, 800.0);
  EXPECT_EQ(routes.stop(room_of(0), 3), nullptr);  // three stations in all
  // From x = 2000 nothing is within 1 km; from x = 800, x = 300 then x = 0.
  EXPECT_EQ(routes.stop(room_of(3), 1), nullptr);
  EXPECT_EQ(routes.stop(room_of(1), 1)->facility, 2U);
  EXPECT_EQ(routes.stop(room_of(1), 2)->facility, 0U);
  EXPECT_DOUBLE_EQ(routes.stop(room_of(1), 2)->walked_m, 800.0);
}

TEST_F(RedStationFlowTest, WorkersWalkOnToTheNextStationAndAreCountedOnce) {
  const scenario::Scenario s = load(stations_scenario("0,300"));
  const CityMeasures m = run_city_replication(s, 0);
  ASSERT_EQ(m.red_station_offers, std::vector<std::string>{"seats"});
  ASSERT_EQ(m.red_stations.size(), 1U);
  const RedStationCounts& c = m.red_stations[0];
  const FlowCounts& f = m.services[0].flow;
  EXPECT_GT(c.arrivals, 100);
  EXPECT_GT(c.served_later, 0);
  EXPECT_GT(c.blocked, 0);
  EXPECT_EQ(c.arrivals, c.served_first + c.served_later + c.blocked + c.reneged + c.in_system);
  EXPECT_EQ(f.served, c.served_first + c.served_later);
  EXPECT_EQ(f.balked, c.blocked);
  EXPECT_EQ(f.requests, f.served + f.balked + f.reneged + f.unmet + f.escalated + f.in_system);
  // Everyone who moved on walked the 300 m to the second station: 5 min at 1 m/s.
  EXPECT_EQ(static_cast<double>(c.extra_distance_m.count()), c.served_later + c.blocked);
  EXPECT_DOUBLE_EQ(c.extra_distance_m.mean(), 300.0);
  EXPECT_DOUBLE_EQ(c.extra_distance_m.max(), 300.0);
  EXPECT_DOUBLE_EQ(f.travel.max(), 5.0);
  EXPECT_DOUBLE_EQ(f.travel.sum(), 5.0 * (c.served_later + c.blocked));
  // Two stations at most: one try, or two.
  EXPECT_EQ(c.tries, c.arrivals + c.served_later + c.blocked);
  double by_hour = 0;
  for (const double a : c.arrivals_by_hour) by_hour += a;
  EXPECT_EQ(c.arrivals_by_hour.size(), 24U);
  EXPECT_EQ(by_hour, c.arrivals);
  // The requests count under their first station's room, not where they ended.
  const std::size_t first_room = s.facilities[0].rooms[0];
  const std::size_t second_room = s.facilities[1].rooms[0];
  EXPECT_EQ(m.rooms[first_room].flow.requests, f.requests);
  EXPECT_EQ(m.rooms[second_room].flow.requests, 0);
  EXPECT_EQ(m.rooms[second_room].served, c.served_later);
  // The residents live at the first station.
  ASSERT_EQ(m.access.offers, std::vector<std::string>{"red_station/seats"});
  ASSERT_EQ(m.access.nearest_m.size(), 1U);
  EXPECT_DOUBLE_EQ(m.access.nearest_m[0], 0.0);
}

TEST_F(RedStationFlowTest, OverflowStopsAtMaxTriesAndTheDistance) {
  const std::string text = stations_scenario("0,300");
  for (const char* limit : {"policies.red_station_overflow.max_tries=1",
                            "policies.red_station_overflow.next_within=200m",
                            "policies.red_station_overflow.next_within=0m"}) {
    const CityMeasures m = run_city_replication(load(text, {limit}), 0);
    const RedStationCounts& c = m.red_stations[0];
    EXPECT_EQ(c.served_later, 0) << limit;
    EXPECT_EQ(c.tries, c.arrivals) << limit;
    EXPECT_EQ(c.extra_distance_m.count(), 0U) << limit;
    EXPECT_GT(c.blocked, 0) << limit;
    EXPECT_EQ(m.services[0].flow.travel.max(), 0.0) << limit;
  }
  // The same workers and rests (common random numbers): overflow only turns blocks into rests.
  const CityMeasures with = run_city_replication(load(text), 0);
  const CityMeasures without =
      run_city_replication(load(text, {"policies.red_station_overflow.max_tries=1"}), 0);
  EXPECT_EQ(with.red_stations[0].served_first, without.red_stations[0].served_first);
  EXPECT_LT(with.red_stations[0].blocked, without.red_stations[0].blocked);
}

TEST_F(RedStationFlowTest, ScalarsAndSummary) {
  const scenario::Scenario s = load(stations_scenario("0,300"));
  const std::vector<CityMeasures> replications = {run_city_replication(s, 0),
                                                  run_city_replication(s, 1)};
  std::vector<sim::trace::ScalarRecord> scalars;
  add_red_station_scalars(scalars, s, replications[0]);
  auto find = [&](const std::string& name) -> const sim::trace::ScalarRecord* {
    const auto it =
        std::find_if(scalars.begin(), scalars.end(), [&](const auto& r) { return r.name == name; });
    return it == scalars.end() ? nullptr : &*it;
  };
  const RedStationCounts& c = replications[0].red_stations[0];
  ASSERT_NE(find("red_station.blocking"), nullptr);
  EXPECT_EQ(find("red_station.blocking")->entity, "station_offer");
  EXPECT_DOUBLE_EQ(find("red_station.blocking")->value, c.blocked / c.arrivals);
  ASSERT_NE(find("red_station.arrivals_07h"), nullptr);
  EXPECT_EQ(find("red_station.arrivals_07h")->value, c.arrivals_by_hour[7]);
  ASSERT_NE(find("red_station.mean_extra_distance"), nullptr);
  EXPECT_EQ(find("red_station.mean_extra_distance")->unit, "m");
  ASSERT_NE(find("nearest_m.general"), nullptr);
  EXPECT_EQ(find("nearest_m.general")->entity, "offer");

  const std::string summary = red_station_summary(s, replications, 0.95);
  EXPECT_THAT(summary, HasSubstr("red stations"));
  EXPECT_THAT(summary, HasSubstr("blocking"));
  EXPECT_THAT(summary, HasSubstr("seats"));
  EXPECT_THAT(summary, HasSubstr("mean distance to the nearest station"));
  EXPECT_THAT(summary, HasSubstr("red_station/seats"));
}

TEST_F(RedStationFlowTest, NoSummaryWithoutRedStations) {
  const scenario::Scenario s = load(R"(run: {name: centre, horizon: 2d, replications: 1}
city:
  districts:
    - id: d
      streets:
        - id: s
          communities:
            - {id: c, population: 1000, location: {x: 0m, y: 0m}}
facilities:
  community_centres:
    - {id: centre, community: c, rooms: [{type: health, staff: 1}]}
services:
  - id: visit
    channel: centre_room
    room: health
    demand: [{rate: 1000/year per 1000}]
    duration: {dist: exponential, mean: 10min}
)");
  const std::vector<CityMeasures> replications = {run_city_replication(s, 0)};
  EXPECT_TRUE(replications[0].red_stations.empty());
  EXPECT_EQ(red_station_summary(s, replications, 0.95), "");
  std::vector<sim::trace::ScalarRecord> scalars;
  add_red_station_scalars(scalars, s, replications[0]);
  ASSERT_EQ(scalars.size(), 1U);  // nearest_m of the one offer, for the one group
  EXPECT_EQ(scalars[0].name, "nearest_m.general");
  EXPECT_DOUBLE_EQ(scalars[0].value, 0.0);
}

}  // namespace
}  // namespace circlesim::services
