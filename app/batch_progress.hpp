// Progress of a batch on stderr: on a terminal a line redrawn twice a second, otherwise a log
// line every few seconds, with replications done, simulated time, rate and estimated time left.
// The estimate weighs each replication by its simulated horizon, so one long replication
// reports progress too (models store the simulated time reached each simulated hour).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace circlesim::app {

// Seconds between log lines: the default and the range the command line accepts.
inline constexpr double kDefaultLogSeconds = 5.0;
inline constexpr double kMinLogSeconds = 0.05;
inline constexpr double kMaxLogSeconds = 3600.0;

// The pause between log lines: `log_seconds` clamped to the accepted range; a NaN, infinite or
// non-positive value, with which the reporting loop would spin and never stop, gives the default.
[[nodiscard]] std::chrono::duration<double> log_period(double log_seconds);

class BatchProgress {
 public:
  // `horizons`: the simulated minutes of each replication to run; `label` starts every line.
  BatchProgress(std::vector<double> horizons, std::string label, double log_seconds);
  BatchProgress(const BatchProgress&) = delete;
  BatchProgress& operator=(const BatchProgress&) = delete;
  ~BatchProgress();  // stop()

  // Where replication `task` stores the simulated time it has reached.
  [[nodiscard]] std::atomic<double>* simulated(std::size_t task) { return &simulated_[task]; }
  void finished(std::size_t task);
  // Prints the last line (and ends a redrawn one) and stops the reporting thread.
  void stop();

  // "12/40 replications, 31.5% simulated, 2.1 replications/min, 13m05s left" (exposed for tests).
  [[nodiscard]] std::string line() const;

 private:
  void loop();

  std::vector<double> horizons_;
  double total_ = 0;
  std::unique_ptr<std::atomic<double>[]> simulated_;
  std::atomic<std::size_t> done_{0};
  std::string label_;
  bool terminal_;
  std::chrono::duration<double> period_;
  std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace circlesim::app
