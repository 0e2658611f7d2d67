// Tests for models/city/population: exact counts and layout, group shares and their joint
// structure (subsets, overlaps, area overrides) against binomial tolerances, age bands,
// determinism and per-grid independence, infeasible specs, and the memory per resident.
#include "models/city/population.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::city {
namespace {

using ::testing::HasSubstr;

// `districts` districts of one street each; communities of `grids_per_community` grids, dealt to
// districts in contiguous blocks; grid i has populations[i] residents.
City make_city(const std::vector<std::int64_t>& populations, Index grids_per_community = 1,
               Index district_count = 1) {
  City city;
  const auto grids = static_cast<Index>(populations.size());
  const Index communities = (grids + grids_per_community - 1) / grids_per_community;
  for (Index d = 0; d < district_count; ++d) {
    city.districts.push_back({"d" + std::to_string(d), "D", {d}});
    city.streets.push_back({"s" + std::to_string(d), "S", d, {}});
  }
  for (Index c = 0; c < communities; ++c) {
    const Index district = c * district_count / communities;
    Community community;
    community.id = "c" + std::to_string(c);
    community.street = district;
    community.district = district;
    community.first_grid = c * grids_per_community;
    community.grid_count = std::min(grids_per_community, grids - community.first_grid);
    city.streets[district].communities.push_back(c);
    city.communities.push_back(community);
  }
  for (Index g = 0; g < grids; ++g) {
    Grid grid;
    grid.id = "g" + std::to_string(g);
    grid.community = g / grids_per_community;
    grid.population = populations[g];
    city.grids.push_back(grid);
    city.communities[grid.community].population += grid.population;
  }
  return city;
}

City uniform_city(Index grids, std::int64_t residents_per_grid, Index grids_per_community = 1,
                  Index district_count = 1) {
  return make_city(std::vector<std::int64_t>(grids, residents_per_grid), grids_per_community,
                   district_count);
}

GroupSpec group(std::string id, double share) {
  GroupSpec g;
  g.id = std::move(id);
  g.name = g.id;
  g.share = share;
  return g;
}

PopulationSpec spec_with(std::vector<GroupSpec> others) {
  PopulationSpec spec;
  spec.groups.push_back(group("general", 1.0));
  for (GroupSpec& g : others) spec.groups.push_back(std::move(g));
  return spec;
}

const sim::RandomStreams kStreams(20240601, 0);

// Residents counted over [begin, end) by a predicate on the membership mask.
template <class Predicate>
std::uint64_t count(const Residents& r, Predicate predicate, std::uint64_t begin = 0,
                    std::uint64_t end = std::numeric_limits<std::uint64_t>::max()) {
  const auto stop = std::min<std::uint64_t>(end, r.groups.size());
  const auto first = r.groups.begin() + static_cast<std::ptrdiff_t>(begin);
  const auto last = r.groups.begin() + static_cast<std::ptrdiff_t>(stop);
  return static_cast<std::uint64_t>(std::count_if(first, last, predicate));
}

GroupMask bit(Index group) { return GroupMask{1} << group; }

// Four standard errors of a binomial proportion p estimated from n residents.
double tolerance(double p, std::uint64_t n) {
  return 4.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(n));
}

#define EXPECT_SHARE(hits, n, p) \
  EXPECT_NEAR(static_cast<double>(hits) / static_cast<double>(n), (p), tolerance((p), (n)))

TEST(PopulationTest, EveryGridGetsExactlyItsPopulationStoredGridByGrid) {
  const City city = make_city({3, 0, 5, 1000, 1});
  const Residents r = synthesize_residents(city, spec_with({group("elderly", 0.5)}), kStreams);
  EXPECT_EQ(r.size(), 1009u);
  EXPECT_EQ(r.first_of_grid, (std::vector<std::uint64_t>{0, 3, 3, 8, 1008, 1009}));
  ASSERT_EQ(r.age_band.size(), r.size());
  ASSERT_EQ(r.groups.size(), r.size());
  for (std::size_t g = 0; g < city.grids.size(); ++g) {
    for (std::uint64_t i = r.first_of_grid[g]; i < r.first_of_grid[g + 1]; ++i) {
      EXPECT_EQ(r.grid[i], g);
    }
  }
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & 1U) != 0; }), r.size());
  EXPECT_TRUE(r.in_group(0, 0));
}

