// Tests for models/city/synthetic_city: the lattice form's counts, ids and spacing; the census
// form on Nanchang's nine districts (exact totals, exact district populations, a dense core and
// sparse counties, regions that do not overlap); determinism; and bad specs naming their field.
#include "models/city/synthetic_city.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "sim/error.hpp"
#include "sim/random_stream.hpp"

namespace circlesim::city {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::ThrowsMessage;

// Nanchang's nine county-level units (context/nanchang.md §2): census and sourced figures as
// given; Donghu, Qingyunpu, Qingshanhu, Honggutan and Jinxian are the [E] split (0.52 / 0.39 /
// 1.12 / 0.62 / 0.60 M) scaled by largest remainder to the 3,254,114 left, so that the nine sum
// to the census total 6,255,007.
SyntheticCitySpec nanchang_spec() {
  SyntheticCitySpec spec;
  spec.districts = {
      {"donghu", "Donghu", 520'658, 56.95},
      {"xihu", "Xihu", 485'200, 35.3},
      {"qingyunpu", "Qingyunpu", 390'494, 43.2},
      {"qingshanhu", "Qingshanhu", 1'121'418, 232},
      {"honggutan", "Honggutan", 620'785, 175},
      {"xinjian", "Xinjian", 810'600, 2121.1},
      {"nanchang_county", "Nanchang County", 1'452'502, 1810},
      {"jinxian", "Jinxian", 600'759, 1950},
      {"anyi", "Anyi", 252'591, 656},
  };
  spec.communities = 757;
  spec.grids = 4609;
  spec.seed = 20201101;
  return spec;
}

constexpr std::int64_t kNanchangPopulation = 6'255'007;

double distance(const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Median distance from each of `points` to its nearest other point.
double median_nearest_neighbour(const std::vector<Point>& points) {
  std::vector<double> nearest;
  for (std::size_t i = 0; i < points.size(); ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < points.size(); ++j) {
      if (i != j) best = std::min(best, distance(points[i], points[j]));
    }
    nearest.push_back(best);
  }
  std::sort(nearest.begin(), nearest.end());
  return nearest[nearest.size() / 2];
}

std::vector<Point> community_locations(const City& city, Index district) {
  std::vector<Point> out;
  for (const Community& community : city.communities) {
    if (community.district == district) out.push_back(community.location);
  }
  return out;
}

std::int64_t district_population(const City& city, Index district) {
  std::int64_t total = 0;
  for (const Community& community : city.communities) {
    if (community.district == district) total += community.population;
  }
  return total;
}

// The perimeter fraction (counter-clockwise from the south-west corner, DistrictRegion's
// convention) and the Chebyshev half-side of a point seen from `centre`.
struct SquarePolar {
  double half_side;
  double fraction;
};

SquarePolar square_polar(const Point& p, const Point& centre) {
  const double dx = p.x - centre.x;
  const double dy = p.y - centre.y;
  const double h = std::max(std::abs(dx), std::abs(dy));
  const double x = dx / h;
  const double y = dy / h;
  double s = 0;
  if (std::abs(y + 1) < 1e-12 && x < 1) {
    s = x + 1;  // south edge, going east
  } else if (std::abs(x - 1) < 1e-12 && y < 1) {
    s = 3 + y;  // east edge, going north
  } else if (std::abs(y - 1) < 1e-12 && x > -1) {
    s = 5 - x;  // north edge, going west
  } else {
    s = 7 - y;  // west edge, going south
  }
  return {h, s / 8};
}

void expect_identical(const City& a, const City& b) {
  ASSERT_EQ(a.districts.size(), b.districts.size());
  ASSERT_EQ(a.streets.size(), b.streets.size());
  ASSERT_EQ(a.communities.size(), b.communities.size());
  ASSERT_EQ(a.grids.size(), b.grids.size());
  EXPECT_EQ(a.detour_factor, b.detour_factor);
  for (std::size_t i = 0; i < a.districts.size(); ++i) {
    EXPECT_EQ(a.districts[i].id, b.districts[i].id);
    EXPECT_EQ(a.districts[i].name, b.districts[i].name);
    EXPECT_EQ(a.districts[i].streets, b.districts[i].streets);
  }
  for (std::size_t i = 0; i < a.streets.size(); ++i) {
    EXPECT_EQ(a.streets[i].id, b.streets[i].id);
    EXPECT_EQ(a.streets[i].district, b.streets[i].district);
    EXPECT_EQ(a.streets[i].communities, b.streets[i].communities);
  }
  for (std::size_t i = 0; i < a.communities.size(); ++i) {
    const Community& x = a.communities[i];
    const Community& y = b.communities[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.population, y.population);
    EXPECT_EQ(x.households, y.households);
    EXPECT_EQ(x.location.x, y.location.x);
    EXPECT_EQ(x.location.y, y.location.y);
    EXPECT_EQ(x.area_km2, y.area_km2);
    EXPECT_EQ(x.first_grid, y.first_grid);
    EXPECT_EQ(x.grid_count, y.grid_count);
  }
  for (std::size_t i = 0; i < a.grids.size(); ++i) {
    EXPECT_EQ(a.grids[i].id, b.grids[i].id);
    EXPECT_EQ(a.grids[i].population, b.grids[i].population);
    EXPECT_EQ(a.grids[i].households, b.grids[i].households);
    EXPECT_EQ(a.grids[i].location.x, b.grids[i].location.x);
    EXPECT_EQ(a.grids[i].location.y, b.grids[i].location.y);
  }
}

// --- lattice form

TEST(SyntheticCityTest, LatticeHasTheRequestedCountsAndIds) {
  SyntheticCitySpec spec;
  spec.district_count = 2;
  spec.streets_per_district = 3;
  spec.communities_per_street = 4;
  spec.grids_per_community = 5;
  spec.spacing_m = 250;
  spec.residents_per_grid = 1000.4;
  const City city = generate_city(spec);
  EXPECT_THAT(check_city(city), IsEmpty());
  ASSERT_EQ(city.districts.size(), 2u);
  ASSERT_EQ(city.streets.size(), 6u);
  ASSERT_EQ(city.communities.size(), 24u);
  ASSERT_EQ(city.grids.size(), 120u);
  EXPECT_EQ(city.districts[1].id, "d2");
  EXPECT_EQ(city.streets[5].id, "d2_s3");
  EXPECT_EQ(city.communities[23].id, "d2_s3_c4");
  EXPECT_EQ(city.grids[119].id, "d2_s3_c4_g5");
  EXPECT_EQ(city.grids[0].id, "d1_s1_c1_g1");
  EXPECT_EQ(city.population(), 120'000);
  for (const Grid& grid : city.grids) {
    EXPECT_EQ(grid.population, 1000);
    EXPECT_EQ(grid.households, 356);  // round(1000 / 2.81)
  }
  EXPECT_EQ(city.communities[0].population, 5000);
  EXPECT_EQ(city.communities[0].households, 5 * 356);
  EXPECT_DOUBLE_EQ(city.communities[0].area_km2, 5 * 0.25 * 0.25);
}

TEST(SyntheticCityTest, LatticeGridsSitOnASquareLatticeSpacingApart) {
  SyntheticCitySpec spec;
  spec.district_count = 3;
  spec.streets_per_district = 2;
  spec.communities_per_street = 3;
  spec.grids_per_community = 4;
  spec.spacing_m = 300;
  const City city = generate_city(spec);
  std::set<std::pair<double, double>> seen;
  for (const Grid& grid : city.grids) {
    // Cell centres: (i + 0.5) * spacing.
    EXPECT_DOUBLE_EQ(std::fmod(grid.location.x / 300 - 0.5, 1.0), 0.0) << grid.id;
    EXPECT_DOUBLE_EQ(std::fmod(grid.location.y / 300 - 0.5, 1.0), 0.0) << grid.id;
    EXPECT_TRUE(seen.insert({grid.location.x, grid.location.y}).second) << grid.id;
  }
  // Every grid's nearest neighbour is exactly one spacing away.
  for (std::size_t i = 0; i < city.grids.size(); ++i) {
    double nearest = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < city.grids.size(); ++j) {
      if (i != j)
        nearest = std::min(nearest, distance(city.grids[i].location, city.grids[j].location));
    }
    EXPECT_DOUBLE_EQ(nearest, 300) << city.grids[i].id;
  }
  // A community is a compact 2 x 2 block around its centre.
  const Community& first = city.communities[0];
  for (Index g = first.first_grid; g < first.first_grid + first.grid_count; ++g) {
    EXPECT_NEAR(distance(city.grids[g].location, first.location), 300 / std::sqrt(2.0), 1e-9);
  }
}

// --- census form

TEST(SyntheticCityTest, NanchangMeetsEveryTotalExactly) {
  const SyntheticCitySpec spec = nanchang_spec();
  const City city = generate_city(spec);
  EXPECT_THAT(check_city(city), IsEmpty());
  EXPECT_EQ(city.districts.size(), 9u);
  EXPECT_EQ(city.communities.size(), 757u);
  EXPECT_EQ(city.grids.size(), 4609u);
  EXPECT_EQ(city.population(), kNanchangPopulation);
  for (std::size_t d = 0; d < spec.districts.size(); ++d) {
    EXPECT_EQ(city.districts[d].id, spec.districts[d].id);
    EXPECT_EQ(city.districts[d].name, spec.districts[d].name);
    EXPECT_EQ(district_population(city, static_cast<Index>(d)), spec.districts[d].population)
        << spec.districts[d].id;
    // Communities follow population: Qingshanhu (1.12 M) has about 136 of the 757.
    const auto communities = community_locations(city, static_cast<Index>(d)).size();
    const double quota = 757.0 * static_cast<double>(spec.districts[d].population) /
                         static_cast<double>(kNanchangPopulation);
    EXPECT_NEAR(static_cast<double>(communities), quota, 1.0) << spec.districts[d].id;
  }
  for (const Street& street : city.streets) {
    EXPECT_GE(street.communities.size(), 1u);
    EXPECT_LE(street.communities.size(), 8u);
  }
  EXPECT_EQ(city.streets.front().id, "donghu_s1");
  EXPECT_EQ(city.communities.front().id, "donghu_s1_c1");
  EXPECT_EQ(city.grids.front().id, "donghu_s1_c1_g1");
  for (const Community& community : city.communities) {
    EXPECT_GE(community.grid_count, 1u);
    EXPECT_GT(community.population, 0);
    EXPECT_GE(community.location.x, 0);
    EXPECT_GE(community.location.y, 0);
  }
  for (const Grid& grid : city.grids) {
    EXPECT_GE(grid.location.x, 0) << grid.id;
    EXPECT_GE(grid.location.y, 0) << grid.id;
  }
  // Each community owns its share of its district's area.
  double area = 0;
  for (const Community& community : city.communities) area += community.area_km2;
  double spec_area = 0;
  for (const SyntheticDistrict& district : spec.districts) spec_area += district.area_km2;
  EXPECT_NEAR(area, spec_area, 1e-6);
}

TEST(SyntheticCityTest, NanchangCoreCommunitiesAreCloserThanCountyOnes) {
  const SyntheticCitySpec spec = nanchang_spec();
  const City city = generate_city(spec);
  const double xihu = median_nearest_neighbour(community_locations(city, 1));     // densest
  const double jinxian = median_nearest_neighbour(community_locations(city, 7));  // sparsest
  EXPECT_LT(xihu, 1000);
  EXPECT_GT(jinxian, 3000);
  EXPECT_LT(4 * xihu, jinxian);
}

TEST(SyntheticCityTest, NanchangRegionsDoNotOverlapAndHoldTheirCommunities) {
  const SyntheticCitySpec spec = nanchang_spec();
  const std::vector<DistrictRegion> regions = synthetic_district_regions(spec);
  ASSERT_EQ(regions.size(), 9u);
  for (std::size_t d = 0; d < regions.size(); ++d) {
    const DistrictRegion& r = regions[d];
    const double area_m2 = (r.end - r.begin) * 4 * (r.outer_m * r.outer_m - r.inner_m * r.inner_m);
    EXPECT_NEAR(area_m2 / 1e6, spec.districts[d].area_km2, 1e-6) << spec.districts[d].id;
    EXPECT_EQ(r.centre.x, regions[0].centre.x);
    EXPECT_EQ(r.centre.y, regions[0].centre.y);
  }
  // Two pieces overlap only if both their ring bands and their perimeter spans overlap.
  for (std::size_t i = 0; i < regions.size(); ++i) {
    for (std::size_t j = i + 1; j < regions.size(); ++j) {
      const DistrictRegion& a = regions[i];
      const DistrictRegion& b = regions[j];
      const bool bands = std::max(a.inner_m, b.inner_m) < std::min(a.outer_m, b.outer_m) - 1e-6;
      const bool spans = std::max(a.begin, b.begin) < std::min(a.end, b.end) - 1e-12;
      EXPECT_FALSE(bands && spans) << spec.districts[i].id << " and " << spec.districts[j].id;
    }
  }
  // Xihu, the densest, is the core; Jinxian, the sparsest, is in the outermost ring; density
  // never rises going outwards.
  EXPECT_EQ(regions[1].inner_m, 0);
  for (std::size_t d = 0; d < regions.size(); ++d) {
    if (d != 1) {
      EXPECT_GT(regions[d].inner_m, 0) << spec.districts[d].id;
    }
    EXPECT_LE(regions[d].outer_m, regions[7].outer_m);
    for (std::size_t e = 0; e < regions.size(); ++e) {
      const auto density = [&](std::size_t k) {
        return static_cast<double>(spec.districts[k].population) / spec.districts[k].area_km2;
      };
      if (density(d) > density(e)) {
        EXPECT_LE(regions[d].inner_m, regions[e].inner_m)
            << spec.districts[d].id << " " << spec.districts[e].id;
      }
    }
  }
  // Every community lies inside its own district's piece.
  const City city = generate_city(spec);
  for (const Community& community : city.communities) {
    const DistrictRegion& r = regions[community.district];
    const SquarePolar p = square_polar(community.location, r.centre);
    EXPECT_GE(p.half_side, r.inner_m - 1e-6) << community.id;
    EXPECT_LE(p.half_side, r.outer_m + 1e-6) << community.id;
    if (r.inner_m > 0) {
      EXPECT_GE(p.fraction, r.begin - 1e-9) << community.id;
      EXPECT_LE(p.fraction, r.end + 1e-9) << community.id;
    }
  }
}

TEST(SyntheticCityTest, SameSpecGivesTheIdenticalCity) {
  const SyntheticCitySpec spec = nanchang_spec();
  expect_identical(generate_city(spec), generate_city(spec));
  SyntheticCitySpec lattice;
  lattice.district_count = 4;
  expect_identical(generate_city(lattice), generate_city(lattice));
}

// A fingerprint of the Nanchang city pinned to its value: the same spec must give the same city
// on every machine and in every later version, unless a change of the generator is meant.
TEST(SyntheticCityTest, NanchangFingerprintIsStable) {
  const City city = generate_city(nanchang_spec());
  std::uint64_t h = 0;
  const auto mix = [&](std::int64_t value) {
    h = sim::mix64(h ^ static_cast<std::uint64_t>(value));
  };
  for (const Community& c : city.communities) {
    mix(c.population);
    mix(c.households);
    mix(c.grid_count);
    mix(std::llround(c.location.x * 1000));  // millimetres
    mix(std::llround(c.location.y * 1000));
  }
  for (const Grid& g : city.grids) {
    mix(g.population);
    mix(std::llround(g.location.x * 1000));
    mix(std::llround(g.location.y * 1000));
  }
  EXPECT_EQ(h, 8994818749081839056ULL) << "the generated city changed";
}

TEST(SyntheticCityTest, SeedsDifferOnlyInTheVariation) {
  SyntheticCitySpec spec = nanchang_spec();
  const City a = generate_city(spec);
  spec.seed += 1;
  const City b = generate_city(spec);
  ASSERT_EQ(a.communities.size(), b.communities.size());
  ASSERT_EQ(a.grids.size(), b.grids.size());
  int differing = 0;
  for (std::size_t c = 0; c < a.communities.size(); ++c) {
    EXPECT_EQ(a.communities[c].id, b.communities[c].id);
    EXPECT_EQ(a.communities[c].location.x, b.communities[c].location.x);
    EXPECT_EQ(a.communities[c].location.y, b.communities[c].location.y);
    EXPECT_EQ(a.communities[c].area_km2, b.communities[c].area_km2);
    if (a.communities[c].population != b.communities[c].population) ++differing;
  }
  EXPECT_GT(differing, 700);
  for (Index d = 0; d < 9; ++d) {
    EXPECT_EQ(district_population(a, d), district_population(b, d));
    std::int64_t grids_a = 0;
    std::int64_t grids_b = 0;
    for (std::size_t c = 0; c < a.communities.size(); ++c) {
      if (a.communities[c].district == d) grids_a += a.communities[c].grid_count;
      if (b.communities[c].district == d) grids_b += b.communities[c].grid_count;
    }
    EXPECT_EQ(grids_a, grids_b);
  }
  // The variation is modest: within a district, no community has more than 1250/750 times
  // another's residents (plus rounding).
  for (Index d = 0; d < 9; ++d) {
    std::int64_t low = std::numeric_limits<std::int64_t>::max();
    std::int64_t high = 0;
    for (const Community& c : a.communities) {
      if (c.district != d) continue;
      low = std::min(low, c.population);
      high = std::max(high, c.population);
    }
    EXPECT_LE(static_cast<double>(high), static_cast<double>(low + 1) * 1250.0 / 750.0);
    EXPECT_GT(high, low);
  }
}

TEST(SyntheticCityTest, CensusCountsFollowResidentsPerCommunityAndGridWithoutTotals) {
  SyntheticCitySpec spec;
  spec.districts = {{"core", "", 80'000, 8}, {"edge", "", 24'000, 40}};
  spec.residents_per_community = 8000;
  spec.residents_per_grid = 1000;
  spec.communities_per_street = 4;
  const City city = generate_city(spec);
  EXPECT_THAT(check_city(city), IsEmpty());
  EXPECT_EQ(city.districts[1].name, "edge");  // the id when no name is given
  EXPECT_EQ(community_locations(city, 0).size(), 10u);
  EXPECT_EQ(community_locations(city, 1).size(), 3u);
  EXPECT_EQ(city.streets.size(), 3u + 1u);  // 10 communities in streets of 4, and 3
  EXPECT_EQ(city.streets[2].communities.size(), 2u);
  EXPECT_EQ(city.population(), 104'000);
  for (const Community& community : city.communities) {
    const double expected = static_cast<double>(community.population) / 1000;
    EXPECT_NEAR(community.grid_count, expected, 0.5 + 1e-9) << community.id;
  }
}

TEST(SyntheticCityTest, OneDistrictIsTheWholeSquare) {
  SyntheticCitySpec spec;
  spec.districts = {{"only", "Only", 10'000, 4}};
  spec.communities = 3;
  spec.grids = 7;
  const City city = generate_city(spec);
  EXPECT_THAT(check_city(city), IsEmpty());
  EXPECT_EQ(city.grids.size(), 7u);
  const std::vector<DistrictRegion> regions = synthetic_district_regions(spec);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_DOUBLE_EQ(regions[0].outer_m, 1000);
  EXPECT_EQ(regions[0].inner_m, 0);
}

TEST(SyntheticCityTest, NanchangIsGeneratedFast) {
  const SyntheticCitySpec spec = nanchang_spec();
  double best_ms = std::numeric_limits<double>::infinity();
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const City city = generate_city(spec);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    best_ms = std::min(best_ms, took.count());
    EXPECT_EQ(city.grids.size(), 4609u);
  }
  RecordProperty("nanchang_generation_ms", std::to_string(best_ms));
  EXPECT_LT(best_ms, 100);
}

// --- bad specs

void expect_rejected(const std::function<void(SyntheticCitySpec&)>& change,
                     const std::string& message, bool census = true) {
  SyntheticCitySpec spec = census ? nanchang_spec() : SyntheticCitySpec{};
  change(spec);
  EXPECT_THAT([&] { (void)generate_city(spec); },
              ThrowsMessage<sim::InvalidParameter>(HasSubstr(message)));
}

TEST(SyntheticCityTest, BadCensusSpecsThrowNamingTheField) {
  expect_rejected([](SyntheticCitySpec& s) { s.districts[2].area_km2 = 0; },
                  "synthetic city: districts[2].area_km2 must be > 0, got 0");
  expect_rejected([](SyntheticCitySpec& s) { s.districts[4].population = -3; },
                  "synthetic city: districts[4].population must be > 0, got -3");
  expect_rejected([](SyntheticCitySpec& s) { s.districts[5].id = "xihu"; },
                  "synthetic city: districts[5].id 'xihu' is used by an earlier district");
  expect_rejected([](SyntheticCitySpec& s) { s.districts[0].id.clear(); },
                  "synthetic city: districts[0].id must not be empty");
  expect_rejected([](SyntheticCitySpec& s) { s.communities = 5; },
                  "synthetic city: communities must be at least the number of districts (9), "
                  "got 5");
  expect_rejected([](SyntheticCitySpec& s) { s.grids = 700; },
                  "synthetic city: grids must be at least the number of communities (757), got "
                  "700");
  expect_rejected([](SyntheticCitySpec& s) { s.grids = -1; },
                  "synthetic city: grids must be >= 0, got -1");
  expect_rejected(
      [](SyntheticCitySpec& s) {
        s.districts = {{"tiny", "", 5, 1}};
        s.communities = 6;
      },
      "synthetic city: communities must be at most the number of residents (5), got 6");
  expect_rejected(
      [](SyntheticCitySpec& s) {
        s.communities = 0;
        s.residents_per_community = 0;
      },
      "synthetic city: residents_per_community must be > 0, got 0");
  expect_rejected(
      [](SyntheticCitySpec& s) {
        s.grids = 0;
        s.residents_per_grid = 0.01;
      },
      "synthetic city: residents_per_grid 0.01 gives about");
  expect_rejected([](SyntheticCitySpec& s) { s.detour_factor = 0.8; },
                  "synthetic city: detour_factor must be >= 1, got 0.8");
  expect_rejected([](SyntheticCitySpec& s) { s.communities_per_street = 0; },
                  "synthetic city: communities_per_street must be >= 1, got 0");
  EXPECT_THAT([] { (void)synthetic_district_regions(SyntheticCitySpec{}); },
              ThrowsMessage<sim::InvalidParameter>(HasSubstr("need the census form")));
}

TEST(SyntheticCityTest, BadLatticeSpecsThrowNamingTheField) {
  expect_rejected([](SyntheticCitySpec& s) { s.spacing_m = 0; },
                  "synthetic city: spacing_m must be > 0, got 0", false);
  expect_rejected([](SyntheticCitySpec& s) { s.district_count = 0; },
                  "synthetic city: district_count must be >= 1, got 0", false);
  expect_rejected([](SyntheticCitySpec& s) { s.streets_per_district = -2; },
                  "synthetic city: streets_per_district must be >= 1, got -2", false);
  expect_rejected([](SyntheticCitySpec& s) { s.grids_per_community = 0; },
                  "synthetic city: grids_per_community must be >= 1, got 0", false);
  expect_rejected([](SyntheticCitySpec& s) { s.residents_per_grid = -1; },
                  "synthetic city: residents_per_grid must be >= 0, got -1", false);
  expect_rejected(
      [](SyntheticCitySpec& s) {
        s.district_count = 1000;
        s.streets_per_district = 1000;
      },
      "synthetic city: the lattice has 48000000 grids, more than the limit of 10000000", false);
}

}  // namespace
}  // namespace circlesim::city
