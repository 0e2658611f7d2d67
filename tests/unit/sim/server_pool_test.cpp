// Tests of sim/server_pool on hand-worked timelines with deterministic service: FIFO and priority
// order, preemptive resume, balking, reneging, capacity drops and closing policies, the
// statistics of a worked example, warm-up resets and flow conservation under randomized runs
// with every feature on, and bad input.
#include "sim/server_pool.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sim/capacity_schedule.hpp"
#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"
#include "tests/unit/test_constants.hpp"

#if defined(__unix__)
#include <unistd.h>
#endif

namespace circlesim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// One scripted arrival: at `at`, a customer of class `cls` owing `service`, with `patience`.
struct Arrival {
  Time at;
  int cls;
  Time service;
  Time patience;
  std::uint32_t tag;
};

Arrival customer(char tag, Time at, Time service, int cls = 0, Time patience = kNever) {
  return Arrival{at, cls, service, patience, static_cast<std::uint32_t>(tag)};
}

// Schedules every scripted arrival up front and records what pool.arrive() answered.
class Script : public EventHandler {
 public:
  Script(Simulation& sim, ServerPool& pool, std::vector<Arrival> arrivals)
      : pool_(pool), arrivals_(std::move(arrivals)), results_(arrivals_.size()) {
    const HandlerId id = sim.add_handler(*this);
    for (std::size_t i = 0; i < arrivals_.size(); ++i) {
      sim.schedule_at(arrivals_[i].at, id, 0, static_cast<std::uint32_t>(i));
    }
  }
  void handle_event(Simulation& /*sim*/, std::uint16_t /*kind*/, std::uint32_t i) override {
    const Arrival& a = arrivals_[i];
    results_[i] = pool_.arrive(a.cls, a.service, a.patience, a.tag);
  }
  [[nodiscard]] ArrivalResult result(char tag) const {
    for (std::size_t i = 0; i < arrivals_.size(); ++i) {
      if (arrivals_[i].tag == static_cast<std::uint32_t>(tag)) return results_[i];
    }
    ADD_FAILURE() << "no scripted arrival " << tag;
    return ArrivalResult::kBalked;
  }

 private:
  ServerPool& pool_;
  std::vector<Arrival> arrivals_;
  std::vector<ArrivalResult> results_;
};

class DepartureLog : public PoolObserver {
 public:
  void on_departure(const PoolDeparture& d) override { all.push_back(d); }
  [[nodiscard]] int count(char tag) const {
    int n = 0;
    for (const PoolDeparture& d : all) n += d.tag == static_cast<std::uint32_t>(tag) ? 1 : 0;
    return n;
  }
  std::vector<PoolDeparture> all;
};

// Checks the one departure of customer `tag`.
void expect_departure(const DepartureLog& log, char tag, PoolOutcome outcome, Time arrival,
                      Time service_start, Time departure) {
  SCOPED_TRACE(std::string("customer ") + tag);
  ASSERT_EQ(log.count(tag), 1) << "expected exactly one departure";
  for (const PoolDeparture& d : log.all) {
    if (d.tag != static_cast<std::uint32_t>(tag)) continue;
    EXPECT_EQ(d.outcome, outcome);
    EXPECT_EQ(d.arrival, arrival);
    EXPECT_EQ(d.service_start, service_start);
    EXPECT_EQ(d.departure, departure);
  }
}

ServerPoolConfig config_with(CapacitySchedule capacity, int classes = 1,
                             Preemption preemption = Preemption::kNone) {
  ServerPoolConfig config;
  config.name = "desk";
  config.capacity = std::move(capacity);
  config.priority_classes = classes;
  config.preemption = preemption;
  return config;
}

// --- Queue discipline ------------------------------------------------------------------------

// One server, deterministic service. A 0-4; B waits 1->4, served 4-6; C waits 2->6, served
// 6-9; idle 9-10; D 10-11. Observed to t = 12.
TEST(ServerPoolTest, SingleServerFifoHandWorkedTimelineAndStatistics) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1)));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(
      sim, pool,
      {customer('A', 0, 4), customer('B', 1, 2), customer('C', 2, 3), customer('D', 10, 1)});
  sim.run_until(12);
  EXPECT_EQ(script.result('A'), ArrivalResult::kStarted);
  EXPECT_EQ(script.result('B'), ArrivalResult::kQueued);
  EXPECT_EQ(script.result('C'), ArrivalResult::kQueued);
  EXPECT_EQ(script.result('D'), ArrivalResult::kStarted);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 4);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 4, 6);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 6, 9);
  expect_departure(log, 'D', PoolOutcome::kServed, 10, 10, 11);
  ASSERT_EQ(log.all.size(), 4U);
  EXPECT_EQ(log.all[1].tag, static_cast<std::uint32_t>('B'));  // in order of departure
  EXPECT_EQ(pool.in_system(), 0U);

  pool.update_time_averages();
  const PoolStatistics& s = pool.statistics();
  ASSERT_EQ(s.classes.size(), 1U);
  const ClassStatistics& c = s.classes[0];
  EXPECT_EQ(c.arrivals, 4U);
  EXPECT_EQ(c.served, 4U);
  EXPECT_EQ(c.reneged, 0U);
  EXPECT_EQ(c.balked, 0U);
  EXPECT_EQ(c.sent_away, 0U);
  EXPECT_EQ(c.delayed, 2U);
  EXPECT_EQ(c.preempted, 0U);
  // Waits 0, 3, 4, 0; sojourns 4, 5, 7, 1.
  EXPECT_EQ(c.wait.count(), 4U);
  EXPECT_DOUBLE_EQ(c.wait.mean(), 1.75);
  EXPECT_EQ(c.wait.max(), 4.0);
  EXPECT_EQ(c.delay().count(), 4U);
  EXPECT_DOUBLE_EQ(c.delay().sum(), 7.0);
  EXPECT_EQ(c.sojourn.count(), 4U);
  EXPECT_DOUBLE_EQ(c.sojourn.mean(), 4.25);
  EXPECT_EQ(s.wait_histogram.count(), 4U);
  EXPECT_EQ(s.wait_histogram.zero_count(), 2U);
  EXPECT_DOUBLE_EQ(s.wait_histogram.max(), 4.0);
  // in_system 1,2,3,3,2,2,1,1,1,0,1,0 per minute: area 17. in_queue area 7. busy area 10.
  EXPECT_EQ(s.since, 0.0);
  EXPECT_DOUBLE_EQ(s.in_system.integral(12), 17.0);
  EXPECT_DOUBLE_EQ(s.in_system.mean(12), 17.0 / 12);
  EXPECT_EQ(s.in_system.max(), 3.0);
  EXPECT_DOUBLE_EQ(c.in_system.integral(12), 17.0);
  EXPECT_DOUBLE_EQ(s.in_queue.integral(12), 7.0);
  EXPECT_EQ(s.in_queue.max(), 2.0);
  EXPECT_DOUBLE_EQ(s.busy.integral(12), 10.0);
  EXPECT_DOUBLE_EQ(s.capacity.mean(12), 1.0);
  // Little's law on the window, exactly: area = sum of sojourns when everyone has left.
  EXPECT_DOUBLE_EQ(s.in_system.integral(12), c.sojourn.sum());
  EXPECT_DOUBLE_EQ(s.in_queue.integral(12), c.delay().sum());

  const ClassStatistics total = s.total();
  EXPECT_EQ(total.arrivals, 4U);
  EXPECT_EQ(total.served, 4U);
  EXPECT_DOUBLE_EQ(total.sojourn.mean(), 4.25);
  EXPECT_DOUBLE_EQ(total.in_system.integral(12), 17.0);
}

