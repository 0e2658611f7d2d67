// CareVisitScheduler (care_visits.hpp).
//
// Each policy lists the members of its group (resident index order). Member k of n falls due
// first at k * interval / n, then every interval after its previous due date, whether or not
// the last visit was made (a visit not made by then stays in the backlog beside the new one).
// One calendar event per policy walks these due dates in order. A due visit is a HomeRequest of
// the policy's service with a duration drawn from the stream ("care_visit_duration", policy),
// no patience, after every resident's request in the queue.
//
// Measures (out.visits[policy]): due, visits falling due after the warm-up; of those done (by
// the end of the run), on_time (done within one interval of falling due), overdue (still not
// done at the end although more than an interval has passed), no_member (nobody in the
// community can make them: dropped); backlog, the visits due and not yet done or dropped,
// sampled at every whole hour from the warm-up; residents, the group's members; never_visited,
// members with no visit completed after the warm-up.
#include "models/community/care_visits.hpp"

#include <cmath>

#include "sim/error.hpp"

namespace circlesim::community {

CareVisitScheduler::CareVisitScheduler(sim::Simulation& sim, const scenario::Scenario& scenario,
                                       const city::Residents& residents,
                                       const sim::RandomStreams& streams, sim::Time warmup,
                                       HomeServiceDesk& desk, services::CityMeasures& out,
                                       sim::Time end)
    : sim_(sim),
      scenario_(scenario),
      residents_(residents),
      desk_(desk),
      out_(out),
      warmup_(warmup),
      end_(end),
      handler_(sim.add_handler(*this)) {
  out_.visits.assign(scenario.care_visits.size(), services::VisitCounts{});
  for (std::size_t p = 0; p < scenario.care_visits.size(); ++p) {
    const scenario::CareVisitPolicy& policy = scenario.care_visits[p];
    CIRCLESIM_REQUIRE(policy.interval_minutes > 0,
                      "care visit policy {}: interval must be > 0, got {}", policy.id,
                      policy.interval_minutes);
    CIRCLESIM_REQUIRE(policy.service < scenario.services.size() && policy.group < city::kMaxGroups,
                      "care visit policy {}: service or group out of range", policy.id);
    Policy state;
    state.duration_rng = streams.stream("care_visit_duration", p);
    for (std::size_t r = 0; r < residents.size(); ++r) {
      if (residents.in_group(r, static_cast<city::Index>(policy.group))) {
        state.members.push_back(static_cast<std::uint32_t>(r));
      }
    }
    state.visited.assign(state.members.size(), 0);
    out_.visits[p].residents = static_cast<double>(state.members.size());
    policies_.push_back(std::move(state));
    post_next(p);
  }
  desk.set_visit_observer(this);
  const sim::Time first_sample = std::ceil(warmup / 60.0) * 60.0;
  if (!policies_.empty() && first_sample <= end_) sim.post_at(first_sample, handler_, kSample, 0);
}

sim::Time CareVisitScheduler::due_time(std::size_t p, std::uint64_t cursor) const {
  const double interval = scenario_.care_visits[p].interval_minutes;
  const std::uint64_t n = policies_[p].members.size();
  const std::uint64_t cycle = cursor / n;
  const std::uint64_t k = cursor % n;
  return static_cast<double>(cycle) * interval +
         static_cast<double>(k) * interval / static_cast<double>(n);
}

void CareVisitScheduler::post_next(std::size_t p) {
  if (policies_[p].members.empty()) return;
  const sim::Time due = due_time(p, policies_[p].cursor);
  if (due <= end_)
    sim_.post_at(std::max(due, sim_.now()), handler_, kDue, static_cast<std::uint32_t>(p));
}

void CareVisitScheduler::handle_event(sim::Simulation& sim, std::uint16_t kind,
                                      std::uint32_t policy) {
  const sim::Time now = sim.now();
  if (kind == kSample) {
    for (std::size_t p = 0; p < policies_.size(); ++p)
      out_.visits[p].backlog.add(policies_[p].backlog);
    if (now + 60.0 <= end_) sim.post_in(60.0, handler_, kSample, 0);
    return;
  }
  Policy& state = policies_[policy];
  const scenario::CareVisitPolicy& config = scenario_.care_visits[policy];
  const auto member = static_cast<std::uint32_t>(state.cursor % state.members.size());
  const std::uint32_t resident = state.members[member];
  ++state.cursor;
  state.backlog += 1;
  if (now >= warmup_) out_.visits[policy].due += 1;
  HomeRequest visit;
  visit.resident = resident;
  visit.grid = residents_.grid[resident];
  visit.groups = residents_.groups[resident];
  visit.service = static_cast<std::uint16_t>(config.service);
  visit.group = static_cast<std::uint16_t>(config.group);
  visit.duration = scenario_.services[config.service].duration.sample(state.duration_rng);
  visit.patience = sim::kNever;
  visit.visit_policy = policy;
  visit.due = now;
  visit.visit_member = member;
  post_next(policy);  // before the desk sees it: the order of events does not depend on it
  desk_.request(visit);
}

void CareVisitScheduler::visit_ended(const HomeRequest& visit, HomeOutcome outcome, sim::Time end) {
  Policy& state = policies_[visit.visit_policy];
  services::VisitCounts& counts = out_.visits[visit.visit_policy];
  const double interval = scenario_.care_visits[visit.visit_policy].interval_minutes;
  const bool counted = visit.due >= warmup_;
  switch (outcome) {
    case HomeOutcome::kServed:
      state.backlog -= 1;
      if (end >= warmup_) state.visited[visit.visit_member] = 1;
      if (counted) {
        counts.done += 1;
        if (end <= visit.due + interval) counts.on_time += 1;
      }
      break;
    case HomeOutcome::kNoMember:
      state.backlog -= 1;
      if (counted) counts.no_member += 1;
      break;
    case HomeOutcome::kInSystem:
      if (counted && end > visit.due + interval) counts.overdue += 1;
      break;
    case HomeOutcome::kReneged:
      break;  // visits have no patience
  }
}

void CareVisitScheduler::visits_finished(sim::Time /*now*/) {
  for (std::size_t p = 0; p < policies_.size(); ++p) {
    double never = 0;
    for (const std::uint8_t v : policies_[p].visited) never += v == 0 ? 1 : 0;
    out_.visits[p].never_visited = never;
  }
}

}  // namespace circlesim::community
