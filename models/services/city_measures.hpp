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
// when_closed says leave; kNoMember: a home service nobody in the community can provide).
enum class UnmetReason : std::uint8_t { kNoFacility, kTooFar, kNotEligible, kClosed, kNoMember };
inline constexpr int kUnmetReasons = 5;
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
    case UnmetReason::kNoMember:
      return "no_member";
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
  // By the level that resolved the matter (0 street office, 1 district department): matters
  // received, resolved there, their resolution time (from the request) and those within the
  // level's target (targets.escalation).
  struct Level {
    double received = 0;
    double resolved = 0;
    Sum resolution_time;
    double within_target = 0;
  };
  Level levels[2];
};

// Home services (channel home_visit), per service: requests made after the warm-up and how the
// desk met them. A request counts once, by its outcome; in_system at the end.
struct HomeCounts {
  double requests = 0;
  double served = 0;
  double reneged = 0;    // the resident gave up before a member came (patience)
  double no_member = 0;  // nobody in the grid's community can ever serve it (no able member)
  double in_system = 0;
  // How the member was found: free in the own grid, free in a neighbouring grid of the same
  // community, the community's staff, or only after waiting in the queue.
  double own_grid = 0;
  double neighbour_grid = 0;
  double community_staff = 0;
  double queued = 0;
  Sum response;  // request to the member at the door, of those served
  double within_response_target = 0;
  sim::Histogram response_histogram{0.01, 1e-3, 10 * 365 * 1440.0};
  Sum member_travel;  // one way, minutes
};

// Proactive care visits, per policy.
struct VisitCounts {
  double due = 0;            // visits that fell due after the warm-up
  double done = 0;           // of those, visited (at any time before the end)
  double on_time = 0;        // visited within the interval after falling due
  double overdue = 0;        // still not visited one interval after falling due, at the end
  Sum backlog;               // visits due and not yet done, sampled hourly
  double residents = 0;      // members of the group
  double never_visited = 0;  // residents with no visit in the measured period
  double no_member = 0;      // due visits nobody in the resident's community can make (dropped)
};

// Grid members by kind: their time and how evenly it is spread over teams.
struct MemberCounts {
  double members = 0;
  double available_minutes = 0;  // member-minutes on duty in the measured period
  double busy_minutes = 0;       // member-minutes travelling or serving (home and visits)
  double home_requests = 0;      // requests and visits served
  double visits = 0;
  // Busy hours per member over the measured period, across the teams of this kind (each team
  // counted by its members): mean, coefficient of variation and the 90th percentile.
  double busy_hours_mean = 0;
  double busy_hours_cv = 0;
  double busy_hours_p90 = 0;
};

// Red stations, per thing offered (seats, chargers, lockers, or a room type of theirs). A
// worker counts once the first station is left (served there, or moved on): arrivals =
// served_first + served_later + blocked + reneged + in_system.
struct RedStationCounts {
  double arrivals = 0;      // workers arriving at a first station
  double served_first = 0;  // found a place at the first station
  double served_later = 0;  // found one at a later station, within the overflow distance
  double blocked = 0;       // gave up: no place within reach
  double reneged = 0;       // gave up standing (patience, with `waiting` places)
  double in_system = 0;     // moved on and still on the way or at a later station at the end
  double tries = 0;         // station visits in all
  Sum extra_distance_m;     // walked beyond the first station, of those who moved on
  std::vector<double> arrivals_by_hour;  // 24 values, workers arriving by hour of day
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
  // offers x groups: population-weighted mean distance (metres of travel, detour included) from
  // the group's residents to the nearest place of the offer; NaN without places or residents.
  std::vector<double> nearest_m;
  // offers x grids x groups: 1 when the offer's nearest place is within the travel target from
  // the grid at the group's walking speed (what coverage counts), else 0. For the trace's map.
  std::vector<std::uint8_t> reach;
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
  std::vector<HomeCounts> home;                 // per service (zero for services not at home)
  std::vector<VisitCounts> visits;              // per care-visit policy
  MemberCounts members[3];                      // per scenario::MemberKind
  std::vector<RedStationCounts> red_stations;   // per red-station offer (see red_station_offers)
  std::vector<std::string> red_station_offers;  // their names: seats, chargers, ...
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
