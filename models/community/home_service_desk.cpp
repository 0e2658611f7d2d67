// HomeServiceDesk (home_service_desk.hpp): the dispatch of home services and care visits to
// grid members.
//
// Teams. A MemberTeam is `count` identical members of one kind serving one grid, or (no grid)
// the community's staff, based at the community's location and serving all its grids. Members on
// duty at time t are team.available.capacity_at(t) (absences already lowered it); a member busy
// when the schedule drops finishes the job and goes off duty on return, as the engine's server
// pools do. Availability is read when it matters, not followed by events: a queued request
// posts one wake-up per community, at the earliest time an able team's schedule rises above its
// busy members (deduplicated: a later wake-up is never posted while an earlier one is pending).
// Skills: an empty list means every home service (channel home_visit).
//
// Dispatch. A request goes at once to a free able member: tier 1 a team of its own grid, tier 2
// a team of another grid of the same community, tier 3 the community's staff. Within a tier the
// policy picks: nearest_available the nearest team (other grids are walked nearest first, teams
// in the scenario's order), least_busy the team with the least committed member-time per member
// (travel + service + return, counted at dispatch), skill_match the able team with the fewest
// skills, priority_by_group like nearest; ties go to the nearer team, then the earlier one.
// With no free able member the request joins its community's queue; nobody able in the whole
// community (no team with the skill and anyone ever on duty) ends it at once as no_member.
//
// Queue. Per community, priority classes, FIFO within a class: the service's priority (or
// priority_by_group, the most urgent of the resident's listed groups) as the rooms use them;
// with priority_by_group dispatch, the position of the resident's most urgent group in
// dispatch.group_order instead (unlisted groups after the listed ones). Care visits come after
// every resident's request. A member coming back to base (and still on duty) takes the first
// request of the most urgent class it is able to serve; a wake-up dispatches the queue in that
// order to the members free by the same tiers and policy (the tier recorded stays "queued").
// A queued request whose patience runs out is reneged (a cancellable timer); visits and
// requests already dispatched never renege.
//
// Trip. Distance: within_grid_m for a member of the request's grid, else the straight line
// between the team's base and the request's grid centre times the city's detour factor (also
// within_grid_m when the two coincide). Time = distance / speed, the team's speed if set, else
// the service's. The member travels, serves `duration` and travels back; the return counts as
// busy and the member is free only at base.
//
// Measures. Resident requests made after the warm-up count once in out.home[service] by outcome
// (served at the end of service; reneged; no_member; in_system at finish), by the tier of their
// first attempt (own, neighbour, staff, or queued: own + neighbour + staff + queued = requests -
// no_member), with response = at the door - made, within the service's response target (60 min
// by default), and the member's one-way travel. Members, per kind: member-minutes on duty and
// busy (both clipped to [warm-up, end]), services and visits completed after the warm-up, and
// the spread of busy hours per member over teams weighted by their members. Visits are
// reported to the CareVisitObserver, which keeps out.visits.
#include "models/community/home_service_desk.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include "models/services/priority_classes.hpp"
#include "sim/error.hpp"

