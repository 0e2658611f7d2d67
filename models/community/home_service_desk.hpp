// The community's dispatch desk for home services ("residents order, the community dispatches,
// Party members take the order"): grid members in teams, each request sent to a free member who
// travels to the home, serves, and travels back. A request nobody in its grid can take goes to a
// neighbouring grid of the same community, then to the community's staff, then waits in the
// community's queue for the first able member to come free or on duty. The rules in full are at
// the top of home_service_desk.cpp.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "models/city/geography.hpp"
#include "models/city/population.hpp"
#include "models/scenario/scenario.hpp"
#include "models/services/city_measures.hpp"
#include "sim/random_stream.hpp"
#include "sim/simulation.hpp"

namespace circlesim::community {

// One request for a member at a home: a resident's (from a home_visit service's demand) or a
// proactive care visit's.
struct HomeRequest {
  std::uint32_t resident = 0;
  city::Index grid = 0;        // the resident's grid
  city::GroupMask groups = 1;  // the resident's groups
  std::uint16_t service = 0;
  std::uint16_t group = 0;  // of the demand stream (or the visit policy's group)
  sim::Time duration = 0;   // service time at the home
  sim::Time patience = sim::kNever;
  // Care visits: the policy index, and when the visit fell due; kNoVisit for a request.
  std::uint32_t visit_policy = kNoVisit;
  sim::Time due = 0;
  std::uint32_t visit_member = 0;  // the resident's position in the policy's list
  static constexpr std::uint32_t kNoVisit = 0xffffffffu;
};

// How a request found its member.
enum class DispatchTier : std::uint8_t { kOwnGrid, kNeighbourGrid, kCommunityStaff, kQueued };

enum class HomeOutcome : std::uint8_t { kServed, kReneged, kNoMember, kInSystem };

// What the desk reports of each resident's request when it ends (not of care visits).
struct HomeRequestDone {
  HomeRequest request;
  HomeOutcome outcome = HomeOutcome::kServed;
  DispatchTier tier = DispatchTier::kOwnGrid;
  sim::Time made = 0;
  sim::Time dispatched = 0;      // a member took it (NaN if never)
  sim::Time at_door = 0;         // the member arrived (NaN if never)
  sim::Time end = 0;             // the service ended (or the resident gave up)
  sim::Time travel = 0;          // the member's trip one way
  std::uint32_t team = kNoTeam;  // index into Scenario::member_teams of the member sent
  static constexpr std::uint32_t kNoTeam = 0xffffffffu;
};

class HomeOutcomeObserver {
 public:
  virtual ~HomeOutcomeObserver() = default;
  virtual void home_request_done(const HomeRequestDone& done) = 0;
};

// What the desk reports of care visits (the CareVisitScheduler listens).
class CareVisitObserver {
 public:
  virtual ~CareVisitObserver() = default;
  // kServed: a member finished it at `end`; kNoMember: nobody in the community can make it;
  // kInSystem: still waiting or under way when the run ends (reported by finish()).
  virtual void visit_ended(const HomeRequest& visit, HomeOutcome outcome, sim::Time end) = 0;
  // The end of the run, after every visit in the system was reported.
  virtual void visits_finished(sim::Time now) = 0;
};

class HomeServiceDesk final : public sim::EventHandler {
 public:
  // Teams, dispatch policy, home settings and care visits come from `scenario`; measures go to
  // out.home (per service) and out.members (per kind), counting what happens after `warmup`
  // (out.visits belongs to the CareVisitScheduler).
  HomeServiceDesk(sim::Simulation& sim, const scenario::Scenario& scenario, const city::City& city,
                  const sim::RandomStreams& streams, sim::Time warmup, services::CityMeasures& out);

  void request(const HomeRequest& request);
  void set_observer(HomeOutcomeObserver* observer) { observer_ = observer; }
  void set_visit_observer(CareVisitObserver* observer) { visit_observer_ = observer; }

  void handle_event(sim::Simulation& sim, std::uint16_t kind, std::uint32_t slot) override;
  // Counting is by the time a request was made (and member time is clipped at the warm-up), so
  // there is nothing to forget; kept for symmetry with the flow.
  void reset_statistics() {}
  void finish(sim::Time now);  // counts what is still in the system; member measures

  // Requests waiting in the queues now (tests, samplers).
  [[nodiscard]] std::size_t queued() const { return queued_; }

