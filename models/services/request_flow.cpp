// CityFlow and DemandSource (request_flow.hpp).
#include "models/services/request_flow.hpp"

#include <boost/random/uniform_01.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "models/rooms/room_trace.hpp"
#include "models/services/priority_classes.hpp"
#include "sim/error.hpp"

namespace circlesim::services {

namespace {

constexpr double kWalkMetresPerMinute = 60.0;  // 1.0 m/s (nanchang.md §5)

}  // namespace

CityFlow::CityFlow(sim::Simulation& sim, const scenario::Scenario& scenario, const city::City& city,
                   const city::Residents& residents, const ServiceNetwork& network,
                   const sim::RandomStreams& streams, sim::Time warmup, CityMeasures& out)
    : sim_(sim),
      scenario_(scenario),
      city_(city),
      residents_(residents),
      network_(network),
      out_(out),
      warmup_(warmup),
      handler_(sim.add_handler(*this)),
      choice_rng_(streams.stream("choice")),
      escalation_delay_rng_(streams.stream("escalation_delay")),
      station_routes_(scenario, city, network) {
  const PriorityClasses classes = priority_classes(scenario);
  class_of_priority_ = classes.class_of_priority;
  for (const scenario::Room& room : scenario.rooms) {
    sim::ServerPoolConfig config;
    config.name = room.facility_id + "/" + room.type;
    config.capacity = room.capacity;
    config.priority_classes = classes.count;
    config.preemption =
        room.preemptive ? sim::Preemption::kPreemptiveResume : sim::Preemption::kNone;
    config.waiting_room = room.waiting_room;
    config.on_close = room.on_close;
    // The flow keeps its own wait quantiles (by service, group, room...): thousands of rooms
    // need no second histogram each.
    config.keep_wait_histogram = false;
    config.customer_statistics = false;  // and counts every request itself (on_departure)
    pools_.push_back(std::make_unique<sim::ServerPool>(sim, config));
    pools_.back()->set_observer(this);
  }
  const std::size_t groups = scenario.groups.size();
  out_.services.resize(scenario.services.size());
  out_.groups.resize(groups);
  out_.service_groups.resize(scenario.services.size() * groups);
  out_.communities.resize(city.communities.size());
  out_.districts.resize(city.districts.size());
  out_.rooms.resize(scenario.rooms.size());
  for (RoomCounts& room : out_.rooms) room.utilisation_by_hour.assign(24, 0.0);
  out_.facilities.resize(scenario.facilities.size());
  // Red stations: one set of counts per thing they offer (seats, chargers, ...).
  out_.red_station_offers = station_routes_.names();
  out_.red_stations.resize(out_.red_station_offers.size());
  for (RedStationCounts& station : out_.red_stations) station.arrivals_by_hour.assign(24, 0.0);
  for (const scenario::GroupConfig& g : scenario.groups) {
    group_speed_.push_back(g.walking_speed_m_per_min);
  }
  // Mean service time of each room, over the services it offers (for the logit's wait guess).
  mean_duration_.assign(scenario.rooms.size(), 0.0);
  std::vector<double> offered(scenario.rooms.size(), 0.0);
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    if (network.offer_of_service(s) == kNone) continue;  // served at home
    for (const Candidate& place : network.offer(network.offer_of_service(s)).places) {
      mean_duration_[place.room] += scenario.services[s].duration.mean();
      offered[place.room] += 1;
    }
  }
  for (std::size_t r = 0; r < mean_duration_.size(); ++r) {
    if (offered[r] > 0) mean_duration_[r] /= offered[r];
  }
}

