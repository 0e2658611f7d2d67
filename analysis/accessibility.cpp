// Coverage and 2SFCA over demand and supply points; a uniform grid answers the spatial queries of
// the geometric path, and brute force serves precomputed matrices.
#include "analysis/accessibility.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::analysis {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The one expression for travel time, shared by every path so that they agree to the last bit.
double minutes_from_metres(double metres, double detour_factor, double speed) {
  return metres * detour_factor / (speed * 60.0);
}

double squared_distance(Point a, Point b) {
  const double dx = b.x - a.x;
  const double dy = b.y - a.y;
  return dx * dx + dy * dy;
}

// Unchecked G(t); callers have validated d0 and only pass t <= d0.
double weight_within(DistanceDecay decay, double minutes, double catchment_minutes) {
  if (decay == DistanceDecay::kNone) return 1.0;
  const double edge = std::exp(-0.5);
  const double ratio = minutes / catchment_minutes;
  return (std::exp(-0.5 * ratio * ratio) - edge) / (1.0 - edge);
}

// Points bucketed into square cells of about two points each, stored cell by cell
// (compressed rows), so a query touches only the cells near it.
class PointGrid {
 public:
  struct Nearest {
    Eigen::Index index;
    double squared_distance;
  };

  explicit PointGrid(const std::vector<Point>& points) {
    if (points.empty()) return;
    double x_max = points.front().x;
    double y_max = points.front().y;
    x0_ = x_max;
    y0_ = y_max;
    for (const Point& p : points) {
      x0_ = std::min(x0_, p.x);
      y0_ = std::min(y0_, p.y);
      x_max = std::max(x_max, p.x);
      y_max = std::max(y_max, p.y);
    }
    const double width = x_max - x0_;
    const double height = y_max - y0_;
    const double n = static_cast<double>(points.size());
    // The second term keeps thin layouts (all points on a street) from asking for millions of
    // cells: together they bound the cell count by 1.5 n + 1.
    cell_ = std::max(std::sqrt(width * height * 2.0 / n), std::max(width, height) * 2.0 / n);
    if (!(cell_ > 0.0) || !std::isfinite(cell_)) cell_ = 1.0;
    columns_ = static_cast<std::ptrdiff_t>(std::floor(width / cell_)) + 1;
    rows_ = static_cast<std::ptrdiff_t>(std::floor(height / cell_)) + 1;

    std::vector<std::size_t> cell_of_point(points.size());
    cell_start_.assign(static_cast<std::size_t>(columns_ * rows_) + 1, 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
      cell_of_point[i] = cell_index(column_of(points[i].x), row_of(points[i].y));
      ++cell_start_[cell_of_point[i] + 1];
    }
    for (std::size_t c = 1; c < cell_start_.size(); ++c) cell_start_[c] += cell_start_[c - 1];
    std::vector<std::size_t> fill(cell_start_.begin(), cell_start_.end() - 1);
    points_.resize(points.size());
    indices_.resize(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
      const std::size_t slot = fill[cell_of_point[i]]++;
      points_[slot] = points[i];
      indices_[slot] = static_cast<Eigen::Index>(i);
    }
  }

  // The closest point to q, the lowest index among equally close ones; index -1 if empty.
  Nearest nearest(Point q) const {
    Nearest best{-1, kInfinity};
    if (points_.empty()) return best;
    const std::ptrdiff_t cx = column_of(q.x);
    const std::ptrdiff_t cy = row_of(q.y);
    for (std::ptrdiff_t r = 0;; ++r) {
      // Every point of ring r (cells at Chebyshev distance r from q's cell) is at least r - 1
      // whole cells away, even when q lies outside the grid and its cell was clamped. The small
      // slack absorbs rounding in binning; the comparison is strict so that ties are still seen.
      const double bound = std::max(0.0, (static_cast<double>(r) - 1.0 - 1e-6) * cell_);
      if (bound > 0.0 && bound * bound > best.squared_distance) break;
      if (cx - r < 0 && cx + r >= columns_ && cy - r < 0 && cy + r >= rows_) break;
      for_each_ring_cell(cx, cy, r, [&](std::size_t cell) {
        for (std::size_t s = cell_start_[cell]; s < cell_start_[cell + 1]; ++s) {
          const double d2 = squared_distance(q, points_[s]);
          if (d2 < best.squared_distance ||
              (d2 == best.squared_distance && indices_[s] < best.index)) {
            best = {indices_[s], d2};
          }
        }
      });
    }
    return best;
  }

