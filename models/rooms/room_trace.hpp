// What the room model writes into its trace (docs/trace-format.md): request rows, event rows, the
// per-interval time series of each room, and the summary (histograms, scalars).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "models/rooms/room_model.hpp"
#include "sim/server_pool.hpp"
#include "sim/simulation.hpp"
#include "sim/trace/trace_sink.hpp"

namespace circlesim::models {

// A pool customer's tag: the request's number (in order of arrival) above its service's index.
inline constexpr int kServiceBits = 16;
inline std::uint64_t request_tag(std::uint64_t request, std::uint32_t service) {
  return (request << kServiceBits) | service;
}
inline std::uint32_t service_of(std::uint64_t tag) {
  return static_cast<std::uint32_t>(tag & ((1U << kServiceBits) - 1));
}

inline sim::trace::RequestOutcome trace_outcome(sim::PoolOutcome outcome) {
  switch (outcome) {
    case sim::PoolOutcome::kServed:
      return sim::trace::RequestOutcome::kServed;
    case sim::PoolOutcome::kReneged:
      return sim::trace::RequestOutcome::kReneged;
    case sim::PoolOutcome::kBalked:
      return sim::trace::RequestOutcome::kBalked;
    case sim::PoolOutcome::kSentAway:
      return sim::trace::RequestOutcome::kSentAway;
  }
  return sim::trace::RequestOutcome::kServed;
}

// One row per request that left a room, handed to the trace sink in blocks.
class RequestTracer {
 public:
  RequestTracer(sim::trace::TraceSink& sink, const scenario::Scenario& scenario,
                const std::vector<std::uint32_t>& facility_of_room)
      : sink_(sink), scenario_(scenario), facility_of_room_(facility_of_room) {
    rows_.reserve(kBlock);
  }
  void record(const sim::PoolDeparture& d) {
    const std::uint32_t service = service_of(d.tag);
    const auto room = static_cast<std::uint32_t>(scenario_.services[service].room);
    sim::trace::RequestRecord row;
    row.request = d.tag >> kServiceBits;
    row.service = static_cast<std::uint16_t>(service);
    row.room = room;
    row.facility = facility_of_room_[room];
    row.outcome = trace_outcome(d.outcome);
    row.arrival = d.arrival;
    row.start =
        d.service_start == sim::kNever ? std::numeric_limits<double>::quiet_NaN() : d.service_start;
    row.end = d.departure;
    rows_.push_back(row);
    if (rows_.size() == kBlock) flush();
  }
  void flush() {
    sink_.append_requests(rows_);
    rows_.clear();
  }

 private:
  static constexpr std::size_t kBlock = 4096;
  sim::trace::TraceSink& sink_;
  const scenario::Scenario& scenario_;
  const std::vector<std::uint32_t>& facility_of_room_;
  std::vector<sim::trace::RequestRecord> rows_;
};

// Every dispatched event, for the `events` trace level.
class EventTracer final : public sim::EventObserver {
 public:
  explicit EventTracer(sim::trace::TraceSink& sink) : sink_(sink) { rows_.reserve(kBlock); }
  void on_event(const sim::Event& e) override {
    rows_.push_back({e.time, e.handler, e.kind, e.payload});
    if (rows_.size() == kBlock) flush();
  }
  void flush() {
    sink_.append_events(rows_);
    rows_.clear();
  }

 private:
  static constexpr std::size_t kBlock = 4096;
  sim::trace::TraceSink& sink_;
  std::vector<sim::trace::EventRecord> rows_;
};

// Time averages per room and per interval (queue length, busy staff, staff on duty), from the
// pools' own time-weighted integrals: exact, whatever happens inside an interval. The rows go
// to the sink a day's worth at a time, so memory does not grow with the run; without a sink (or
// without rooms) nothing is sampled.
class IntervalSampler final : public sim::EventHandler {
 public:
  static constexpr int kMetrics = 3;  // queue_length, busy_servers, capacity
  static constexpr std::size_t kFlushRows = 96;

