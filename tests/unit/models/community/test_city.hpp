// A small city and scenario for the community tests: one district and street; community 0 with
// grids 0, 1, 2 on a line (x = 0, 1000, 3000 m) and its centre at x = 0, y = 500; community 1
// with grid 3 (x = 10 km). Services 0 and 1 are home services (deterministic 100 min, members
// at 100 m/min), service 2 a centre-room service. No teams: each test adds its own.
#pragma once

#include <vector>

#include "models/city/geography.hpp"
#include "models/community/home_service_desk.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/capacity_schedule.hpp"

namespace circlesim::community::testing {

inline city::City small_city() {
  city::City c;
  c.detour_factor = 1.0;
  c.districts.push_back({"d0", "D", {0}});
  c.streets.push_back({"s0", "S", 0, {0, 1}});
  city::Community k0;
  k0.id = "k0";
  k0.location = {0, 500};
  k0.first_grid = 0;
  k0.grid_count = 3;
  city::Community k1;
  k1.id = "k1";
  k1.location = {10000, 0};
  k1.first_grid = 3;
  k1.grid_count = 1;
  c.communities = {k0, k1};
  const double xs[4] = {0, 1000, 3000, 10000};
  for (city::Index g = 0; g < 4; ++g) {
    city::Grid grid;
    grid.id = "g" + std::to_string(g);
    grid.community = g < 3 ? 0 : 1;
    grid.population = 10;
    grid.location = {xs[g], 0};
    c.grids.push_back(grid);
  }
  return c;
}

inline scenario::Scenario small_scenario() {
  scenario::Scenario s;
  for (int k = 0; k < 3; ++k) {
    scenario::Service service;
    service.id = "service" + std::to_string(k);
    service.channel = k < 2 ? scenario::Channel::kHomeVisit : scenario::Channel::kCentreRoom;
    service.duration = sim::Distribution::deterministic(100);
    service.speed_m_per_min = 100;
    s.services.push_back(service);
  }
  s.groups.resize(3);
  s.groups[0].id = "general";
  s.groups[1].id = "elderly";
  s.groups[2].id = "disabled";
  s.dispatch.within_grid_m = 50;
  return s;
}

// A team of `count` members in `grid` (or the community's staff with grid < 0).
inline scenario::MemberTeam team(
    city::Index community, int grid, int count = 1, std::vector<std::size_t> skills = {},
    scenario::MemberKind kind = scenario::MemberKind::kPartyMemberVolunteer) {
  scenario::MemberTeam t;
  t.kind = kind;
  t.community = community;
  if (grid >= 0) t.grid = static_cast<city::Index>(grid);
  t.count = count;
  t.available = sim::CapacitySchedule::constant(count);
  t.skills = std::move(skills);
  return t;
}

inline HomeRequest home_request(city::Index grid, std::uint16_t service = 0,
                                sim::Time duration = 100, sim::Time patience = sim::kNever,
                                city::GroupMask groups = 1) {
  HomeRequest r;
  r.resident = grid;
  r.grid = grid;
  r.groups = groups;
  r.service = service;
  r.duration = duration;
  r.patience = patience;
  return r;
}

// Keeps every report of the desk.
struct Recorder final : HomeOutcomeObserver {
  std::vector<HomeRequestDone> done;
  void home_request_done(const HomeRequestDone& d) override { done.push_back(d); }
};

}  // namespace circlesim::community::testing
