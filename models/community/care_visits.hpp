// Proactive care visits (policies.care_visits): every member of a policy's group is visited
// once every interval by a grid member, through the community's dispatch desk. The scheduler
// walks each policy's list of residents with one cursor event (not one pending event per
// resident) and keeps out.visits from what the desk reports back.
#pragma once

#include <cstdint>
#include <vector>

#include "models/city/population.hpp"
#include "models/community/home_service_desk.hpp"
#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"
#include "sim/random_stream.hpp"
#include "sim/simulation.hpp"

namespace circlesim::community {

// Registers itself as the desk's visit observer: construct it after the desk, keep it alive as
// long as the simulation, and the desk's finish() completes its measures too. Visits fall due
// from time 0; `end` (optional) stops posting due visits and backlog samples after it.
class CareVisitScheduler final : public sim::EventHandler, public CareVisitObserver {
 public:
  CareVisitScheduler(sim::Simulation& sim, const scenario::Scenario& scenario,
                     const city::Residents& residents, const sim::RandomStreams& streams,
                     sim::Time warmup, HomeServiceDesk& desk, services::CityMeasures& out,
                     sim::Time end = sim::kNever);

  void handle_event(sim::Simulation& sim, std::uint16_t kind, std::uint32_t policy) override;
  void visit_ended(const HomeRequest& visit, HomeOutcome outcome, sim::Time end) override;
  void visits_finished(sim::Time now) override;

  // Visits due and not yet done (or dropped), now.
  [[nodiscard]] double backlog(std::size_t policy) const { return policies_[policy].backlog; }

 private:
  enum EventKind : std::uint16_t { kDue, kSample };

  struct Policy {
    std::vector<std::uint32_t> members;  // residents of the group, in index order
    std::vector<std::uint8_t> visited;   // per member: a visit completed after the warm-up
    std::uint64_t cursor = 0;            // visits fallen due so far
    double backlog = 0;
    sim::RandomEngine duration_rng;
  };

  // When the cursor-th visit of policy p falls due: member (cursor mod n), first spread evenly
  // over the first interval, then every interval.
  [[nodiscard]] sim::Time due_time(std::size_t p, std::uint64_t cursor) const;
  void post_next(std::size_t p);

  sim::Simulation& sim_;
  const scenario::Scenario& scenario_;
  const city::Residents& residents_;
  HomeServiceDesk& desk_;
  services::CityMeasures& out_;
  sim::Time warmup_;
  sim::Time end_;
  sim::HandlerId handler_;
  std::vector<Policy> policies_;
};

}  // namespace circlesim::community
