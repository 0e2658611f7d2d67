// Where each service can be had: for every kind of offer (a channel and a room type, e.g. the
// health room of community centres) the facilities and rooms that offer it, and for every grid
// its own facility, the nearest one and the few nearest (for choice models). Built once per
// scenario; read on every request.
#pragma once

#include <cstdint>
#include <limits>
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

class ServiceNetwork {
 public:
  ServiceNetwork(const scenario::Scenario& scenario, const city::City& city);

  // The offer each service uses (index into offers()).
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

 private:
  std::size_t offer_index(scenario::Channel channel, const std::string& room_type);
  void build_offer(Offer& offer, const scenario::Scenario& scenario, const city::City& city,
                   std::size_t per_grid);

  std::vector<Offer> offers_;
  std::vector<std::size_t> offer_of_service_;
  std::vector<std::size_t> escalation_offer_;  // kNone as size_t when not escalated
  std::vector<std::size_t> onward_offer_;
};

// The facility kind a channel is served at.
scenario::FacilityKind facility_kind_of(scenario::Channel channel);

}  // namespace circlesim::services
