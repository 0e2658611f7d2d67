// Where requests come from: one Poisson stream per demand entry of a service, handing each
// request to the flow (request_flow.hpp) with the resident who made it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/city/population.hpp"
#include "models/scenario/scenario.hpp"
#include "models/services/request_flow.hpp"
#include "sim/arrival_process.hpp"
#include "sim/random_stream.hpp"
#include "sim/simulation.hpp"

namespace circlesim::services {

// Poisson requests of one demand stream of one service: members of the stream's group ask at
// their rate (each arrival is a uniformly chosen member, so requests arise where members live),
// or each community asks at the stream's rate (a uniformly chosen resident of a uniformly chosen
// community). Each request's duration, patience and escalation are drawn here, so that they
// belong to the request whatever the policies do with it.
class DemandSource final : public sim::EventHandler {
 public:
  DemandSource(sim::Simulation& sim, CityFlow& flow, const scenario::Scenario& scenario,
               const city::City& city, const city::Residents& residents,
               const std::vector<std::uint32_t>* members, std::size_t service, std::size_t stream,
               const sim::RandomStreams& streams, sim::Time end);
  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override;

 private:
  // Posts the arrival drawn ahead, readies its requester and draws the arrival after it.
  void advance(sim::Simulation& sim);
  // Draws who will ask: a position in members_ for a group's stream (resolved a step later, so
  // that the list's entry, a cache miss among millions, is prefetched meanwhile), else the
  // resident (kNone for a community without residents).
  std::uint32_t draw_requester();
  [[nodiscard]] std::uint32_t resolve(std::uint32_t drawn) const;
  // Whether a request made now by `resident` survives the district surges' thinning.
  bool kept_by_surges(sim::Time now, std::uint32_t resident);

  CityFlow& flow_;
  const scenario::Service& service_;
  const city::City& city_;
  const city::Residents& residents_;
  const std::vector<std::uint32_t>* members_;  // null: every community asks (absolute rate)
  std::size_t service_index_;
  std::uint16_t group_;
  sim::RandomEngine arrivals_;
  sim::RandomEngine attributes_;
  sim::RandomEngine thinning_;
  const std::vector<scenario::DemandStream::DistrictSurge>& surges_;
  std::optional<sim::PoissonArrivals> constant_;
  std::optional<sim::ProfileArrivals> profiled_;
  bool per_member_ = true;
  // Arrivals are drawn two ahead: the one scheduled (its requester's records prefetched) and the
  // next (its members_ entry prefetched). The draws are those of drawing each arrival when the
  // previous one happens, in the same order: the same numbers.
  std::uint32_t next_resident_ = kNone;  // who makes the request already scheduled
  sim::Time ahead_at_ = sim::kNever;     // the arrival after it
  std::uint32_t ahead_drawn_ = kNone;    // and its draw_requester()
  sim::Time end_;
  sim::HandlerId handler_;
};

}  // namespace circlesim::services
