// One thread that runs tasks in order, with a bounded queue: the producer blocks when `capacity`
// tasks are waiting, so memory stays bounded however long the run. The first task that throws
// stops the worker; later submissions and wait() rethrow its exception on the producer's side.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace circlesim::sim::trace {

class BackgroundWorker {
 public:
  explicit BackgroundWorker(std::size_t capacity);
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;
  // Runs what is queued, then stops (exceptions of those tasks are dropped: call wait() first).
  ~BackgroundWorker();

  // Queues a task; blocks while the queue is full; rethrows an earlier task's failure.
  void submit(std::function<void()> task);
  // Waits until every queued task has run; rethrows the first failure.
  void wait();

 private:
  void loop();
  void rethrow_failure();

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> tasks_;
  bool busy_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace circlesim::sim::trace