std::uint32_t CityFlow::allocate() {
  if (free_ != std::numeric_limits<std::uint32_t>::max()) {
    const std::uint32_t slot = free_;
    free_ = requests_[slot].next_free;
    return slot;
  }
  CIRCLESIM_REQUIRE(requests_.size() < std::numeric_limits<std::uint32_t>::max() - 1,
                    "city model: more than {} requests in the system at once", requests_.size());
  requests_.emplace_back();
  // Every event of the flow carries a request slot: the run loop may prefetch it (they moved).
  sim_.set_prefetch_records(
      handler_, requests_.data(), sizeof(Request),
      (1U << kReachRoom) | (1U << kReachEscalationTarget) | (1U << kReachNextStation));
  return static_cast<std::uint32_t>(requests_.size() - 1);
}

void CityFlow::release(std::uint32_t slot) {
  requests_[slot].stage = Stage::kFree;
  requests_[slot].station_tries = 0;  // a reused slot is no red station's until request() says
  requests_[slot].next_free = free_;
  free_ = slot;
}

int CityFlow::priority_class(std::size_t service, city::GroupMask groups) const {
  const scenario::Service& s = scenario_.services[service];
  int priority = s.priority;
  if (!s.priority_by_group.empty()) {
    // The most urgent class among the resident's listed groups; `general` otherwise.
    int best = -1;
    city::GroupMask mask = groups & ~city::GroupMask{1};
    while (mask != 0) {
      const auto g = static_cast<std::size_t>(std::countr_zero(mask));
      mask &= mask - 1;
      const int p = s.priority_by_group[g];
      if (p >= 0 && (best < 0 || p < best)) best = p;
    }
    priority = best >= 0 ? best : s.priority_by_group[0];
  }
  return class_of_priority_[static_cast<std::size_t>(priority)];
}

double CityFlow::expected_wait(std::uint32_t room) const {
  // What a resident can see or be told: the people ahead beyond the free staff, each taking a
  // mean service time shared among the staff.
  const sim::ServerPool& pool = *pools_[room];
  const int staff = std::max(1, pool.capacity());
  const double ahead = static_cast<double>(pool.in_system()) - staff + 1;
  return ahead <= 0 ? 0.0 : ahead * mean_duration_[room] / staff;
}

std::optional<Candidate> CityFlow::choose(std::size_t service, std::uint32_t resident) {
  const Offer& offer = network_.offer(network_.offer_of_service(service));
  const city::Index grid = residents_.grid[resident];
  switch (scenario_.facility_choice.kind) {
    case scenario::ChoiceKind::kOwnCentre:
      if (offer.own[grid].facility == kNone) return std::nullopt;
      return offer.own[grid];
    case scenario::ChoiceKind::kNearest:
      if (offer.nearest[grid].facility == kNone) return std::nullopt;
      return offer.nearest[grid];
    case scenario::ChoiceKind::kLogit:
      break;
  }
  if (offer.per_grid == 0) return std::nullopt;
  // Multinomial logit over the nearest few: utility falls with travel and expected wait.
  const Candidate* near = offer.near_list.data() + grid * offer.per_grid;
  const double speed = kWalkMetresPerMinute;
  near_weights_.resize(offer.per_grid);
  double best = -1e300;
  for (std::size_t k = 0; k < offer.per_grid; ++k) {
    const double utility = -scenario_.facility_choice.travel_weight * near[k].distance_m / speed -
                           scenario_.facility_choice.wait_weight * expected_wait(near[k].room);
    near_weights_[k] = utility;
    best = std::max(best, utility);
  }
  double total = 0;
  for (double& w : near_weights_) total += (w = std::exp(w - best));
  double u = boost::random::uniform_01<double>()(choice_rng_) * total;
  for (std::size_t k = 0; k < offer.per_grid; ++k) {
    u -= near_weights_[k];
    if (u <= 0) return near[k];
  }
  return near[offer.per_grid - 1];
}

double CityFlow::walking_speed(city::GroupMask groups) const {
  // The slowest of the resident's groups (every resident is in `general`).
  double speed = group_speed_[0];
  while (groups != 0) {
    speed = std::min(speed, group_speed_[static_cast<std::size_t>(std::countr_zero(groups))]);
    groups &= groups - 1;
  }
  return speed;
}

