// Accessibility: coverage and 2SFCA against hand-computed cases, the grid's nearest neighbour
// against brute force, the matrix path against the geometric path, and the messages of bad input.
#include "analysis/accessibility.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include "sim/error.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Points on the x axis, for cases that are easy to work out by hand.
std::vector<Point> on_line(const std::vector<double>& xs) {
  std::vector<Point> points;
  for (double x : xs) points.push_back({x, 0.0});
  return points;
}

Eigen::MatrixXd column(const std::vector<double>& values) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(values.size()), 1);
  for (std::size_t i = 0; i < values.size(); ++i) m(static_cast<Eigen::Index>(i), 0) = values[i];
  return m;
}

// Supplies at x = 0 and 1000; demand at 100, 600, 500 and 1500 (pop 10, 20, 30, 40). At 1 m/s
// with detour 1.5, minutes = metres x 1.5 / 60 = metres / 40:
//   point 0: nearest 0 at 100 m  -> 2.5 min
//   point 1: nearest 1 at 400 m  -> 10 min, exactly the threshold
//   point 2: 500 m from both     -> the lower index 0, 12.5 min
//   point 3: nearest 1 at 500 m  -> 12.5 min
// With a 10-minute threshold points 0 and 1 are covered: 30 of 100 residents.
struct LineCase {
  DemandPoints demand{on_line({100, 600, 500, 1500}), column({10, 20, 30, 40})};
  SupplyPoints supply{on_line({0, 1000}), {1.0, 1.0}};
  StraightLineTravel travel{1.5, {1.0}};
};

TEST(AccessibilityCoverage, PointsOnALineByHand) {
  const LineCase c;
  const CoverageResult r = coverage(c.demand, c.supply, c.travel, 10.0);
  EXPECT_EQ(r.nearest_supply(0, 0), 0);
  EXPECT_EQ(r.nearest_supply(1, 0), 1);
  EXPECT_EQ(r.nearest_supply(2, 0), 0);
  EXPECT_EQ(r.nearest_supply(3, 0), 1);
  EXPECT_DOUBLE_EQ(r.nearest_minutes(0, 0), 2.5);
  EXPECT_DOUBLE_EQ(r.nearest_minutes(1, 0), 10.0);
  EXPECT_DOUBLE_EQ(r.nearest_minutes(2, 0), 12.5);
  EXPECT_DOUBLE_EQ(r.nearest_minutes(3, 0), 12.5);
  EXPECT_DOUBLE_EQ(r.population[0], 100.0);
  EXPECT_DOUBLE_EQ(r.covered_population[0], 30.0);
  EXPECT_DOUBLE_EQ(r.covered_share[0], 0.3);
}

TEST(AccessibilityCoverage, ThresholdIsInclusive) {
  const LineCase c;
  // Point 1 is exactly 10 minutes away: covered at 10, not at the next double below.
  EXPECT_DOUBLE_EQ(coverage(c.demand, c.supply, c.travel, 10.0).covered_share[0], 0.3);
  EXPECT_DOUBLE_EQ(
      coverage(c.demand, c.supply, c.travel, std::nextafter(10.0, 0.0)).covered_share[0], 0.1);
  EXPECT_DOUBLE_EQ(coverage(c.demand, c.supply, c.travel, 12.5).covered_share[0], 1.0);
}