TEST(PopulationTest, EmptyCityHasNoResidents) {
  const Residents r = synthesize_residents(City{}, spec_with({}), kStreams);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.first_of_grid, std::vector<std::uint64_t>{0});
  EXPECT_EQ(r.bytes_per_resident(), 0.0);
}

TEST(PopulationTest, MarginalSharesMatchWithinFourStandardErrors) {
  const City city = uniform_city(1000, 1000);
  const std::vector<double> shares = {0.3, 0.05, 0.9, 0.0, 1.0, 0.001};
  std::vector<GroupSpec> groups;
  for (std::size_t k = 0; k < shares.size(); ++k) {
    groups.push_back(group("g" + std::to_string(k), shares[k]));
  }
  const Residents r = synthesize_residents(city, spec_with(groups), kStreams);
  ASSERT_EQ(r.size(), 1000000u);
  for (std::size_t k = 0; k < shares.size(); ++k) {
    const Index g = static_cast<Index>(k + 1);
    const auto hits = count(r, [g](GroupMask m) { return (m & bit(g)) != 0; });
    EXPECT_SHARE(hits, r.size(), shares[k]) << "group " << k;
  }
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & bit(4)) != 0; }), 0u);
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & bit(5)) != 0; }), r.size());
}

TEST(PopulationTest, MostSpecificAreaShareApplies) {
  // Two districts of two communities of two grids, 50,000 residents each.
  const City city = uniform_city(8, 50000, 2, 2);
  ASSERT_EQ(city.communities[2].district, 1u);
  GroupSpec riders = group("riders", 0.1);
  riders.share_by_district[1] = 0.5;   // grids 4..7
  riders.share_by_community[3] = 0.8;  // grids 6, 7
  riders.share_by_grid[7] = 0.0;
  riders.share_by_grid[0] = 1.0;
  const Residents r = synthesize_residents(city, spec_with({riders}), kStreams);
  const std::vector<double> expected = {1.0, 0.1, 0.1, 0.1, 0.5, 0.5, 0.8, 0.0};
  for (std::size_t g = 0; g < expected.size(); ++g) {
    const auto hits = count(
        r, [](GroupMask m) { return (m & bit(1)) != 0; }, r.first_of_grid[g],
        r.first_of_grid[g + 1]);
    if (expected[g] == 0.0 || expected[g] == 1.0) {
      EXPECT_EQ(hits, static_cast<std::uint64_t>(expected[g] * 50000)) << "grid " << g;
    } else {
      EXPECT_SHARE(hits, 50000u, expected[g]) << "grid " << g;
    }
  }
}

TEST(PopulationTest, SubsetIsStrictAndKeepsItsOverallShare) {
  const City city = uniform_city(1000, 1000);
  // The child is listed before its parent: parents must still be drawn first.
  GroupSpec empty_nest = group("empty_nest_elderly", 0.08);
  empty_nest.subset_of = 2;
  const Residents r =
      synthesize_residents(city, spec_with({empty_nest, group("elderly_60_plus", 0.2)}), kStreams);
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & bit(1)) != 0 && (m & bit(2)) == 0; }), 0u);
  const auto child = count(r, [](GroupMask m) { return (m & bit(1)) != 0; });
  const auto parent = count(r, [](GroupMask m) { return (m & bit(2)) != 0; });
  EXPECT_SHARE(child, r.size(), 0.08);
  EXPECT_SHARE(parent, r.size(), 0.2);
  EXPECT_SHARE(child, parent, 0.08 / 0.2);
}

TEST(PopulationTest, SubsetOfGeneralIsAnOrdinaryShare) {
  GroupSpec riders = group("riders", 0.25);
  riders.subset_of = 0;
  const Residents r = synthesize_residents(uniform_city(100, 1000), spec_with({riders}), kStreams);
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(1)) != 0; }), r.size(), 0.25);
}