// The same timeline without the wait histogram: the tallies still see every wait, the
// histogram none, and its quantiles say so (NaN) rather than report zeros.
TEST(ServerPoolTest, PoolWithoutWaitHistogramStillTalliesWaits) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::constant(1));
  config.keep_wait_histogram = false;
  ServerPool pool(sim, config);
  const Script script(
      sim, pool,
      {customer('A', 0, 4), customer('B', 1, 2), customer('C', 2, 3), customer('D', 10, 1)});
  sim.run_until(12);
  const PoolStatistics& s = pool.statistics();
  EXPECT_EQ(s.classes[0].wait.count(), 4U);
  EXPECT_DOUBLE_EQ(s.classes[0].wait.mean(), 1.75);
  EXPECT_EQ(s.wait_histogram.count(), 0U);
  EXPECT_TRUE(std::isnan(s.wait_histogram.quantile(0.5)));
}

// Without customer statistics the same timeline leaves the counts, tallies and number in
// system untouched, while queue, busy and capacity averages and the departures are the same.
TEST(ServerPoolTest, PoolWithoutCustomerStatisticsKeepsTheTimeAverages) {
  const auto run = [](bool customer_statistics, DepartureLog& log) {
    auto sim = std::make_unique<Simulation>();
    ServerPoolConfig config = config_with(CapacitySchedule::constant(1), 2);
    config.customer_statistics = customer_statistics;
    auto pool = std::make_unique<ServerPool>(*sim, config);
    pool->set_observer(&log);
    const Script script(*sim, *pool,
                        {customer('A', 0, 4), customer('B', 1, 2, 1), customer('C', 2, 3, 0, 1.5),
                         customer('D', 10, 1)});
    sim->run_until(12);
    pool->update_time_averages();
    return std::pair{std::move(sim), std::move(pool)};
  };
  DepartureLog with_log;
  DepartureLog without_log;
  const auto with = run(true, with_log);
  const auto without = run(false, without_log);
  const PoolStatistics& s = with.second->statistics();
  const PoolStatistics& t = without.second->statistics();
  EXPECT_EQ(s.total().arrivals, 4U);
  EXPECT_EQ(s.total().reneged, 1U);
  EXPECT_EQ(t.total().arrivals, 0U);
  EXPECT_EQ(t.total().served, 0U);
  EXPECT_EQ(t.total().reneged, 0U);
  EXPECT_EQ(t.total().wait.count(), 0U);
  EXPECT_EQ(t.in_system.integral(12), 0.0);
  EXPECT_GT(s.in_system.integral(12), 0.0);
  EXPECT_EQ(t.in_queue.integral(12), s.in_queue.integral(12));
  EXPECT_EQ(t.busy.integral(12), s.busy.integral(12));
  EXPECT_EQ(t.capacity.integral(12), s.capacity.integral(12));
  ASSERT_EQ(without_log.all.size(), with_log.all.size());
  for (std::size_t i = 0; i < with_log.all.size(); ++i) {
    EXPECT_EQ(without_log.all[i].tag, with_log.all[i].tag);
    EXPECT_EQ(without_log.all[i].outcome, with_log.all[i].outcome);
    EXPECT_EQ(without_log.all[i].departure, with_log.all[i].departure);
  }
}

TEST(ServerPoolTest, FifoWithinAClassOnTwoServers) {
  // Ten customers every half minute, 3 minutes each, two servers: customer i starts at
  // 3 floor(i/2) + 0.5 (i mod 2).
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(2)));
  DepartureLog log;
  pool.set_observer(&log);
  std::vector<Arrival> arrivals;
  for (int i = 0; i < 10; ++i) arrivals.push_back(customer(static_cast<char>('a' + i), 0.5 * i, 3));
  const Script script(sim, pool, arrivals);
  sim.run();
  for (int i = 0; i < 10; ++i) {
    const Time start = 3.0 * (i / 2) + 0.5 * (i % 2);
    expect_departure(log, static_cast<char>('a' + i), PoolOutcome::kServed, 0.5 * i, start,
                     start + 3);
  }
  EXPECT_EQ(pool.statistics().classes[0].delayed, 8U);
}

// Non-preemptive priorities: while A (class 2) is served, B (2), C (1), D (0), E (0), F (1)
// queue up; from t = 5 they start by class, FIFO within a class: D E C F B.
TEST(ServerPoolTest, PriorityClassesStartInClassOrderThenArrivalOrder) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1), 3));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 5, 2), customer('B', 1, 1, 2), customer('C', 2, 1, 1),
                       customer('D', 3, 1, 0), customer('E', 4, 1, 0), customer('F', 4.5, 1, 1)});
  sim.run();
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 5);
  expect_departure(log, 'D', PoolOutcome::kServed, 3, 5, 6);
  expect_departure(log, 'E', PoolOutcome::kServed, 4, 6, 7);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 7, 8);
  expect_departure(log, 'F', PoolOutcome::kServed, 4.5, 8, 9);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 9, 10);
  const PoolStatistics& s = pool.statistics();
  EXPECT_EQ(s.classes[0].arrivals, 2U);
  EXPECT_EQ(s.classes[1].arrivals, 2U);
  EXPECT_EQ(s.classes[2].arrivals, 2U);
  EXPECT_DOUBLE_EQ(s.classes[0].wait.mean(), (2.0 + 2.0) / 2);
  EXPECT_DOUBLE_EQ(s.classes[1].wait.mean(), (5.0 + 3.5) / 2);
  EXPECT_DOUBLE_EQ(s.classes[2].wait.mean(), (0.0 + 8.0) / 2);
  EXPECT_EQ(s.classes[0].preempted + s.classes[1].preempted + s.classes[2].preempted, 0U);
}

// Three servers, preemptive resume. X (class 2) from 0, Y (class 2) from 1, Z (class 1) from
// 1.5. H (class 0) arrives at 2 and finds no free server: the victim is the lowest class (2),
// and among X and Y the latest starter, Y, who has 3 of its 4 minutes left. H runs 2-4; W
// (class 2) arrives at 3 and queues behind Y, who went back to the head of its class. Y resumes
// at 4 and finishes at exactly 7; W takes X's server at 5.
TEST(ServerPoolTest, PreemptiveResumeHandWorked) {
  Simulation sim;
  ServerPool pool(sim,
                  config_with(CapacitySchedule::constant(3), 3, Preemption::kPreemptiveResume));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('X', 0, 5, 2), customer('Y', 1, 4, 2), customer('Z', 1.5, 10, 1),
                       customer('H', 2, 2, 0), customer('W', 3, 1, 2)});
  sim.run_until(3.5);
  EXPECT_EQ(pool.busy(), 3);
  EXPECT_EQ(pool.waiting(), 2U);  // Y (preempted) and W
  EXPECT_EQ(script.result('H'), ArrivalResult::kStarted);
  EXPECT_EQ(script.result('W'), ArrivalResult::kQueued);
  sim.run();
  expect_departure(log, 'H', PoolOutcome::kServed, 2, 2, 4);
  expect_departure(log, 'Y', PoolOutcome::kServed, 1, 1, 7);  // 1 + 1 min, then 4 + 3 min
  expect_departure(log, 'X', PoolOutcome::kServed, 0, 0, 5);
  expect_departure(log, 'W', PoolOutcome::kServed, 3, 5, 6);
  expect_departure(log, 'Z', PoolOutcome::kServed, 1.5, 1.5, 11.5);
  const PoolStatistics& s = pool.statistics();
  EXPECT_EQ(s.classes[2].preempted, 1U);
  EXPECT_EQ(s.classes[1].preempted, 0U);
  EXPECT_EQ(s.classes[2].delayed, 1U);  // W only: a preempted customer is not "delayed"
  EXPECT_EQ(s.classes[2].wait.count(), 3U);
  EXPECT_DOUBLE_EQ(s.classes[2].wait.sum(), 2.0);  // X 0, Y 0, W 2
  EXPECT_DOUBLE_EQ(s.classes[2].sojourn.sum(), 5.0 + 6.0 + 3.0);
  // Busy servers integrate to the total work done, 5 + 4 + 10 + 2 + 1.
  EXPECT_DOUBLE_EQ(s.busy.integral(11.5), 22.0);
  // Y waits 2-4, W 3-5.
  EXPECT_DOUBLE_EQ(s.in_queue.integral(11.5), 4.0);
}

