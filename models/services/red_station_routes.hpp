// Where an outdoor worker goes when a red station has no free place (policies.
// red_station_overflow): from each station, the other stations offering the same thing within
// the overflow distance of it, nearest first, up to max_tries - 1 of them. Built once per
// replication; a worker who moves on reads one entry per station tried.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/city/geography.hpp"
#include "models/scenario/scenario.hpp"
#include "models/services/service_network.hpp"

namespace circlesim::services {

class RedStationRoutes {
 public:
  // The k-th station after the first on a worker's way (k >= 1).
  struct Stop {
    std::uint32_t facility = kNone;
    std::uint32_t room = kNone;
    double hop_m = 0;     // from the station before it
    double walked_m = 0;  // from the first station, through those before it
  };

  RedStationRoutes(const scenario::Scenario& scenario, const city::City& city,
                   const ServiceNetwork& network);

  // The red-station offer (index into names()) that network offer `offer` is; kNone if it is
  // not a red-station offer.
  [[nodiscard]] std::uint32_t station_offer(std::size_t offer) const {
    return station_offer_[offer];
  }
  // The room type of each red-station offer: seats, chargers, lockers or a listed room type.
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  // The k-th station (k >= 1) after the one whose place is `first_room`; nullptr when the
  // worker has tried every station within reach, or max_tries of them.
  [[nodiscard]] const Stop* stop(std::uint32_t first_room, int k) const {
    const std::size_t start = route_of_room_[first_room];
    if (start == kNoRoute || k < 1 || static_cast<std::size_t>(k) > per_station_) return nullptr;
    const Stop& s = stops_[start + static_cast<std::size_t>(k) - 1];
    return s.facility == kNone ? nullptr : &s;
  }

 private:
  static constexpr std::size_t kNoRoute = static_cast<std::size_t>(-1);
  std::vector<std::uint32_t> station_offer_;  // per network offer
  std::vector<std::string> names_;
  std::size_t per_station_ = 0;             // max_tries - 1, or fewer when there are fewer stations
  std::vector<std::size_t> route_of_room_;  // per room: its route's first stop in stops_
  std::vector<Stop> stops_;                 // routes of per_station_ stops, padded with kNone
};

}  // namespace circlesim::services