TEST(AccessibilityCoverage, GroupSpeedsChangeCoverage) {
  LineCase c;
  // Three groups at 1, 0.5 and 2 m/s: times are those of the single-group case x1, x2, x0.5:
  //   group 0: 2.5, 10, 12.5, 12.5   -> points 0,1 covered
  //   group 1: 5, 20, 25, 25         -> point 0 only
  //   group 2: 1.25, 5, 6.25, 6.25   -> all
  c.demand.population.resize(4, 3);
  c.demand.population << 10, 1, 5,  //
      20, 2, 5,                     //
      30, 3, 5,                     //
      40, 4, 5;
  c.travel.speed = {1.0, 0.5, 2.0};
  const CoverageResult r = coverage(c.demand, c.supply, c.travel, 10.0);
  EXPECT_DOUBLE_EQ(r.covered_share[0], 30.0 / 100.0);
  EXPECT_DOUBLE_EQ(r.covered_share[1], 1.0 / 10.0);
  EXPECT_DOUBLE_EQ(r.covered_share[2], 1.0);
  EXPECT_DOUBLE_EQ(r.nearest_minutes(1, 1), 20.0);
  EXPECT_DOUBLE_EQ(r.nearest_minutes(3, 2), 6.25);
  for (Eigen::Index i = 0; i < 4; ++i) {
    EXPECT_EQ(r.nearest_supply(i, 1), r.nearest_supply(i, 0));  // speed never changes the nearest
  }
}

TEST(AccessibilityCoverage, NoSupplyAndEmptyGroups) {
  const DemandPoints demand{on_line({0, 50}), Eigen::MatrixXd::Zero(2, 2)};
  DemandPoints populated = demand;
  populated.population.col(0).setConstant(3.0);
  const SupplyPoints none{{}, {}};
  const CoverageResult r = coverage(populated, none, StraightLineTravel{1.0, {1.0, 1.0}}, 15.0);
  EXPECT_EQ(r.nearest_supply(1, 0), -1);
  EXPECT_EQ(r.nearest_minutes(1, 0), kInf);
  EXPECT_DOUBLE_EQ(r.covered_share[0], 0.0);
  EXPECT_TRUE(std::isnan(r.covered_share[1]));  // a group without residents has no share
}

TEST(AccessibilityCoverage, UnreachableMatrixEntries) {
  // Demand 0 reaches only supply 1; demand 1 reaches nothing.
  Eigen::MatrixXd minutes(2, 2);
  minutes << kInf, 7.0,  //
      kInf, kInf;
  const DemandPoints demand{{}, column({1, 3})};
  const SupplyPoints supply{{}, {1.0, 1.0}};
  const CoverageResult r = coverage(demand, supply, TravelTimeMatrix{{minutes}}, 10.0);
  EXPECT_EQ(r.nearest_supply(0, 0), 1);
  EXPECT_DOUBLE_EQ(r.nearest_minutes(0, 0), 7.0);
  EXPECT_EQ(r.nearest_supply(1, 0), -1);
  EXPECT_DOUBLE_EQ(r.covered_share[0], 0.25);
}

std::size_t brute_force_nearest(const std::vector<Point>& supply, Point q) {
  std::size_t best = 0;
  double best_d2 = kInf;
  for (std::size_t j = 0; j < supply.size(); ++j) {
    const double dx = supply[j].x - q.x;
    const double dy = supply[j].y - q.y;
    const double d2 = dx * dx + dy * dy;
    if (d2 < best_d2) {  // strict: the lowest index wins ties
      best_d2 = d2;
      best = j;
    }
  }
  return best;
}