// The same arrivals without preemption: H waits for the first server to free at 5.
TEST(ServerPoolTest, NonPreemptivePoolLetsServiceFinish) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(3), 3));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('X', 0, 5, 2), customer('Y', 1, 4, 2), customer('Z', 1.5, 10, 1),
                       customer('H', 2, 2, 0), customer('W', 3, 1, 2)});
  sim.run();
  EXPECT_EQ(script.result('H'), ArrivalResult::kQueued);
  expect_departure(log, 'X', PoolOutcome::kServed, 0, 0, 5);
  expect_departure(log, 'Y', PoolOutcome::kServed, 1, 1, 5);
  expect_departure(log, 'H', PoolOutcome::kServed, 2, 5, 7);
  expect_departure(log, 'W', PoolOutcome::kServed, 3, 5, 6);
  expect_departure(log, 'Z', PoolOutcome::kServed, 1.5, 1.5, 11.5);
  EXPECT_EQ(pool.statistics().classes[2].preempted, 0U);
}

// The victim is chosen by class before start time: B (class 1) started after A (class 2), but A
// is preempted. Equal or higher classes are never preempted.
TEST(ServerPoolTest, PreemptionTakesTheLowestClassFirstAndOnlyStrictlyLower) {
  Simulation sim;
  ServerPool pool(sim,
                  config_with(CapacitySchedule::constant(2), 3, Preemption::kPreemptiveResume));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 10, 2), customer('B', 1, 9, 1), customer('C', 2, 1, 0),
                       customer('D', 2.5, 1, 1), customer('E', 2.6, 1, 0)});
  // C preempts A at 2 (8 left). D (class 1) finds C (0) and B (1): no victim, queues. E (class 0)
  // at 2.6 finds C and B in service: preempts B (class 1), who has 9 - 1.6 = 7.4 left.
  // At 3 C leaves: the highest queued class is B's (1), with B at the head before D; B resumes
  // and ends at 10.4. E ends at 3.6: D starts, ends 4.6; then A resumes with 8 left, ends 12.6.
  sim.run();
  EXPECT_EQ(script.result('D'), ArrivalResult::kQueued);
  EXPECT_EQ(script.result('E'), ArrivalResult::kStarted);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 2, 3);
  expect_departure(log, 'E', PoolOutcome::kServed, 2.6, 2.6, 3.6);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 1, 10.4);
  expect_departure(log, 'D', PoolOutcome::kServed, 2.5, 3.6, 4.6);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 12.6);
  EXPECT_EQ(pool.statistics().classes[2].preempted, 1U);
  EXPECT_EQ(pool.statistics().classes[1].preempted, 1U);
}

// A preempted customer re-enters the queue even when the waiting room is full, and can be
// preempted again; the remaining work carries over each time.
TEST(ServerPoolTest, PreemptedCustomerReentersAFullWaitingRoom) {
  Simulation sim;
  ServerPoolConfig config =
      config_with(CapacitySchedule::constant(1), 2, Preemption::kPreemptiveResume);
  config.waiting_room = 0;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 5, 1), customer('B', 1, 1, 0), customer('C', 1.5, 1, 1),
                       customer('D', 3, 1, 0)});
  sim.run_until(1.25);
  EXPECT_EQ(pool.waiting(), 1U);  // A, over the room of 0
  sim.run();
  EXPECT_EQ(script.result('B'), ArrivalResult::kStarted);
  EXPECT_EQ(script.result('C'), ArrivalResult::kBalked);  // room full (A waits)
  EXPECT_EQ(script.result('D'), ArrivalResult::kStarted);
  // A: 0-1 (4 left), 2-3 (3 left), 4-7.
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 7);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 1, 2);
  expect_departure(log, 'C', PoolOutcome::kBalked, 1.5, kNever, 1.5);
  expect_departure(log, 'D', PoolOutcome::kServed, 3, 3, 4);
  EXPECT_EQ(pool.statistics().classes[1].preempted, 2U);
  EXPECT_EQ(pool.statistics().classes[1].balked, 1U);
}

// Patience stops counting at the first start: A is preempted at 2, long past its patience
// (arrival 0.5 + 2), and still resumes instead of reneging.
TEST(ServerPoolTest, PreemptedCustomerDoesNotRenege) {
  Simulation sim;
  ServerPool pool(sim,
                  config_with(CapacitySchedule::constant(1), 2, Preemption::kPreemptiveResume));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(
      sim, pool, {customer('X', 0, 1, 1), customer('A', 0.5, 5, 1, 2.0), customer('B', 2, 10, 0)});
  sim.run();
  expect_departure(log, 'X', PoolOutcome::kServed, 0, 0, 1);
  expect_departure(log, 'A', PoolOutcome::kServed, 0.5, 1, 16);  // 1-2, then 12-16
  expect_departure(log, 'B', PoolOutcome::kServed, 2, 2, 12);
  EXPECT_EQ(pool.statistics().classes[1].reneged, 0U);
  EXPECT_EQ(sim.pending_events(), 0U);
}

// B (class 0) arrives at 5, the very instant A (class 1) finishes its 5 minutes; B's arrival
// event was scheduled first, so it is processed before A's completion. A has no work left: it
// should leave at 5 and B take the free server, as when the completion is processed first.
// Preempting A with 0 minutes left instead holds it until B is done (departure 6) and counts
// a preemption: the outcome then depends on the order of simultaneous events.
TEST(ServerPoolTest, CustomerWithNoWorkLeftIsNotPreempted) {
  Simulation sim;
  ServerPool pool(sim,
                  config_with(CapacitySchedule::constant(1), 2, Preemption::kPreemptiveResume));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool, {customer('A', 0, 5, 1), customer('B', 5, 1, 0)});
  sim.run();
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 5);
  expect_departure(log, 'B', PoolOutcome::kServed, 5, 5, 6);
  EXPECT_EQ(pool.statistics().classes[1].preempted, 0U);
}

// --- Waiting room, patience ------------------------------------------------------------------

TEST(ServerPoolTest, FiniteWaitingRoomBalks) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::constant(1));
  config.waiting_room = 2;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(
      sim, pool,
      {customer('A', 0, 10), customer('B', 1, 1), customer('C', 2, 1), customer('D', 3, 1),
       customer('E', 10.5, 1), customer('F', 10.75, 1), customer('G', 11.5, 1)});
  sim.run();
  EXPECT_EQ(script.result('A'), ArrivalResult::kStarted);
  EXPECT_EQ(script.result('B'), ArrivalResult::kQueued);
  EXPECT_EQ(script.result('C'), ArrivalResult::kQueued);
  EXPECT_EQ(script.result('D'), ArrivalResult::kBalked);
  EXPECT_EQ(script.result('E'), ArrivalResult::kQueued);
  EXPECT_EQ(script.result('F'), ArrivalResult::kBalked);
  EXPECT_EQ(script.result('G'), ArrivalResult::kQueued);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 10, 11);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 11, 12);
  expect_departure(log, 'D', PoolOutcome::kBalked, 3, kNever, 3);
  expect_departure(log, 'E', PoolOutcome::kServed, 10.5, 12, 13);
  expect_departure(log, 'F', PoolOutcome::kBalked, 10.75, kNever, 10.75);
  expect_departure(log, 'G', PoolOutcome::kServed, 11.5, 13, 14);
  const ClassStatistics& c = pool.statistics().classes[0];
  EXPECT_EQ(c.arrivals, 7U);
  EXPECT_EQ(c.balked, 2U);
  EXPECT_EQ(c.served, 5U);
  EXPECT_EQ(c.delayed, 4U);
  EXPECT_EQ(c.wait.count(), 5U);  // balked customers have no wait
  EXPECT_EQ(pool.statistics().in_queue.max(), 2.0);
}