CityFlow::Requester CityFlow::requester_of(std::uint32_t resident) const {
  const city::Index community = city_.grids[residents_.grid[resident]].community;
  return {residents_.groups[resident], community, city_.communities[community].district};
}

template <class Update>
void CityFlow::for_each_breakdown(std::size_t service, const Requester& requester,
                                  Update&& update) {
  const std::size_t groups = scenario_.groups.size();
  update(out_.services[service].flow, &out_.services[service]);
  city::GroupMask mask = requester.groups;
  while (mask != 0) {
    const auto g = static_cast<std::size_t>(std::countr_zero(mask));
    mask &= mask - 1;
    // `general` holds every request: its quantiles are the services' merged at the end.
    update(out_.groups[g].flow, g == 0 ? nullptr : &out_.groups[g]);
    update(out_.service_groups[service * groups + g], nullptr);
  }
  update(out_.communities[requester.community], nullptr);
  update(out_.districts[requester.district], nullptr);
}

template <class Update>
void CityFlow::for_each_breakdown(std::size_t service, const Requester& requester,
                                  std::uint32_t room, Update&& update) {
  for_each_breakdown(service, requester, update);
  update(out_.rooms[room].flow, nullptr);
}

void CityFlow::request(std::size_t service, std::uint16_t group, std::uint32_t resident,
                       sim::Time duration, sim::Time patience, bool escalate, bool onward) {
  const scenario::Service& s = scenario_.services[service];
  if (!s.eligible.empty() && std::none_of(s.eligible.begin(), s.eligible.end(), [&](std::size_t g) {
        return residents_.in_group(resident, static_cast<city::Index>(g));
      })) {
    unmet(service, group, resident, UnmetReason::kNotEligible);
    return;
  }
  if (s.channel == scenario::Channel::kHomeVisit) {
    ask_at_home(service, group, resident, duration, patience);
    return;
  }
  const std::optional<Candidate> place = choose(service, resident);
  if (!place) {
    unmet(service, group, resident, UnmetReason::kNoFacility);
    return;
  }
  const Requester requester = requester_of(resident);
  const double speed = s.speed_given ? s.speed_m_per_min : walking_speed(requester.groups);
  const sim::Time travel = place->distance_m / speed;
  if (travel > scenario_.facility_choice.max_travel_minutes) {
    unmet(service, group, resident, UnmetReason::kTooFar);
    return;
  }
  const std::uint32_t slot = allocate();
  Request& r = requests_[slot];
  r.number = next_request_++;
  r.made = sim_.now();
  r.reached = sim_.now() + travel;
  r.travel = travel;
  r.duration = duration;
  r.patience = patience;
  r.requester = requester;
  r.resident = resident;
  r.room = place->room;
  r.facility = place->facility;
  r.service = static_cast<std::uint16_t>(service);
  r.group = group;
  r.stage = Stage::kFirst;
  r.escalate = escalate && network_.escalation_offer_of_service(service) != kNone;
  r.onward = r.escalate && onward && network_.onward_offer_of_service(service) != kNone;
  r.station_tries = s.channel == scenario::Channel::kRedStation ? 1 : 0;
  sim_.post_in(travel, handler_, kReachRoom, slot);
}

void CityFlow::unmet(std::size_t service, std::uint16_t group, std::uint32_t resident,
                     UnmetReason reason) {
  const std::uint64_t number = next_request_++;
  if (rows_ != nullptr) {
    sim::trace::RequestRecord row;
    row.request = number;
    row.resident = resident;
    row.group = group;
    row.service = static_cast<std::uint16_t>(service);
    row.facility = kNone;
    row.room = kNone;
    row.outcome = sim::trace::RequestOutcome::kUnmet;
    row.arrival = sim_.now();
    row.start = std::numeric_limits<double>::quiet_NaN();
    row.end = sim_.now();
    row.travel = 0;
    rows_->push_back(row);
  }
  if (sim_.now() < warmup_) return;
  for_each_breakdown(service, requester_of(resident), [&](FlowCounts& f, FlowWithQuantiles*) {
    f.requests += 1;
    f.unmet += 1;
    f.unmet_by_reason[static_cast<int>(reason)] += 1;
  });
}