  IntervalSampler(sim::Simulation& sim, const std::vector<std::unique_ptr<sim::ServerPool>>& pools,
                  double interval, sim::Time end, sim::trace::TraceSink* sink)
      : pools_(pools),
        interval_(interval),
        end_(end),
        // A city served only at home has no rooms: no time series, rather than one of nothing.
        sink_(pools.empty() ? nullptr : sink),
        previous_(pools.size() * kMetrics, 0.0),
        banked_(pools.size() * kMetrics, 0.0),
        changes_(pools.size(), std::numeric_limits<std::uint64_t>::max()),
        handler_(sim.add_handler(*this)) {
    values_.resize(kMetrics);
    if (sink_ != nullptr && interval_ <= end_) sim.post_at(interval_, handler_, 0, 0);
  }

  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    sample(sim.now());
    if (sim.now() + interval_ <= end_) sim.post_in(interval_, handler_, 0, 0);
  }
  // The pools' statistics are about to be reset (end of warm-up): bank what the current interval
  // has so far, so that its average still covers all of it.
  void before_reset(sim::Time now) {
    if (sink_ == nullptr) return;
    for (std::size_t r = 0; r < pools_.size(); ++r) {
      changes_[r] = std::numeric_limits<std::uint64_t>::max();  // the next sample reads all
      const auto integrals = integrals_of(r, now);
      for (int m = 0; m < kMetrics; ++m) {
        banked_[index(r, m)] += integrals[m] - previous_[index(r, m)];
        previous_[index(r, m)] = 0.0;
      }
    }
  }
  // Closes the last, possibly partial, interval at `now` (the end or the moment of a stop) and
  // hands over what is left.
  void finish(sim::Time now) {
    if (sink_ == nullptr) return;
    if (now > last_sample_) sample(now);
    flush();
  }

 private:
  void flush() {
    if (times_.empty()) return;
    static constexpr const char* kNames[kMetrics] = {"queue_length", "busy_servers", "capacity"};
    static constexpr const char* kUnits[kMetrics] = {"people", "staff", "staff"};
    for (int m = 0; m < kMetrics; ++m) {
      sim::trace::TimeSeries block;
      block.metric = kNames[m];
      block.unit = kUnits[m];
      block.entity = "rooms";
      block.statistic = "time_average";
      block.interval = interval_;
      block.times = times_;
      block.entities = pools_.size();
      block.values = std::move(values_[static_cast<std::size_t>(m)]);
      // A sample at every multiple of the interval up to the end, and one at the end itself.
      block.expected_rows = static_cast<std::size_t>(std::ceil(end_ / interval_));
      sink_->write_timeseries(block);
      values_[static_cast<std::size_t>(m)].clear();
    }
    times_.clear();
  }
  std::size_t index(std::size_t room, int metric) const {
    return room * kMetrics + static_cast<std::size_t>(metric);
  }
  std::array<double, kMetrics> integrals_of(std::size_t room, sim::Time now) const {
    // The integrals are exact at any time: no need to bring the pool's averages up to date.
    const sim::PoolStatistics& s = pools_[room]->statistics();
    return {s.in_queue.integral(now), s.busy.integral(now), s.capacity.integral(now)};
  }
  void sample(sim::Time now) {
    const double length = now - last_sample_;
    times_.push_back(last_sample_);
    for (std::size_t r = 0; r < pools_.size(); ++r) {
      const sim::ServerPool& pool = *pools_[r];
      if (pool.changes() == changes_[r]) {
        // Nothing changed in the interval (most rooms at night): its averages are the counts,
        // read from the pool's own fields instead of three time averages elsewhere in memory.
        const std::array<double, kMetrics> counts{static_cast<double>(pool.waiting()),
                                                  static_cast<double>(pool.busy()),
                                                  static_cast<double>(pool.capacity())};
        for (int m = 0; m < kMetrics; ++m) {
          values_[static_cast<std::size_t>(m)].push_back(counts[static_cast<std::size_t>(m)]);
          previous_[index(r, m)] += counts[static_cast<std::size_t>(m)] * length;
        }
        continue;
      }
      changes_[r] = pool.changes();
      const auto integrals = integrals_of(r, now);
      for (int m = 0; m < kMetrics; ++m) {
        const std::size_t k = index(r, m);
        const double area = banked_[k] + integrals[m] - previous_[k];
        values_[static_cast<std::size_t>(m)].push_back(length > 0 ? area / length : 0.0);
        previous_[k] = integrals[m];
        banked_[k] = 0.0;
      }
    }
    last_sample_ = now;
    if (times_.size() == kFlushRows) flush();
  }

  const std::vector<std::unique_ptr<sim::ServerPool>>& pools_;
  double interval_;
  sim::Time end_;
  sim::trace::TraceSink* sink_;
  sim::Time last_sample_ = 0;
  std::vector<double> previous_;        // integral at the last sample, per room and metric
  std::vector<double> banked_;          // area of the current interval before a reset
  std::vector<std::uint64_t> changes_;  // each pool's change count at the last full sample
  std::vector<double> times_;
  std::vector<std::vector<double>> values_;  // per metric: interval-major, room-minor
  sim::HandlerId handler_;
};

// The rooms' names in the trace: facility/type.
std::vector<std::string> room_names(const scenario::Scenario& scenario);

// Writes what a replication measured into its trace: wait histograms per room and every summary
// measure as a scalar (the time series went out while it ran).
void write_summary_trace(sim::trace::TraceSink& sink, const scenario::Scenario& scenario,
                         const std::vector<std::unique_ptr<sim::ServerPool>>& pools,
                         const ReplicationMeasures& out);

}  // namespace circlesim::models
