// The service rooms of a scenario as queueing stations: each room is a server pool with its staff
// as servers; each service sends Poisson arrivals to its room, with its own duration, patience
// and priority. This is the part of the community model that runs today (single-room and
// multi-room scenarios without geography); the rest of the model builds on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/confidence_interval.hpp"
#include "models/scenario/scenario.hpp"

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
};

ReplicationMeasures run_room_replication(const scenario::Scenario& scenario,
                                         std::uint64_t replication);

// Replications 0..n-1 (n from the scenario), spread over `jobs` threads; the result does not
// depend on `jobs`.
std::vector<ReplicationMeasures> run_room_replications(const scenario::Scenario& scenario,
                                                       int jobs);

// The summary table: each measure with its confidence interval at the run's level.
std::string room_summary_table(const scenario::Scenario& scenario,
                               const std::vector<ReplicationMeasures>& replications);

}  // namespace circlesim::models
