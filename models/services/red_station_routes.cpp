// RedStationRoutes (red_station_routes.hpp).
#include "models/services/red_station_routes.hpp"

#include <algorithm>
#include <cmath>

namespace circlesim::services {

namespace {

// Metres of walking between two stations: no measured times exist between facilities, so the
// straight line times the detour factor, as for a pair city.travel_times does not list.
double walk_m(const scenario::Scenario& scenario, const city::City& city, std::uint32_t from,
              std::uint32_t to) {
  const city::Point a = scenario.facilities[from].location;
  const city::Point b = scenario.facilities[to].location;
  return std::hypot(b.x - a.x, b.y - a.y) * city.detour_factor;
}

}  // namespace

RedStationRoutes::RedStationRoutes(const scenario::Scenario& scenario, const city::City& city,
                                   const ServiceNetwork& network) {
  const scenario::RedStationOverflow& overflow = scenario.red_station_overflow;
  route_of_room_.assign(scenario.rooms.size(), kNoRoute);
  std::size_t most_places = 0;
  for (const Offer& offer : network.offers()) {
    if (offer.channel == scenario::Channel::kRedStation) {
      most_places = std::max(most_places, offer.places.size());
    }
  }
  // Moving on needs somewhere to go within a positive distance.
  if (overflow.next_within_m > 0 && most_places > 1) {
    per_station_ =
        std::min(static_cast<std::size_t>(std::max(overflow.max_tries, 1) - 1), most_places - 1);
  }
  std::vector<std::pair<double, std::uint32_t>> others;  // (distance, place), nearest first
  for (const Offer& offer : network.offers()) {
    if (offer.channel != scenario::Channel::kRedStation) {
      station_offer_.push_back(kNone);
      continue;
    }
    station_offer_.push_back(static_cast<std::uint32_t>(names_.size()));
    names_.push_back(offer.room_type);
    if (per_station_ == 0) continue;
    for (std::size_t p = 0; p < offer.places.size(); ++p) {
      const Candidate& first = offer.places[p];
      others.clear();
      for (std::size_t q = 0; q < offer.places.size(); ++q) {
        if (q == p) continue;
        const double d = walk_m(scenario, city, first.facility, offer.places[q].facility);
        if (d <= overflow.next_within_m) others.emplace_back(d, static_cast<std::uint32_t>(q));
      }
      // Ties go to the station listed first (places are in the scenario's order).
      const std::size_t kept = std::min(per_station_, others.size());
      std::partial_sort(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(kept),
                        others.end());
      route_of_room_[first.room] = stops_.size();
      std::uint32_t at = first.facility;
      double walked = 0;
      for (std::size_t k = 0; k < per_station_; ++k) {
        if (k >= kept) {
          stops_.push_back({});
          continue;
        }
        const Candidate& next = offer.places[others[k].second];
        const double hop = walk_m(scenario, city, at, next.facility);
        walked += hop;
        stops_.push_back({next.facility, next.room, hop, walked});
        at = next.facility;
      }
    }
  }
}

}  // namespace circlesim::services
