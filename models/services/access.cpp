// Coverage and 2SFCA per offer and group (access.hpp).
#include "models/services/access.hpp"

#include <bit>
#include <cmath>

#include "analysis/accessibility.hpp"

namespace circlesim::services {

namespace {}  // namespace

std::vector<double> members_by_grid(const city::Residents& residents, std::size_t grids,
                                    std::size_t groups) {
  std::vector<double> members(grids * groups, 0.0);
  for (std::size_t r = 0; r < residents.size(); ++r) {
    city::GroupMask mask = residents.groups[r];
    double* row = members.data() + residents.grid[r] * groups;
    while (mask != 0) {
      row[std::countr_zero(mask)] += 1;
      mask &= mask - 1;
    }
  }
  return members;
}

AccessMeasures measure_access(const scenario::Scenario& scenario, const city::City& city,
                              const city::Residents& residents, const ServiceNetwork& network) {
  const std::size_t groups = scenario.groups.size();
  const std::size_t grids = city.grids.size();
  const std::vector<double> members = members_by_grid(residents, grids, groups);
  // Demand points are the grids, with their residents by group.
  analysis::DemandPoints demand;
  demand.population.resize(static_cast<Eigen::Index>(grids), static_cast<Eigen::Index>(groups));
  for (std::size_t g = 0; g < grids; ++g) {
    demand.location.push_back({city.grids[g].location.x, city.grids[g].location.y});
    for (std::size_t k = 0; k < groups; ++k) {
      demand.population(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(k)) =
          members[g * groups + k];
    }
  }
  analysis::StraightLineTravel travel;
  travel.detour_factor = city.detour_factor;
  for (const scenario::GroupConfig& group : scenario.groups) {
    travel.speed.push_back(group.walking_speed_m_per_min / 60.0);  // m/s
  }
  const double target = scenario.travel_target_minutes;

  AccessMeasures access;
  access.coverage.assign(network.offers().size() * groups, 0.0);
  access.accessibility.assign(network.offers().size() * groups, 0.0);
  access.no_access.assign(network.offers().size() * groups, 1.0);
  static constexpr const char* kKinds[] = {"community_centre", "neighbourhood_centre",
                                           "red_station", "street_office", "district_department"};
  for (std::size_t o = 0; o < network.offers().size(); ++o) {
    const Offer& offer = network.offer(o);
    access.offers.push_back(std::string(kKinds[static_cast<int>(facility_kind_of(offer.channel))]) +
                            "/" + offer.room_type);
    if (offer.places.empty()) continue;  // nobody has access: coverage 0, no_access 1
    // Supply points are the rooms offering it, with their staff as capacity.
    analysis::SupplyPoints supply;
    for (const Candidate& place : offer.places) {
      const city::Point at = scenario.facilities[place.facility].location;
      supply.location.push_back({at.x, at.y});
      supply.capacity.push_back(static_cast<double>(scenario.rooms[place.room].staff));
    }
    const analysis::CoverageResult covered = analysis::coverage(demand, supply, travel, target);
    const analysis::FcaResult fca =
        analysis::two_step_fca(demand, supply, travel, {target, analysis::DistanceDecay::kNone});
    for (std::size_t k = 0; k < groups; ++k) {
      // A group without residents has NaN shares: report it as no access at all.
      auto value = [](double x, double otherwise) { return std::isnan(x) ? otherwise : x; };
      access.coverage[o * groups + k] = value(covered.covered_share[k], 0.0);
      access.accessibility[o * groups + k] = value(fca.mean_accessibility[k], 0.0);
      access.no_access[o * groups + k] = value(fca.no_access_share[k], 1.0);
    }
  }
  return access;
}

}  // namespace circlesim::services
