// A scenario as the model sees it: typed, in base units (minutes, per minute), names resolved to
// dense indices, checked. Built once by the loader (loader.hpp) and never changed afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
};

// One service room of a facility: c staff serving the services routed to the room's type.
struct Room {
  std::string facility_id;
  std::string type;
  int staff = 1;
  std::size_t waiting_room = sim::ServerPoolConfig::kUnlimited;
  bool preemptive = false;
  sim::ClosingPolicy on_close = sim::ClosingPolicy::kServeWaiting;
};

// How demand varies over the day and the week: rate x daily[slot] x weekday_factors[day].
struct Profile {
  std::vector<double> daily;            // n equal slots of the day (24 or 1440); empty: flat
  std::vector<double> weekday_factors;  // 7 values, Monday first; empty: all 1
};

// One catalogue item with Poisson demand served in a room.
struct Service {
  std::string id;
  std::string name;
  std::size_t room = 0;            // index into Scenario::rooms
  double rate_per_minute = 0;      // total Poisson arrival rate, before the profile's factors
  std::optional<Profile> profile;  // none: the rate is constant
  sim::Distribution duration = sim::Distribution::exponential(1.0);
  std::optional<sim::Distribution> patience;  // none: nobody gives up
  int priority = 1;                           // 0 is served first
};

struct Scenario {
  std::string file;
  RunSettings run;
  std::vector<Room> rooms;
  std::vector<Service> services;
};

}  // namespace circlesim::scenario
