// The life of a request in the city model, from the moment a resident asks to the moment it
// leaves the system: choice of a place, travel, the room's queue, escalation. One CityFlow per
// replication; it owns the server pools and records every outcome into CityMeasures.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/city/population.hpp"
#include "models/community/home_service_desk.hpp"
#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"
#include "models/services/red_station_routes.hpp"
#include "models/services/service_network.hpp"
#include "sim/random_stream.hpp"
#include "sim/server_pool.hpp"
#include "sim/simulation.hpp"
#include "sim/trace/trace_sink.hpp"

namespace circlesim::services {

class CityFlow final : public sim::EventHandler,
                       public sim::PoolObserver,
                       public community::HomeOutcomeObserver {
 public:
  CityFlow(sim::Simulation& sim, const scenario::Scenario& scenario, const city::City& city,
           const city::Residents& residents, const ServiceNetwork& network,
           const sim::RandomStreams& streams, sim::Time warmup, CityMeasures& out);

  // A resident asks for a service now, from a demand stream of `group`.
  void request(std::size_t service, std::uint16_t group, std::uint32_t resident, sim::Time duration,
               sim::Time patience, bool escalate, bool onward);

  void handle_event(sim::Simulation& sim, std::uint16_t kind, std::uint32_t slot) override;
  void on_departure(const sim::PoolDeparture& departure) override;
  // Home services go to the community's desk, which reports each request's end back here.
  void set_home_desk(community::HomeServiceDesk* desk) { home_ = desk; }
  void home_request_done(const community::HomeRequestDone& done) override;

  // Counts the requests still in the system (after the warm-up) and turns pool statistics into
  // room measures; call once at the end of the run.
  void finish(sim::Time now);
  void reset_statistics();  // end of the warm-up

  [[nodiscard]] const std::vector<std::unique_ptr<sim::ServerPool>>& pools() const {
    return pools_;
  }
  void set_request_rows(std::vector<sim::trace::RequestRecord>* rows) { rows_ = rows; }
  [[nodiscard]] std::uint64_t requests_made() const { return next_request_; }

 private:
  enum EventKind : std::uint16_t { kReachRoom, kReachEscalationTarget, kReachNextStation };
  // A request's place: its first room, the escalation target, or onward from the street office
  // to the district department.
  enum class Stage : std::uint8_t { kFree, kFirst, kEscalated, kOnward };

  // What every breakdown of a request needs of its requester, copied into the request when it
  // is made (the resident's records are in cache then, and long gone when it ends).
  struct Requester {
    city::GroupMask groups;
    city::Index community;
    city::Index district;
  };

  struct Request {
    std::uint64_t number;
    sim::Time made;     // when the resident asked
    sim::Time reached;  // when it reached the room of its current stage
    sim::Time travel;
    sim::Time duration;
    sim::Time patience;
    Requester requester;
    std::uint32_t resident;
    std::uint32_t room;
    std::uint32_t facility;
    std::uint16_t service;
    std::uint16_t group;  // of the demand stream that made it
    Stage stage;
    bool escalate;  // decided when asked, so that policies do not shift it
    bool onward;    // likewise: on from the street office to the district
    // Red stations: stations tried so far, the current one included (0: not a red station's).
    std::uint8_t station_tries;
    union {
      std::uint32_t next_free;   // free-list link while kFree
      std::uint32_t first_room;  // red stations: the first station's room, once moved on
    };
  };

  std::uint32_t allocate();
  void release(std::uint32_t slot);
  int priority_class(std::size_t service, city::GroupMask groups) const;
  std::optional<Candidate> choose(std::size_t service, std::uint32_t resident);
  double expected_wait(std::uint32_t room) const;
  void unmet(std::size_t service, std::uint16_t group, std::uint32_t resident, UnmetReason reason);
  // A home service: handed to the desk (home_request_done reports its end).
  void ask_at_home(std::size_t service, std::uint16_t group, std::uint32_t resident,
                   sim::Time duration, sim::Time patience);
  // A request that finds its first room closed, and does what its service's when_closed says
  // (leave or return; waiting is the pool's own behaviour).
  void closed_on_arrival(std::uint32_t slot);
  // The first time after `after` at which `room` has staff on duty; kNever if it never opens.
  [[nodiscard]] sim::Time next_opening(std::uint32_t room, sim::Time after) const;
  // Applies `update` to every breakdown a request of `service` by `resident` counts in.
  template <class Update>
  void for_each_breakdown(std::size_t service, const Requester& requester, Update&& update);
  // The same, and under `room`, the request's first room (one more update per request; rooms
  // keep no quantiles).
  template <class Update>
  void for_each_breakdown(std::size_t service, const Requester& requester, std::uint32_t room,
                          Update&& update);
  [[nodiscard]] Requester requester_of(std::uint32_t resident) const;
  [[nodiscard]] double walking_speed(city::GroupMask groups) const;  // metres per minute
  // Records a first-stage outcome into every breakdown.
  void record(const Request& r, sim::trace::RequestOutcome outcome, sim::Time start, sim::Time end);
  // Passes a request on after its service ends at `now`: to the escalation target, or onward.
  void pass_on(std::uint32_t slot, sim::Time now, Stage to);
  void trace_row(const Request& r, sim::trace::RequestOutcome outcome, sim::Time start,
                 sim::Time end);
  // Escalation levels: 0 the street office, 1 a district department.
  [[nodiscard]] int escalation_level(std::uint32_t facility) const;
  void count_resolution(const Request& r, sim::Time end);  // a matter resolved at its last place
  // Red stations (see policies.red_station_overflow): a worker leaving a station's place.
  // Returns true when the worker walks on to the next station (nothing else to record yet).
  bool leave_station(std::uint32_t slot, const sim::PoolDeparture& d);
  void reach_next_station(std::uint32_t slot);
  // The room a request's first-place breakdowns count it under: where it first went.
  [[nodiscard]] std::uint32_t first_room_of(const Request& r) const {
    return r.station_tries > 1 ? r.first_room : r.room;
  }

  sim::Simulation& sim_;
  const scenario::Scenario& scenario_;
  const city::City& city_;
  const city::Residents& residents_;
  const ServiceNetwork& network_;
  CityMeasures& out_;
  sim::Time warmup_;
  sim::HandlerId handler_;
  sim::RandomEngine choice_rng_;
  sim::RandomEngine escalation_delay_rng_;
  std::vector<std::unique_ptr<sim::ServerPool>> pools_;
  std::vector<int> class_of_priority_;  // priority value -> class index
  std::vector<Request> requests_;
  std::uint32_t free_ = std::numeric_limits<std::uint32_t>::max();
  std::uint64_t next_request_ = 0;
  std::vector<sim::trace::RequestRecord>* rows_ = nullptr;
  community::HomeServiceDesk* home_ = nullptr;
  std::vector<double> near_weights_;   // scratch for the logit choice
  std::vector<double> mean_duration_;  // per room, over the services it offers
  std::vector<double> group_speed_;    // walking speed per group, metres per minute
  RedStationRoutes station_routes_;
};

}  // namespace circlesim::services
