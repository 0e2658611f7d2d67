// Tests for models/city/geography: a sound city passes check_city untouched, and each kind of
// inconsistency (links, grid storage, duplicate ids, populations, locations, detour factor) is
// reported in a sentence that names the item.
#include "models/city/geography.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace circlesim::city {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Two districts, three streets, four communities, six grids, every link consistent.
City sound_city() {
  City city;
  city.districts = {{"d1", "East", {0, 1}}, {"d2", "West", {2}}};
  city.streets = {{"s1", "River", 0, {0, 1}}, {"s2", "Hill", 0, {2}}, {"s3", "Lake", 1, {3}}};
  city.communities = {
      {"c1", "C1", 0, 0, 300, 107, {0, 0}, 0.5, 0, 2},
      {"c2", "C2", 0, 0, 200, 71, {500, 0}, 0.5, 2, 1},
      {"c3", "C3", 1, 0, 100, 36, {0, 500}, 0, 3, 1},
      {"c4", "C4", 2, 1, 400, 142, {900, 900}, 1.0, 4, 2},
  };
  city.grids = {
      {"g1", 0, 100, 36, {-50, 0}}, {"g2", 0, 200, 71, {50, 0}},    {"g3", 1, 200, 71, {500, 0}},
      {"g4", 2, 100, 36, {0, 500}}, {"g5", 3, 150, 53, {850, 900}}, {"g6", 3, 250, 89, {950, 900}},
  };
  return city;
}

#define EXPECT_PROBLEM(city, text) EXPECT_THAT(check_city(city), Contains(HasSubstr(text)))

TEST(GeographyTest, SoundCityHasNoProblems) {
  const City city = sound_city();
  EXPECT_THAT(check_city(city), IsEmpty());
  EXPECT_EQ(city.population(), 1000);
  EXPECT_EQ(city.street_of_grid(4), 2u);
  EXPECT_EQ(city.district_of_grid(4), 1u);
  EXPECT_EQ(city.district_of_grid(3), 0u);
}

TEST(GeographyTest, IdIndexFindsIdsAndMissesUnknownOnes) {
  const City city = sound_city();
  const IdIndex index(city.communities);
  ASSERT_NE(index.find("c3"), nullptr);
  EXPECT_EQ(*index.find("c3"), 2u);
  EXPECT_EQ(index.find("c9"), nullptr);
}

TEST(GeographyTest, ReportsDistrictStreetLinksThatDisagree) {
  City out_of_range = sound_city();
  out_of_range.districts[1].streets.push_back(7);
  EXPECT_PROBLEM(out_of_range, "district 'd2' lists street #7, but the city has 3 streets");

  City unlisted = sound_city();
  unlisted.districts[0].streets = {0};
  EXPECT_PROBLEM(unlisted,
                 "street 's2' belongs to district 'd1' but is missing from its street list");

  City wrong_owner = sound_city();
  wrong_owner.districts[1].streets.push_back(0);
  EXPECT_PROBLEM(wrong_owner, "district 'd2' lists street 's1', which belongs to district 'd1'");

  City twice = sound_city();
  twice.districts[0].streets.push_back(1);
  EXPECT_PROBLEM(twice, "street 's2' is listed 2 times by district 'd1'");

  City bad_district = sound_city();
  bad_district.streets[2].district = 5;
  EXPECT_PROBLEM(bad_district, "street 's3' belongs to district #5, but the city has 2 districts");
}

TEST(GeographyTest, ReportsStreetCommunityLinksThatDisagree) {
  City unlisted = sound_city();
  unlisted.streets[0].communities = {0};
  EXPECT_PROBLEM(unlisted,
                 "community 'c2' belongs to street 's1' but is missing from its community list");

  City wrong_owner = sound_city();
  wrong_owner.streets[1].communities.push_back(3);
  EXPECT_PROBLEM(wrong_owner, "street 's2' lists community 'c4', which belongs to street 's3'");

  City out_of_range = sound_city();
  out_of_range.streets[1].communities.push_back(9);
  EXPECT_PROBLEM(out_of_range, "street 's2' lists community #9, but the city has 4 communities");

  City bad_street = sound_city();
  bad_street.communities[2].street = 8;
  EXPECT_PROBLEM(bad_street, "community 'c3' belongs to street #8, but the city has 3 streets");

  City other_district = sound_city();
  other_district.communities[3].district = 0;
  EXPECT_PROBLEM(other_district,
                 "community 'c4' says it lies in district 'd1' but its street 's3' lies in "
                 "district 'd2'");
}