TEST(ServerPoolTest, ZeroWaitingRoomIsALossSystem) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::constant(2));
  config.waiting_room = 0;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(
      sim, pool,
      {customer('A', 0, 5), customer('B', 1, 5), customer('C', 2, 1), customer('D', 5.5, 1)});
  sim.run();
  EXPECT_EQ(script.result('C'), ArrivalResult::kBalked);
  EXPECT_EQ(script.result('D'), ArrivalResult::kStarted);
  expect_departure(log, 'C', PoolOutcome::kBalked, 2, kNever, 2);
  const PoolStatistics& s = pool.statistics();
  EXPECT_EQ(s.classes[0].balked, 1U);
  EXPECT_EQ(s.classes[0].delayed, 0U);
  EXPECT_EQ(s.in_queue.max(), 0.0);
  EXPECT_EQ(s.wait_histogram.zero_count(), 3U);
}

// A serves 0-10. B (patience 3) reneges at 4; D (patience 8) at 11; C (patience 20) starts at
// 10 and is still in service when its patience would run out at 22: it must not renege.
TEST(ServerPoolTest, PatienceRenegesOnlyBeforeServiceStarts) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1)));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 10), customer('B', 1, 1, 0, 3), customer('C', 2, 15, 0, 20),
                       customer('D', 3, 1, 0, 8)});
  sim.run_until(4.5);
  EXPECT_EQ(pool.waiting(), 2U);
  sim.run();
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 10);
  expect_departure(log, 'B', PoolOutcome::kReneged, 1, kNever, 4);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 10, 25);
  expect_departure(log, 'D', PoolOutcome::kReneged, 3, kNever, 11);
  const ClassStatistics& c = pool.statistics().classes[0];
  EXPECT_EQ(c.reneged, 2U);
  EXPECT_EQ(c.served, 2U);
  EXPECT_EQ(c.wait.count(), 2U);  // A 0, C 8
  EXPECT_DOUBLE_EQ(c.wait.sum(), 8.0);
  EXPECT_EQ(c.delay().count(), 4U);  // A 0, B 3, C 8, D 8
  EXPECT_DOUBLE_EQ(c.delay().sum(), 19.0);
  EXPECT_DOUBLE_EQ(pool.statistics().in_queue.integral(25), 19.0);
  EXPECT_EQ(sim.pending_events(), 0U);  // C's patience timer is gone
  EXPECT_EQ(pool.in_system(), 0U);
}

// --- Capacity schedules ----------------------------------------------------------------------

// Two servers until 5, one until 20, then two. A (0-10) and B (1-11) keep their servers after
// the drop; C, waiting since 2, starts only when B leaves at 11 (at 10 one server is busy, which
// is the new capacity). E waits for D; F waits for the capacity to come back at 20.
TEST(ServerPoolTest, CapacityDropLetsBusyServersFinish) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::piecewise({{0, 2}, {5, 1}, {20, 2}})));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 10), customer('B', 1, 10), customer('C', 2, 1),
                       customer('D', 13, 3), customer('E', 14, 10), customer('F', 17, 2)});
  sim.run_until(6);
  EXPECT_EQ(pool.capacity(), 1);
  EXPECT_EQ(pool.busy(), 2);
  sim.run_until(10.5);
  EXPECT_EQ(pool.busy(), 1);
  EXPECT_EQ(pool.waiting(), 1U);
  sim.run_until(30);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 10);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 1, 11);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 11, 12);
  expect_departure(log, 'D', PoolOutcome::kServed, 13, 13, 16);
  expect_departure(log, 'E', PoolOutcome::kServed, 14, 16, 26);
  expect_departure(log, 'F', PoolOutcome::kServed, 17, 20, 22);
  pool.update_time_averages();
  EXPECT_DOUBLE_EQ(pool.statistics().capacity.mean(30), (2 * 5 + 1 * 15 + 2 * 10) / 30.0);
}

TEST(ServerPoolTest, CapacityIncreaseStartsWaitingCustomersInOrder) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::piecewise({{0, 1}, {5, 3}})));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(
      sim, pool,
      {customer('A', 0, 10), customer('B', 1, 1), customer('C', 2, 1), customer('D', 3, 1)});
  sim.run();
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 5, 6);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 5, 6);
  expect_departure(log, 'D', PoolOutcome::kServed, 3, 6, 7);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 10);
}

// Open 0-10 and from 20. At closing, B is in service and C waits: B finishes, then C is served
// in overtime (12-14). D (11) and E (15) arrive while closed and wait for the opening at 20.
TEST(ServerPoolTest, ClosingServeWaitingServesThoseWaitingAtClosingOnly) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::piecewise({{0, 1}, {10, 0}, {20, 1}}));
  config.on_close = ClosingPolicy::kServeWaiting;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 6), customer('B', 1, 6), customer('C', 2, 2),
                       customer('D', 11, 1), customer('E', 15, 1)});
  sim.run_until(16);
  EXPECT_EQ(pool.capacity(), 0);
  EXPECT_EQ(pool.busy(), 0);
  EXPECT_EQ(pool.waiting(), 2U);
  EXPECT_EQ(script.result('E'), ArrivalResult::kQueued);  // idle but closed
  sim.run_until(30);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 6);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 6, 12);
  expect_departure(log, 'C', PoolOutcome::kServed, 2, 12, 14);
  expect_departure(log, 'D', PoolOutcome::kServed, 11, 20, 21);
  expect_departure(log, 'E', PoolOutcome::kServed, 15, 21, 22);
  EXPECT_EQ(pool.statistics().classes[0].sent_away, 0U);
}

// Same timeline, kSendAway: C is sent away at closing (its patience timer must die with it);
// B still finishes.
TEST(ServerPoolTest, ClosingSendAwaySendsWaitingCustomersAway) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::piecewise({{0, 1}, {10, 0}, {20, 1}}));
  config.on_close = ClosingPolicy::kSendAway;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 6), customer('B', 1, 6), customer('C', 2, 2, 0, 15),
                       customer('D', 11, 1), customer('E', 15, 1)});
  sim.run_until(30);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 6, 12);
  expect_departure(log, 'C', PoolOutcome::kSentAway, 2, kNever, 10);
  expect_departure(log, 'D', PoolOutcome::kServed, 11, 20, 21);
  expect_departure(log, 'E', PoolOutcome::kServed, 15, 21, 22);
  const ClassStatistics& c = pool.statistics().classes[0];
  EXPECT_EQ(c.sent_away, 1U);
  EXPECT_EQ(c.reneged, 0U);
  EXPECT_EQ(c.served, 4U);
  EXPECT_EQ(c.delay().count(), 5U);  // A 0, B 5, C 8 (until sent away), D 9, E 6
  EXPECT_DOUBLE_EQ(c.delay().sum(), 28.0);
}

TEST(ServerPoolTest, ArrivalsWhileClosedWaitForOpening) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::piecewise({{0, 0}, {5, 2}})));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(
      sim, pool,
      {customer('D', 0.5, 1, 0, 2), customer('A', 1, 1), customer('B', 2, 1), customer('C', 3, 1)});
  sim.run();
  EXPECT_EQ(script.result('A'), ArrivalResult::kQueued);
  expect_departure(log, 'D', PoolOutcome::kReneged, 0.5, kNever, 2.5);
  expect_departure(log, 'A', PoolOutcome::kServed, 1, 5, 6);
  expect_departure(log, 'B', PoolOutcome::kServed, 2, 5, 6);
  expect_departure(log, 'C', PoolOutcome::kServed, 3, 6, 7);
}

// Daily opening hours 08:00-17:00: a customer arriving at 18:20 is served at 08:00 next day.
TEST(ServerPoolTest, CyclicOpeningHoursCarryCustomersOverNight) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::cyclic({{0, 0}, {480, 1}, {1020, 0}}, kDay)));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 600, 30), customer('B', 1100, 30), customer('C', 1200, 45),
                       customer('D', 2 * kDay + 1000, 60)});
  sim.run_until(3 * kDay);
  expect_departure(log, 'A', PoolOutcome::kServed, 600, 600, 630);
  expect_departure(log, 'B', PoolOutcome::kServed, 1100, kDay + 480, kDay + 510);
  expect_departure(log, 'C', PoolOutcome::kServed, 1200, kDay + 510, kDay + 555);
  // D starts at 16:40 and runs past closing: a busy server finishes its customer.
  expect_departure(log, 'D', PoolOutcome::kServed, 2 * kDay + 1000, 2 * kDay + 1000,
                   2 * kDay + 1060);
  pool.update_time_averages();
  EXPECT_DOUBLE_EQ(pool.statistics().capacity.mean(3 * kDay), 540.0 / 1440.0);
}