  // Calls visit(index, squared distance) for every point within radius of q, and for some
  // beyond it (a margin of one cell): callers filter by the exact travel time.
  template <typename Visit>
  void for_each_candidate(Point q, double radius, Visit&& visit) const {
    if (points_.empty()) return;
    const std::ptrdiff_t x_lo = std::max<std::ptrdiff_t>(column_of(q.x - radius) - 1, 0);
    const std::ptrdiff_t x_hi = std::min(column_of(q.x + radius) + 1, columns_ - 1);
    const std::ptrdiff_t y_lo = std::max<std::ptrdiff_t>(row_of(q.y - radius) - 1, 0);
    const std::ptrdiff_t y_hi = std::min(row_of(q.y + radius) + 1, rows_ - 1);
    for (std::ptrdiff_t y = y_lo; y <= y_hi; ++y) {
      const std::size_t first = cell_start_[cell_index(x_lo, y)];
      const std::size_t last = cell_start_[cell_index(x_hi, y) + 1];  // a row's cells are adjacent
      for (std::size_t s = first; s < last; ++s)
        visit(indices_[s], squared_distance(q, points_[s]));
    }
  }

 private:
  std::ptrdiff_t clamp_to(double coordinate, std::ptrdiff_t count) const {
    // Clamped as a double first: far-away queries would overflow the integer conversion.
    const double c =
        std::clamp(std::floor(coordinate / cell_), 0.0, static_cast<double>(count - 1));
    return static_cast<std::ptrdiff_t>(c);
  }
  std::ptrdiff_t column_of(double x) const { return clamp_to(x - x0_, columns_); }
  std::ptrdiff_t row_of(double y) const { return clamp_to(y - y0_, rows_); }
  std::size_t cell_index(std::ptrdiff_t column, std::ptrdiff_t row) const {
    return static_cast<std::size_t>(row * columns_ + column);
  }

  template <typename Visit>
  void for_each_ring_cell(std::ptrdiff_t cx, std::ptrdiff_t cy, std::ptrdiff_t r,
                          Visit&& visit) const {
    const std::ptrdiff_t x_lo = std::max<std::ptrdiff_t>(cx - r, 0);
    const std::ptrdiff_t x_hi = std::min(cx + r, columns_ - 1);
    if (cy - r >= 0) {
      for (std::ptrdiff_t x = x_lo; x <= x_hi; ++x) visit(cell_index(x, cy - r));
    }
    if (r > 0 && cy + r < rows_) {
      for (std::ptrdiff_t x = x_lo; x <= x_hi; ++x) visit(cell_index(x, cy + r));
    }
    if (r == 0) return;
    const std::ptrdiff_t y_lo = std::max<std::ptrdiff_t>(cy - r + 1, 0);
    const std::ptrdiff_t y_hi = std::min(cy + r - 1, rows_ - 1);
    for (std::ptrdiff_t y = y_lo; y <= y_hi; ++y) {
      if (cx - r >= 0) visit(cell_index(cx - r, y));
      if (cx + r < columns_) visit(cell_index(cx + r, y));
    }
  }

  double x0_ = 0.0;
  double y0_ = 0.0;
  double cell_ = 1.0;
  std::ptrdiff_t columns_ = 0;
  std::ptrdiff_t rows_ = 0;
  std::vector<std::size_t> cell_start_;
  std::vector<Point> points_;
  std::vector<Eigen::Index> indices_;
};

struct Sizes {
  Eigen::Index demand;
  Eigen::Index supply;
  Eigen::Index groups;
};

// Locations may be left out only when travel times come from matrices.
void check_locations(const std::vector<Point>& locations, Eigen::Index expected, const char* what,
                     const char* one_per, bool required) {
  const auto count = static_cast<Eigen::Index>(locations.size());
  CIRCLESIM_REQUIRE(count == expected || (!required && count == 0),
                    "{} locations: expected {} (one per {}), got {}", what, expected, one_per,
                    count);
  for (std::size_t i = 0; i < locations.size(); ++i) {
    CIRCLESIM_REQUIRE(std::isfinite(locations[i].x) && std::isfinite(locations[i].y),
                      "{} location must be finite, got ({}, {}) at point {}", what, locations[i].x,
                      locations[i].y, i);
  }
}