namespace circlesim::community {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDefaultResponseTarget = 60.0;

double straight_line(const city::Point& a, const city::Point& b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

// Member-minutes on duty over [from, to).
double on_duty_minutes(const sim::CapacitySchedule& schedule, sim::Time from, sim::Time to) {
  if (!(to > from)) return 0.0;
  double total = 0;
  sim::Time t = from;
  int servers = schedule.capacity_at(from);
  sim::CapacityCursor cursor;  // a year of a team's shifts, one step each
  for (;;) {
    const sim::CapacityChange next = schedule.next_change(t, cursor);
    total += servers * (std::min(next.at, to) - t);
    if (next.at >= to) break;
    t = next.at;
    servers = next.servers;
  }
  return total;
}

}  // namespace

HomeServiceDesk::HomeServiceDesk(sim::Simulation& sim, const scenario::Scenario& scenario,
                                 const city::City& city, const sim::RandomStreams& /*streams*/,
                                 sim::Time warmup, services::CityMeasures& out)
    : sim_(sim),
      scenario_(scenario),
      city_(city),
      out_(out),
      warmup_(warmup),
      handler_(sim.add_handler(*this)),
      services_(scenario.services.size()) {
  out_.home.assign(services_, services::HomeCounts{});
  const std::size_t communities = city.communities.size();
  const std::size_t grids = city.grids.size();

  // Teams and what they can do.
  std::size_t home_services = 0;
  for (const scenario::Service& s : scenario.services) {
    if (s.channel == scenario::Channel::kHomeVisit) ++home_services;
  }
  able_.assign(scenario.member_teams.size() * services_, 0);
  provided_.assign(communities * services_, 0);
  for (std::size_t i = 0; i < scenario.member_teams.size(); ++i) {
    const scenario::MemberTeam& m = scenario.member_teams[i];
    CIRCLESIM_REQUIRE(m.community < communities, "member team {}: community {} out of range", i,
                      m.community);
    CIRCLESIM_REQUIRE(!m.grid || (*m.grid < grids && city.grids[*m.grid].community == m.community),
                      "member team {}: grid not in its community {}", i, m.community);
    Team t;
    t.available = &m.available;
    t.base = m.grid ? city.grids[*m.grid].location : city.communities[m.community].location;
    t.speed = m.speed_m_per_min;
    t.community = m.community;
    t.grid = m.grid ? *m.grid : kNone;
    t.count = m.count;
    t.skills = m.skills.empty() ? static_cast<int>(home_services) : 0;
    t.kind = m.kind;
    const bool on_duty_ever = m.count > 0 && m.available.max_capacity() > 0;
    for (std::size_t s = 0; s < services_; ++s) {
      if (scenario.services[s].channel != scenario::Channel::kHomeVisit) continue;
      const bool skilled =
          m.skills.empty() || std::find(m.skills.begin(), m.skills.end(), s) != m.skills.end();
      if (!skilled) continue;
      if (!m.skills.empty()) ++t.skills;
      able_[i * services_ + s] = 1;
      if (on_duty_ever) provided_[m.community * services_ + s] = 1;
    }
    teams_.push_back(t);
  }
  schedule_cursors_.assign(teams_.size(), sim::CapacityCursor{});

  // Compressed lists, in the scenario's team order.
  auto build = [&](std::size_t keys, auto&& key_of, std::vector<std::uint32_t>& first,
                   std::vector<std::uint32_t>& items) {
    first.assign(keys + 1, 0);
    for (const Team& t : teams_) {
      const std::uint32_t k = key_of(t);
      if (k != kNone) ++first[k + 1];
    }
    std::partial_sum(first.begin(), first.end(), first.begin());
    items.assign(first.back(), 0);
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::uint32_t i = 0; i < teams_.size(); ++i) {
      const std::uint32_t k = key_of(teams_[i]);
      if (k != kNone) items[fill[k]++] = i;
    }
  };
  build(
      grids, [](const Team& t) { return t.grid; }, grid_first_, grid_teams_);
  build(
      communities, [](const Team& t) { return t.grid == kNone ? t.community : kNone; },
      staff_first_, staff_teams_);
  build(
      communities, [](const Team& t) { return t.community; }, community_first_, community_teams_);

  // The other grids of each grid's community, nearest first (ties by index).
  neighbour_first_.assign(grids + 1, 0);
  for (std::size_t g = 0; g < grids; ++g) {
    const city::Community& c = city.communities[city.grids[g].community];
    neighbour_first_[g + 1] = neighbour_first_[g] + (c.grid_count > 0 ? c.grid_count - 1 : 0);
    const std::size_t begin = neighbours_.size();
    for (city::Index h = c.first_grid; h < c.first_grid + c.grid_count; ++h) {
      if (h != g) neighbours_.push_back(h);
    }
    const city::Point at = city.grids[g].location;
    std::stable_sort(neighbours_.begin() + static_cast<std::ptrdiff_t>(begin), neighbours_.end(),
                     [&](std::uint32_t a, std::uint32_t b) {
                       return straight_line(at, city.grids[a].location) <
                              straight_line(at, city.grids[b].location);
                     });
  }

  response_target_.assign(services_, kDefaultResponseTarget);
  for (std::size_t s = 0; s < std::min(services_, scenario.home_settings.size()); ++s) {
    response_target_[s] = scenario.home_settings[s].response_target_minutes;
  }