TEST(PopulationTest, ZeroOverlapIsExactAndPositiveOverlapIsMatched) {
  const City city = uniform_city(1000, 1000);
  GroupSpec children = group("children", 0.2);
  GroupSpec elderly = group("elderly", 0.15);
  GroupSpec disabled = group("disabled", 0.1);
  // Listed on the later group for children, on the earlier one for disabled.
  elderly.overlaps = {{1, 0.0}, {3, 0.04}};
  const Residents r =
      synthesize_residents(city, spec_with({children, elderly, disabled}), kStreams);
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & bit(1)) != 0 && (m & bit(2)) != 0; }), 0u);
  const auto both = count(r, [](GroupMask m) { return (m & bit(2)) != 0 && (m & bit(3)) != 0; });
  EXPECT_SHARE(both, r.size(), 0.04);
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(1)) != 0; }), r.size(), 0.2);
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(2)) != 0; }), r.size(), 0.15);
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(3)) != 0; }), r.size(), 0.1);
  // Unlisted pairs are independent.
  const auto children_disabled =
      count(r, [](GroupMask m) { return (m & bit(1)) != 0 && (m & bit(3)) != 0; });
  EXPECT_SHARE(children_disabled, r.size(), 0.2 * 0.1);
}

TEST(PopulationTest, GroupWithParentAndZeroOverlapPartnerIsMatched) {
  const City city = uniform_city(1000, 1000);
  // Workers and children are independent, so workers outside children are 0.5 * 0.8 = 0.4 of
  // residents; riders must come from them alone, and also overlap the elderly by 0.01.
  GroupSpec riders = group("riders", 0.1);
  riders.subset_of = 2;
  riders.overlaps = {{3, 0.0}, {4, 0.01}};
  const Residents r = synthesize_residents(
      city,
      spec_with({riders, group("workers", 0.5), group("children", 0.2), group("elderly", 0.15)}),
      kStreams);
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & bit(1)) != 0 && (m & bit(2)) == 0; }), 0u);
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & bit(1)) != 0 && (m & bit(3)) != 0; }), 0u);
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(1)) != 0; }), r.size(), 0.1);
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(1)) != 0 && (m & bit(4)) != 0; }),
               r.size(), 0.01);
  // The related groups keep their own shares and independence.
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(2)) != 0; }), r.size(), 0.5);
  EXPECT_SHARE(count(r, [](GroupMask m) { return (m & bit(2)) != 0 && (m & bit(3)) != 0; }),
               r.size(), 0.1);
}

TEST(PopulationTest, OverlapKeepsItsOddsRatioWhereSharesDiffer) {
  // District 1 is older: elderly 0.4 instead of 0.2; the elderly-disabled odds ratio holds.
  const City city = uniform_city(400, 2500, 1, 2);
  GroupSpec elderly = group("elderly", 0.2);
  elderly.share_by_district[1] = 0.4;
  GroupSpec disabled = group("disabled", 0.1);
  disabled.overlaps = {{1, 0.04}};
  GroupSpec children = group("children", 0.2);
  children.overlaps = {{1, 0.0}};
  const Residents r =
      synthesize_residents(city, spec_with({elderly, disabled, children}), kStreams);
  const std::uint64_t half = r.first_of_grid[200];
  auto cells = [&](std::uint64_t begin, std::uint64_t end) {
    std::vector<double> n(4, 0.0);
    for (std::uint64_t i = begin; i < end; ++i) {
      n[(r.in_group(i, 1) ? 2U : 0U) + (r.in_group(i, 2) ? 1U : 0U)] += 1.0;
    }
    return n;
  };
  const double odds_ratio = 0.04 * 0.74 / (0.16 * 0.06);
  const std::pair<std::uint64_t, std::uint64_t> districts[] = {{0, half}, {half, r.size()}};
  for (const auto& [begin, end] : districts) {
    const std::vector<double> n = cells(begin, end);
    const double log_or = std::log(n[3] * n[0] / (n[2] * n[1]));
    const double se = std::sqrt(1 / n[0] + 1 / n[1] + 1 / n[2] + 1 / n[3]);
    EXPECT_NEAR(log_or, std::log(odds_ratio), 4 * se) << "from resident " << begin;
  }
  EXPECT_SHARE(count(
                   r, [](GroupMask m) { return (m & bit(1)) != 0; }, 0, half),
               half, 0.2);
  EXPECT_SHARE(count(
                   r, [](GroupMask m) { return (m & bit(1)) != 0; }, half, r.size()),
               r.size() - half, 0.4);
  EXPECT_EQ(count(r, [](GroupMask m) { return (m & bit(1)) != 0 && (m & bit(3)) != 0; }), 0u);
}