Sizes validate_points(const DemandPoints& demand, const SupplyPoints& supply, bool geometric) {
  const Sizes sizes{demand.population.rows(), static_cast<Eigen::Index>(supply.capacity.size()),
                    demand.population.cols()};
  CIRCLESIM_REQUIRE(sizes.groups >= 1, "demand population needs at least one group column, got {}",
                    sizes.groups);
  for (Eigen::Index g = 0; g < sizes.groups; ++g) {
    for (Eigen::Index k = 0; k < sizes.demand; ++k) {
      const double p = demand.population(k, g);
      CIRCLESIM_REQUIRE(std::isfinite(p) && p >= 0.0,
                        "demand population must be finite and >= 0, got {} at point {}, group {}",
                        p, k, g);
    }
  }
  for (std::size_t j = 0; j < supply.capacity.size(); ++j) {
    CIRCLESIM_REQUIRE(std::isfinite(supply.capacity[j]) && supply.capacity[j] > 0.0,
                      "supply capacity must be finite and > 0, got {} at supply {}",
                      supply.capacity[j], j);
  }
  check_locations(demand.location, sizes.demand, "demand", "population row", geometric);
  check_locations(supply.location, sizes.supply, "supply", "capacity", geometric);
  return sizes;
}

Sizes validate(const DemandPoints& demand, const SupplyPoints& supply,
               const StraightLineTravel& line) {
  const Sizes sizes = validate_points(demand, supply, true);
  CIRCLESIM_REQUIRE(std::isfinite(line.detour_factor) && line.detour_factor >= 1.0,
                    "detour factor must be finite and >= 1, got {}", line.detour_factor);
  CIRCLESIM_REQUIRE(static_cast<Eigen::Index>(line.speed.size()) == sizes.groups,
                    "speeds: expected one per group ({}), got {}", sizes.groups, line.speed.size());
  for (std::size_t g = 0; g < line.speed.size(); ++g) {
    CIRCLESIM_REQUIRE(std::isfinite(line.speed[g]) && line.speed[g] > 0.0,
                      "speed must be finite and > 0 m/s, got {} for group {}", line.speed[g], g);
  }
  return sizes;
}

Sizes validate(const DemandPoints& demand, const SupplyPoints& supply,
               const TravelTimeMatrix& travel) {
  const Sizes sizes = validate_points(demand, supply, false);
  const auto& matrices = travel.minutes;
  CIRCLESIM_REQUIRE(
      matrices.size() == 1 || static_cast<Eigen::Index>(matrices.size()) == sizes.groups,
      "travel time matrices: expected 1 (shared) or one per group ({}), got {}", sizes.groups,
      matrices.size());
  for (std::size_t m = 0; m < matrices.size(); ++m) {
    const Eigen::MatrixXd& minutes = matrices[m];
    CIRCLESIM_REQUIRE(minutes.rows() == sizes.demand && minutes.cols() == sizes.supply,
                      "travel time matrix {} is {}x{}, expected {}x{} (demand x supply)", m,
                      minutes.rows(), minutes.cols(), sizes.demand, sizes.supply);
    // A vectorised pass first (NaN fails >=); the entry is located only to name it.
    if ((minutes.array() >= 0.0).all()) continue;
    for (Eigen::Index j = 0; j < sizes.supply; ++j) {
      for (Eigen::Index i = 0; i < sizes.demand; ++i) {
        const double t = minutes(i, j);
        CIRCLESIM_REQUIRE(t >= 0.0,
                          "travel time must be >= 0 minutes (+inf if unreachable), got {} in "
                          "matrix {} at demand {}, supply {}",
                          t, m, i, j);
      }
    }
  }
  return sizes;
}

void require_positive_minutes(double minutes, const char* what) {
  CIRCLESIM_REQUIRE(std::isfinite(minutes) && minutes > 0.0,
                    "{} must be finite and > 0 minutes, got {}", what, minutes);
}

std::vector<double> group_population(const Eigen::MatrixXd& population) {
  std::vector<double> totals(static_cast<std::size_t>(population.cols()), 0.0);
  for (Eigen::Index g = 0; g < population.cols(); ++g) {
    for (Eigen::Index k = 0; k < population.rows(); ++k) totals[g] += population(k, g);
  }
  return totals;
}

// NaN for a group without residents: it has no share to report.
double share(double part, double whole) { return whole > 0.0 ? part / whole : kNaN; }

