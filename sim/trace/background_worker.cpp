#include "sim/trace/background_worker.hpp"

#include <utility>

namespace circlesim::sim::trace {

BackgroundWorker::BackgroundWorker(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), thread_([this] { loop(); }) {}

BackgroundWorker::~BackgroundWorker() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BackgroundWorker::submit(std::function<void()> task) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return tasks_.size() < capacity_ || failure_; });
  rethrow_failure();
  tasks_.push_back(std::move(task));
  changed_.notify_all();
}

void BackgroundWorker::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return (tasks_.empty() && !busy_) || failure_; });
  rethrow_failure();
}

void BackgroundWorker::rethrow_failure() {
  if (failure_) std::rethrow_exception(failure_);
}

void BackgroundWorker::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return !tasks_.empty() || stopping_; });
    if (tasks_.empty()) return;  // stopping, nothing left
    std::function<void()> task = std::move(tasks_.front());
    tasks_.pop_front();
    busy_ = true;
    changed_.notify_all();  // room in the queue
    lock.unlock();
    std::exception_ptr failure;
    if (!failure_) {  // after a failure the remaining tasks are skipped
      try {
        task();
      } catch (...) {
        failure = std::current_exception();
      }
    }
    lock.lock();
    busy_ = false;
    if (failure && !failure_) failure_ = failure;
    changed_.notify_all();
  }
}

}  // namespace circlesim::sim::trace