// --- Closing-rule bugs (see the report) ------------------------------------------------------

// B was waiting at closing (10) but reneges at 11; C arrives at 11.5, after closing. When A's
// overtime service ends at 12, the pool must not serve C: C arrived while closed and waits for
// the opening at 20.
TEST(ServerPoolTest, OvertimeDoesNotServeArrivalsAfterClosingWhenAWaiterReneged) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::piecewise({{0, 1}, {10, 0}, {20, 1}}));
  config.on_close = ClosingPolicy::kServeWaiting;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 12), customer('B', 1, 1, 0, 10), customer('C', 11.5, 1)});
  sim.run_until(30);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 12);
  expect_departure(log, 'B', PoolOutcome::kReneged, 1, kNever, 11);
  expect_departure(log, 'C', PoolOutcome::kServed, 11.5, 20, 21);
}

// B (class 1) waits at closing; C (class 0) arrives after closing. Overtime is for B: B is
// served when A leaves at 12, and C waits for the opening at 20.
TEST(ServerPoolTest, OvertimeServesThoseWaitingAtClosingNotLaterHigherPriorityArrivals) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::piecewise({{0, 1}, {10, 0}, {20, 1}}), 2);
  config.on_close = ClosingPolicy::kServeWaiting;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 12, 1), customer('B', 1, 1, 1), customer('C', 11, 1, 0)});
  sim.run_until(30);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 12);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 12, 13);
  expect_departure(log, 'C', PoolOutcome::kServed, 11, 20, 21);
}

// Preemptive pool, closed at 10 while A (class 1) is still being served. C (class 0) arrives at
// 11 while closed: it must wait for the opening, not take A's server. (Taking it also strands A:
// nobody resumes A until the pool reopens.)
TEST(ServerPoolTest, ArrivalWhileClosedDoesNotPreemptOvertimeService) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::piecewise({{0, 1}, {10, 0}, {20, 1}}), 2,
                                        Preemption::kPreemptiveResume);
  config.on_close = ClosingPolicy::kServeWaiting;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool, {customer('A', 0, 12, 1), customer('C', 11, 1, 0)});
  sim.run_until(30);
  EXPECT_EQ(script.result('C'), ArrivalResult::kQueued);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 12);
  expect_departure(log, 'C', PoolOutcome::kServed, 11, 20, 21);
  EXPECT_EQ(pool.statistics().classes[1].preempted, 0U);
}

// kSendAway with a preempted customer in the queue at closing: A got 1 minute of service, was
// preempted by B at 1, and is sent away at 5. Its delay (time in queue until it first left the
// queue) was recorded when it started at 0; sending it away must not add a second delay sample
// (here 5, which is mostly service and preemption time, not a first wait).
TEST(ServerPoolTest, SendingAwayAPreemptedCustomerDoesNotCountItsDelayTwice) {
  Simulation sim;
  ServerPoolConfig config = config_with(CapacitySchedule::piecewise({{0, 1}, {5, 0}, {20, 1}}), 2,
                                        Preemption::kPreemptiveResume);
  config.on_close = ClosingPolicy::kSendAway;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool, {customer('A', 0, 10, 1), customer('B', 1, 6, 0)});
  sim.run_until(30);
  expect_departure(log, 'A', PoolOutcome::kSentAway, 0, 0, 5);
  expect_departure(log, 'B', PoolOutcome::kServed, 1, 1, 7);
  const ClassStatistics& a = pool.statistics().classes[1];
  EXPECT_EQ(a.sent_away, 1U);
  EXPECT_EQ(a.wait.count(), 1U);
  EXPECT_EQ(a.delay().count(), 1U) << "one customer left the queue once";
  EXPECT_DOUBLE_EQ(a.delay().sum(), 0.0);
}

// After a capacity drop (not a closing) the servers still busy beyond the new capacity are
// finishing their customers: an arrival may not take one of them over.
TEST(ServerPoolTest, NoPreemptionWhileMoreServersAreBusyThanTheCapacity) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::piecewise({{0, 2}, {5, 1}}), 2,
                                   Preemption::kPreemptiveResume));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('A', 0, 10, 1), customer('B', 0.5, 10, 1), customer('C', 6, 1, 0),
                       customer('D', 11, 2, 1), customer('E', 12, 1, 0)});
  sim.run();
  EXPECT_EQ(script.result('C'), ArrivalResult::kQueued);
  expect_departure(log, 'A', PoolOutcome::kServed, 0, 0, 10);
  expect_departure(log, 'B', PoolOutcome::kServed, 0.5, 0.5, 10.5);
  expect_departure(log, 'C', PoolOutcome::kServed, 6, 10.5, 11.5);
  // Back to one busy server of one: E (class 0) preempts D (class 1) at 12; D resumes at 13.
  EXPECT_EQ(script.result('E'), ArrivalResult::kStarted);
  expect_departure(log, 'E', PoolOutcome::kServed, 12, 12, 13);
  expect_departure(log, 'D', PoolOutcome::kServed, 11, 11.5, 14.5);
}

// Two servers until closing at 10; A1 and A2 (class 1) are in service and B (class 1) waits, so
// B is owed overtime. The pool reopens at 11 with two servers (both still busy) and drops to
// one at 13. At 12, C (class 0) preempts A2, the latest starter, who goes to the head of class
// 1's queue, ahead of B. When C leaves at 62 one server is busy (A1) and the capacity is one:
// nobody new may start on a regular server. Whether or not overtime still applies after the
// reopening, A2 (not waiting at closing) may not start then: either B starts in overtime
// (62-63) and A2 resumes when A1 leaves at 100, or nobody starts until 100. A2 had
// 100 - 11.5 = 88.5 minutes left, so it cannot leave before 188.5.
// Runs in a child process: in debug builds the pool's internal assertion aborts on this input.
[[noreturn]] void run_preempted_ahead_of_overtime() {
  Simulation sim;
  ServerPoolConfig config =
      config_with(CapacitySchedule::piecewise({{0, 2}, {10, 0}, {11, 2}, {13, 1}}), 2,
                  Preemption::kPreemptiveResume);
  config.on_close = ClosingPolicy::kServeWaiting;
  ServerPool pool(sim, config);
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool,
                      {customer('1', 0, 100, 1), customer('2', 0.5, 100, 1), customer('B', 1, 1, 1),
                       customer('C', 12, 50, 0)});
  sim.run_until(300);
  bool ok = log.all.size() == 4 && pool.statistics().classes[1].preempted == 1;
  for (const PoolDeparture& d : log.all) {
    std::fprintf(stderr, "customer %c: arrival %g, first start %g, departure %g\n",
                 static_cast<char>(d.tag), d.arrival, d.service_start, d.departure);
    if (d.tag == static_cast<std::uint32_t>('2')) ok = ok && d.departure >= 188.5;
    if (d.tag == static_cast<std::uint32_t>('C')) ok = ok && d.departure == 62.0;
    if (d.tag == static_cast<std::uint32_t>('1')) ok = ok && d.departure == 100.0;
  }
  std::exit(ok ? 0 : 3);
}

TEST(ServerPoolDeathTest, PreemptedCustomerAheadOfOvertimeCustomersIsNotServedAsOvertime) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_preempted_ahead_of_overtime(), ::testing::ExitedWithCode(0), "");
}