TEST(PopulationTest, AgeBandsFollowAgeGroups) {
  GroupSpec children = group("children", 0.2);
  GroupSpec left_behind = group("left_behind_children", 0.02);
  left_behind.subset_of = 1;
  GroupSpec elderly60 = group("elderly_60_plus", 0.2);
  elderly60.overlaps = {{1, 0.0}};
  GroupSpec elderly80 = group("elderly_80_plus", 0.03);
  elderly80.subset_of = 3;
  GroupSpec empty_nest = group("empty_nest_elderly", 0.1);
  empty_nest.subset_of = 3;
  const Residents r = synthesize_residents(
      uniform_city(100, 1000), spec_with({children, left_behind, elderly60, elderly80, empty_nest}),
      kStreams);
  std::vector<std::uint64_t> per_band(4, 0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const AgeBand expected = r.in_group(i, 4)   ? AgeBand::kElderly80
                             : r.in_group(i, 3) ? AgeBand::kElderly60
                             : r.in_group(i, 1) ? AgeBand::kChild
                                                : AgeBand::kAdult;
    ASSERT_EQ(r.age_band[i], expected) << "resident " << i;
    ++per_band[static_cast<std::size_t>(r.age_band[i])];
  }
  EXPECT_SHARE(per_band[static_cast<std::size_t>(AgeBand::kChild)], r.size(), 0.2);
  EXPECT_SHARE(per_band[static_cast<std::size_t>(AgeBand::kElderly60)], r.size(), 0.17);
  EXPECT_SHARE(per_band[static_cast<std::size_t>(AgeBand::kElderly80)], r.size(), 0.03);
  EXPECT_SHARE(per_band[static_cast<std::size_t>(AgeBand::kAdult)], r.size(), 0.6);
}

TEST(PopulationTest, LeftBehindChildrenAreChildrenWithoutAChildrenGroup) {
  const Residents r = synthesize_residents(
      uniform_city(10, 100), spec_with({group("left_behind_children", 0.5)}), kStreams);
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r.age_band[i], r.in_group(i, 1) ? AgeBand::kChild : AgeBand::kAdult);
  }
}

PopulationSpec mixed_spec() {
  GroupSpec riders = group("riders", 0.1);
  riders.subset_of = 2;
  riders.overlaps = {{3, 0.0}};
  return spec_with({riders, group("workers", 0.5), group("children", 0.2)});
}

TEST(PopulationTest, TwoCallsGiveIdenticalResidents) {
  const City city = make_city({500, 700, 0, 300}, 2);
  const Residents a = synthesize_residents(city, mixed_spec(), kStreams);
  const Residents b = synthesize_residents(city, mixed_spec(), kStreams);
  EXPECT_EQ(a.groups, b.groups);
  EXPECT_EQ(a.age_band, b.age_band);
  EXPECT_EQ(a.grid, b.grid);
  // Another replication draws other residents.
  const Residents c = synthesize_residents(city, mixed_spec(), sim::RandomStreams(20240601, 1));
  EXPECT_NE(a.groups, c.groups);
}

TEST(PopulationTest, GridResidentsDoNotDependOnOtherGrids) {
  const City city = make_city({400, 300, 200, 500});
  City changed = city;
  changed.grids[2].population = 900;
  const Residents a = synthesize_residents(city, mixed_spec(), kStreams);
  const Residents b = synthesize_residents(changed, mixed_spec(), kStreams);
  for (const std::size_t g : {0U, 1U, 3U}) {
    const std::vector<GroupMask> in_a(
        a.groups.begin() + static_cast<std::ptrdiff_t>(a.first_of_grid[g]),
        a.groups.begin() + static_cast<std::ptrdiff_t>(a.first_of_grid[g + 1]));
    const std::vector<GroupMask> in_b(
        b.groups.begin() + static_cast<std::ptrdiff_t>(b.first_of_grid[g]),
        b.groups.begin() + static_cast<std::ptrdiff_t>(b.first_of_grid[g + 1]));
    EXPECT_EQ(in_a, in_b) << "grid " << g;
  }
  EXPECT_EQ(b.first_of_grid[3] - b.first_of_grid[2], 900u);
}