TEST(AccessibilityCoverage, NearestNeighbourEqualsBruteForce) {
  boost::random::mt19937 engine(20240611u);
  boost::random::uniform_real_distribution<double> city(0.0, 8000.0);
  boost::random::normal_distribution<double> cluster(0.0, 150.0);
  // Half spread over the city, half in a dense centre, so cells hold very different counts.
  std::vector<Point> supply;
  for (int j = 0; j < 2000; ++j) {
    supply.push_back(j % 2 == 0 ? Point{city(engine), city(engine)}
                                : Point{3000.0 + cluster(engine), 5000.0 + cluster(engine)});
  }
  supply.push_back(supply[17]);  // a duplicate: the lower index must win
  std::vector<Point> queries;
  boost::random::uniform_real_distribution<double> wide(-3000.0, 11000.0);  // some outside
  for (int i = 0; i < 2000; ++i) queries.push_back({wide(engine), wide(engine)});
  for (int i = 0; i < 500; ++i) {
    queries.push_back({3000.0 + cluster(engine), 5000.0 + cluster(engine)});
  }
  queries.push_back(supply[17]);

  const DemandPoints demand{queries,
                            Eigen::MatrixXd::Ones(static_cast<Eigen::Index>(queries.size()), 1)};
  const SupplyPoints sites{supply, std::vector<double>(supply.size(), 1.0)};
  const CoverageResult r = coverage(demand, sites, StraightLineTravel{1.0, {1.0}}, 15.0);
  int mismatches = 0;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const auto expected = static_cast<Eigen::Index>(brute_force_nearest(supply, queries[i]));
    if (r.nearest_supply(static_cast<Eigen::Index>(i), 0) != expected) ++mismatches;
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(r.nearest_supply(static_cast<Eigen::Index>(queries.size()) - 1, 0), 17);
}

TEST(AccessibilityCoverage, NearestNeighbourOnDegenerateLayouts) {
  // All supplies on one vertical street, all at one spot, and a shuffled 100 m lattice queried at
  // half-lattice points (exact ties between two or four supplies, which the lowest index must
  // win whichever cell the grid scans first).
  boost::random::mt19937 engine(7u);
  boost::random::uniform_real_distribution<double> along(0.0, 5000.0);
  std::vector<Point> street;
  for (int j = 0; j < 300; ++j) street.push_back({250.0, along(engine)});
  const std::vector<Point> spot(5, Point{10.0, 10.0});
  std::vector<Point> lattice;
  for (int x = 0; x < 20; ++x) {
    for (int y = 0; y < 15; ++y) lattice.push_back({100.0 * x, 100.0 * y});
  }
  for (std::size_t j = lattice.size() - 1; j > 0; --j) {
    boost::random::uniform_int_distribution<std::size_t> pick(0, j);
    std::swap(lattice[j], lattice[pick(engine)]);
  }
  std::vector<Point> queries;
  for (int i = 0; i < 300; ++i) queries.push_back({along(engine) - 2500.0, along(engine)});
  for (int x = -1; x < 20; ++x) {
    for (int y = -1; y < 15; ++y) queries.push_back({100.0 * x + 50.0, 100.0 * y + 50.0});
  }
  const auto count = static_cast<Eigen::Index>(queries.size());
  const DemandPoints demand{queries, Eigen::MatrixXd::Ones(count, 1)};
  const std::vector<Point>* const layouts[] = {&street, &spot, &lattice};
  for (const std::vector<Point>* layout : layouts) {
    const SupplyPoints sites{*layout, std::vector<double>(layout->size(), 1.0)};
    const CoverageResult r = coverage(demand, sites, StraightLineTravel{1.0, {1.0}}, 15.0);
    int mismatches = 0;
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const auto expected = static_cast<Eigen::Index>(brute_force_nearest(*layout, queries[i]));
      if (r.nearest_supply(static_cast<Eigen::Index>(i), 0) != expected) ++mismatches;
    }
    EXPECT_EQ(mismatches, 0) << layout->size() << " supplies";
  }
}

// A random city with three groups (the third as fast as the first) and both forms of travel.
struct RandomCity {
  DemandPoints demand;
  SupplyPoints supply;
  StraightLineTravel line{1.3, {1.2, 0.7, 1.2}};
  TravelTimeMatrix matrices;

  RandomCity() {
    boost::random::mt19937 engine(99u);
    boost::random::uniform_real_distribution<double> city(0.0, 4000.0);
    boost::random::uniform_real_distribution<double> people(0.0, 50.0);
    demand.population.resize(400, 3);
    for (Eigen::Index k = 0; k < 400; ++k) {
      demand.location.push_back({city(engine), city(engine)});
      for (Eigen::Index g = 0; g < 3; ++g) demand.population(k, g) = std::floor(people(engine));
    }
    demand.population(3, 1) = 0.0;
    for (int j = 0; j < 80; ++j) {
      supply.location.push_back({city(engine), city(engine)});
      supply.capacity.push_back(1.0 + std::floor(people(engine) / 10.0));
    }
    for (double speed : line.speed) {
      matrices.minutes.push_back(
          travel_time_matrix(demand.location, supply.location, line.detour_factor, speed));
    }
  }
};

