// The service rooms of a scenario as queueing stations: each room is a server pool with its staff
// as servers; each service sends Poisson arrivals to its room, with its own duration, patience
// and priority. This is the part of the community model that runs today (single-room and
// multi-room scenarios without geography); the rest of the model builds on it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/confidence_interval.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/trace/trace_sink.hpp"

namespace circlesim::models {

// What one replication measured over the run's horizon, after the warm-up.
struct ServiceMeasures {
  double arrivals = 0;  // after the warm-up, who also left before the horizon
  double served = 0;
  double abandoned = 0;      // reneged: patience ran out while waiting
  double turned_away = 0;    // balked at a full room, or sent away at closing
  double mean_wait = 0;      // arrival to start of service, of those served
  double mean_sojourn = 0;   // arrival to departure, of those served
  double mean_delay = 0;     // time in queue of everyone admitted, abandoners included
  double p_delayed = 0;      // share of admitted customers who could not start at once
  double p_abandon = 0;      // share of arrivals who abandoned
  double p_turned_away = 0;  // share of arrivals turned away
};
struct RoomMeasures {
  double utilisation = 0;               // busy staff / staff, time-average
  double mean_in_queue = 0;             // time-average number waiting
  std::vector<double> present_by_hour;  // mean number present (waiting or served) at h:00
};
struct ReplicationMeasures {
  std::vector<ServiceMeasures> services;
  std::vector<RoomMeasures> rooms;
  bool interrupted = false;  // stopped early on request; the measures cover [warm-up, stopped_at]
  double stopped_at = 0;
};

// What a replication writes and when it must stop. The sink (if any) has had begin() called;
// the replication writes the lookups, the requests (and events), the time series per room, the
// histograms and the scalars, then calls finish(). `stop` is polled every simulated hour: a
// nonzero value (a signal number) stops the run, and the trace is finished as interrupted.
struct ReplicationOutput {
  sim::trace::TraceSink* sink = nullptr;
  const std::atomic<int>* stop = nullptr;
  double interval = 15.0;  // minutes per time-series interval
  // When set, the simulated time reached (min), stored at the same polls: progress for batches.
  std::atomic<double>* simulated = nullptr;
};

ReplicationMeasures run_room_replication(const scenario::Scenario& scenario,
                                         std::uint64_t replication,
                                         const ReplicationOutput& output = {});

// Makes the trace sink of one replication (or returns nullptr for none).
using SinkFactory = std::function<std::unique_ptr<sim::trace::TraceSink>(std::uint64_t)>;

// Replications 0..n-1 (n from the scenario), spread over `jobs` threads; the result does not
// depend on `jobs`. The first exception of any replication is rethrown here after all stop.
// `interval`: minutes per time-series interval of the traces.
std::vector<ReplicationMeasures> run_room_replications(const scenario::Scenario& scenario, int jobs,
                                                       const SinkFactory& sinks = {},
                                                       const std::atomic<int>* stop = nullptr,
                                                       double interval = 15.0);

// The summary table: each measure with its confidence interval at the run's level.
std::string room_summary_table(const scenario::Scenario& scenario,
                               const std::vector<ReplicationMeasures>& replications);

}  // namespace circlesim::models