  // Priority classes: as the rooms' (distinct priorities, most urgent first), or the dispatch
  // policy's group order; care visits last.
  const services::PriorityClasses classes = services::priority_classes(scenario);
  class_of_priority_ = classes.class_of_priority;
  const scenario::DispatchPolicy& d = scenario.dispatch;
  resident_classes_ = static_cast<std::uint16_t>(
      d.kind == scenario::DispatchKind::kPriorityByGroup && !d.group_order.empty()
          ? d.group_order.size() + 1
          : static_cast<std::size_t>(classes.count));
  classes_ = static_cast<std::uint16_t>(resident_classes_ + 1);
  head_.assign(communities * classes_, kNone);
  tail_.assign(communities * classes_, kNone);
  wake_at_.assign(communities, sim::kNever);
  change_at_.assign(communities, -1.0);
  slots_.reserve(1024);
}

void HomeServiceDesk::refresh_on_duty(std::uint32_t index, sim::Time now) const {
  const Team& team = teams_[index];
  if (now < team.on_duty_until) return;
  sim::CapacityCursor& cursor = schedule_cursors_[index];
  const sim::CapacityChange next = team.available->next_change(now, cursor);
  team.on_duty = cursor.servers();
  team.on_duty_until = next.at;
  team.next_on_duty = next.servers;
}

int HomeServiceDesk::free_members(std::uint32_t team, sim::Time now) const {
  refresh_on_duty(team, now);
  const Team& t = teams_[team];
  return t.on_duty - t.busy;
}

std::uint16_t HomeServiceDesk::class_of(const HomeRequest& request) const {
  if (request.visit_policy != HomeRequest::kNoVisit) return resident_classes_;
  const scenario::DispatchPolicy& d = scenario_.dispatch;
  if (d.kind == scenario::DispatchKind::kPriorityByGroup && !d.group_order.empty()) {
    for (std::size_t k = 0; k < d.group_order.size(); ++k) {
      if ((request.groups >> d.group_order[k]) & 1U) return static_cast<std::uint16_t>(k);
    }
    return static_cast<std::uint16_t>(d.group_order.size());
  }
  const scenario::Service& s = scenario_.services[request.service];
  int priority = s.priority;
  if (!s.priority_by_group.empty()) {
    // The most urgent class among the resident's listed groups; `general` otherwise.
    int best = -1;
    city::GroupMask mask = request.groups & ~city::GroupMask{1};
    while (mask != 0) {
      const auto g = static_cast<std::size_t>(std::countr_zero(mask));
      mask &= mask - 1;
      const int p = g < s.priority_by_group.size() ? s.priority_by_group[g] : -1;
      if (p >= 0 && (best < 0 || p < best)) best = p;
    }
    priority = best >= 0 ? best : s.priority_by_group[0];
  }
  return static_cast<std::uint16_t>(class_of_priority_[static_cast<std::size_t>(priority)]);
}

double HomeServiceDesk::trip_metres(const Team& team, city::Index grid) const {
  const double within = scenario_.dispatch.within_grid_m;
  if (team.grid == grid) return within;
  const double d = straight_line(team.base, city_.grids[grid].location) * city_.detour_factor;
  return d > 0 ? d : within;
}

std::uint32_t HomeServiceDesk::find_member(std::size_t service, city::Index grid,
                                           DispatchTier& tier) const {
  const sim::Time now = sim_.now();
  const scenario::DispatchKind kind = scenario_.dispatch.kind;
  struct Best {
    std::uint32_t team = kNone;
    double key = sim::kNever;
    double distance = sim::kNever;
  } best;
  auto consider = [&](std::uint32_t team, double distance) {
    if (!able(team, service) || free_members(team, now) <= 0) return;
    const Team& t = teams_[team];
    double key = 0;
    if (kind == scenario::DispatchKind::kLeastBusy) key = t.load / t.count;
    if (kind == scenario::DispatchKind::kSkillMatch) key = t.skills;
    if (key < best.key || (key == best.key && distance < best.distance)) {
      best = {team, key, distance};
    }
  };
  for (std::uint32_t k = grid_first_[grid]; k < grid_first_[grid + 1]; ++k) {
    consider(grid_teams_[k], 0.0);
  }
  if (best.team != kNone) {
    tier = DispatchTier::kOwnGrid;
    return best.team;
  }
  const bool nearest_first = kind == scenario::DispatchKind::kNearestAvailable ||
                             kind == scenario::DispatchKind::kPriorityByGroup;
  const city::Point at = city_.grids[grid].location;
  for (std::uint32_t n = neighbour_first_[grid]; n < neighbour_first_[grid + 1]; ++n) {
    const std::uint32_t h = neighbours_[n];
    const double distance = straight_line(at, city_.grids[h].location);
    for (std::uint32_t k = grid_first_[h]; k < grid_first_[h + 1]; ++k) {
      consider(grid_teams_[k], distance);
    }
    if (nearest_first && best.team != kNone) break;
  }
  if (best.team != kNone) {
    tier = DispatchTier::kNeighbourGrid;
    return best.team;
  }
  const std::uint32_t community = city_.grids[grid].community;
  for (std::uint32_t k = staff_first_[community]; k < staff_first_[community + 1]; ++k) {
    const std::uint32_t team = staff_teams_[k];
    consider(team, straight_line(at, teams_[team].base));
  }
  tier = DispatchTier::kCommunityStaff;
  return best.team;
}

