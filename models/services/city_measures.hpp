// What one replication of the city model measured, after the warm-up, by service, group,
// community, district, room and facility. Counts are plain numbers per replication; the summary
// puts confidence intervals on them across replications.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/histogram.hpp"
#include "sim/tally.hpp"

namespace circlesim::services {

// Count, sum and extremes of a measure, for means over millions of requests at a few
// instructions each (no division per value, unlike a Welford tally: these means need no
// variance).
class Sum {
 public:
  void add(double x) {
    ++count_;
    sum_ += x;
    if (x > max_) max_ = x;
  }
  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] double sum() const { return sum_; }
  [[nodiscard]] double mean() const {
    return count_ > 0 ? sum_ / static_cast<double>(count_) : kUndefined;
  }
  [[nodiscard]] double max() const { return count_ > 0 ? max_ : kUndefined; }
  // Adds another's values, as if they had been added here (the sum up to rounding).
  void merge(const Sum& other) {
    count_ += other.count_;
    sum_ += other.sum_;
    if (other.max_ > max_) max_ = other.max_;
  }

 private:
  static constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t count_ = 0;
  double sum_ = 0;
  double max_ = -std::numeric_limits<double>::infinity();
};

// Why a request found no service point (kClosed: its room was closed and the service's
// when_closed says leave).
enum class UnmetReason : std::uint8_t { kNoFacility, kTooFar, kNotEligible, kClosed };
inline constexpr int kUnmetReasons = 4;
// The reason's name in traces (unmet_<name>); a new reason must be named here (-Wswitch).
inline const char* to_string(UnmetReason reason) {
  switch (reason) {
    case UnmetReason::kNoFacility:
      return "no_facility";
    case UnmetReason::kTooFar:
      return "too_far";
    case UnmetReason::kNotEligible:
      return "not_eligible";
    case UnmetReason::kClosed:
      return "closed";
  }
  return "unknown";
}

// The fate of requests and their times. A request arriving after the warm-up counts once, by
// its outcome at its first place of service: served there, reneged, balked (a full room, or sent
// away at closing), unmet (no place in reach, see UnmetReason), escalated (served, then passed
// to the street or district), or still in the system when the run ends.
struct FlowCounts {
  double requests = 0;
  double served = 0;
  double reneged = 0;
  double balked = 0;
  double unmet = 0;
  double escalated = 0;
  double in_system = 0;
  double unmet_by_reason[kUnmetReasons] = {};
  Sum wait;     // arrival at the room to start of service, of served and escalated
  Sum sojourn;  // request made to leaving the room (travel included), same requests
  Sum travel;   // of everyone who travelled
  double within_travel_target = 0;  // travellers whose trip took <= the target
  double within_wait_target = 0;    // served or escalated with wait <= the target

  // Adds another breakdown's counts and sums (a facility's from its rooms').
  void merge(const FlowCounts& other) {
    requests += other.requests;
    served += other.served;
    reneged += other.reneged;
    balked += other.balked;
    unmet += other.unmet;
    escalated += other.escalated;
    in_system += other.in_system;
    for (int k = 0; k < kUnmetReasons; ++k) unmet_by_reason[k] += other.unmet_by_reason[k];
    wait.merge(other.wait);
    sojourn.merge(other.sojourn);
    travel.merge(other.travel);
    within_travel_target += other.within_travel_target;
    within_wait_target += other.within_wait_target;
  }
};

// Flow counts with quantiles of wait and sojourn (per service and per group).
struct FlowWithQuantiles {
  FlowCounts flow;
  sim::Histogram wait_histogram{0.01, 1e-3, 10 * 365 * 1440.0};
  sim::Histogram sojourn_histogram{0.01, 1e-3, 10 * 365 * 1440.0};
};

struct RoomCounts {
  // Every arrival at the room's queue, escalated matters included, and those served.
  double arrivals = 0;
  double served = 0;
  double utilisation = 0;  // busy staff / staff, time-average
  // Busy staff over staff on duty, over the time on duty (what a planner staffing the opening
  // hours asks); overtime after closing can take it above 1. NaN for a room never on duty.
  double utilisation_on_duty = 0;
  std::vector<double> utilisation_by_hour;  // 24 values: busy / staff by hour of day
  // The requests whose first place was this room (not the escalated matters it took on), as
  // by community: unmet here only if it was found closed (UnmetReason::kClosed). No quantiles.
  FlowCounts flow;
};

// Escalations at the street office or district department.
struct EscalationCounts {
  double escalated = 0;
  double onward = 0;           // of those, sent on from the street office to the district
  double resolved = 0;         // served at the last place they were sent to
  double unresolved = 0;       // reneged, balked, or found no target
  sim::Tally resolution_time;  // first request to the end of service at the last place
};

// Coverage: the share of each group's residents whose nearest place offering a kind of
// service is within the travel target, and 2SFCA accessibility (per offer x group).
struct AccessMeasures {
  std::vector<std::string> offers;  // "<facility kind>/<room type>"
  std::vector<double> coverage;     // offers x groups
  // offers x groups: population-weighted mean 2SFCA (staff per resident competing for them,
  // catchment = the travel target, no distance decay), and the share with none in reach.
  std::vector<double> accessibility;
  std::vector<double> no_access;
};

struct CityMeasures {
  std::vector<FlowWithQuantiles> services;
  std::vector<FlowWithQuantiles> groups;   // a request counts under every group of its resident
  std::vector<FlowCounts> service_groups;  // services x groups
  std::vector<FlowCounts> communities;     // by the requester's home
  std::vector<FlowCounts> districts;
  std::vector<RoomCounts> rooms;
  std::vector<FlowCounts> facilities;  // the sum of each facility's rooms' flow, at the end
  EscalationCounts escalations;
  AccessMeasures access;
  double residents = 0;
  double requests_simulated = 0;  // every request made, warm-up included
  // Wall-clock seconds to build the replication's residents, network and access measures
  // (printed, never traced: traces must not depend on the machine).
  double build_seconds = 0;
  bool interrupted = false;
  double stopped_at = 0;
};

}  // namespace circlesim::services