TEST(AccessibilityCoverage, MatrixInputEqualsGeometry) {
  const RandomCity city;
  const CoverageResult geo = coverage(city.demand, city.supply, city.line, 12.0);
  const CoverageResult mat = coverage(city.demand, city.supply, city.matrices, 12.0);
  EXPECT_EQ(geo.nearest_supply, mat.nearest_supply);
  EXPECT_EQ(geo.nearest_minutes, mat.nearest_minutes);
  EXPECT_EQ(geo.covered_population, mat.covered_population);
  EXPECT_GT(geo.covered_share[0], geo.covered_share[1]);  // the slow group is covered less
  EXPECT_GT(geo.covered_share[1], 0.0);
  EXPECT_EQ(geo.covered_share[0], mat.covered_share[0]);
  // A scenario holding either form as a TravelModel gets the same answers.
  const TravelModel chosen = city.matrices;
  EXPECT_EQ(coverage(city.demand, city.supply, chosen, 12.0).nearest_minutes, mat.nearest_minutes);
  const TravelModel line = city.line;
  EXPECT_EQ(two_step_fca(city.demand, city.supply, line, {9.0}).accessibility,
            two_step_fca(city.demand, city.supply, city.line, {9.0}).accessibility);
}

TEST(AccessibilityCoverage, StraightLineMinutes) {
  // 3-4-5 triangle: 500 m x 1.2 detour at 1.25 m/s = 480 s = 8 min.
  EXPECT_DOUBLE_EQ(straight_line_minutes({0, 0}, {300, 400}, 1.2, 1.25), 8.0);
  const Eigen::MatrixXd m = travel_time_matrix(on_line({0, 60}), on_line({120}), 1.0, 1.0);
  EXPECT_DOUBLE_EQ(m(0, 0), 2.0);
  EXPECT_DOUBLE_EQ(m(1, 0), 1.0);
}

// The textbook case: supplies S0 at x = 0 (capacity 2) and S1 at x = 1000 (capacity 1); demand
// D0 at -300 (100 residents), D1 at 500 (200), D2 at 1300 (100); 1 m/s, no detour, so
// minutes = metres / 60, and d0 = 10 min (600 m):
//   D0-S0 5 min, D1-S0 8.33, D1-S1 8.33, D2-S1 5; D0-S1 and D2-S0 are 21.7 min, out of reach.
// Binary: R0 = 2 / (100 + 200) = 1/150, R1 = 1 / (200 + 100) = 1/300;
//   A0 = R0 = 1/150, A1 = R0 + R1 = 1/100, A2 = R1 = 1/300;
//   mean = (100/150 + 200/100 + 100/300) / 400 = 3/400: all capacity is shared out.
// Gaussian: g5 = G(5) = (e^-0.125 - e^-0.5)/(1 - e^-0.5) = 0.701366573,
//   g8 = G(25/3) = (e^-(25/72) - e^-0.5)/(1 - e^-0.5) = 0.254448334;
//   both denominators are 100 g5 + 200 g8 = 121.026324, so R0 = 0.0165253305, R1 = 0.0082626652;
//   A0 = R0 g5 = 0.0115903144, A1 = (R0 + R1) g8 = 0.0063072642, A2 = R1 g5 = 0.0057951572;
//   the mean is again 3/400 because each pair's weight is the same in both steps.
struct TextbookCase {
  DemandPoints demand{on_line({-300, 500, 1300}), column({100, 200, 100})};
  SupplyPoints supply{on_line({0, 1000}), {2.0, 1.0}};
  StraightLineTravel travel{1.0, {1.0}};
};