// The message of the InvalidParameter thrown for `spec` on a small city ("" if none).
std::string error_of(const PopulationSpec& spec, const City& city = uniform_city(4, 10, 2, 2)) {
  try {
    synthesize_residents(city, spec, kStreams);
  } catch (const sim::InvalidParameter& e) {
    return e.what();
  }
  return "";
}

TEST(PopulationTest, InvalidSpecsThrowNamingTheProblem) {
  EXPECT_THAT(error_of(PopulationSpec{}), HasSubstr("group 0"));
  EXPECT_THAT(error_of(spec_with({}), make_city({-1})), HasSubstr("negative population"));
  std::vector<GroupSpec> many;
  for (int k = 0; k < 64; ++k) many.push_back(group("g" + std::to_string(k), 0.1));
  EXPECT_THAT(error_of(spec_with(many)), HasSubstr("at most 64 population groups"));
  PopulationSpec half_general = spec_with({});
  half_general.groups[0].share = 0.5;
  EXPECT_THAT(error_of(half_general), HasSubstr("must have share 1 (got 0.5)"));
  EXPECT_THAT(error_of(spec_with({group("poor", 1.5)})),
              HasSubstr("group 'poor': share must be in [0, 1], got 1.5"));
  EXPECT_THAT(error_of(spec_with({group("poor", std::nan(""))})), HasSubstr("group 'poor'"));
  GroupSpec area = group("poor", 0.1);
  area.share_by_district[1] = -0.1;
  EXPECT_THAT(error_of(spec_with({area})),
              HasSubstr("share_by_district for district index 1 must be in [0, 1], got -0.1"));
  area.share_by_district = {{5, 0.1}};
  EXPECT_THAT(error_of(spec_with({area})), HasSubstr("names district index 5, but the city has 2"));
  GroupSpec orphan = group("orphan", 0.1);
  orphan.subset_of = 7;
  EXPECT_THAT(error_of(spec_with({orphan})),
              HasSubstr("group 'orphan': subset_of index 7 is out of range"));
  GroupSpec a = group("a", 0.1);
  GroupSpec b = group("b", 0.1);
  a.subset_of = 2;
  b.subset_of = 1;
  EXPECT_THAT(error_of(spec_with({a, b})), HasSubstr("subset_of forms a cycle: 'a' -> 'b' -> 'a'"));
  GroupSpec narcissus = group("narcissus", 0.1);
  narcissus.overlaps = {{1, 0.05}};
  EXPECT_THAT(error_of(spec_with({narcissus})),
              HasSubstr("'narcissus' cannot overlap with itself"));
  narcissus.overlaps = {{9, 0.05}};
  EXPECT_THAT(error_of(spec_with({narcissus})), HasSubstr("overlap with index 9 is out of range"));
  a = group("a", 0.3);
  b = group("b", 0.3);
  a.overlaps = {{2, 0.1}};
  b.overlaps = {{1, 0.2}};
  EXPECT_THAT(error_of(spec_with({a, b})),
              HasSubstr("listed twice with different joints: 0.1 and 0.2"));
}

