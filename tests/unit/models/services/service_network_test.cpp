// The service network with measured travel times (city.travel_times): a listed pair replaces
// the straight-line estimate, so that it may make another facility the nearest (or push one
// out); unlisted pairs keep the estimate to the bit; and a listed time is an adult's, stored as
// the distance an adult walks in it, so that other speeds scale it.
#include "models/services/service_network.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "models/scenario/loader.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::services {
namespace {

// Two communities on a line: a (grids a1 at 0 m and a2 at 1000 m) and b (one grid, b, at
// 3000 m), each with its community centre at its centre; detour factor 1.3.
constexpr const char* kTown = R"(
run: {name: network, horizon: 1d}
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
              grids:
                - {id: a1, location: {x: 0m, y: 0m}}
                - {id: a2, location: {x: 1000m, y: 0m}}
            - id: b
              population: 1000
              location: {x: 3000m, y: 0m}
population:
  groups:
    - {id: elderly_60_plus, share: 0.2}
facilities:
  community_centres:
    - {id: centre_a, community: a, rooms: [{type: health, staff: 1}]}
    - {id: centre_b, community: b, rooms: [{type: health, staff: 1}]}
services:
  - id: consultation
    channel: centre_room
    room: health
    demand:
      - rate: 500/year per 1000
    duration: {dist: exponential, mean: 5min}
)";

constexpr city::Index kA1 = 0;
constexpr city::Index kA2 = 1;
constexpr city::Index kB = 2;
constexpr std::uint32_t kCentreA = 0;
constexpr std::uint32_t kCentreB = 1;

class ServiceNetworkTravelTest : public ScratchDirTest {
 protected:
  // The town, with the travel-time table `table` when given.
  scenario::Scenario town(const std::optional<std::string>& table) {
    std::string text = kTown;
    if (table) {
      write("travel.csv", "grid,facility,minutes\n" + *table);
      const std::string anchor = "  detour_factor: 1.3\n";
      text.replace(text.find(anchor), anchor.size(),
                   anchor + "  travel_times: {file: travel.csv}\n");
    }
    scenario::Diagnostics diagnostics;
    auto s = scenario::load_scenario(write("scenario.yaml", text), {}, diagnostics);
    EXPECT_TRUE(s) << diagnostics.to_string();
    EXPECT_EQ(s->city->grids[kA2].id, "a2");
    EXPECT_EQ(s->facilities[kCentreB].id, "centre_b");
    return *s;
  }
};

TEST_F(ServiceNetworkTravelTest, AShorterListedPairBecomesTheNearest) {
  const scenario::Scenario plain = town(std::nullopt);
  const ServiceNetwork before(plain, *plain.city);
  const Offer& straight = before.offer(before.offer_of_service(0));
  EXPECT_EQ(straight.nearest[kA2].facility, kCentreA);
  EXPECT_DOUBLE_EQ(straight.nearest[kA2].distance_m, 1300.0);

  // 10 minutes of an adult (60 m/min) are 600 m: nearer than centre_a's 1300 m.
  const scenario::Scenario s = town("a2,centre_b,10\n");
  const ServiceNetwork network(s, *s.city);
  ASSERT_TRUE(network.has_measured());
  const Offer& offer = network.offer(network.offer_of_service(0));
  EXPECT_EQ(offer.nearest[kA2].facility, kCentreB);
  EXPECT_EQ(offer.nearest[kA2].distance_m, 600.0);
  ASSERT_EQ(offer.per_grid, 2U);
  const Candidate* near = offer.near_list.data() + kA2 * offer.per_grid;
  EXPECT_EQ(near[0].facility, kCentreB);
  EXPECT_EQ(near[0].distance_m, 600.0);
  EXPECT_EQ(near[1].facility, kCentreA);
  EXPECT_EQ(near[1].distance_m, straight.near_list[kA2 * 2].distance_m);  // unlisted: as before
  // Its own centre is still centre_a, at the straight-line estimate.
  EXPECT_EQ(offer.own[kA2].facility, kCentreA);
  EXPECT_EQ(offer.own[kA2].distance_m, straight.own[kA2].distance_m);
  EXPECT_EQ(network.distance_m(s, *s.city, kA2, kCentreB), 600.0);
  EXPECT_EQ(network.distance_m(s, *s.city, kA2, kCentreA),
            straight_travel_m(*s.city, kA2, s.facilities[kCentreA].location));
}