 private:
  enum EventKind : std::uint16_t { kServiceEnd, kReturned, kRenege, kWakeUp };
  enum class State : std::uint8_t { kFree, kQueued, kOnTheWay, kReturning };
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  struct Team {
    const sim::CapacitySchedule* available;
    city::Point base;
    double speed;         // metres per minute; 0: the service's
    double load = 0;      // member-minutes committed so far (least-busy dispatch)
    double measured = 0;  // member-minutes busy after the warm-up
    std::uint32_t community;
    std::uint32_t grid;  // kNone: the community's staff
    int count;
    int busy = 0;
    int skills;  // home services it can provide
    scenario::MemberKind kind;
    // The schedule read once per change, not at every dispatch: members on duty over
    // [.., on_duty_until), and on duty from then on.
    mutable int on_duty = 0;
    mutable int next_on_duty = 0;
    mutable sim::Time on_duty_until = -1;
  };
  // Brings a team's cached schedule up to `now` (times only move forward).
  void refresh_on_duty(std::uint32_t team, sim::Time now) const;

  struct Slot {
    HomeRequest request;
    sim::Time made;
    sim::Time dispatched;
    sim::Time at_door;
    sim::Time travel;
    sim::EventHandle renege;
    std::uint32_t team;
    std::uint32_t community;
    std::uint32_t prev;  // queue links while kQueued; free-list link (next) while kFree
    std::uint32_t next;
    std::uint16_t cls;
    DispatchTier tier;
    State state;
  };

  [[nodiscard]] bool is_visit(const Slot& s) const {
    return s.request.visit_policy != HomeRequest::kNoVisit;
  }
  [[nodiscard]] bool able(std::uint32_t team, std::size_t service) const {
    return able_[team * services_ + service] != 0;
  }
  [[nodiscard]] int free_members(std::uint32_t team, sim::Time now) const;
  [[nodiscard]] std::uint16_t class_of(const HomeRequest& request) const;
  [[nodiscard]] double trip_metres(const Team& team, city::Index grid) const;
  // The team whose free member takes a request of `service` from `grid` now, by tier and
  // policy; kNone when no able member is free.
  std::uint32_t find_member(std::size_t service, city::Index grid, DispatchTier& tier) const;
  void dispatch(std::uint32_t slot, std::uint32_t team, DispatchTier tier);
  void enqueue(std::uint32_t slot);
  void unlink(std::uint32_t slot);
  // A member of `team` is back at base: it takes the most urgent queued request it can serve.
  void member_free(std::uint32_t team);
  void back_at_base(std::uint32_t slot);  // the member of a finished request is free
  // Dispatches what it can from the community's queue to members now free.
  void drain(std::uint32_t community);
  void schedule_wake_up(std::uint32_t community);
  // The next change of any of the community's teams' schedules (kNever if none changes).
  [[nodiscard]] sim::Time next_team_change(std::uint32_t community);
  void count_busy(Team& team, sim::Time from, sim::Time to);
  void end_request(const Slot& s, HomeOutcome outcome, sim::Time end);
  std::uint32_t allocate();
  void release(std::uint32_t slot);

  sim::Simulation& sim_;
  const scenario::Scenario& scenario_;
  const city::City& city_;
  services::CityMeasures& out_;
  sim::Time warmup_;
  sim::HandlerId handler_;
  std::size_t services_;
  std::vector<Team> teams_;
  // Where each team's cache stands in its schedule; apart, since dispatch scans the teams.
  mutable std::vector<sim::CapacityCursor> schedule_cursors_;
  std::vector<std::uint8_t> able_;  // teams x services
  // Per community x service: some team of the community can ever provide it.
  std::vector<std::uint8_t> provided_;
  // Compressed lists: teams by grid, staff teams by community, all teams by community, and
  // the other grids of each grid's community, nearest first.
  std::vector<std::uint32_t> grid_first_, grid_teams_;
  std::vector<std::uint32_t> staff_first_, staff_teams_;
  std::vector<std::uint32_t> community_first_, community_teams_;
  std::vector<std::uint32_t> neighbour_first_, neighbours_;
  std::vector<double> response_target_;  // per service, minutes
  std::vector<int> class_of_priority_;   // service priority value -> class
  std::uint16_t resident_classes_ = 1;   // visits take the class after these
  std::uint16_t classes_ = 2;
  // Queue heads and tails per community x class, and the earliest wake-up posted per community.
  std::vector<std::uint32_t> head_, tail_;
  std::vector<sim::Time> wake_at_;
  std::vector<sim::Time> change_at_;  // per community: cached next_team_change
  std::vector<Slot> slots_;
  std::uint32_t free_ = kNone;
  std::size_t queued_ = 0;
  HomeOutcomeObserver* observer_ = nullptr;
  CareVisitObserver* visit_observer_ = nullptr;
};

}  // namespace circlesim::community