TEST(GeographyTest, ReportsGridsNotStoredCommunityByCommunity) {
  City outside = sound_city();
  outside.grids[2].community = 0;  // g3 sits in c2's range but names c1
  EXPECT_PROBLEM(outside, "grid 'g3' belongs to community 'c1' but lies outside its grid range");
  EXPECT_PROBLEM(outside,
                 "grid 'g3' lies in the grid range of community 'c2' but belongs to community "
                 "'c1'");

  City shifted = sound_city();
  shifted.communities[2].first_grid = 4;
  EXPECT_PROBLEM(shifted,
                 "community 'c3' has its grids from #4, but the grids of the communities before "
                 "it end at #3");

  City too_far = sound_city();
  too_far.communities[3].grid_count = 5;
  EXPECT_PROBLEM(too_far, "community 'c4' has grids #4 to #9, but the city has 6 grids");

  City uncovered = sound_city();
  uncovered.grids.push_back({"g7", 3, 0, 0, {0, 0}});
  EXPECT_PROBLEM(uncovered, "the communities' grid ranges end at #6, but the city has 7 grids");
  EXPECT_PROBLEM(uncovered, "grid 'g7' belongs to community 'c4' but lies outside its grid range");

  City bad_community = sound_city();
  bad_community.grids[5].community = 11;
  EXPECT_PROBLEM(bad_community,
                 "grid 'g6' belongs to community #11, but the city has 4 communities");
}

TEST(GeographyTest, ReportsRepeatedAndEmptyIdsPerLevel) {
  City repeated = sound_city();
  repeated.streets[2].id = "s1";
  EXPECT_PROBLEM(repeated, "street id 's1' is used by both street #0 and street #2");

  City repeated_grid = sound_city();
  repeated_grid.grids[5].id = "g1";
  EXPECT_PROBLEM(repeated_grid, "grid id 'g1' is used by both grid #0 and grid #5");

  City empty = sound_city();
  empty.districts[1].id.clear();
  EXPECT_PROBLEM(empty, "district #1 has an empty id");

  // The same id on different levels is fine (a one-grid community shares its grid's id).
  City shared = sound_city();
  shared.grids[2].id = "c2";
  EXPECT_THAT(check_city(shared), IsEmpty());
}

TEST(GeographyTest, ReportsNegativeAndInconsistentPopulations) {
  City negative = sound_city();
  negative.grids[3].population = -100;
  negative.communities[2].population = -100;
  EXPECT_PROBLEM(negative, "grid 'g4' has a negative population (-100)");
  EXPECT_PROBLEM(negative, "community 'c3' has a negative population (-100)");

  City households = sound_city();
  households.grids[0].households = -1;
  households.communities[1].households = -2;
  EXPECT_PROBLEM(households, "grid 'g1' has a negative number of households (-1)");
  EXPECT_PROBLEM(households, "community 'c2' has a negative number of households (-2)");

  City sum = sound_city();
  sum.grids[5].population = 260;
  EXPECT_PROBLEM(sum, "community 'c4' has population 400 but its grids' populations sum to 410");
}

TEST(GeographyTest, ReportsLocationsAndAreasThatAreNotFinite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  City city = sound_city();
  city.grids[1].location.x = nan;
  city.communities[0].location.y = inf;
  city.communities[1].area_km2 = -1;
  EXPECT_PROBLEM(city, "grid 'g2' has a location that is not finite (nan, 0)");
  EXPECT_PROBLEM(city, "community 'c1' has a location that is not finite (0, inf)");
  EXPECT_PROBLEM(city, "community 'c2' has an area that is not a number >= 0 (-1)");
}

TEST(GeographyTest, ReportsADetourFactorBelowOne) {
  City city = sound_city();
  city.detour_factor = 0.9;
  EXPECT_PROBLEM(city, "the detour factor must be a finite number >= 1, got 0.9");
  city.detour_factor = std::numeric_limits<double>::quiet_NaN();
  EXPECT_PROBLEM(city, "the detour factor must be a finite number >= 1, got nan");
  city.detour_factor = 1;
  EXPECT_THAT(check_city(city), IsEmpty());
}

TEST(GeographyTest, AnEmptyCityIsSound) { EXPECT_THAT(check_city(City{}), IsEmpty()); }

}  // namespace
}  // namespace circlesim::city
