// Coverage and 2SFCA per offer and group (access.hpp).
#include "models/services/access.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "analysis/accessibility.hpp"

namespace circlesim::services {

namespace {

// With city.travel_times, coverage and 2SFCA take the network's travel distances (measured
// pairs as equivalent distances) as matrices of minutes = distance / speed, the expression a
// request uses. Matrices per group would take groups x grids x places; the analysis is run
// instead over one column per distinct walking speed (general's first), with every resident in
// the first: its step 1 (all residents, general's times) is then the groups' own, and each
// column's nearest times and accessibility are those of the groups walking at its speed, whose
// members weigh them below.
struct SpeedColumns {
  std::vector<double> speeds;       // m/min, general's first
  std::vector<std::size_t> column;  // per group, the index of its speed
};

SpeedColumns speed_columns(const scenario::Scenario& scenario) {
  SpeedColumns out;
  for (const scenario::GroupConfig& group : scenario.groups) {
    const auto it = std::find(out.speeds.begin(), out.speeds.end(), group.walking_speed_m_per_min);
    out.column.push_back(static_cast<std::size_t>(it - out.speeds.begin()));
    if (it == out.speeds.end()) out.speeds.push_back(group.walking_speed_m_per_min);
  }
  return out;
}

// Minutes from every grid to every place of the offer at each speed (grids x places).
analysis::TravelTimeMatrix measured_minutes(const scenario::Scenario& scenario,
                                            const city::City& city, const ServiceNetwork& network,
                                            const Offer& offer, const SpeedColumns& columns) {
  const auto grids = static_cast<Eigen::Index>(city.grids.size());
  const auto places = static_cast<Eigen::Index>(offer.places.size());
  Eigen::MatrixXd metres(grids, places);
  std::vector<std::uint32_t> place_of_facility(scenario.facilities.size(), kNone);
  for (Eigen::Index p = 0; p < places; ++p) {
    const std::uint32_t facility = offer.places[static_cast<std::size_t>(p)].facility;
    place_of_facility[facility] = static_cast<std::uint32_t>(p);
    const city::Point to = scenario.facilities[facility].location;
    for (Eigen::Index g = 0; g < grids; ++g) {
      metres(g, p) = straight_travel_m(city, static_cast<city::Index>(g), to);
    }
  }
  for (Eigen::Index g = 0; g < grids; ++g) {
    for (const MeasuredDistance& pair : network.measured(static_cast<city::Index>(g))) {
      const std::uint32_t p = place_of_facility[pair.facility];
      if (p != kNone) metres(g, p) = pair.distance_m;
    }
  }
  analysis::TravelTimeMatrix minutes;
  for (const double speed : columns.speeds) minutes.minutes.emplace_back(metres.array() / speed);
  return minutes;
}

// Population-weighted mean distance from each group's residents to the offer's nearest place
// (the network's own nearest, as a request by the nearest choice travels), offers x groups.
std::vector<double> nearest_distances(const ServiceNetwork& network,
                                      const std::vector<double>& members, std::size_t grids,
                                      std::size_t groups) {
  std::vector<double> nearest(network.offers().size() * groups,
                              std::numeric_limits<double>::quiet_NaN());
  std::vector<double> weighted(groups), people(groups);
  for (std::size_t o = 0; o < network.offers().size(); ++o) {
    const Offer& offer = network.offer(o);
    if (offer.places.empty()) continue;
    std::fill(weighted.begin(), weighted.end(), 0.0);
    std::fill(people.begin(), people.end(), 0.0);
    for (std::size_t g = 0; g < grids; ++g) {
      const double d = offer.nearest[g].distance_m;
      for (std::size_t k = 0; k < groups; ++k) {
        const double p = members[g * groups + k];
        if (p == 0) continue;
        weighted[k] += p * d;
        people[k] += p;
      }
    }
    for (std::size_t k = 0; k < groups; ++k) {
      if (people[k] > 0) nearest[o * groups + k] = weighted[k] / people[k];
    }
  }
  return nearest;
}

}  // namespace

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
  // With measured travel times: every resident in the first of one column per distinct speed.
  const SpeedColumns columns = speed_columns(scenario);
  analysis::DemandPoints by_speed;
  // The last offer's facilities, its minutes and coverage's nearest minutes: offers of the same
  // facilities (the rooms of community centres) share them.
  std::vector<std::uint32_t> last_facilities;
  analysis::TravelTimeMatrix last_minutes;
  Eigen::MatrixXd last_nearest;
  if (network.has_measured()) {
    by_speed.population = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(grids),
                                                static_cast<Eigen::Index>(columns.speeds.size()));
    for (std::size_t g = 0; g < grids; ++g) {
      double everyone = 0;  // summed as the analysis sums a point's groups
      for (std::size_t k = 0; k < groups; ++k) everyone += members[g * groups + k];
      by_speed.population(static_cast<Eigen::Index>(g), 0) = everyone;
    }
  }

  AccessMeasures access;
  access.nearest_m = nearest_distances(network, members, grids, groups);
  access.coverage.assign(network.offers().size() * groups, 0.0);
  access.accessibility.assign(network.offers().size() * groups, 0.0);
  access.no_access.assign(network.offers().size() * groups, 1.0);
  access.reach.assign(network.offers().size() * grids * groups, 0);
  auto reach = [&](std::size_t o, std::size_t g, std::size_t k) -> std::uint8_t& {
    return access.reach[(o * grids + g) * groups + k];
  };
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
    if (network.has_measured()) {
      std::vector<std::uint32_t> facilities;
      for (const Candidate& place : offer.places) facilities.push_back(place.facility);
      if (facilities != last_facilities) {
        last_facilities = std::move(facilities);
        last_minutes = measured_minutes(scenario, city, network, offer, columns);
        last_nearest = analysis::coverage(by_speed, supply, last_minutes, target).nearest_minutes;
      }
      const analysis::FcaResult fca = analysis::two_step_fca(
          by_speed, supply, last_minutes, {target, analysis::DistanceDecay::kNone});
      for (std::size_t k = 0; k < groups; ++k) {
        const auto c = static_cast<Eigen::Index>(columns.column[k]);
        double people = 0;
        double within = 0;
        double weighted = 0;
        double without = 0;
        for (std::size_t g = 0; g < grids; ++g) {
          const auto i = static_cast<Eigen::Index>(g);
          const double p = members[g * groups + k];
          people += p;
          if (last_nearest(i, c) <= target) {
            within += p;
            reach(o, g, k) = 1;
          }
          weighted += p * fca.accessibility(i, c);
          if (fca.accessibility(i, c) == 0.0) without += p;
        }
        if (people == 0) continue;  // no residents: reported as no access at all
        access.coverage[o * groups + k] = within / people;
        access.accessibility[o * groups + k] = weighted / people;
        access.no_access[o * groups + k] = without / people;
      }
      continue;
    }
    const analysis::CoverageResult covered = analysis::coverage(demand, supply, travel, target);
    const analysis::FcaResult fca =
        analysis::two_step_fca(demand, supply, travel, {target, analysis::DistanceDecay::kNone});
    for (std::size_t g = 0; g < grids; ++g) {
      for (std::size_t k = 0; k < groups; ++k) {
        const double minutes =
            covered.nearest_minutes(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(k));
        if (minutes <= target) reach(o, g, k) = 1;
      }
    }
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
