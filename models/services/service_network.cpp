// ServiceNetwork: offers, their places, and per-grid own / nearest / near facilities.
#include "models/services/service_network.hpp"

#include <algorithm>
#include <cmath>

#include "sim/error.hpp"

namespace circlesim::services {

scenario::FacilityKind facility_kind_of(scenario::Channel channel) {
  switch (channel) {
    case scenario::Channel::kNeighbourhoodCentre:
      return scenario::FacilityKind::kNeighbourhoodCentre;
    case scenario::Channel::kStreetOffice:
      return scenario::FacilityKind::kStreetOffice;
    case scenario::Channel::kRedStation:
      return scenario::FacilityKind::kRedStation;
    case scenario::Channel::kDistrictDepartment:
      return scenario::FacilityKind::kDistrictDepartment;
    case scenario::Channel::kCentreRoom:
    case scenario::Channel::kHomeVisit:
      break;
  }
  return scenario::FacilityKind::kCommunityCentre;
}

namespace {

// The area index of a grid at the level a facility kind belongs to.
city::Index area_of_grid(const city::City& city, city::Index grid, scenario::FacilityKind kind) {
  switch (kind) {
    case scenario::FacilityKind::kStreetOffice:
    case scenario::FacilityKind::kRedStation:
      return city.street_of_grid(grid);
    case scenario::FacilityKind::kDistrictDepartment:
      return city.district_of_grid(grid);
    case scenario::FacilityKind::kCommunityCentre:
    case scenario::FacilityKind::kNeighbourhoodCentre:
      break;
  }
  return city.grids[grid].community;
}

}  // namespace

double measured_travel_speed(const scenario::Scenario& scenario) {
  return scenario.groups.empty() ? scenario::default_walking_speed("general")
                                 : scenario.groups.front().walking_speed_m_per_min;
}

double ServiceNetwork::distance_m(const scenario::Scenario& scenario, const city::City& city,
                                  city::Index grid, std::uint32_t facility) const {
  const std::span<const MeasuredDistance> pairs = measured(grid);
  const auto it = std::lower_bound(
      pairs.begin(), pairs.end(), facility,
      [](const MeasuredDistance& pair, std::uint32_t f) { return pair.facility < f; });
  if (it != pairs.end() && it->facility == facility) return it->distance_m;
  return straight_travel_m(city, grid, scenario.facilities[facility].location);
}

std::size_t ServiceNetwork::offer_index(scenario::Channel channel, const std::string& room_type) {
  for (std::size_t o = 0; o < offers_.size(); ++o) {
    if (offers_[o].channel == channel && offers_[o].room_type == room_type) return o;
  }
  offers_.push_back({channel, room_type, {}, {}, {}, {}, 0});
  return offers_.size() - 1;
}

ServiceNetwork::ServiceNetwork(const scenario::Scenario& scenario, const city::City& city) {
  for (const scenario::Service& service : scenario.services) {
    // A service at home has no place to go to (the grid members come): no offer.
    offer_of_service_.push_back(service.channel == scenario::Channel::kHomeVisit
                                    ? kNone
                                    : offer_index(service.channel, service.room_type));
    if (service.escalation.probability > 0) {
      const auto channel = service.escalation.to == scenario::EscalationTarget::kStreetOffice
                               ? scenario::Channel::kStreetOffice
                               : scenario::Channel::kDistrictDepartment;
      escalation_offer_.push_back(offer_index(channel, service.escalation.room_type));
    } else {
      escalation_offer_.push_back(kNone);
    }
    onward_offer_.push_back(service.escalation.onward_probability > 0
                                ? offer_index(scenario::Channel::kDistrictDepartment,
                                              service.escalation.onward_room_type)
                                : kNone);
  }
  if (!scenario.travel_times.empty()) {
    // The loader sorts them by grid, then facility.
    const double speed = measured_travel_speed(scenario);
    measured_start_.assign(city.grids.size() + 1, 0);
    measured_.reserve(scenario.travel_times.size());
    for (const city::TravelTime& t : scenario.travel_times) {
      CIRCLESIM_REQUIRE(t.grid < city.grids.size() && t.facility < scenario.facilities.size(),
                        "travel time from grid {} to facility {}: no such grid or facility", t.grid,
                        t.facility);
      ++measured_start_[t.grid + 1];
      measured_.push_back({t.facility, t.minutes * speed});
    }
    for (std::size_t g = 1; g < measured_start_.size(); ++g) {
      measured_start_[g] += measured_start_[g - 1];
    }
  }
  const auto per_grid = static_cast<std::size_t>(std::max(1, scenario.facility_choice.candidates));
  for (Offer& offer : offers_) build_offer(offer, scenario, city, per_grid);
}

void ServiceNetwork::build_offer(Offer& offer, const scenario::Scenario& scenario,
                                 const city::City& city, std::size_t per_grid) {
  const scenario::FacilityKind kind = facility_kind_of(offer.channel);
  // Areas own at most one facility per offer: the first listed.
  const std::size_t areas =
      kind == scenario::FacilityKind::kDistrictDepartment ? city.districts.size()
      : kind == scenario::FacilityKind::kStreetOffice || kind == scenario::FacilityKind::kRedStation
          ? city.streets.size()
          : city.communities.size();
  std::vector<Candidate> own_of_area(areas);
  for (std::size_t f = 0; f < scenario.facilities.size(); ++f) {
    const scenario::Facility& facility = scenario.facilities[f];
    if (facility.kind != kind) continue;
    for (const std::size_t r : facility.rooms) {
      if (scenario.rooms[r].type != offer.room_type) continue;
      const Candidate place{static_cast<std::uint32_t>(f), static_cast<std::uint32_t>(r), 0.0};
      offer.places.push_back(place);
      if (own_of_area[facility.area].facility == kNone) own_of_area[facility.area] = place;
      break;  // one room of a type per facility serves the offer
    }
  }
  const std::size_t grids = city.grids.size();
  offer.per_grid = std::min(per_grid, offer.places.size());
  offer.own.assign(grids, Candidate{});
  offer.nearest.assign(grids, Candidate{});
  offer.near_list.assign(grids * offer.per_grid, Candidate{});
  std::vector<Candidate> by_distance(offer.places.size());
  // The place of each facility in this offer, to find measured pairs (only with travel times).
  std::vector<std::uint32_t> place_of_facility;
  if (has_measured()) {
    place_of_facility.assign(scenario.facilities.size(), kNone);
    for (std::size_t p = 0; p < offer.places.size(); ++p) {
      place_of_facility[offer.places[p].facility] = static_cast<std::uint32_t>(p);
    }
  }
  // Ties go to the facility listed first, so the choice never depends on sort internals.
  auto closer = [](const Candidate& a, const Candidate& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.facility < b.facility;
  };
  for (city::Index g = 0; g < grids; ++g) {
    const city::Point at = city.grids[g].location;
    const std::span<const MeasuredDistance> pairs = measured(g);
    auto distance_to = [&](std::uint32_t facility) {
      return pairs.empty() ? straight_travel_m(city, g, scenario.facilities[facility].location)
                           : distance_m(scenario, city, g, facility);
    };
    Candidate own = own_of_area[area_of_grid(city, g, kind)];
    if (own.facility != kNone) own.distance_m = distance_to(own.facility);
    offer.own[g] = own;
    if (offer.places.empty()) continue;
    // Ranked by squared straight-line distance (same order, no square root per pair); only
    // the few kept get their travel distance.
    for (std::size_t p = 0; p < offer.places.size(); ++p) {
      by_distance[p] = offer.places[p];
      const city::Point to = scenario.facilities[offer.places[p].facility].location;
      by_distance[p].distance_m = (to.x - at.x) * (to.x - at.x) + (to.y - at.y) * (to.y - at.y);
    }
    // A measured pair ranks by the straight line it is equivalent to, so that a pair made
    // shorter by the table may become the nearest.
    bool measured_here = false;
    for (const MeasuredDistance& pair : pairs) {
      const std::uint32_t p = place_of_facility[pair.facility];
      if (p == kNone) continue;
      const double line = pair.distance_m / city.detour_factor;
      by_distance[p].distance_m = line * line;
      measured_here = true;
    }
    std::partial_sort(by_distance.begin(),
                      by_distance.begin() + static_cast<std::ptrdiff_t>(offer.per_grid),
                      by_distance.end(), closer);
    for (std::size_t k = 0; k < offer.per_grid; ++k) {
      by_distance[k].distance_m = distance_to(by_distance[k].facility);
    }
    // Rounding in the equivalent line must not reorder near ties of the travel distances.
    if (measured_here) {
      std::sort(by_distance.begin(),
                by_distance.begin() + static_cast<std::ptrdiff_t>(offer.per_grid), closer);
    }
    offer.nearest[g] = by_distance.front();
    std::copy_n(by_distance.begin(), offer.per_grid,
                offer.near_list.begin() + static_cast<std::ptrdiff_t>(g * offer.per_grid));
  }
}

}  // namespace circlesim::services
