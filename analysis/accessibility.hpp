// Spatial accessibility of services over demand points (residents by group) and supply points
// (service capacity): coverage within a travel-time threshold, and the two-step floating
// catchment area method (2SFCA). Domain-free: it knows points, populations, capacities and travel
// times, nothing of communities or facilities.
//
// Travel times come either from geometry (straight-line distance x detour factor / group speed)
// or from precomputed matrices (demand x supply, minutes), e.g. read from a scenario's CSV. Every
// input is checked and a bad one throws circlesim::sim::InvalidParameter naming what is wrong.
// Results are deterministic; the geometric path gives the same answers as the matrix path fed
// with travel_time_matrix() of the same geometry.
#pragma once

#include <Eigen/Core>

#include <variant>
#include <vector>

namespace circlesim::analysis {

// A planar position in metres (any projected coordinate system).
struct Point {
  double x = 0.0;
  double y = 0.0;
};

// Where residents live: population(k, g) is the number of group-g residents at point k.
struct DemandPoints {
  std::vector<Point> location;  // one per row of population; may be empty with a TravelTimeMatrix
  Eigen::MatrixXd population;   // demand points x groups, finite and >= 0, at least one group
};

// Where the service is offered and how much of it (staff, rooms, places).
struct SupplyPoints {
  std::vector<Point> location;   // one per capacity; may be empty with a TravelTimeMatrix
  std::vector<double> capacity;  // finite and > 0
};

// minutes = straight-line metres x detour_factor / (speed[g] x 60).
struct StraightLineTravel {
  double detour_factor = 1.0;  // network distance over straight-line distance, >= 1
  std::vector<double> speed;   // m/s, finite and > 0, one per group; speed[0] is the general speed
};

// Precomputed travel times in minutes, demand points x supply points: either one matrix shared by
// all groups or one per group (minutes[0] then plays the general speed). Entries are >= 0;
// +infinity marks an unreachable pair.
struct TravelTimeMatrix {
  std::vector<Eigen::MatrixXd> minutes;
};

using TravelModel = std::variant<StraightLineTravel, TravelTimeMatrix>;

// Travel time in minutes between two points under the straight-line model. The geometric path
// uses exactly this expression, so a matrix built from it reproduces the geometric results.
double straight_line_minutes(Point from, Point to, double detour_factor, double speed);

// from.size() x to.size() matrix of straight_line_minutes, for a TravelTimeMatrix built from
// geometry or for inspection.
Eigen::MatrixXd travel_time_matrix(const std::vector<Point>& from, const std::vector<Point>& to,
                                   double detour_factor, double speed);

using IndexMatrix = Eigen::Matrix<Eigen::Index, Eigen::Dynamic, Eigen::Dynamic>;

// Nearest-supply coverage. Per group values are NaN for a group with no residents.
struct CoverageResult {
  std::vector<double> population;          // per group, total residents
  std::vector<double> covered_population;  // per group, residents whose nearest supply is in reach
  std::vector<double> covered_share;       // per group, covered_population / population
  IndexMatrix nearest_supply;              // demand x group; lowest index on ties, -1 if none
  Eigen::MatrixXd nearest_minutes;         // demand x group; +infinity if no supply is reachable
};

// For each group, the share of its residents whose nearest supply point is within
// threshold_minutes (inclusive: a time equal to the threshold is covered). Geometric input uses a
// uniform grid over the supply points (5,000 x 1,000 points x 15 groups: about 2 ms); matrices
// are scanned in full.
CoverageResult coverage(const DemandPoints& demand, const SupplyPoints& supply,
                        const StraightLineTravel& travel, double threshold_minutes);
CoverageResult coverage(const DemandPoints& demand, const SupplyPoints& supply,
                        const TravelTimeMatrix& travel, double threshold_minutes);
CoverageResult coverage(const DemandPoints& demand, const SupplyPoints& supply,
                        const TravelModel& travel, double threshold_minutes);

// Weight G(t) of a pair t minutes apart inside a catchment of d0 minutes.
enum class DistanceDecay {
  kNone,      // binary catchment, the classic 2SFCA (Luo & Wang 2003): 1 within d0
  kGaussian,  // Dai 2010: (exp(-0.5 (t/d0)^2) - exp(-0.5)) / (1 - exp(-0.5)) within d0
};

// G(t) for t <= d0 (inclusive) and 0 beyond.
double decay_weight(DistanceDecay decay, double minutes, double catchment_minutes);

struct FcaOptions {
  double catchment_minutes = 0.0;  // d0; no default on purpose, 0 is rejected
  DistanceDecay decay = DistanceDecay::kNone;
};

// Two-step floating catchment area accessibility.
//
// Step 1 uses the total population of each demand point (all groups compete for the same
// supply) and the general travel time (speed[0], or minutes[0]):
//   R_j = capacity_j / sum_{k: t0_kj <= d0} P_k G(t0_kj),   R_j = 0 when that sum is 0.
// Step 2 uses each group's own travel time, so a slower group reaches fewer supplies:
//   A_ig = sum_{j: t_g_ij <= d0} R_j G(t_g_ij).
// A group's mean is weighted by its residents; no_access_share is the share of its residents with
// A_ig == 0 (no supply in reach, or only supplies with R_j = 0). Per group values are NaN for a
// group with no residents.
struct FcaResult {
  std::vector<double> weighted_demand;     // per supply, the step-1 denominator
  std::vector<double> supply_ratio;        // per supply, R_j (capacity per competing resident)
  Eigen::MatrixXd accessibility;           // A_ig, demand points x groups
  std::vector<double> mean_accessibility;  // per group, population-weighted mean of A_ig
  std::vector<double> no_access_share;     // per group, share of residents with A_ig == 0
};

// Each form of travel has its own overload, so that passing a TravelTimeMatrix never copies its
// matrices into a TravelModel.
FcaResult two_step_fca(const DemandPoints& demand, const SupplyPoints& supply,
                       const StraightLineTravel& travel, const FcaOptions& options);
FcaResult two_step_fca(const DemandPoints& demand, const SupplyPoints& supply,
                       const TravelTimeMatrix& travel, const FcaOptions& options);
FcaResult two_step_fca(const DemandPoints& demand, const SupplyPoints& supply,
                       const TravelModel& travel, const FcaOptions& options);

}  // namespace circlesim::analysis
