// Where each service can be had: for every kind of offer (a channel and a room type, e.g. the
// health room of community centres) the facilities and rooms that offer it, and for every grid
// its own facility, the nearest one and the few nearest (for choice models). Built once per
// scenario; read on every request.
//
// Distances are metres of travel: the straight line times the city's detour factor, or, for a
// pair that city.travel_times lists, the measured minutes times the walking speed they are for
// (an equivalent distance, see measured_travel_speed), so that every speed scales both alike.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "models/city/geography.hpp"
#include "models/scenario/scenario.hpp"

namespace circlesim::services {

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// One facility's room that offers a kind of service, and how far it is (metres of travel,
// detour included) from a grid.
struct Candidate {
  std::uint32_t facility = kNone;
  std::uint32_t room = kNone;
  double distance_m = std::numeric_limits<double>::infinity();
};

struct Offer {
  scenario::Channel channel = scenario::Channel::kCentreRoom;
  std::string room_type;
  std::vector<Candidate> places;  // facility and room, distance unused
  // Per grid: the facility of the grid's own area (community, street or district), the
  // nearest, and the `candidates` nearest (nearest first).
  std::vector<Candidate> own;
  std::vector<Candidate> nearest;
  std::vector<Candidate> near_list;  // grids x per_grid, padded with kNone
  std::size_t per_grid = 0;
};

// A measured pair of city.travel_times as an equivalent distance.
struct MeasuredDistance {
  std::uint32_t facility = kNone;
  double distance_m = 0;
};

// Metres per minute of the walking speed that measured travel times are for: `general`'s, an
// adult's (1.0 m/s). A group or service with another speed scales the equivalent distance.
[[nodiscard]] double measured_travel_speed(const scenario::Scenario& scenario);

// Metres of travel from a grid to a point when nothing is measured: straight line x detour.
[[nodiscard]] inline double straight_travel_m(const city::City& city, city::Index grid,
                                              city::Point to) {
  const city::Point at = city.grids[grid].location;
  return std::hypot(to.x - at.x, to.y - at.y) * city.detour_factor;
}

class ServiceNetwork {
 public:
  ServiceNetwork(const scenario::Scenario& scenario, const city::City& city);

  // The offer each service uses (index into offers()).
  // kNone for a service at home.
  [[nodiscard]] std::size_t offer_of_service(std::size_t service) const {
    return offer_of_service_[service];
  }
  // The offer that takes a service's escalations at street offices or district departments.
  [[nodiscard]] std::size_t escalation_offer_of_service(std::size_t service) const {
    return escalation_offer_[service];
  }
  // The offer that takes what goes onward from the street office (kNone when nothing does).
  [[nodiscard]] std::size_t onward_offer_of_service(std::size_t service) const {
    return onward_offer_[service];
  }
  [[nodiscard]] const std::vector<Offer>& offers() const { return offers_; }
  [[nodiscard]] const Offer& offer(std::size_t index) const { return offers_[index]; }

  // The pairs of city.travel_times from a grid, by facility (empty without travel times).
  [[nodiscard]] std::span<const MeasuredDistance> measured(city::Index grid) const {
    if (measured_start_.empty()) return {};
    return std::span(measured_).subspan(measured_start_[grid],
                                        measured_start_[grid + 1] - measured_start_[grid]);
  }
  [[nodiscard]] bool has_measured() const { return !measured_.empty(); }
  // Metres of travel from a grid to a facility: measured (as an equivalent distance) or
  // straight line x detour factor.
  [[nodiscard]] double distance_m(const scenario::Scenario& scenario, const city::City& city,
                                  city::Index grid, std::uint32_t facility) const;

 private:
  std::size_t offer_index(scenario::Channel channel, const std::string& room_type);
  void build_offer(Offer& offer, const scenario::Scenario& scenario, const city::City& city,
                   std::size_t per_grid);

  std::vector<Offer> offers_;
  // city.travel_times by grid: grid g's pairs are measured_[measured_start_[g],
  // measured_start_[g + 1]).
  std::vector<std::size_t> measured_start_;
  std::vector<MeasuredDistance> measured_;
  std::vector<std::size_t> offer_of_service_;
  std::vector<std::size_t> escalation_offer_;  // kNone as size_t when not escalated
  std::vector<std::size_t> onward_offer_;
};

// The facility kind a channel is served at.
scenario::FacilityKind facility_kind_of(scenario::Channel channel);

}  // namespace circlesim::services