// The matrix that group g uses: a single shared matrix or its own.
const Eigen::MatrixXd& group_matrix(const TravelTimeMatrix& travel, Eigen::Index g) {
  return travel.minutes.size() == 1 ? travel.minutes.front()
                                    : travel.minutes[static_cast<std::size_t>(g)];
}

// Squared radius in metres beyond which no pair can be within `minutes`: a cheap rejection before
// the exact time test, widened so that rounding never rejects a pair the exact test accepts.
double reach_squared(const StraightLineTravel& line, double speed, double minutes) {
  const double metres = minutes * 60.0 * speed / line.detour_factor * (1.0 + 1e-9);
  return metres * metres;
}

void find_nearest(const DemandPoints& demand, const SupplyPoints& supply,
                  const StraightLineTravel& line, const Sizes& sizes, CoverageResult& result) {
  // Time grows with distance for every group, so one nearest-neighbour query serves them all.
  const PointGrid grid(supply.location);
  for (Eigen::Index i = 0; i < sizes.demand; ++i) {
    const PointGrid::Nearest nearest = grid.nearest(demand.location[i]);
    if (nearest.index < 0) continue;
    const double metres = std::sqrt(nearest.squared_distance);
    for (Eigen::Index g = 0; g < sizes.groups; ++g) {
      result.nearest_supply(i, g) = nearest.index;
      result.nearest_minutes(i, g) = minutes_from_metres(metres, line.detour_factor, line.speed[g]);
    }
  }
}

void find_nearest(const DemandPoints&, const SupplyPoints&, const TravelTimeMatrix& travel,
                  const Sizes& sizes, CoverageResult& result) {
  for (Eigen::Index g = 0; g < sizes.groups; ++g) {
    if (g > 0 && travel.minutes.size() == 1) {
      result.nearest_supply.col(g) = result.nearest_supply.col(0);
      result.nearest_minutes.col(g) = result.nearest_minutes.col(0);
      continue;
    }
    const Eigen::MatrixXd& minutes = group_matrix(travel, g);
    // Column by column follows the matrix's memory order; strict < keeps the lowest index.
    for (Eigen::Index j = 0; j < sizes.supply; ++j) {
      for (Eigen::Index i = 0; i < sizes.demand; ++i) {
        if (minutes(i, j) < result.nearest_minutes(i, g)) {
          result.nearest_minutes(i, g) = minutes(i, j);
          result.nearest_supply(i, g) = j;
        }
      }
    }
  }
}

template <typename Travel>
CoverageResult coverage_with(const DemandPoints& demand, const SupplyPoints& supply,
                             const Travel& travel, double threshold_minutes) {
  require_positive_minutes(threshold_minutes, "coverage threshold");
  const Sizes sizes = validate(demand, supply, travel);

  CoverageResult result;
  result.nearest_supply = IndexMatrix::Constant(sizes.demand, sizes.groups, -1);
  result.nearest_minutes = Eigen::MatrixXd::Constant(sizes.demand, sizes.groups, kInfinity);
  find_nearest(demand, supply, travel, sizes, result);

  result.population = group_population(demand.population);
  result.covered_population.assign(static_cast<std::size_t>(sizes.groups), 0.0);
  result.covered_share.resize(static_cast<std::size_t>(sizes.groups));
  for (Eigen::Index g = 0; g < sizes.groups; ++g) {
    double covered = 0.0;
    for (Eigen::Index i = 0; i < sizes.demand; ++i) {
      if (result.nearest_minutes(i, g) <= threshold_minutes) covered += demand.population(i, g);
    }
    result.covered_population[g] = covered;
    result.covered_share[g] = share(covered, result.population[g]);
  }
  return result;
}

// The 2SFCA steps for each form of travel. Both forms add each accumulator's terms in ascending
// index order of the other side (step 1: demand k, step 2: supply j), so they agree bit for bit
// on the same travel times.
struct FcaContext {
  Sizes sizes;
  double d0;
  DistanceDecay decay;
  std::vector<double> total;  // residents of all groups per demand point

  double weight(double minutes) const { return weight_within(decay, minutes, d0); }
};

