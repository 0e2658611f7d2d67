// Runs body(0) .. body(count - 1) on `jobs` threads (the calling thread is one of them), each
// index once, handed out in order. The first exception stops the others at their next index and
// is rethrown once all have stopped.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace circlesim::sim {

template <class Body>
void parallel_for(std::size_t count, int jobs, Body&& body) {
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = count;
        return;
      }
    }
  };
  const auto threads = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, jobs)), count);
  std::vector<std::jthread> workers;
  for (std::size_t j = 1; j < threads; ++j) workers.emplace_back(work);
  work();
  for (std::jthread& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace circlesim::sim