TEST(AccessibilityFca, TextbookBinary) {
  const TextbookCase c;
  const FcaResult r = two_step_fca(c.demand, c.supply, c.travel, {10.0, DistanceDecay::kNone});
  EXPECT_DOUBLE_EQ(r.weighted_demand[0], 300.0);
  EXPECT_DOUBLE_EQ(r.weighted_demand[1], 300.0);
  EXPECT_DOUBLE_EQ(r.supply_ratio[0], 1.0 / 150.0);
  EXPECT_DOUBLE_EQ(r.supply_ratio[1], 1.0 / 300.0);
  EXPECT_DOUBLE_EQ(r.accessibility(0, 0), 1.0 / 150.0);
  EXPECT_DOUBLE_EQ(r.accessibility(1, 0), 1.0 / 100.0);
  EXPECT_DOUBLE_EQ(r.accessibility(2, 0), 1.0 / 300.0);
  EXPECT_DOUBLE_EQ(r.mean_accessibility[0], 3.0 / 400.0);
  EXPECT_DOUBLE_EQ(r.no_access_share[0], 0.0);
}

TEST(AccessibilityFca, TextbookGaussian) {
  const TextbookCase c;
  const FcaResult r = two_step_fca(c.demand, c.supply, c.travel, {10.0, DistanceDecay::kGaussian});
  EXPECT_NEAR(r.weighted_demand[0], 121.026324139, 1e-8);
  EXPECT_NEAR(r.supply_ratio[0], 0.0165253305, 1e-10);
  EXPECT_NEAR(r.supply_ratio[1], 0.0082626652, 1e-10);
  EXPECT_NEAR(r.accessibility(0, 0), 0.0115903144, 1e-10);
  EXPECT_NEAR(r.accessibility(1, 0), 0.0063072642, 1e-10);
  EXPECT_NEAR(r.accessibility(2, 0), 0.0057951572, 1e-10);
  EXPECT_NEAR(r.mean_accessibility[0], 3.0 / 400.0, 1e-15);
}

TEST(AccessibilityFca, DecayWeights) {
  EXPECT_DOUBLE_EQ(decay_weight(DistanceDecay::kGaussian, 0.0, 10.0), 1.0);
  EXPECT_NEAR(decay_weight(DistanceDecay::kGaussian, 5.0, 10.0), 0.7013665732, 1e-10);
  EXPECT_EQ(decay_weight(DistanceDecay::kGaussian, 10.0, 10.0), 0.0);
  EXPECT_EQ(decay_weight(DistanceDecay::kGaussian, 10.5, 10.0), 0.0);
  EXPECT_EQ(decay_weight(DistanceDecay::kNone, 10.0, 10.0), 1.0);  // inclusive
  EXPECT_EQ(decay_weight(DistanceDecay::kNone, std::nextafter(10.0, 11.0), 10.0), 0.0);
}

