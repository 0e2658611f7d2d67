// A single-station queueing experiment with Poisson arrivals per priority class: the system that
// every validation case (Erlang B/C, M/M/c/K, M/G/1, priorities, Erlang-A) is an instance of.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/server_pool.hpp"

namespace circlesim::models::validation {

struct QueueExperiment {
  std::string name;
  std::vector<double> arrival_rates;             // Poisson rate per priority class
  std::vector<sim::Distribution> service_times;  // one per class
  std::optional<sim::Distribution> patience;     // none: customers never renege
  sim::ServerPoolConfig pool;
  sim::Time warmup = 0;                           // cut before measuring
  sim::Time measured = 0;                         // length of the observation window
  std::optional<sim::Time> service_level_target;  // for P(wait <= target)
};

// What one replication measured, per class and for all classes together.
struct ClassMeasures {
  std::uint64_t arrivals = 0;
  std::uint64_t served = 0;
  std::uint64_t reneged = 0;
  std::uint64_t balked = 0;
  double p_delayed = 0;       // arrivals that could not start at once
  double p_abandon = 0;       // arrivals that reneged
  double p_block = 0;         // arrivals that balked (found the waiting room full)
  double mean_wait = 0;       // queueing delay of customers who started service
  double mean_delay = 0;      // queueing delay of everyone admitted, abandoners included
  double mean_sojourn = 0;    // arrival to departure of served customers
  double mean_in_system = 0;  // time-average number present
};

struct QueueMeasures {
  std::vector<ClassMeasures> classes;
  ClassMeasures total;
  double mean_in_queue = 0;
  double mean_busy = 0;
  double service_level = 0;  // share of arrivals served with wait <= target (if a target is set)
  // Flow conservation over the window: present at start + arrivals
  //   == served + reneged + balked + sent away + present at end.
  bool flow_conserved = false;
  std::uint64_t present_at_start = 0;
  std::uint64_t present_at_end = 0;
  // Little's law on the sample path: L against (departures / window) x mean time in system.
  double littles_law_relative_gap = 0;
};

// Runs one replication: warm-up, reset, measured window. Pure function of its arguments.
QueueMeasures run_queue_replication(const QueueExperiment& experiment, std::uint64_t master_seed,
                                    std::uint64_t replication);

}  // namespace circlesim::models::validation
