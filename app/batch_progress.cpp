// BatchProgress (batch_progress.hpp).
#include "app/batch_progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace circlesim::app {

namespace {

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02d}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02d}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

std::chrono::duration<double> log_period(double log_seconds) {
  if (!std::isfinite(log_seconds) || log_seconds <= 0) {
    return std::chrono::duration<double>(kDefaultLogSeconds);
  }
  return std::chrono::duration<double>(std::clamp(log_seconds, kMinLogSeconds, kMaxLogSeconds));
}

BatchProgress::BatchProgress(std::vector<double> horizons, std::string label, double log_seconds)
    : horizons_(std::move(horizons)),
      total_(std::accumulate(horizons_.begin(), horizons_.end(), 0.0)),
      simulated_(std::make_unique<std::atomic<double>[]>(horizons_.size())),
      label_(std::move(label)),
      terminal_(::isatty(STDERR_FILENO) == 1),
      period_(terminal_ ? std::chrono::duration<double>(0.5) : log_period(log_seconds)),
      started_(std::chrono::steady_clock::now()),
      thread_([this] { loop(); }) {}

BatchProgress::~BatchProgress() { stop(); }

void BatchProgress::finished(std::size_t task) {
  simulated_[task].store(horizons_[task], std::memory_order_relaxed);
  done_.fetch_add(1, std::memory_order_relaxed);
}

std::string BatchProgress::line() const {
  double reached = 0;
  for (std::size_t i = 0; i < horizons_.size(); ++i) {
    reached += std::clamp(simulated_[i].load(std::memory_order_relaxed), 0.0, horizons_[i]);
  }
  const double share = total_ > 0 ? reached / total_ : 1.0;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::size_t done = done_.load(std::memory_order_relaxed);
  const double left = share > 0 ? elapsed * (1 - share) / share : INFINITY;
  return fmt::format("{}{}/{} replications, {:.1f}% simulated, {:.3g} replications/min, {} left",
                     label_, done, horizons_.size(), 100 * share,
                     elapsed > 0 ? 60.0 * static_cast<double>(done) / elapsed : 0.0,
                     duration_text(left));
}

void BatchProgress::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    if (terminal_) {
      fmt::print(stderr, "\r\033[K{}", line());
    } else {
      fmt::print(stderr, "{}\n", line());
    }
    std::fflush(stderr);
  }
}

void BatchProgress::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  fmt::print(stderr, "{}{}\n", terminal_ ? "\r\033[K" : "", line());
}

}  // namespace circlesim::app