void CityFlow::handle_event(sim::Simulation& /*sim*/, std::uint16_t kind, std::uint32_t slot) {
  if (kind == kReachNextStation) {
    reach_next_station(slot);
    return;
  }
  Request& r = requests_[slot];
  r.reached = sim_.now();
  // Only the first place: a matter passed on by staff waits for opening (it has no patience).
  // Closed means no staff on duty now: the pool's own capacity, which this event is about to
  // touch anyway (the room's schedule would be a cache miss or two more per request).
  sim::ServerPool& pool = *pools_[r.room];
  if (kind == kReachRoom &&
      scenario_.services[r.service].when_closed != scenario::WhenClosed::kWait &&
      pool.capacity() == 0) {
    closed_on_arrival(slot);
    return;
  }
  const int cls = kind == kReachRoom ? priority_class(r.service, r.requester.groups) : 0;
  pool.arrive(cls, r.duration, r.patience, slot);
}

void CityFlow::closed_on_arrival(std::uint32_t slot) {
  const Request& r = requests_[slot];
  const sim::Time opening =
      scenario_.services[r.service].when_closed == scenario::WhenClosed::kReturn
          ? next_opening(r.room, r.reached)
          : sim::kNever;
  if (opening < sim::kNever) {
    // Home again, and back when it opens: the same trip, the same request (its number, times
    // and draws), so its sojourn runs from the request and its wait from the day it is served.
    sim_.post_at(opening + r.travel, handler_, kReachRoom, slot);
    return;
  }
  // Leaving (or a room that never opens again): unmet where it went, after travelling there.
  record(r, sim::trace::RequestOutcome::kUnmet, sim::kNever, r.reached);
  if (r.made >= warmup_) {
    for_each_breakdown(r.service, r.requester, r.room, [](FlowCounts& f, FlowWithQuantiles*) {
      f.unmet_by_reason[static_cast<int>(UnmetReason::kClosed)] += 1;
    });
  }
  release(slot);
}

sim::Time CityFlow::next_opening(std::uint32_t room, sim::Time after) const {
  const sim::CapacitySchedule& capacity = scenario_.rooms[room].capacity;
  // A weekly schedule that opens at all opens within one cycle of its change points.
  sim::Time t = after;
  for (std::size_t k = 0; k <= capacity.change_points(); ++k) {
    const sim::CapacityChange next = capacity.next_change(t);
    if (next.at == sim::kNever || next.servers > 0) return next.at;
    t = next.at;
  }
  return sim::kNever;
}

void CityFlow::on_departure(const sim::PoolDeparture& d) {
  const auto slot = static_cast<std::uint32_t>(d.tag);
  Request& r = requests_[slot];
  const bool served = d.outcome == sim::PoolOutcome::kServed;
  if (r.made >= warmup_) {
    RoomCounts& room = out_.rooms[r.room];
    room.arrivals += 1;
    if (served) room.served += 1;
  }
  if (r.station_tries > 0 && r.stage == Stage::kFirst && leave_station(slot, d)) return;
  if (r.stage == Stage::kEscalated && served && r.onward) {
    trace_row(r, sim::trace::RequestOutcome::kEscalated, d.service_start, d.departure);
    pass_on(slot, d.departure, Stage::kOnward);
    return;
  }
  if (r.stage == Stage::kEscalated || r.stage == Stage::kOnward) {
    if (r.made >= warmup_) {
      if (served) {
        out_.escalations.resolved += 1;
        out_.escalations.resolution_time.add(d.departure - r.made);
        count_resolution(r, d.departure);
      } else {
        out_.escalations.unresolved += 1;
      }
    }
    trace_row(r, models::trace_outcome(d.outcome), d.service_start, d.departure);
    release(slot);
    return;
  }
  if (served && r.escalate) {
    record(r, sim::trace::RequestOutcome::kEscalated, d.service_start, d.departure);
    pass_on(slot, d.departure, Stage::kEscalated);
    return;
  }
  record(r, models::trace_outcome(d.outcome), d.service_start, d.departure);
  release(slot);
}