TEST(PopulationTest, InfeasibleSpecsThrowNamingGroupsAreaAndNumbers) {
  GroupSpec big_child = group("empty_nest_elderly", 0.3);
  big_child.subset_of = 2;
  EXPECT_THAT(error_of(spec_with({big_child, group("elderly_60_plus", 0.2)})),
              HasSubstr("group 'empty_nest_elderly' (share 0.3) cannot be a subset of "
                        "'elderly_60_plus' (share 0.2) city-wide"));
  // Feasible city-wide, not in the younger district 1.
  GroupSpec child = group("empty_nest_elderly", 0.1);
  child.subset_of = 2;
  GroupSpec parent = group("elderly_60_plus", 0.2);
  parent.share_by_district[1] = 0.05;
  EXPECT_THAT(error_of(spec_with({child, parent})),
              HasSubstr("(share 0.1) cannot be a subset of 'elderly_60_plus' (share 0.05) in "
                        "district 'd1'"));
  GroupSpec elderly = group("elderly", 0.2);
  elderly.overlaps = {{2, 0.15}};
  EXPECT_THAT(error_of(spec_with({elderly, group("disabled", 0.1)})),
              HasSubstr("overlap of 'elderly' and 'disabled' is 0.15, but with shares 0.2 and "
                        "0.1 it must lie between 0 and 0.1"));
  elderly.overlaps = {{2, 0.0}};
  EXPECT_THAT(error_of(spec_with({elderly, group("most", 0.9)})),
              HasSubstr("must lie between 0.1 and 0.2"));
  // A zero overlap that cannot hold where the shares are larger.
  GroupSpec workers = group("workers", 0.5);
  workers.share_by_grid[3] = 0.9;
  workers.overlaps = {{2, 0.0}};
  EXPECT_THAT(error_of(spec_with({workers, group("children", 0.2)})),
              HasSubstr("overlap of 'children' and 'workers' is 0 in grid 'g3', but with shares "
                        "0.2 and 0.9 there it must lie between 0.1 and 0.2"));
  // Pairwise feasible, jointly not: riders (0.45) must be workers (0.5) who are not children,
  // but only 0.5 * 0.6 = 0.3 of residents are.
  GroupSpec riders = group("riders", 0.45);
  riders.subset_of = 2;
  riders.overlaps = {{3, 0.0}};
  EXPECT_THAT(error_of(spec_with({riders, group("workers", 0.5), group("children", 0.4)})),
              HasSubstr("group 'riders' (share 0.45) city-wide cannot meet its joint shares with "
                        "'workers' (parent, joint 0.45, share 0.5), 'children' (joint 0, share "
                        "0.4)"));
  GroupSpec redundant = group("riders", 0.1);
  redundant.subset_of = 2;
  redundant.overlaps = {{2, 0.05}};
  EXPECT_THAT(error_of(spec_with({redundant, group("workers", 0.5)})),
              HasSubstr("overlap of 'riders' with its parent 'workers' must equal the share"));
}

TEST(PopulationTest, BytesPerResidentStaySmall) {
  const Residents r = synthesize_residents(uniform_city(1000, 1000), mixed_spec(), kStreams);
  EXPECT_LE(r.bytes_per_resident(), 16.0);
  EXPECT_GE(r.bytes_per_resident(), 13.0);
}

// Nanchang scale: 6,255,007 residents in 4,609 grids, 12 groups. Run by hand for timing:
// --gtest_also_run_disabled_tests --gtest_filter='*NanchangScale*'.
TEST(PopulationTest, DISABLED_NanchangScale) {
  std::vector<std::int64_t> populations(4609, 6255007 / 4609);
  for (std::int64_t k = 0; k < 6255007 % 4609; ++k) ++populations[static_cast<std::size_t>(k)];
  const City city = make_city(populations, 6, 9);
  GroupSpec children = group("children", 0.1744);
  children.share_by_district = {{6, 0.21}, {7, 0.2058}, {8, 0.2}};
  GroupSpec elderly60 = group("elderly_60_plus", 0.1497);
  elderly60.share_by_district = {{6, 0.17}, {7, 0.1656}, {8, 0.17}};
  elderly60.overlaps = {{1, 0.0}};
  GroupSpec elderly80 = group("elderly_80_plus", 0.02);
  elderly80.subset_of = 2;
  GroupSpec empty_nest = group("empty_nest_elderly", 0.07);
  empty_nest.subset_of = 2;
  GroupSpec left_behind = group("left_behind_children", 0.01);
  left_behind.subset_of = 1;
  left_behind.share_by_district = {{6, 0.03}, {7, 0.03}, {8, 0.03}};
  GroupSpec disabled = group("disabled", 0.06);
  disabled.overlaps = {{2, 0.02}};
  GroupSpec riders = group("riders", 0.02);
  riders.subset_of = 11;
  riders.overlaps = {{1, 0.0}, {2, 0.0}};
  const PopulationSpec spec =
      spec_with({children, elderly60, elderly80, empty_nest, left_behind, disabled,
                 group("low_income", 0.03), group("party_members", 0.08), group("volunteers", 0.01),
                 group("migrants", 0.17), group("workers", 0.55), riders});
  const auto start = std::chrono::steady_clock::now();
  const Residents r = synthesize_residents(city, spec, kStreams);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.size(), 6255007u);
  std::printf("%zu residents, %zu groups: %.3f s, %.2f bytes per resident\n", r.size(),
              spec.groups.size(), elapsed.count(), r.bytes_per_resident());
}

}  // namespace
}  // namespace circlesim::city
