// The community-service model of a city: residents make requests (a Poisson stream per
// service, group and area), choose where to go, travel, queue in a staffed room and are
// served, give up, find the room full, or find nothing in reach; what the community cannot
// solve is escalated to the street office or the district department.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "models/rooms/room_model.hpp"
#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"

namespace circlesim::services {

// One replication; `output` as for the room model (sink, stop flag, time-series interval).
CityMeasures run_city_replication(const scenario::Scenario& scenario, std::uint64_t replication,
                                  const models::ReplicationOutput& output = {});

// Replications 0..n-1 on `jobs` threads; the result does not depend on `jobs`.
std::vector<CityMeasures> run_city_replications(
    const scenario::Scenario& scenario, int jobs, const models::SinkFactory& sinks = {},
    const std::atomic<int>* stop = nullptr,
    double interval = scenario::default_trace_interval(true));

// The printed KPI summary: by service, group, district, the facilities with the longest mean
// wait, and coverage, with confidence intervals across replications.
std::string city_summary_table(const scenario::Scenario& scenario,
                               const std::vector<CityMeasures>& replications);

}  // namespace circlesim::services