void CityFlow::pass_on(std::uint32_t slot, sim::Time now, Stage to) {
  Request& r = requests_[slot];
  const bool onward = to == Stage::kOnward;
  if (r.made >= warmup_) (onward ? out_.escalations.onward : out_.escalations.escalated) += 1;
  const Offer& offer = network_.offer(onward ? network_.onward_offer_of_service(r.service)
                                             : network_.escalation_offer_of_service(r.service));
  // The requester's own street office or district department; the nearest if it has none.
  const city::Index grid = residents_.grid[r.resident];
  const Candidate target =
      offer.own[grid].facility != kNone ? offer.own[grid] : offer.nearest[grid];
  if (target.facility == kNone) {
    if (r.made >= warmup_) out_.escalations.unresolved += 1;
    release(slot);
    return;
  }
  if (r.made >= warmup_) out_.escalations.levels[escalation_level(target.facility)].received += 1;
  const scenario::Escalation& e = scenario_.services[r.service].escalation;
  const std::optional<sim::Distribution>& delay_of = onward ? e.onward_delay : e.delay;
  const sim::Time delay = delay_of ? delay_of->sample(escalation_delay_rng_) : 0.0;
  r.stage = to;
  r.room = target.room;
  r.facility = target.facility;
  r.travel = 0;
  r.patience = sim::kNever;  // a matter passed on is not abandoned
  sim_.post_at(now + delay, handler_, kReachEscalationTarget, slot);
}

int CityFlow::escalation_level(std::uint32_t facility) const {
  return scenario_.facilities[facility].kind == scenario::FacilityKind::kDistrictDepartment ? 1 : 0;
}

void CityFlow::count_resolution(const Request& r, sim::Time end) {
  const int level = escalation_level(r.facility);
  EscalationCounts::Level& counts = out_.escalations.levels[level];
  const double time = end - r.made;
  counts.resolved += 1;
  counts.resolution_time.add(time);
  const scenario::EscalationTargets& targets = scenario_.escalation_targets;
  if (time <= (level == 0 ? targets.street_office_minutes : targets.district_department_minutes)) {
    counts.within_target += 1;
  }
}

bool CityFlow::leave_station(std::uint32_t slot, const sim::PoolDeparture& d) {
  Request& r = requests_[slot];
  const std::uint32_t offer = station_routes_.station_offer(network_.offer_of_service(r.service));
  RedStationCounts* counts =
      r.made >= warmup_ && offer != kNone ? &out_.red_stations[offer] : nullptr;
  if (counts != nullptr) {
    counts->tries += 1;
    if (r.station_tries == 1) {
      counts->arrivals += 1;
      const auto hour = static_cast<std::size_t>(sim::time_of_day(d.arrival) / 60.0);
      counts->arrivals_by_hour[std::min<std::size_t>(hour, 23)] += 1;
    }
  }
  const bool no_place =
      d.outcome == sim::PoolOutcome::kBalked || d.outcome == sim::PoolOutcome::kSentAway;
  const std::uint32_t first = first_room_of(r);
  if (no_place) {
    if (const RedStationRoutes::Stop* next = station_routes_.stop(first, r.station_tries)) {
      const scenario::Service& s = scenario_.services[r.service];
      const double speed = s.speed_given ? s.speed_m_per_min : walking_speed(r.requester.groups);
      const sim::Time walk = next->hop_m / speed;
      r.first_room = first;
      r.room = next->room;
      r.facility = next->facility;
      r.travel += walk;
      ++r.station_tries;
      sim_.post_in(walk, handler_, kReachNextStation, slot);
      return true;
    }
  }
  if (counts != nullptr) {
    if (d.outcome == sim::PoolOutcome::kServed) {
      (r.station_tries == 1 ? counts->served_first : counts->served_later) += 1;
    } else if (no_place) {
      counts->blocked += 1;
    } else {
      counts->reneged += 1;
    }
    if (r.station_tries > 1) {
      counts->extra_distance_m.add(station_routes_.stop(first, r.station_tries - 1)->walked_m);
    }
  }
  return false;
}

