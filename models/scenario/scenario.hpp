// A scenario as the model sees it: typed, in base units (minutes, per minute), names resolved to
// dense indices, checked. Built once by the loader (loader.hpp) and never changed afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/city/city_csv.hpp"
#include "models/city/geography.hpp"
#include "sim/capacity_schedule.hpp"
#include "sim/distribution.hpp"
#include "sim/server_pool.hpp"
#include "sim/time.hpp"

namespace circlesim::scenario {

enum class TraceLevel : std::uint8_t { kSummary, kRequests, kEvents };

struct RunSettings {
  std::string name;
  std::string description;
  sim::Time horizon = 0;  // measured period, after the warm-up
  sim::Time warmup = 0;
  std::string start_date = "2026-01-05";
  int start_weekday = 0;  // 0 = Monday
  std::uint64_t seed = 1;
  int replications = 10;
  double confidence = 0.95;
  TraceLevel trace_level = TraceLevel::kSummary;
  std::string output = "out";
  int compression = 1;  // deflate level of the trace tables
  // Minutes per interval of the time series; unset: the model's default (see
  // default_trace_interval).
  std::optional<double> trace_interval;
};

// The time series' interval when neither the scenario nor the command line sets one: 15 min for
// the rooms of the room model; an hour for a city, whose thousands of rooms would otherwise
// make the time series (not the simulation) the bulk of a year's run and trace.
[[nodiscard]] inline double default_trace_interval(bool city) { return city ? 60.0 : 15.0; }

enum class FacilityKind : std::uint8_t {
  kCommunityCentre,
  kNeighbourhoodCentre,
  kRedStation,
  kStreetOffice,
  kDistrictDepartment,
};

// A place of service. With a city, `area` is the index of its community (centres), street
// (red stations, street offices) or district (departments), and `location` is resolved.
struct Facility {
  std::string id;
  std::string name;
  FacilityKind kind = FacilityKind::kCommunityCentre;
  city::Index area = 0;
  city::Point location;
  std::vector<std::size_t> rooms;  // indices into Scenario::rooms
};

// One service room of a facility: c staff serving the services routed to the room's type.
struct Room {
  std::size_t facility = 0;  // index into Scenario::facilities
  std::string facility_id;
  std::string type;
  // `staff`, or the most staff any shift puts on duty (at least 1): what utilisation divides by.
  int staff = 1;
  // Staff on duty over time, in minutes from the scenario start: `staff` (or the shifts) while
  // the facility is open, 0 while it is closed; weekly, or constant without opening hours.
  sim::CapacitySchedule capacity = sim::CapacitySchedule::constant(1);
  std::size_t waiting_room = sim::ServerPoolConfig::kUnlimited;
  bool preemptive = false;
  sim::ClosingPolicy on_close = sim::ClosingPolicy::kServeWaiting;
};

// How demand varies over the day and the week: rate x daily[slot] x weekday_factors[day].
struct Profile {
  std::vector<double> daily;            // n equal slots of the day (24 or 1440); empty: flat
  std::vector<double> weekday_factors;  // 7 values, Monday first; empty: all 1
  // Dated periods of unusual demand, in minutes from the scenario start: [from, to) x factor,
  // for the listed services only (empty: every service using the profile).
  struct Shock {
    double from = 0;
    double to = 0;
    double factor = 1;
    std::vector<std::string> services;
    bool operator==(const Shock&) const = default;
  };
  std::vector<Shock> shocks;
};

enum class Channel : std::uint8_t {
  kCentreRoom,
  kNeighbourhoodCentre,
  kHomeVisit,
  kRedStation,
  kStreetOffice,
  kDistrictDepartment,  // only as an escalation target
};

// One stream of requests of a service in a city: members of `group` ask at `rate_per_minute`
// each (per_member) or every community asks at that rate (absolute).
struct DemandStream {
  std::size_t group = 0;  // index into Scenario::groups; 0 is `general`
  double rate_per_minute = 0;
  bool per_member = false;
  std::optional<Profile> profile;  // none: constant
  // Surges of top-level shocks limited to some districts: the profile carries the larger of
  // `factor` and 1 over [from, to), and a request by a resident is kept with probability
  // (factor if the resident lives in a listed district, else 1) / that.
  struct DistrictSurge {
    double from = 0;
    double to = 0;
    double factor = 1;
    std::vector<bool> in_district;  // by district index
  };
  std::vector<DistrictSurge> district_surges;
};

// What a requester does on finding the room closed (no staff on duty) when arriving.
enum class WhenClosed : std::uint8_t {
  kWait,    // join the queue and wait for opening, subject to patience
  kReturn,  // go home and come back at the next opening (plus the same travel)
  kLeave,   // give up: unmet, reason closed
};

enum class EscalationTarget : std::uint8_t { kStreetOffice, kDistrictDepartment };

// What the community cannot solve: after service, passed on with `probability`.
struct Escalation {
  double probability = 0;
  EscalationTarget to = EscalationTarget::kStreetOffice;
  std::optional<sim::Distribution> delay;
  std::string room_type;  // the room at the target; empty: the service's room type
  // From the street office on to the district department (to == kStreetOffice only).
  double onward_probability = 0;
  std::optional<sim::Distribution> onward_delay;
  std::string onward_room_type;
};

// One catalogue item. Without a city it is Poisson demand at one room (`room`, the total rate
// and profile); in a city, its demand streams, channel, eligibility and travel apply.
struct Service {
  std::string id;
  std::string name;
  std::size_t room = 0;            // index into Scenario::rooms (scenarios without a city)
  double rate_per_minute = 0;      // total Poisson arrival rate, before the profile's factors
  std::optional<Profile> profile;  // none: the rate is constant
  sim::Distribution duration = sim::Distribution::exponential(1.0);
  std::optional<sim::Distribution> patience;   // none: nobody gives up
  int priority = 1;                            // 0 is served first
  WhenClosed when_closed = WhenClosed::kWait;  // at the first place; leave and return need a city
  // With a city:
  Channel channel = Channel::kCentreRoom;
  std::string room_type;
  std::vector<DemandStream> demand;
  std::vector<std::size_t> eligible;   // group indices; empty: every resident
  std::vector<int> priority_by_group;  // per group index (-1: not listed); empty: `priority`
  double speed_m_per_min = 60;         // walking 1.0 m/s unless the service says otherwise
  bool speed_given = false;            // the service fixes the speed (else by group)
  Escalation escalation;
};

// One population group as written; shares by area are keyed by the area's id.
struct GroupConfig {
  std::string id;
  std::string name;
  double share = 1;
  std::optional<std::size_t> subset_of;
  std::vector<std::pair<std::size_t, double>> overlaps;
  std::vector<std::pair<std::string, double>> share_by_district;
  std::vector<std::pair<std::string, double>> share_by_community;
  std::vector<std::pair<std::string, double>> share_by_grid;
  double walking_speed_m_per_min = 60;  // see default_walking_speed
};

// The planning speeds of nanchang.md §5: 0.8 m/s for the elderly groups, 1.0 m/s otherwise.
double default_walking_speed(const std::string& group_id);

// ---- Model II: grid members, home services, care visits, red stations, shocks ----

// Who a grid member is (programme.md §2): full-time community workers keep office hours,
// in-service Party members volunteer in the evenings and at weekends, new-economy workers
// (riders, couriers) between jobs.
enum class MemberKind : std::uint8_t {
  kCommunityWorker,
  kPartyMemberVolunteer,
  kNewEconomyVolunteer,
};
inline constexpr int kMemberKinds = 3;
const char* to_string(MemberKind kind);  // the YAML name: community_worker, ...

// A team of identical grid members (one `grid_members` entry): `count` people of one kind who
// serve one grid, or, given by community, every grid of the community (its staff: the dispatch's
// last resort before a queue).
struct MemberTeam {
  MemberKind kind = MemberKind::kPartyMemberVolunteer;
  city::Index community = 0;
  std::optional<city::Index> grid;  // none: the community's staff, serving all its grids
  int count = 1;
  // Members available over time, from the scenario start: `count` inside the availability
  // windows, 0 outside (weekly); constant `count` without windows. Absences lower it.
  sim::CapacitySchedule available = sim::CapacitySchedule::constant(1);
  std::vector<std::size_t> skills;  // service indices they can provide; empty: every home service
  double speed_m_per_min = 0;       // 0: each service's travel speed
};

// How the desk picks among the members free to take a home request (policies.dispatch).
enum class DispatchKind : std::uint8_t {
  kNearestAvailable,  // the nearest free member able to serve
  kLeastBusy,         // the free member with the least busy time so far (spreads the load)
  kSkillMatch,        // the free member with the fewest skills (keeps generalists free)
  kPriorityByGroup,   // nearest available; the queue served by the groups' order in `groups`
};

struct DispatchPolicy {
  DispatchKind kind = DispatchKind::kNearestAvailable;
  std::vector<std::size_t> group_order;  // kPriorityByGroup: group indices, most urgent first
  // A member's trip within the own grid (grid centres coincide): typical distance to a home.
  double within_grid_m = 0;
};

// A home service (channel home_visit): its response-time target, from the request to the
// member at the door.
struct HomeServiceSettings {
  double response_target_minutes = 60;
};

// A proactive care-visit policy (policies.care_visits[]): every member of `group` is visited
// once every `interval`, by a member of their grid; each visit is a request of `service` (a
// home_visit service: its duration and skills) without patience.
struct CareVisitPolicy {
  std::string id;
  std::size_t group = 0;
  std::size_t service = 0;
  double interval_minutes = 30 * 1440.0;
};

// What a red station does with a worker it cannot seat (policies.red_station_overflow).
struct RedStationOverflow {
  // The worker tries the next nearest station offering the same thing within this distance of
  // the first (straight line x detour); 0: gives up at once.
  double next_within_m = 1000;
  int max_tries = 3;  // stations tried in all, the first included
};

// Targets of escalated matters (targets.escalation): resolution time from the request.
struct EscalationTargets {
  double street_office_minutes = 3 * 1440.0;
  double district_department_minutes = 10 * 1440.0;
};

// A dated shock (shocks[]): [from, to) in minutes from the scenario start. Empty lists mean
// "all". The loader applies absences and closures to the rooms' and teams' schedules, and
// surges to the demand streams (DemandStream::profile and district_surges).
struct Shock {
  std::string id;
  double from = 0;
  double to = 0;
  // Demand: requests of the listed services, from streams of the listed groups, by residents of
  // the listed districts, are `demand_factor` times as frequent.
  double demand_factor = 1;
  std::vector<std::size_t> services;
  std::vector<std::size_t> groups;
  std::vector<city::Index> demand_districts;
  // Absences: these shares of the room staff and of the grid members (of the listed kinds) in
  // the listed districts are unavailable.
  double staff_absent = 0;
  double members_absent = 0;
  std::vector<MemberKind> member_kinds;
  std::vector<city::Index> absence_districts;
  // Closures: these facilities (indices) have no staff on duty.
  std::vector<std::size_t> closed_facilities;
};

enum class ChoiceKind : std::uint8_t { kOwnCentre, kNearest, kLogit };

// How a resident picks the facility for a request (policies.facility_choice).
struct ChoicePolicy {
  ChoiceKind kind = ChoiceKind::kNearest;
  double max_travel_minutes = 1e300;  // beyond it the request is unmet
  double travel_weight = 0.15;        // logit utility per minute of travel
  double wait_weight = 0.1;           // logit utility per minute of expected wait
  int candidates = 5;                 // logit: the nearest few facilities offering the service
};

struct Scenario {
  std::string file;
  RunSettings run;
  std::vector<Facility> facilities;
  std::vector<Room> rooms;
  std::vector<Service> services;
  // The city model (all empty for a scenario of rooms alone):
  std::optional<city::City> city;
  // city.travel_times: measured walking minutes of an adult from grids to facilities, sorted by
  // grid then facility; pairs not listed travel the straight line times the detour factor.
  std::vector<city::TravelTime> travel_times;
  std::vector<GroupConfig> groups;  // groups[0] is `general`
  ChoicePolicy facility_choice;
  double travel_target_minutes = 15;  // the 15-minute service circle
  double wait_target_minutes = 15;
  // Model II (all empty or default when the scenario has none of these parts):
  std::vector<MemberTeam> member_teams;
  DispatchPolicy dispatch;
  std::vector<HomeServiceSettings> home_settings;  // per service (home_visit services only)
  std::vector<CareVisitPolicy> care_visits;
  RedStationOverflow red_station_overflow;
  EscalationTargets escalation_targets;
  std::vector<Shock> shocks;
};

}  // namespace circlesim::scenario
