// Runs replications 0..n-1 on `jobs` threads, each into its own slot, so that the results do
// not depend on the number of threads. The first exception of any replication is rethrown
// after all threads have stopped; a nonzero `stop` ends the batch before the next replication.
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include "sim/parallel_for.hpp"

namespace circlesim::models {

template <class Result, class RunOne>
std::vector<Result> run_replications_in_parallel(std::size_t n, int jobs,
                                                 const std::atomic<int>* stop, RunOne&& run_one) {
  std::vector<Result> results(n);
  sim::parallel_for(n, jobs, [&](std::size_t i) {
    if (stop != nullptr && stop->load() != 0) return;
    results[i] = run_one(i);
  });
  return results;
}

}  // namespace circlesim::models