void CityFlow::reach_next_station(std::uint32_t slot) {
  Request& r = requests_[slot];
  r.reached = sim_.now();
  // No when_closed here: a closed station has no free place, and the worker moves on.
  pools_[r.room]->arrive(priority_class(r.service, r.requester.groups), r.duration, r.patience,
                         slot);
}

void CityFlow::record(const Request& r, sim::trace::RequestOutcome outcome, sim::Time start,
                      sim::Time end) {
  trace_row(r, outcome, start, end);
  if (r.made < warmup_) return;
  const bool started = outcome == sim::trace::RequestOutcome::kServed ||
                       outcome == sim::trace::RequestOutcome::kEscalated;
  const double wait = started ? start - r.reached : 0.0;
  const double sojourn = end - r.made;
  const double travel_target = scenario_.travel_target_minutes;
  const double wait_target = scenario_.wait_target_minutes;
  // Under the first room too: record is only called for the first place's outcome.
  const std::uint32_t room = first_room_of(r);
  for_each_breakdown(r.service, r.requester, room, [&](FlowCounts& f, FlowWithQuantiles* q) {
    f.requests += 1;
    switch (outcome) {
      case sim::trace::RequestOutcome::kServed:
        f.served += 1;
        break;
      case sim::trace::RequestOutcome::kEscalated:
        f.escalated += 1;
        break;
      case sim::trace::RequestOutcome::kReneged:
        f.reneged += 1;
        break;
      case sim::trace::RequestOutcome::kBalked:
      case sim::trace::RequestOutcome::kSentAway:
        f.balked += 1;
        break;
      case sim::trace::RequestOutcome::kUnmet:
        f.unmet += 1;
        break;
    }
    f.travel.add(r.travel);
    if (r.travel <= travel_target) f.within_travel_target += 1;
    if (started) {
      f.wait.add(wait);
      f.sojourn.add(sojourn);
      if (wait <= wait_target) f.within_wait_target += 1;
      if (q != nullptr) {
        q->wait_histogram.add(wait);
        q->sojourn_histogram.add(sojourn);
      }
    }
  });
}

void CityFlow::trace_row(const Request& r, sim::trace::RequestOutcome outcome, sim::Time start,
                         sim::Time end) {
  if (rows_ == nullptr) return;
  sim::trace::RequestRecord row;
  row.request = r.number;
  row.resident = r.resident;
  row.group = r.group;
  row.service = r.service;
  row.facility = r.facility;
  row.room = r.room;
  row.outcome = outcome;
  row.arrival = r.stage == Stage::kFirst ? r.made : r.reached;
  row.start = start == sim::kNever ? std::numeric_limits<double>::quiet_NaN() : start;
  row.end = end;
  row.travel = r.travel;
  rows_->push_back(row);
}

void CityFlow::ask_at_home(std::size_t service, std::uint16_t group, std::uint32_t resident,
                           sim::Time duration, sim::Time patience) {
  if (home_ == nullptr) {
    unmet(service, group, resident, UnmetReason::kNoMember);
    return;
  }
  community::HomeRequest request;
  request.resident = resident;
  request.grid = residents_.grid[resident];
  request.groups = residents_.groups[resident];
  request.service = static_cast<std::uint16_t>(service);
  request.group = group;
  request.duration = duration;
  request.patience = patience;
  home_->request(request);
}