TEST_F(ServiceNetworkTravelTest, UnlistedPairsKeepTheirEstimateExactly) {
  const scenario::Scenario plain = town(std::nullopt);
  const scenario::Scenario s = town("a2,centre_b,10\nb,centre_a,200\n");
  const ServiceNetwork before(plain, *plain.city);
  const ServiceNetwork network(s, *s.city);
  const Offer& straight = before.offer(0);
  const Offer& offer = network.offer(0);
  // Grid a1 has no listed pair: every entry is as without a table.
  for (const city::Index g : {kA1}) {
    EXPECT_EQ(offer.own[g].facility, straight.own[g].facility);
    EXPECT_EQ(offer.own[g].distance_m, straight.own[g].distance_m);
    EXPECT_EQ(offer.nearest[g].facility, straight.nearest[g].facility);
    EXPECT_EQ(offer.nearest[g].distance_m, straight.nearest[g].distance_m);
    for (std::size_t k = 0; k < offer.per_grid; ++k) {
      EXPECT_EQ(offer.near_list[g * offer.per_grid + k].facility,
                straight.near_list[g * offer.per_grid + k].facility);
      EXPECT_EQ(offer.near_list[g * offer.per_grid + k].distance_m,
                straight.near_list[g * offer.per_grid + k].distance_m);
    }
  }
  // Grid b: its listed pair (to centre_a, 12,000 m) is longer; its own centre is untouched.
  EXPECT_EQ(offer.nearest[kB].facility, kCentreB);
  EXPECT_EQ(offer.nearest[kB].distance_m, straight.nearest[kB].distance_m);
  EXPECT_EQ(offer.near_list[kB * offer.per_grid + 1].facility, kCentreA);
  EXPECT_EQ(offer.near_list[kB * offer.per_grid + 1].distance_m, 12000.0);
  EXPECT_EQ(network.measured(kA1).size(), 0U);
  ASSERT_EQ(network.measured(kB).size(), 1U);
  EXPECT_EQ(network.measured(kB)[0].facility, kCentreA);
}

TEST_F(ServiceNetworkTravelTest, ALongerListedPairMayLoseTheNearest) {
  // a1 stands at centre_a, but the table says 70 min (4200 m), more than centre_b's 3900 m.
  const scenario::Scenario s = town("a1,centre_a,70\n");
  const ServiceNetwork network(s, *s.city);
  const Offer& offer = network.offer(0);
  EXPECT_EQ(offer.nearest[kA1].facility, kCentreB);
  EXPECT_DOUBLE_EQ(offer.nearest[kA1].distance_m, 3900.0);
  EXPECT_EQ(offer.own[kA1].facility, kCentreA);
  EXPECT_EQ(offer.own[kA1].distance_m, 4200.0);
}

TEST_F(ServiceNetworkTravelTest, ListedMinutesAreAnAdultsAndScaleWithSpeed) {
  scenario::Scenario s = town("a2,centre_b,10\n");
  EXPECT_EQ(measured_travel_speed(s), 60.0);  // general: 1.0 m/s
  const ServiceNetwork network(s, *s.city);
  const double metres = network.offer(0).nearest[kA2].distance_m;
  // A request divides the distance by the traveller's speed: 10 min for an adult, 12.5 for
  // the elderly (0.8 m/s), as it does for a straight-line distance.
  ASSERT_EQ(s.groups[1].id, "elderly_60_plus");
  EXPECT_EQ(metres / s.groups[0].walking_speed_m_per_min, 10.0);
  EXPECT_EQ(metres / s.groups[1].walking_speed_m_per_min, 12.5);
  // The equivalent distance follows the speed the times are for.
  s.groups[0].walking_speed_m_per_min = 75;
  const ServiceNetwork faster(s, *s.city);
  EXPECT_EQ(faster.offer(0).nearest[kA2].distance_m, 750.0);
}

}  // namespace
}  // namespace circlesim::services
