// Runs replications 0..n-1 on `jobs` threads, each into its own slot, so that the results do
// not depend on the number of threads. The first exception of any replication is rethrown
// after all threads have stopped; a nonzero `stop` ends the batch before the next replication.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace circlesim::models {

template <class Result, class RunOne>
std::vector<Result> run_replications_in_parallel(std::size_t n, int jobs,
                                                 const std::atomic<int>* stop, RunOne&& run_one) {
  std::vector<Result> results(n);
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        if (stop != nullptr && stop->load() != 0) return;
        results[i] = run_one(i);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = n;  // the others stop at their next replication
        return;
      }
    }
  };
  std::vector<std::jthread> workers;
  for (int j = 1; j < std::max(1, jobs); ++j) workers.emplace_back(work);
  work();
  for (std::jthread& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
  return results;
}

}  // namespace circlesim::models