void CityFlow::home_request_done(const community::HomeRequestDone& done) {
  using Outcome = sim::trace::RequestOutcome;
  const community::HomeRequest& q = done.request;
  const bool served = done.outcome == community::HomeOutcome::kServed;
  const Outcome outcome = served                                             ? Outcome::kServed
                          : done.outcome == community::HomeOutcome::kReneged ? Outcome::kReneged
                                                                             : Outcome::kUnmet;
  const std::uint64_t number = next_request_++;
  if (rows_ != nullptr && done.outcome != community::HomeOutcome::kInSystem) {
    sim::trace::RequestRecord row;
    row.request = number;
    row.resident = q.resident;
    row.group = q.group;
    row.service = q.service;
    row.facility = kNone;  // served at home
    row.room = kNone;
    row.outcome = outcome;
    row.arrival = done.made;
    row.start = served ? done.at_door : std::numeric_limits<double>::quiet_NaN();
    row.end = done.end;
    row.travel = served ? done.travel : 0.0;
    rows_->push_back(row);
  }
  if (done.made < warmup_) return;
  // The resident does not travel: the wait is until a member is sent, the sojourn until the
  // service at home ends.
  const double wait = done.dispatched - done.made;
  const double wait_target = scenario_.wait_target_minutes;
  for_each_breakdown(q.service, requester_of(q.resident), [&](FlowCounts& f, FlowWithQuantiles* h) {
    f.requests += 1;
    switch (done.outcome) {
      case community::HomeOutcome::kServed:
        f.served += 1;
        f.wait.add(wait);
        f.sojourn.add(done.end - done.made);
        if (wait <= wait_target) f.within_wait_target += 1;
        if (h != nullptr) {
          h->wait_histogram.add(wait);
          h->sojourn_histogram.add(done.end - done.made);
        }
        break;
      case community::HomeOutcome::kReneged:
        f.reneged += 1;
        break;
      case community::HomeOutcome::kNoMember:
        f.unmet += 1;
        f.unmet_by_reason[static_cast<int>(UnmetReason::kNoMember)] += 1;
        break;
      case community::HomeOutcome::kInSystem:
        f.in_system += 1;
        break;
    }
  });
}

void CityFlow::reset_statistics() {
  for (auto& pool : pools_) pool->reset_statistics();
}

void CityFlow::finish(sim::Time now) {
  for (const FlowWithQuantiles& service : out_.services) {
    out_.groups[0].wait_histogram.merge(service.wait_histogram);
    out_.groups[0].sojourn_histogram.merge(service.sojourn_histogram);
  }
  for (const Request& r : requests_) {
    if (r.stage != Stage::kFirst || r.made < warmup_) continue;
    for_each_breakdown(r.service, r.requester, first_room_of(r),
                       [&](FlowCounts& f, FlowWithQuantiles*) {
                         f.requests += 1;
                         f.in_system += 1;
                       });
    // Red stations count a worker once the first station is left: those on their way on.
    if (r.station_tries > 1) {
      const std::uint32_t offer =
          station_routes_.station_offer(network_.offer_of_service(r.service));
      if (offer != kNone) out_.red_stations[offer].in_system += 1;
    }
  }
  // Facilities: their rooms' flows, summed once here rather than per request.
  for (std::size_t f = 0; f < scenario_.facilities.size(); ++f) {
    for (const std::size_t room : scenario_.facilities[f].rooms) {
      out_.facilities[f].merge(out_.rooms[room].flow);
    }
  }
  for (std::size_t room = 0; room < pools_.size(); ++room) {
    pools_[room]->update_time_averages();
    const sim::PoolStatistics& pool = pools_[room]->statistics();
    out_.rooms[room].utilisation = pool.busy.mean(now) / scenario_.rooms[room].staff;
    const double on_duty = pool.capacity.integral(now);
    out_.rooms[room].utilisation_on_duty =
        on_duty > 0 ? pool.busy.integral(now) / on_duty : std::numeric_limits<double>::quiet_NaN();
  }
  out_.requests_simulated = static_cast<double>(next_request_);
}

}  // namespace circlesim::services