void step_1(const DemandPoints& demand, const SupplyPoints& supply, const StraightLineTravel& line,
            const FcaContext& fca, std::vector<double>& competing) {
  const PointGrid supply_grid(supply.location);
  const double speed = line.speed.front();
  const double reach2 = reach_squared(line, speed, fca.d0);
  for (Eigen::Index k = 0; k < fca.sizes.demand; ++k) {
    const double people = fca.total[k];
    if (people == 0.0) continue;
    supply_grid.for_each_candidate(
        demand.location[k], std::sqrt(reach2), [&](Eigen::Index j, double d2) {
          if (d2 > reach2) return;
          const double t = minutes_from_metres(std::sqrt(d2), line.detour_factor, speed);
          if (t <= fca.d0) competing[j] += people * fca.weight(t);
        });
  }
}

void step_1(const DemandPoints&, const SupplyPoints&, const TravelTimeMatrix& travel,
            const FcaContext& fca, std::vector<double>& competing) {
  const Eigen::MatrixXd& general = travel.minutes.front();
  for (Eigen::Index j = 0; j < fca.sizes.supply; ++j) {
    double sum = 0.0;
    for (Eigen::Index k = 0; k < fca.sizes.demand; ++k) {
      const double t = general(k, j);
      if (fca.total[k] != 0.0 && t <= fca.d0) sum += fca.total[k] * fca.weight(t);
    }
    competing[j] = sum;
  }
}

void step_2(const DemandPoints& demand, const SupplyPoints& supply, const StraightLineTravel& line,
            const FcaContext& fca, const std::vector<double>& ratio, Eigen::MatrixXd& access) {
  const PointGrid demand_grid(demand.location);
  for (Eigen::Index g = 0; g < fca.sizes.groups; ++g) {
    const double speed = line.speed[g];
    // Groups that walk alike (often most of them) share one pass.
    const auto same = std::find(line.speed.begin(), line.speed.begin() + g, speed);
    if (same != line.speed.begin() + g) {
      access.col(g) = access.col(same - line.speed.begin());
      continue;
    }
    const double reach2 = reach_squared(line, speed, fca.d0);
    for (Eigen::Index j = 0; j < fca.sizes.supply; ++j) {
      const double r = ratio[j];
      if (r == 0.0) continue;
      demand_grid.for_each_candidate(
          supply.location[j], std::sqrt(reach2), [&](Eigen::Index i, double d2) {
            if (d2 > reach2) return;
            const double t = minutes_from_metres(std::sqrt(d2), line.detour_factor, speed);
            if (t <= fca.d0) access(i, g) += r * fca.weight(t);
          });
    }
  }
}

void step_2(const DemandPoints&, const SupplyPoints&, const TravelTimeMatrix& travel,
            const FcaContext& fca, const std::vector<double>& ratio, Eigen::MatrixXd& access) {
  for (Eigen::Index g = 0; g < fca.sizes.groups; ++g) {
    if (g > 0 && travel.minutes.size() == 1) {
      access.col(g) = access.col(0);
      continue;
    }
    const Eigen::MatrixXd& minutes = group_matrix(travel, g);
    for (Eigen::Index j = 0; j < fca.sizes.supply; ++j) {
      const double r = ratio[j];
      if (r == 0.0) continue;
      for (Eigen::Index i = 0; i < fca.sizes.demand; ++i) {
        const double t = minutes(i, j);
        if (t <= fca.d0) access(i, g) += r * fca.weight(t);
      }
    }
  }
}

