// Coverage and 2SFCA per offer and group (access.hpp).
#include "models/services/access.hpp"

#include <bit>

namespace circlesim::services {

namespace {

// Walking speeds as in the flow: older residents are slower (nanchang.md §5).
double group_speed(const scenario::GroupConfig& group) {
  return group.id == "elderly_60_plus" || group.id == "elderly_80_plus" ||
                 group.id == "empty_nest_elderly"
             ? 48.0
             : 60.0;
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
  AccessMeasures access;
  access.coverage.assign(network.offers().size() * groups, 0.0);
  static constexpr const char* kKinds[] = {"community_centre", "neighbourhood_centre",
                                           "red_station", "street_office", "district_department"};
  for (std::size_t o = 0; o < network.offers().size(); ++o) {
    const Offer& offer = network.offer(o);
    access.offers.push_back(std::string(kKinds[static_cast<int>(facility_kind_of(offer.channel))]) +
                            "/" + offer.room_type);
    for (std::size_t g = 0; g < groups; ++g) {
      const double speed = group_speed(scenario.groups[g]);
      double covered = 0;
      double total = 0;
      for (std::size_t grid = 0; grid < grids; ++grid) {
        const double n = members[grid * groups + g];
        total += n;
        if (offer.nearest[grid].facility != kNone &&
            offer.nearest[grid].distance_m / speed <= scenario.travel_target_minutes) {
          covered += n;
        }
      }
      access.coverage[o * groups + g] = total > 0 ? covered / total : 0.0;
    }
  }
  return access;
}

}  // namespace circlesim::services