// A daily schedule whose change points are given to the second (08:00:20 = 480 + 1/3 min).
// The pool must open every morning; a customer arriving at 09:00 on day 2 is served at once.
// Runs in a child process with an alarm: a pool that re-schedules the same capacity change
// forever would otherwise hang the whole test binary.
[[noreturn]] void run_pool_with_seconds_resolution_schedule() {
#if defined(__unix__)
  alarm(5);
#endif
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::cyclic(
                           {{0, 0}, {8 * kHour + 20.0 / 60.0, 1}, {17 * kHour, 0}}, kDay)));
  DepartureLog log;
  pool.set_observer(&log);
  std::vector<Arrival> arrivals;
  for (int d = 0; d < 20; ++d) {
    arrivals.push_back(customer(static_cast<char>('a' + d), d * kDay + 9 * kHour, 30));
  }
  const Script script(sim, pool, arrivals);
  sim.run_until(20 * kDay);
  bool ok = log.all.size() == 20;
  for (const PoolDeparture& d : log.all) ok = ok && d.service_start == d.arrival;
  std::exit(ok ? 0 : 3);
}

TEST(ServerPoolDeathTest, OpensEveryDayWhenChangePointsAreNotBinaryFractions) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_pool_with_seconds_resolution_schedule(), ::testing::ExitedWithCode(0), "");
}

// --- Statistics windows ----------------------------------------------------------------------

// The worked example of SingleServerFifoHandWorkedTimelineAndStatistics, with the window cut at
// 5: B is in service and C waits, so two customers are in the system at the start.
TEST(ServerPoolTest, ResetStatisticsStartsANewWindowAndKeepsFlowConservation) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1)));
  const Script script(
      sim, pool,
      {customer('A', 0, 4), customer('B', 1, 2), customer('C', 2, 3), customer('D', 10, 1)});
  sim.run_until(5);
  pool.reset_statistics();
  const PoolStatistics& s = pool.statistics();
  EXPECT_EQ(s.since, 5.0);
  EXPECT_EQ(s.in_system_at_start, 2U);
  EXPECT_EQ(s.classes[0].arrivals, 0U);
  EXPECT_EQ(s.classes[0].served, 0U);
  EXPECT_EQ(s.classes[0].in_system.value(), 2.0);
  EXPECT_EQ(s.wait_histogram.count(), 0U);
  sim.run_until(12);
  pool.update_time_averages();
  const ClassStatistics& c = s.classes[0];
  EXPECT_EQ(c.arrivals, 1U);
  EXPECT_EQ(c.served, 3U);  // B, C, D
  EXPECT_EQ(s.in_system_at_start + c.arrivals, c.served + pool.in_system());
  EXPECT_EQ(c.wait.count(), 2U);  // C (4) and D (0); B started before the window
  EXPECT_DOUBLE_EQ(c.wait.sum(), 4.0);
  EXPECT_EQ(c.sojourn.count(), 3U);
  EXPECT_DOUBLE_EQ(c.sojourn.sum(), 5.0 + 7.0 + 1.0);
  // in_system on [5, 12]: 2 until 6, 1 until 9, 0, 1 on [10, 11): area 2 + 3 + 1.
  EXPECT_DOUBLE_EQ(s.in_system.integral(12), 6.0);
  EXPECT_DOUBLE_EQ(s.in_system.mean(12), 6.0 / 7.0);
  EXPECT_DOUBLE_EQ(c.in_system.integral(12), 6.0);
  EXPECT_DOUBLE_EQ(s.in_queue.integral(12), 1.0);  // C waits 5-6
  EXPECT_DOUBLE_EQ(s.busy.integral(12), 5.0);      // 5-9 and 10-11
}

TEST(ServerPoolTest, PerClassStatisticsAndTotal) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1), 2));
  const Script script(sim, pool,
                      {customer('A', 0, 2, 1), customer('B', 1, 2, 1), customer('C', 1.5, 1, 0)});
  sim.run_until(10);
  pool.update_time_averages();
  const PoolStatistics& s = pool.statistics();
  // A 0-2, C 2-3 (waited 0.5), B 3-5 (waited 2).
  EXPECT_DOUBLE_EQ(s.classes[0].wait.mean(), 0.5);
  EXPECT_DOUBLE_EQ(s.classes[1].wait.mean(), 1.0);
  EXPECT_DOUBLE_EQ(s.classes[0].in_system.integral(10), 1.5);
  EXPECT_DOUBLE_EQ(s.classes[1].in_system.integral(10), 2.0 + 4.0);
  const ClassStatistics total = s.total();
  EXPECT_EQ(total.arrivals, 3U);
  EXPECT_EQ(total.served, 3U);
  EXPECT_EQ(total.wait.count(), 3U);
  EXPECT_DOUBLE_EQ(total.wait.sum(), 2.5);
  EXPECT_DOUBLE_EQ(total.in_system.integral(10), 7.5);
}

TEST(ServerPoolTest, ZeroServiceTimeCompletesAtOnce) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1)));
  DepartureLog log;
  pool.set_observer(&log);
  const Script script(sim, pool, {customer('A', 3, 0), customer('B', 3, 0)});
  sim.run();
  expect_departure(log, 'A', PoolOutcome::kServed, 3, 3, 3);
  expect_departure(log, 'B', PoolOutcome::kServed, 3, 3, 3);
  EXPECT_EQ(pool.in_system(), 0U);
}

// --- Randomized runs with every feature on ---------------------------------------------------

// Poisson arrivals into a pool with random classes, patience, service; records what the pool
// answered and checks each departure against the customer it belongs to.
class RandomSource : public EventHandler {
 public:
  struct Customer {
    Time arrival;
    Time service;
    Time patience;
    int cls;
    ArrivalResult result;
    int capacity_at_arrival;
  };

  RandomSource(Simulation& sim, ServerPool& pool, std::uint64_t seed, int classes, double rate,
               Time stop_at = kNever)
      : sim_(sim),
        pool_(pool),
        rng_(make_engine(seed)),
        classes_(classes),
        rate_(rate),
        stop_at_(stop_at) {
    id_ = sim.add_handler(*this);
    sim.schedule_in(gap(), id_, 0, 0);
  }

  void handle_event(Simulation& sim, std::uint16_t /*kind*/, std::uint32_t /*payload*/) override {
    Customer c{};
    c.arrival = sim.now();
    c.service = boost::random::exponential_distribution<double>(1.0 / 4.0)(rng_);
    c.patience =
        uniform() < 0.3 ? kNever : boost::random::exponential_distribution<double>(0.1)(rng_);
    c.cls = boost::random::uniform_int_distribution<int>(0, classes_ - 1)(rng_);
    c.capacity_at_arrival = pool_.capacity();
    const auto tag = static_cast<std::uint32_t>(customers.size());
    c.result = pool_.arrive(c.cls, c.service, c.patience, tag);
    customers.push_back(c);
    const Time next = sim.now() + gap();
    if (next < stop_at_) sim.schedule_at(next, id_, 0, 0);
  }

  std::vector<Customer> customers;

 private:
  double uniform() { return boost::random::uniform_01<double>()(rng_); }
  double gap() { return boost::random::exponential_distribution<double>(rate_)(rng_); }

  Simulation& sim_;
  ServerPool& pool_;
  RandomEngine rng_;
  HandlerId id_ = 0;
  int classes_;
  double rate_;
  Time stop_at_;
};

class CountingLog : public PoolObserver {
 public:
  void on_departure(const PoolDeparture& d) override {
    departures.push_back(d);
    if (counting) ++by_outcome[static_cast<std::size_t>(d.outcome)];
  }
  std::vector<PoolDeparture> departures;
  std::uint64_t by_outcome[4] = {0, 0, 0, 0};
  bool counting = false;
};

struct FuzzSetup {
  ServerPoolConfig config;
  double rate;
};