template <typename Travel>
FcaResult two_step_fca_with(const DemandPoints& demand, const SupplyPoints& supply,
                            const Travel& travel, const FcaOptions& options) {
  require_positive_minutes(options.catchment_minutes, "2SFCA catchment");
  CIRCLESIM_REQUIRE(
      options.decay == DistanceDecay::kNone || options.decay == DistanceDecay::kGaussian,
      "unknown distance decay {}", static_cast<int>(options.decay));
  FcaContext fca{validate(demand, supply, travel), options.catchment_minutes, options.decay, {}};

  // Everyone competes for the same supply, whatever their group.
  fca.total.assign(static_cast<std::size_t>(fca.sizes.demand), 0.0);
  for (Eigen::Index k = 0; k < fca.sizes.demand; ++k) {
    for (Eigen::Index g = 0; g < fca.sizes.groups; ++g) fca.total[k] += demand.population(k, g);
  }

  FcaResult result;
  result.weighted_demand.assign(static_cast<std::size_t>(fca.sizes.supply), 0.0);
  step_1(demand, supply, travel, fca, result.weighted_demand);
  result.supply_ratio.resize(result.weighted_demand.size());
  for (std::size_t j = 0; j < result.supply_ratio.size(); ++j) {
    const double competing = result.weighted_demand[j];
    result.supply_ratio[j] = competing > 0.0 ? supply.capacity[j] / competing : 0.0;
  }
  result.accessibility = Eigen::MatrixXd::Zero(fca.sizes.demand, fca.sizes.groups);
  step_2(demand, supply, travel, fca, result.supply_ratio, result.accessibility);

  const std::vector<double> population = group_population(demand.population);
  result.mean_accessibility.resize(static_cast<std::size_t>(fca.sizes.groups));
  result.no_access_share.resize(static_cast<std::size_t>(fca.sizes.groups));
  for (Eigen::Index g = 0; g < fca.sizes.groups; ++g) {
    double weighted = 0.0;
    double without = 0.0;
    for (Eigen::Index i = 0; i < fca.sizes.demand; ++i) {
      const double p = demand.population(i, g);
      weighted += p * result.accessibility(i, g);
      if (result.accessibility(i, g) == 0.0) without += p;
    }
    result.mean_accessibility[g] = share(weighted, population[g]);
    result.no_access_share[g] = share(without, population[g]);
  }
  return result;
}

}  // namespace

double straight_line_minutes(Point from, Point to, double detour_factor, double speed) {
  CIRCLESIM_REQUIRE(std::isfinite(detour_factor) && detour_factor >= 1.0,
                    "detour factor must be finite and >= 1, got {}", detour_factor);
  CIRCLESIM_REQUIRE(std::isfinite(speed) && speed > 0.0, "speed must be finite and > 0 m/s, got {}",
                    speed);
  return minutes_from_metres(std::sqrt(squared_distance(from, to)), detour_factor, speed);
}

Eigen::MatrixXd travel_time_matrix(const std::vector<Point>& from, const std::vector<Point>& to,
                                   double detour_factor, double speed) {
  // Checked once here so the loop can use the unchecked expression.
  (void)straight_line_minutes(Point{}, Point{}, detour_factor, speed);
  Eigen::MatrixXd minutes(static_cast<Eigen::Index>(from.size()),
                          static_cast<Eigen::Index>(to.size()));
  for (std::size_t j = 0; j < to.size(); ++j) {
    for (std::size_t i = 0; i < from.size(); ++i) {
      minutes(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          minutes_from_metres(std::sqrt(squared_distance(from[i], to[j])), detour_factor, speed);
    }
  }
  return minutes;
}

double decay_weight(DistanceDecay decay, double minutes, double catchment_minutes) {
  require_positive_minutes(catchment_minutes, "catchment");
  CIRCLESIM_REQUIRE(minutes >= 0.0, "travel time must be >= 0 minutes, got {}", minutes);
  return minutes <= catchment_minutes ? weight_within(decay, minutes, catchment_minutes) : 0.0;
}

CoverageResult coverage(const DemandPoints& demand, const SupplyPoints& supply,
                        const StraightLineTravel& travel, double threshold_minutes) {
  return coverage_with(demand, supply, travel, threshold_minutes);
}

CoverageResult coverage(const DemandPoints& demand, const SupplyPoints& supply,
                        const TravelTimeMatrix& travel, double threshold_minutes) {
  return coverage_with(demand, supply, travel, threshold_minutes);
}

CoverageResult coverage(const DemandPoints& demand, const SupplyPoints& supply,
                        const TravelModel& travel, double threshold_minutes) {
  return std::visit(
      [&](const auto& model) { return coverage_with(demand, supply, model, threshold_minutes); },
      travel);
}

FcaResult two_step_fca(const DemandPoints& demand, const SupplyPoints& supply,
                       const StraightLineTravel& travel, const FcaOptions& options) {
  return two_step_fca_with(demand, supply, travel, options);
}

FcaResult two_step_fca(const DemandPoints& demand, const SupplyPoints& supply,
                       const TravelTimeMatrix& travel, const FcaOptions& options) {
  return two_step_fca_with(demand, supply, travel, options);
}

FcaResult two_step_fca(const DemandPoints& demand, const SupplyPoints& supply,
                       const TravelModel& travel, const FcaOptions& options) {
  return std::visit(
      [&](const auto& model) { return two_step_fca_with(demand, supply, model, options); }, travel);
}

}  // namespace circlesim::analysis
