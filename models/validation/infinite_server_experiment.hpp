// M_t/M/infinity with sinusoidal arrivals: an exact oracle for the time-varying arrival
// generator (thinning). The mean number in system at time t is the modified offered load m(t).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace circlesim::models::validation {

struct SinusoidalInfiniteServer {
  double mean_rate = 0;           // lambda-bar, arrivals per minute
  double amplitude = 0;           // r in lambda(t) = lambda-bar (1 + r sin(omega t)), 0 <= r <= 1
  sim::Time period = 0;           // 2 pi / omega
  sim::Time mean_service = 0;     // exponential service, 1 / mu
  sim::Time warmup = 0;           // sampling starts at the first period boundary after it
  int measured_periods = 0;       // number of whole periods observed after warm-up
  std::vector<sim::Time> phases;  // offsets within the period at which N(t) is sampled
};

struct InfiniteServerMeasures {
  std::vector<double> mean_in_system;  // per phase: average of N over the sampled periods
  bool flow_conserved = false;
};

InfiniteServerMeasures run_infinite_server_replication(const SinusoidalInfiniteServer& experiment,
                                                       std::uint64_t master_seed,
                                                       std::uint64_t replication);

}  // namespace circlesim::models::validation