std::uint32_t HomeServiceDesk::allocate() {
  if (free_ != kNone) {
    const std::uint32_t slot = free_;
    free_ = slots_[slot].next;
    return slot;
  }
  CIRCLESIM_REQUIRE(slots_.size() < kNone - 1, "home desk: more than {} requests at once",
                    slots_.size());
  slots_.emplace_back();
  // The run loop may prefetch a request's slot before its event (the slots may have moved).
  sim_.set_prefetch_records(handler_, slots_.data(), sizeof(Slot),
                            (1U << kServiceEnd) | (1U << kReturned) | (1U << kRenege));
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void HomeServiceDesk::release(std::uint32_t slot) {
  slots_[slot].state = State::kFree;
  slots_[slot].next = free_;
  free_ = slot;
}

void HomeServiceDesk::request(const HomeRequest& request) {
  CIRCLESIM_REQUIRE(request.service < services_ && request.grid < city_.grids.size(),
                    "home desk: request of service {} in grid {} out of range", request.service,
                    request.grid);
  const sim::Time now = sim_.now();
  const std::uint32_t slot = allocate();
  Slot& s = slots_[slot];
  s.request = request;
  s.made = now;
  s.dispatched = kNaN;
  s.at_door = kNaN;
  s.travel = 0;
  s.renege = sim::EventHandle{};
  s.team = kNone;
  s.community = city_.grids[request.grid].community;
  s.cls = class_of(request);
  s.tier = DispatchTier::kQueued;
  s.state = State::kQueued;  // until dispatched
  const bool counted = now >= warmup_ && !is_visit(s);
  if (provided_[s.community * services_ + request.service] == 0) {
    end_request(s, HomeOutcome::kNoMember, now);
    release(slot);
    return;
  }
  DispatchTier tier = DispatchTier::kOwnGrid;
  const std::uint32_t team = find_member(request.service, request.grid, tier);
  if (team != kNone) {
    if (counted) {
      services::HomeCounts& h = out_.home[request.service];
      (tier == DispatchTier::kOwnGrid         ? h.own_grid
       : tier == DispatchTier::kNeighbourGrid ? h.neighbour_grid
                                              : h.community_staff) += 1;
    }
    dispatch(slot, team, tier);
    return;
  }
  if (counted) out_.home[request.service].queued += 1;
  enqueue(slot);
  if (request.patience < sim::kNever && !is_visit(s)) {
    s.renege = sim_.schedule_in(request.patience, handler_, kRenege, slot);
  }
  schedule_wake_up(s.community);
}

void HomeServiceDesk::dispatch(std::uint32_t slot, std::uint32_t team, DispatchTier tier) {
  Slot& s = slots_[slot];
  Team& t = teams_[team];
  const scenario::Service& service = scenario_.services[s.request.service];
  const double speed = t.speed > 0 ? t.speed : service.speed_m_per_min;
  const sim::Time now = sim_.now();
  s.travel = trip_metres(t, s.request.grid) / speed;
  s.dispatched = now;
  s.at_door = now + s.travel;
  s.team = team;
  s.tier = tier;
  s.state = State::kOnTheWay;
  t.busy += 1;
  t.load += 2 * s.travel + s.request.duration;
  sim_.post_at(s.at_door + s.request.duration, handler_, kServiceEnd, slot);
}

void HomeServiceDesk::enqueue(std::uint32_t slot) {
  Slot& s = slots_[slot];
  const std::size_t q = s.community * classes_ + s.cls;
  s.state = State::kQueued;
  s.prev = tail_[q];
  s.next = kNone;
  (tail_[q] == kNone ? head_[q] : slots_[tail_[q]].next) = slot;
  tail_[q] = slot;
  ++queued_;
}

void HomeServiceDesk::unlink(std::uint32_t slot) {
  Slot& s = slots_[slot];
  const std::size_t q = s.community * classes_ + s.cls;
  (s.prev == kNone ? head_[q] : slots_[s.prev].next) = s.next;
  (s.next == kNone ? tail_[q] : slots_[s.next].prev) = s.prev;
  if (s.renege.valid()) {
    sim_.cancel(s.renege);
    s.renege = sim::EventHandle{};
  }
  --queued_;
}

sim::Time HomeServiceDesk::next_team_change(std::uint32_t community) {
  const sim::Time now = sim_.now();
  if (now < change_at_[community]) return change_at_[community];
  sim::Time earliest = sim::kNever;
  for (std::uint32_t k = community_first_[community]; k < community_first_[community + 1]; ++k) {
    refresh_on_duty(community_teams_[k], now);
    earliest = std::min(earliest, teams_[community_teams_[k]].on_duty_until);
  }
  return change_at_[community] = earliest;
}

void HomeServiceDesk::schedule_wake_up(std::uint32_t community) {
  // Members coming back look at the queue themselves; what else can free a member for a
  // queued request is a change of some team's schedule (a window opening). Waking at every
  // change of the community's teams, rather than at the first one able to serve, costs a few
  // wake-ups a day and no search through the schedules.
  const sim::Time at = next_team_change(community);
  if (at < wake_at_[community]) {
    wake_at_[community] = at;
    sim_.post_at(at, handler_, kWakeUp, community);
  }
}

void HomeServiceDesk::member_free(std::uint32_t team) {
  Team& t = teams_[team];
  t.busy -= 1;
  const std::uint32_t c = t.community;
  if (free_members(team, sim_.now()) <= 0) {
    // Off duty on return: the queue needs a wake-up at the next opening.
    for (std::uint16_t cls = 0; cls < classes_; ++cls) {
      if (head_[c * classes_ + cls] != kNone) {
        schedule_wake_up(c);
        break;
      }
    }
    return;
  }
  for (std::uint16_t cls = 0; cls < classes_; ++cls) {
    for (std::uint32_t slot = head_[c * classes_ + cls]; slot != kNone; slot = slots_[slot].next) {
      if (able(team, slots_[slot].request.service)) {
        unlink(slot);
        dispatch(slot, team, DispatchTier::kQueued);
        return;
      }
    }
  }
}

void HomeServiceDesk::drain(std::uint32_t community) {
  const sim::Time now = sim_.now();
  int free = 0;
  for (std::uint32_t k = community_first_[community]; k < community_first_[community + 1]; ++k) {
    free += std::max(0, free_members(community_teams_[k], now));
  }
  for (std::uint16_t cls = 0; cls < classes_ && free > 0; ++cls) {
    std::uint32_t slot = head_[community * classes_ + cls];
    while (slot != kNone && free > 0) {
      const std::uint32_t next = slots_[slot].next;
      DispatchTier tier = DispatchTier::kQueued;
      const std::uint32_t team =
          find_member(slots_[slot].request.service, slots_[slot].request.grid, tier);
      if (team != kNone) {
        unlink(slot);
        dispatch(slot, team, DispatchTier::kQueued);
        --free;
      }
      slot = next;
    }
  }
  for (std::uint16_t cls = 0; cls < classes_; ++cls) {
    if (head_[community * classes_ + cls] != kNone) {
      schedule_wake_up(community);
      return;
    }
  }
}

void HomeServiceDesk::count_busy(Team& team, sim::Time from, sim::Time to) {
  const sim::Time start = std::max(from, warmup_);
  if (to > start) team.measured += to - start;
}

void HomeServiceDesk::back_at_base(std::uint32_t slot) {
  const std::uint32_t team = slots_[slot].team;
  count_busy(teams_[team], slots_[slot].dispatched, sim_.now());
  release(slot);
  member_free(team);
}

void HomeServiceDesk::handle_event(sim::Simulation& sim, std::uint16_t kind, std::uint32_t slot) {
  const sim::Time now = sim.now();
  switch (kind) {
    case kServiceEnd: {
      end_request(slots_[slot], HomeOutcome::kServed, now);
      Slot& s = slots_[slot];  // after the observers, who might have asked for more
      if (now >= warmup_) {
        services::MemberCounts& m = out_.members[static_cast<int>(teams_[s.team].kind)];
        m.home_requests += 1;
        if (is_visit(s)) m.visits += 1;
      }
      if (s.travel > 0) {
        s.state = State::kReturning;
        sim_.post_in(s.travel, handler_, kReturned, slot);
      } else {
        back_at_base(slot);
      }
      return;
    }
    case kReturned:
      back_at_base(slot);
      return;
    case kRenege: {
      Slot& s = slots_[slot];
      if (s.state != State::kQueued) return;  // cancelled timers never fire; defensive
      s.renege = sim::EventHandle{};
      unlink(slot);
      end_request(s, HomeOutcome::kReneged, now);
      release(slot);
      return;
    }
    case kWakeUp:
      if (wake_at_[slot] != now) return;  // superseded by an earlier wake-up
      wake_at_[slot] = sim::kNever;
      drain(slot);
      return;
    default:
      CIRCLESIM_REQUIRE(false, "home desk: unknown event kind {}", kind);
  }
}

void HomeServiceDesk::end_request(const Slot& s, HomeOutcome outcome, sim::Time end) {
  if (is_visit(s)) {
    if (visit_observer_ != nullptr) visit_observer_->visit_ended(s.request, outcome, end);
    return;
  }
  if (s.made >= warmup_) {
    services::HomeCounts& h = out_.home[s.request.service];
    h.requests += 1;
    switch (outcome) {
      case HomeOutcome::kServed: {
        h.served += 1;
        const double response = s.at_door - s.made;
        h.response.add(response);
        h.response_histogram.add(response);
        if (response <= response_target_[s.request.service]) h.within_response_target += 1;
        h.member_travel.add(s.travel);
        break;
      }
      case HomeOutcome::kReneged:
        h.reneged += 1;
        break;
      case HomeOutcome::kNoMember:
        h.no_member += 1;
        break;
      case HomeOutcome::kInSystem:
        h.in_system += 1;
        break;
    }
  }
  if (observer_ == nullptr) return;
  HomeRequestDone done;
  done.request = s.request;
  done.outcome = outcome;
  done.tier = s.tier;
  done.made = s.made;
  done.dispatched = s.dispatched;
  done.at_door = s.at_door;
  done.end = end;
  done.travel = s.travel;
  done.team = s.team;
  observer_->home_request_done(done);
}

void HomeServiceDesk::finish(sim::Time now) {
  for (Slot& s : slots_) {
    if (s.state == State::kQueued || s.state == State::kOnTheWay) {
      end_request(s, HomeOutcome::kInSystem, now);
    }
    if (s.state == State::kOnTheWay || s.state == State::kReturning) {
      count_busy(teams_[s.team], s.dispatched, now);
    }
  }
  // Members by kind; busy hours per member over teams, each team weighted by its members.
  for (int k = 0; k < scenario::kMemberKinds; ++k) {
    services::MemberCounts& m = out_.members[k];
    std::vector<std::pair<double, double>> hours;  // (busy hours per member, members)
    double weight = 0;
    double sum = 0;
    for (const Team& t : teams_) {
      if (static_cast<int>(t.kind) != k || t.count <= 0) continue;
      m.members += t.count;
      m.available_minutes += on_duty_minutes(*t.available, warmup_, now);
      m.busy_minutes += t.measured;
      const double per_member = t.measured / t.count / 60.0;
      hours.emplace_back(per_member, t.count);
      weight += t.count;
      sum += per_member * t.count;
    }
    if (weight <= 0) continue;
    m.busy_hours_mean = sum / weight;
    double squares = 0;
    for (const auto& [x, w] : hours)
      squares += w * (x - m.busy_hours_mean) * (x - m.busy_hours_mean);
    m.busy_hours_cv = m.busy_hours_mean > 0 ? std::sqrt(squares / weight) / m.busy_hours_mean : 0.0;
    std::sort(hours.begin(), hours.end());
    double cumulative = 0;
    for (const auto& [x, w] : hours) {
      cumulative += w;
      m.busy_hours_p90 = x;
      if (cumulative >= 0.9 * weight) break;
    }
  }
  if (visit_observer_ != nullptr) visit_observer_->visits_finished(now);
}

}  // namespace circlesim::community