FuzzSetup random_setup(std::uint64_t seed) {
  RandomEngine rng = make_engine(stream_seed(seed, 0, "pool-fuzz-config"));
  const auto pick = [&rng](int lo, int hi) {
    return boost::random::uniform_int_distribution<int>(lo, hi)(rng);
  };
  FuzzSetup setup;
  ServerPoolConfig& config = setup.config;
  config.name = "fuzz";
  config.priority_classes = pick(1, 3);
  config.preemption = pick(0, 1) == 0 ? Preemption::kNone : Preemption::kPreemptiveResume;
  const int room = pick(0, 4);
  config.waiting_room = room == 4 ? ServerPoolConfig::kUnlimited : static_cast<std::size_t>(room);
  config.on_close = pick(0, 1) == 0 ? ClosingPolicy::kServeWaiting : ClosingPolicy::kSendAway;
  // A cyclic schedule of 2-5 pieces over a period of 60-300 minutes; zero-capacity pieces are
  // common, and at least one piece has a server.
  const Time period = 60.0 * pick(1, 5);
  const int pieces = pick(2, 5);
  std::vector<CapacityChange> changes;
  int best = 0;
  for (int i = 0; i < pieces; ++i) {
    const int servers = pick(0, 3);
    best = std::max(best, servers);
    changes.push_back({period * i / pieces, servers});
  }
  if (best == 0) changes.back().servers = 2;
  config.capacity = CapacitySchedule::cyclic(changes, period);
  setup.rate = 0.2 + 0.1 * pick(0, 6);
  return setup;
}

struct FuzzRun {
  std::vector<RandomSource::Customer> customers;
  std::vector<PoolDeparture> departures;
  PoolStatistics statistics{0.005};
  std::uint64_t observed[4] = {0, 0, 0, 0};  // outcomes seen by the observer after the reset
  std::size_t in_system_at_end = 0;
  bool preemptive = false;
  bool send_away = false;
  CapacitySchedule capacity = CapacitySchedule::constant(1);
};

FuzzRun run_fuzz(std::uint64_t seed) {
  const FuzzSetup setup = random_setup(seed);
  Simulation sim;
  ServerPool pool(sim, setup.config);
  CountingLog log;
  pool.set_observer(&log);
  RandomSource source(sim, pool, stream_seed(seed, 0, "pool-fuzz-arrivals"),
                      setup.config.priority_classes, setup.rate);
  sim.run_until(1000.0);
  pool.reset_statistics();
  log.counting = true;
  sim.run_until(5000.0);
  pool.update_time_averages();
  FuzzRun run;
  run.customers = source.customers;
  run.departures = log.departures;
  run.statistics = pool.statistics();
  for (int i = 0; i < 4; ++i) run.observed[i] = log.by_outcome[i];
  run.in_system_at_end = pool.in_system();
  run.preemptive = setup.config.preemption == Preemption::kPreemptiveResume;
  run.send_away = setup.config.on_close == ClosingPolicy::kSendAway;
  run.capacity = setup.config.capacity;
  return run;
}

TEST(ServerPoolTest, RandomizedRunsConserveFlowAndAgreeWithTheObserver) {
  ClassStatistics all_seeds;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const FuzzRun run = run_fuzz(seed);
    const ClassStatistics t = run.statistics.total();
    all_seeds.merge_counts(t);
    ASSERT_GT(t.arrivals, 100U);
    // Flow conservation over the window.
    EXPECT_EQ(run.statistics.in_system_at_start + t.arrivals,
              t.served + t.reneged + t.balked + t.sent_away + run.in_system_at_end);
    for (const ClassStatistics& c : run.statistics.classes) {
      EXPECT_EQ(c.sojourn.count(), c.served);
      EXPECT_LE(c.delayed, c.arrivals);
    }
    // The observer saw the same departures the counters counted.
    EXPECT_EQ(run.observed[static_cast<int>(PoolOutcome::kServed)], t.served);
    EXPECT_EQ(run.observed[static_cast<int>(PoolOutcome::kReneged)], t.reneged);
    EXPECT_EQ(run.observed[static_cast<int>(PoolOutcome::kBalked)], t.balked);
    EXPECT_EQ(run.observed[static_cast<int>(PoolOutcome::kSentAway)], t.sent_away);
    EXPECT_EQ(run.statistics.wait_histogram.count(), t.wait.count());
    EXPECT_GE(run.statistics.in_system.min(), 0.0);
    EXPECT_GE(run.statistics.in_queue.min(), 0.0);

    // Each departure matches its customer; nobody leaves twice.
    std::vector<int> departures_of(run.customers.size(), 0);
    for (const PoolDeparture& d : run.departures) {
      ASSERT_LT(d.tag, run.customers.size());
      const RandomSource::Customer& c = run.customers[d.tag];
      ++departures_of[d.tag];
      EXPECT_EQ(d.arrival, c.arrival);
      EXPECT_EQ(d.priority_class, c.cls);
      EXPECT_GE(d.departure, d.arrival);
      switch (d.outcome) {
        case PoolOutcome::kServed:
          EXPECT_GE(d.service_start, d.arrival);
          if (run.preemptive) {
            EXPECT_GE(d.departure - d.service_start, c.service - 1e-9);
          } else {
            EXPECT_EQ(d.departure, d.service_start + c.service);  // one uninterrupted spell
          }
          break;
        case PoolOutcome::kReneged:
          EXPECT_EQ(d.service_start, kNever);
          EXPECT_EQ(d.departure, c.arrival + c.patience);
          break;
        case PoolOutcome::kBalked:
          EXPECT_EQ(c.result, ArrivalResult::kBalked);
          EXPECT_EQ(d.departure, c.arrival);
          break;
        case PoolOutcome::kSentAway:
          // Patience runs until the first start (a preempted customer may be sent away later).
          if (d.service_start == kNever) {
            EXPECT_LE(d.departure, c.arrival + c.patience);
          }
          break;
      }
    }
    for (std::size_t i = 0; i < departures_of.size(); ++i) {
      ASSERT_LE(departures_of[i], 1) << "customer " << i;
    }
  }
  // The runs exercised every way of leaving, and preemption.
  EXPECT_GT(all_seeds.served, 10'000U);
  EXPECT_GT(all_seeds.reneged, 1'000U);
  EXPECT_GT(all_seeds.balked, 1'000U);
  EXPECT_GT(all_seeds.sent_away, 100U);
  EXPECT_GT(all_seeds.preempted, 100U);
}

// Integral of a cyclic schedule's capacity over [0, end], from the change list alone.
double capacity_integral(const CapacitySchedule& schedule, Time end) {
  const std::vector<CapacityChange>& changes = schedule.changes();
  const Time period = schedule.period();
  double area = 0;
  for (Time base = 0; base < end; base += period) {
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const Time from = base + changes[i].at;
      const Time to =
          std::min(end, i + 1 < changes.size() ? base + changes[i + 1].at : base + period);
      if (to > from) area += changes[i].servers * (to - from);
    }
  }
  return area;
}

// Arrivals stop at 3000 and the pool is run until everyone has left. Then the time averages
// integrate to what the customers themselves report: the area under "in system" is the sum of
// all sojourns (balked ones count 0), and when every started customer was served in full (no
// customer sent away after a partial service) the area under "busy" is the total service time.
// The area under "capacity" is the schedule's own integral.
TEST(ServerPoolTest, RandomizedRunsTimeAveragesMatchTheCustomers) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const FuzzSetup setup = random_setup(seed);
    Simulation sim;
    ServerPool pool(sim, setup.config);
    DepartureLog log;
    pool.set_observer(&log);
    RandomSource source(sim, pool, stream_seed(seed, 1, "pool-fuzz-arrivals"),
                        setup.config.priority_classes, setup.rate, 3000.0);
    const Time end = 30'000.0;
    sim.run_until(end);
    ASSERT_EQ(pool.in_system(), 0U);
    ASSERT_EQ(log.all.size(), source.customers.size());
    pool.update_time_averages();
    const PoolStatistics& s = pool.statistics();
    double sojourns = 0;
    double service = 0;
    bool partial_service = false;
    for (const PoolDeparture& d : log.all) {
      sojourns += d.departure - d.arrival;
      if (d.outcome == PoolOutcome::kServed) service += source.customers[d.tag].service;
      if (d.outcome != PoolOutcome::kServed && d.service_start != kNever) partial_service = true;
    }
    EXPECT_NEAR(s.in_system.integral(end), sojourns, 1e-9 * std::max(1.0, sojourns));
    EXPECT_NEAR(s.total().in_system.integral(end), sojourns, 1e-9 * std::max(1.0, sojourns));
    if (!partial_service) {
      EXPECT_NEAR(s.busy.integral(end), service, 1e-9 * std::max(1.0, service));
    }
    EXPECT_NEAR(s.in_queue.integral(end) + s.busy.integral(end), s.in_system.integral(end),
                1e-9 * std::max(1.0, sojourns));
    EXPECT_NEAR(s.capacity.integral(end), capacity_integral(setup.config.capacity, end), 1e-6);
    if (setup.config.priority_classes > 1) {
      double per_class = 0;
      for (const ClassStatistics& c : s.classes) per_class += c.in_system.integral(end);
      EXPECT_NEAR(per_class, sojourns, 1e-9 * std::max(1.0, sojourns));
    }
  }
}