TEST(AccessibilityFca, SlowGroupSeesFewerSuppliesButSameRatios) {
  // The textbook residents split into two groups; group 1 walks at 0.5 m/s. Step 1 uses the
  // general speed, so R0 = 1/150 and R1 = 1/300 as before. In step 2 group 1's times double:
  // D0-S0 10 min (in, boundary), D1-S0 and D1-S1 16.7 (out), D2-S1 10 (in), so
  //   group 1: A = (1/150, 0, 1/300), mean = (40/150 + 20/300) / 110 = 1/330,
  //            no access = 50 / 110;
  //   group 0: A = (1/150, 1/100, 1/300), mean = (60/150 + 150/100 + 80/300) / 290 = 13/1740.
  TextbookCase c;
  c.demand.population.resize(3, 2);
  c.demand.population << 60, 40,  //
      150, 50,                    //
      80, 20;
  c.travel.speed = {1.0, 0.5};
  const FcaResult r = two_step_fca(c.demand, c.supply, c.travel, {10.0, DistanceDecay::kNone});
  EXPECT_DOUBLE_EQ(r.supply_ratio[0], 1.0 / 150.0);
  EXPECT_DOUBLE_EQ(r.supply_ratio[1], 1.0 / 300.0);
  EXPECT_DOUBLE_EQ(r.accessibility(1, 0), 1.0 / 100.0);
  EXPECT_DOUBLE_EQ(r.accessibility(0, 1), 1.0 / 150.0);
  EXPECT_EQ(r.accessibility(1, 1), 0.0);
  EXPECT_DOUBLE_EQ(r.accessibility(2, 1), 1.0 / 300.0);
  EXPECT_DOUBLE_EQ(r.mean_accessibility[0], 13.0 / 1740.0);
  EXPECT_DOUBLE_EQ(r.mean_accessibility[1], 1.0 / 330.0);
  EXPECT_DOUBLE_EQ(r.no_access_share[0], 0.0);
  EXPECT_DOUBLE_EQ(r.no_access_share[1], 50.0 / 110.0);
}

TEST(AccessibilityFca, SupplyWithoutDemandGetsZeroRatio) {
  // A third supply 10 km away serves nobody: R = 0, not a division by zero, and A is unchanged.
  TextbookCase c;
  c.supply.location.push_back({10000.0, 0.0});
  c.supply.capacity.push_back(5.0);
  const FcaResult r = two_step_fca(c.demand, c.supply, c.travel, {10.0, DistanceDecay::kNone});
  EXPECT_EQ(r.weighted_demand[2], 0.0);
  EXPECT_EQ(r.supply_ratio[2], 0.0);
  EXPECT_DOUBLE_EQ(r.accessibility(1, 0), 1.0 / 100.0);
  EXPECT_DOUBLE_EQ(r.mean_accessibility[0], 3.0 / 400.0);

  // Nobody within reach at all: every ratio is 0 and everyone lacks access.
  const FcaResult far = two_step_fca(c.demand, c.supply, c.travel, {1.0, DistanceDecay::kNone});
  for (double ratio : far.supply_ratio) EXPECT_EQ(ratio, 0.0);
  EXPECT_DOUBLE_EQ(far.no_access_share[0], 1.0);
  EXPECT_EQ(far.mean_accessibility[0], 0.0);
}

TEST(AccessibilityFca, MatrixInputEqualsGeometry) {
  const RandomCity city;
  for (DistanceDecay decay : {DistanceDecay::kNone, DistanceDecay::kGaussian}) {
    SCOPED_TRACE(static_cast<int>(decay));
    const FcaOptions options{9.0, decay};
    const FcaResult geo = two_step_fca(city.demand, city.supply, city.line, options);
    const FcaResult mat = two_step_fca(city.demand, city.supply, city.matrices, options);
    // Both paths sum the same terms in the same order, so they agree exactly.
    EXPECT_EQ(geo.weighted_demand, mat.weighted_demand);
    EXPECT_EQ(geo.supply_ratio, mat.supply_ratio);
    EXPECT_EQ(geo.accessibility, mat.accessibility);
    EXPECT_EQ(geo.mean_accessibility, mat.mean_accessibility);
    EXPECT_EQ(geo.no_access_share, mat.no_access_share);
    EXPECT_GT(geo.mean_accessibility[0], geo.mean_accessibility[1]);  // the slow group
    EXPECT_GT(geo.no_access_share[1], geo.no_access_share[0]);
    EXPECT_GT(geo.mean_accessibility[1], 0.0);
  }
}