// Start of the zero-capacity stretch of a cyclic schedule that contains t, or NaN when t is in
// an open stretch. Worked out from the change list alone (periods here are whole minutes).
Time closed_since(const CapacitySchedule& schedule, Time t) {
  const std::vector<CapacityChange>& changes = schedule.changes();
  const Time period = schedule.period();
  Time base = std::floor(t / period) * period;
  std::size_t i = changes.size() - 1;
  while (changes[i].at > t - base) --i;
  if (changes[i].servers > 0) return kNaN;
  for (;;) {
    const std::size_t previous = i == 0 ? changes.size() - 1 : i - 1;
    const Time previous_base = i == 0 ? base - period : base;
    if (previous_base < 0 || changes[previous].servers > 0) return base + changes[i].at;
    i = previous;
    base = previous_base;
  }
}

// The closing rules under random load. A customer who arrives while the pool is closed never
// starts on arrival. Service starts while closed only in overtime (kServeWaiting), and only for
// customers who were already waiting when the pool closed; with kSendAway, never.
TEST(ServerPoolTest, RandomizedRunsFollowTheClosingRules) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const FuzzRun run = run_fuzz(seed);
    SCOPED_TRACE("seed " + std::to_string(seed) + (run.preemptive ? ", preemptive" : "") +
                 (run.send_away ? ", send away" : ", serve waiting"));
    int started_on_arrival_while_closed = 0;
    for (const RandomSource::Customer& c : run.customers) {
      if (c.capacity_at_arrival == 0 && c.result == ArrivalResult::kStarted) {
        ++started_on_arrival_while_closed;
      }
    }
    EXPECT_EQ(started_on_arrival_while_closed, 0);
    int started_while_closed_after_closing = 0;
    int started_while_closed_with_send_away = 0;
    for (const PoolDeparture& d : run.departures) {
      if (d.service_start == kNever) continue;
      const Time closed = closed_since(run.capacity, d.service_start);
      if (std::isnan(closed) || d.service_start == closed) continue;  // open, or at closing
      if (run.send_away) ++started_while_closed_with_send_away;
      if (d.arrival >= closed) ++started_while_closed_after_closing;
    }
    EXPECT_EQ(started_while_closed_after_closing, 0);
    EXPECT_EQ(started_while_closed_with_send_away, 0);
  }
}

// --- Bad input -------------------------------------------------------------------------------

TEST(ServerPoolTest, RejectsPriorityClassesOutOfRange) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1), 2));
  EXPECT_THAT([&] { pool.arrive(2, 1.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("server pool 'desk': priority class must be in [0, 2), got 2")));
  EXPECT_THAT([&] { pool.arrive(-1, 1.0); }, ThrowsMessage<InvalidParameter>(HasSubstr("got -1")));
  EXPECT_EQ(pool.statistics().total().arrivals, 0U);  // a rejected arrival is not counted
  EXPECT_EQ(pool.in_system(), 0U);
}

TEST(ServerPoolTest, RejectsBadServiceTimes) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1)));
  EXPECT_THAT([&] { pool.arrive(0, -1.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("server pool 'desk': service time must be >= 0 and finite, got -1")));
  EXPECT_THAT([&] { pool.arrive(0, kNaN); },
              ThrowsMessage<InvalidParameter>(HasSubstr("service time must be >= 0 and finite")));
  EXPECT_THAT([&] { pool.arrive(0, kNever); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got inf")));
  EXPECT_EQ(pool.statistics().total().arrivals, 0U);
}

TEST(ServerPoolTest, RejectsNonPositivePatience) {
  Simulation sim;
  ServerPool pool(sim, config_with(CapacitySchedule::constant(1)));
  EXPECT_THAT([&] { pool.arrive(0, 1.0, 0.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("server pool 'desk': patience must be > 0, got 0")));
  EXPECT_THAT([&] { pool.arrive(0, 1.0, -3.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got -3")));
  EXPECT_THAT([&] { pool.arrive(0, 1.0, kNaN); },
              ThrowsMessage<InvalidParameter>(HasSubstr("patience must be > 0, got nan")));
  EXPECT_EQ(pool.statistics().total().arrivals, 0U);
}

TEST(ServerPoolTest, RejectsBadConfigurations) {
  Simulation sim;
  ServerPoolConfig no_classes = config_with(CapacitySchedule::constant(1), 0);
  EXPECT_THAT([&] { ServerPool pool(sim, no_classes); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("server pool 'desk': priority_classes must be in [1, 65535], got 0")));
  ServerPoolConfig too_many = config_with(CapacitySchedule::constant(1), 65536);
  EXPECT_THAT([&] { ServerPool pool(sim, too_many); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got 65536")));
  ServerPoolConfig never_open = config_with(CapacitySchedule::piecewise({{0, 0}, {60, 0}}));
  EXPECT_THAT([&] { ServerPool pool(sim, never_open); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("server pool 'desk': capacity schedule never has a server on duty")));
  ServerPoolConfig never_open_cyclic = config_with(CapacitySchedule::cyclic({{0, 0}}, kDay));
  EXPECT_THAT([&] { ServerPool pool(sim, never_open_cyclic); },
              ThrowsMessage<InvalidParameter>(HasSubstr("never has a server on duty")));
}

}  // namespace
}  // namespace circlesim::sim

namespace circlesim::sim {
namespace {

// A customer whose service ends at the very instant a higher class arrives is never preempted,
// whichever of the two simultaneous events runs first, even when the completion time is not
// exactly start + service in floating point (these values leave a 4e-15 "remainder" if the
// remaining work is recomputed as a difference).
class TwoArrivals : public EventHandler {
 public:
  explicit TwoArrivals(ServerPool& pool) : pool_(pool) {}
  void handle_event(Simulation& /*sim*/, std::uint16_t kind, std::uint32_t /*payload*/) override {
    if (kind == 0) {
      pool_.arrive(1, kService);
    } else {
      pool_.arrive(0, 1.0);
    }
  }
  static constexpr double kStart = 32.175910193758455;
  static constexpr double kService = 11.317408141314562;

 private:
  ServerPool& pool_;
};

TEST(ServerPoolTest, FinishingCustomerIsNotPreemptedWhateverTheOrderOfSimultaneousEvents) {
  for (const int arrival_priority : {-1, 1}) {
    Simulation sim;
    ServerPoolConfig config;
    config.priority_classes = 2;
    config.preemption = Preemption::kPreemptiveResume;
    ServerPool pool(sim, config);
    TwoArrivals driver(pool);
    const HandlerId id = sim.add_handler(driver);
    sim.post_at(TwoArrivals::kStart, id, 0, 0);
    sim.post_at(TwoArrivals::kStart + TwoArrivals::kService, id, 1, 0, arrival_priority);
    sim.run();
    const ClassStatistics& low = pool.statistics().classes[1];
    EXPECT_EQ(low.preempted, 0U) << "arrival priority " << arrival_priority;
    EXPECT_EQ(low.served, 1U);
    EXPECT_NEAR(low.sojourn.mean(), TwoArrivals::kService, 1e-12);
  }
}

}  // namespace
}  // namespace circlesim::sim