TEST(AccessibilityInput, RejectsBadInputWithClearMessages) {
  const TextbookCase good;
  const auto fca = [](const TextbookCase& c, FcaOptions options = {10.0, DistanceDecay::kNone}) {
    return [c, options] { (void)two_step_fca(c.demand, c.supply, c.travel, options); };
  };
  const auto expect_message = [&](const TextbookCase& c, const char* text) {
    EXPECT_THAT(fca(c), ThrowsMessage<InvalidParameter>(HasSubstr(text)));
  };

  TextbookCase c = good;
  c.demand.population(1, 0) = -1.0;
  expect_message(c, "demand population must be finite and >= 0, got -1 at point 1, group 0");
  c = good;
  c.demand.population(2, 0) = kNaN;
  expect_message(c, "got nan at point 2");
  c = good;
  c.supply.capacity[1] = 0.0;
  expect_message(c, "supply capacity must be finite and > 0, got 0 at supply 1");
  c = good;
  c.travel.speed[0] = 0.0;
  expect_message(c, "speed must be finite and > 0 m/s, got 0 for group 0");
  c = good;
  c.travel.speed.push_back(1.0);
  expect_message(c, "speeds: expected one per group (1), got 2");
  c = good;
  c.travel.detour_factor = 0.9;
  expect_message(c, "detour factor must be finite and >= 1, got 0.9");
  c = good;
  c.demand.location.pop_back();
  expect_message(c, "demand locations: expected 3 (one per population row), got 2");
  c = good;
  c.supply.location[0].y = kNaN;
  expect_message(c, "supply location must be finite, got (0, nan) at point 0");
  c = good;
  c.demand.population.resize(3, 0);
  expect_message(c, "at least one group column");
  EXPECT_THAT(fca(good, {0.0, DistanceDecay::kNone}),
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("2SFCA catchment must be finite and > 0 minutes, got 0")));

  EXPECT_THAT([&] { (void)coverage(good.demand, good.supply, good.travel, -5.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("coverage threshold must be finite and > 0 minutes, got -5")));
  EXPECT_THAT([&] { (void)coverage(good.demand, good.supply, good.travel, kNaN); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got nan")));
}

TEST(AccessibilityInput, RejectsBadMatrices) {
  const DemandPoints demand{{}, Eigen::MatrixXd::Ones(3, 2)};
  const SupplyPoints supply{{}, {1.0, 1.0}};
  const auto message_of = [&](const TravelTimeMatrix& travel) {
    return [&demand, &supply, travel] { (void)coverage(demand, supply, travel, 10.0); };
  };
  EXPECT_THAT(message_of({{Eigen::MatrixXd::Zero(2, 3)}}),
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("travel time matrix 0 is 2x3, expected 3x2 (demand x supply)")));
  Eigen::MatrixXd bad = Eigen::MatrixXd::Zero(3, 2);
  bad(2, 1) = kNaN;
  EXPECT_THAT(message_of({{bad}}), ThrowsMessage<InvalidParameter>(
                                       HasSubstr("got nan in matrix 0 at demand 2, supply 1")));
  bad(2, 1) = -1.0;
  EXPECT_THAT(message_of({{bad}}), ThrowsMessage<InvalidParameter>(HasSubstr("got -1")));
  const Eigen::MatrixXd ok = Eigen::MatrixXd::Zero(3, 2);
  EXPECT_THAT(message_of({{ok, ok, ok}}),
              ThrowsMessage<InvalidParameter>(HasSubstr(
                  "travel time matrices: expected 1 (shared) or one per group (2), got 3")));
  EXPECT_THAT(message_of({{}}), ThrowsMessage<InvalidParameter>(HasSubstr("got 0")));
  // Locations are optional with matrices, but if given they must match.
  const DemandPoints located{on_line({1, 2}), Eigen::MatrixXd::Ones(3, 2)};
  EXPECT_THAT([&] { (void)coverage(located, supply, TravelTimeMatrix{{ok}}, 10.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("demand locations: expected 3")));
  EXPECT_NO_THROW((void)coverage(demand, supply, TravelTimeMatrix{{ok, ok}}, 10.0));
}

}  // namespace
}  // namespace circlesim::analysis
