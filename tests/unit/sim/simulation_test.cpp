// Tests of sim/simulation: dispatch to handlers in calendar order, run_until's horizon and clock,
// stop(), cancellation through the kernel, and the rejection of events in the past or for
// unknown handlers.
#include "sim/simulation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <tuple>
#include <vector>

#include "sim/error.hpp"
#include "sim/time.hpp"
#include "tests/unit/test_constants.hpp"

#if defined(__unix__)
#include <unistd.h>
#endif

namespace circlesim::sim {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// What a handler saw: (clock, kind, payload).
using Seen = std::tuple<Time, std::uint16_t, std::uint32_t>;

// Records every event; a few kinds also act, so that tests can script behaviour:
//   kind 1: schedule kind 0 after `payload` minutes (payload 0 = at the same time);
//   kind 2: call stop();
//   kind 3: schedule kind 0 at a time in the past (must throw; the throw is recorded).
class Recorder : public EventHandler {
 public:
  void handle_event(Simulation& sim, std::uint16_t kind, std::uint32_t payload) override {
    seen.emplace_back(sim.now(), kind, payload);
    if (kind == 1) sim.schedule_in(payload, id, 0, 1000 + payload);
    if (kind == 2) sim.stop();
    if (kind == 3) {
      try {
        sim.schedule_at(sim.now() - 1.0, id, 0, 0);
      } catch (const InvalidParameter&) {
        ++past_rejections;
      }
    }
  }
  HandlerId id = 0;
  std::vector<Seen> seen;
  int past_rejections = 0;
};

// Handlers whose EventHandler base is not their first: dispatch must reach the object itself,
// whether the class is final (called directly) or not (virtual call), and also when it was
// registered through a reference to its EventHandler base.
struct Padding {
  virtual ~Padding() = default;
  double value = 42.0;
};
class SecondBaseHandler : public Padding, public EventHandler {
 public:
  void handle_event(Simulation& sim, std::uint16_t kind, std::uint32_t payload) override {
    seen.emplace_back(sim.now(), kind, payload);
    padding_seen = value;
  }
  std::vector<Seen> seen;
  double padding_seen = 0;
};
class FinalSecondBaseHandler final : public SecondBaseHandler {};

TEST(SimulationTest, DispatchReachesHandlersWhoseEventHandlerBaseIsNotFirst) {
  Simulation sim;
  SecondBaseHandler plain;
  FinalSecondBaseHandler final_one;
  SecondBaseHandler through_base;
  const HandlerId a = sim.add_handler(plain);
  const HandlerId b = sim.add_handler(final_one);
  const HandlerId c = sim.add_handler(static_cast<EventHandler&>(through_base));
  sim.post_at(1.0, a, 1, 10);
  sim.post_at(2.0, b, 2, 20);
  sim.post_at(3.0, c, 3, 30);
  sim.run();
  EXPECT_THAT(plain.seen, ElementsAre(Seen{1.0, 1, 10}));
  EXPECT_THAT(final_one.seen, ElementsAre(Seen{2.0, 2, 20}));
  EXPECT_THAT(through_base.seen, ElementsAre(Seen{3.0, 3, 30}));
  EXPECT_EQ(plain.padding_seen, 42.0);
  EXPECT_EQ(final_one.padding_seen, 42.0);
  EXPECT_EQ(through_base.padding_seen, 42.0);
}

TEST(SimulationTest, StartsAtTheGivenTimeWithNothingPending) {
  Simulation sim;
  EXPECT_EQ(sim.now(), 0.0);
  EXPECT_EQ(sim.pending_events(), 0U);
  EXPECT_EQ(sim.events_processed(), 0U);
  Simulation later(480.0);
  EXPECT_EQ(later.now(), 480.0);
}

TEST(SimulationTest, DispatchesToTheRightHandlerInTimeOrder) {
  Simulation sim;
  Recorder a;
  Recorder b;
  a.id = sim.add_handler(a);
  b.id = sim.add_handler(b);
  EXPECT_NE(a.id, b.id);
  sim.schedule_at(3.0, b.id, 7, 30);
  sim.schedule_at(1.0, a.id, 5, 10);
  sim.schedule_at(2.0, b.id, 6, 20);
  sim.schedule_at(2.0, a.id, 4, 21);
  EXPECT_EQ(sim.pending_events(), 4U);
  sim.run();
  EXPECT_THAT(a.seen, ElementsAre(Seen{1.0, 5, 10}, Seen{2.0, 4, 21}));
  EXPECT_THAT(b.seen, ElementsAre(Seen{2.0, 6, 20}, Seen{3.0, 7, 30}));
  EXPECT_EQ(sim.now(), 3.0);  // run() leaves the clock at the last event
  EXPECT_EQ(sim.events_processed(), 4U);
  EXPECT_EQ(sim.pending_events(), 0U);
}

// Prefetch records are hints: with thousands of events pending (the calendar's radix heap, where
// the run loop prefetches) every event reaches its handler exactly as without them.
TEST(SimulationTest, PrefetchRecordsChangeNothingThatIsDispatched) {
  std::vector<std::vector<Seen>> seen;
  for (const bool hinted : {false, true}) {
    Simulation sim;
    Recorder a;
    Recorder b;
    a.id = sim.add_handler(a);
    b.id = sim.add_handler(b);
    const std::vector<double> records(500);
    if (hinted) sim.set_prefetch_records(a.id, records.data(), sizeof(double), 0xffffffffU);
    for (std::uint32_t i = 0; i < 3'000; ++i) {
      const double time = 1.0 + 0.37 * ((i * 7919U) % 3'001U);
      sim.schedule_at(time, i % 3 == 0 ? b.id : a.id, static_cast<std::uint16_t>(4 + i % 36),
                      i % 500);
    }
    sim.run();
    EXPECT_EQ(a.seen.size() + b.seen.size(), 3'000U);
    seen.push_back(a.seen);
    seen.push_back(b.seen);
  }
  EXPECT_EQ(seen[0], seen[2]);
  EXPECT_EQ(seen[1], seen[3]);
}

TEST(SimulationTest, PriorityBreaksTiesBeforeInsertionOrder) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  sim.schedule_at(5.0, r.id, 0, 1, 0);
  sim.schedule_at(5.0, r.id, 0, 2, -1);
  sim.schedule_at(5.0, r.id, 0, 3, 0);
  sim.schedule_at(5.0, r.id, 0, 4, 1);
  sim.run();
  EXPECT_THAT(r.seen,
              ElementsAre(Seen{5.0, 0, 2}, Seen{5.0, 0, 1}, Seen{5.0, 0, 3}, Seen{5.0, 0, 4}));
}

TEST(SimulationTest, RunUntilProcessesEventsUpToAndIncludingTheEndAndLeavesTheClockThere) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  sim.schedule_at(1.0, r.id, 0, 1);
  sim.schedule_at(10.0, r.id, 0, 2);  // exactly at the end: processed
  sim.schedule_at(10.000001, r.id, 0, 3);
  sim.schedule_at(25.0, r.id, 0, 4);
  sim.run_until(10.0);
  EXPECT_THAT(r.seen, ElementsAre(Seen{1.0, 0, 1}, Seen{10.0, 0, 2}));
  EXPECT_EQ(sim.now(), 10.0);
  EXPECT_EQ(sim.events_processed(), 2U);
  EXPECT_EQ(sim.pending_events(), 2U);

  sim.run_until(20.0);  // clock goes to the end even when the last event was earlier
  EXPECT_EQ(r.seen.size(), 3U);
  EXPECT_EQ(sim.now(), 20.0);
  sim.run_until(20.0);  // an empty window is fine
  EXPECT_EQ(sim.now(), 20.0);
  EXPECT_EQ(sim.events_processed(), 3U);
  sim.run_until(100.0);
  EXPECT_EQ(r.seen.size(), 4U);
  EXPECT_EQ(sim.now(), 100.0);
  EXPECT_EQ(sim.pending_events(), 0U);
}

TEST(SimulationTest, RunUntilOnAnEmptyCalendarAdvancesTheClock) {
  Simulation sim(5.0);
  sim.run_until(60.0);
  EXPECT_EQ(sim.now(), 60.0);
  EXPECT_EQ(sim.events_processed(), 0U);
}

TEST(SimulationTest, EventsScheduledDuringTheRunAreProcessedIfInsideTheWindow) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  sim.schedule_at(2.0, r.id, 1, 0);  // schedules kind 0 at 2.0 (same time)
  sim.schedule_at(3.0, r.id, 1, 4);  // schedules kind 0 at 7.0
  sim.schedule_at(4.0, r.id, 1, 9);  // schedules kind 0 at 13.0: outside the window
  sim.run_until(7.0);
  EXPECT_THAT(r.seen, ElementsAre(Seen{2.0, 1, 0}, Seen{2.0, 0, 1000}, Seen{3.0, 1, 4},
                                  Seen{4.0, 1, 9}, Seen{7.0, 0, 1004}));
  EXPECT_EQ(sim.now(), 7.0);
  EXPECT_EQ(sim.pending_events(), 1U);
  sim.run();
  EXPECT_EQ(r.seen.back(), (Seen{13.0, 0, 1009}));
  EXPECT_EQ(sim.now(), 13.0);
}

TEST(SimulationTest, StopReturnsAfterTheCurrentEventAndRunResumes) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  sim.schedule_at(1.0, r.id, 0, 1);
  sim.schedule_at(2.0, r.id, 2, 2);  // stop
  sim.schedule_at(2.0, r.id, 0, 3);
  sim.schedule_at(3.0, r.id, 0, 4);
  sim.run_until(50.0);
  EXPECT_THAT(r.seen, ElementsAre(Seen{1.0, 0, 1}, Seen{2.0, 2, 2}));
  EXPECT_EQ(sim.now(), 2.0);  // a stopped run does not jump to the horizon
  EXPECT_EQ(sim.events_processed(), 2U);
  EXPECT_EQ(sim.pending_events(), 2U);

  sim.run_until(50.0);  // a new run is not stopped by the old stop()
  EXPECT_EQ(r.seen.size(), 4U);
  EXPECT_EQ(sim.now(), 50.0);

  sim.schedule_at(60.0, r.id, 2, 5);
  sim.schedule_at(61.0, r.id, 0, 6);
  sim.run();
  EXPECT_EQ(r.seen.back(), (Seen{60.0, 2, 5}));
  EXPECT_EQ(sim.now(), 60.0);
  EXPECT_EQ(sim.pending_events(), 1U);
  sim.run();
  EXPECT_EQ(r.seen.back(), (Seen{61.0, 0, 6}));
  EXPECT_EQ(sim.events_processed(), 6U);
}

TEST(SimulationTest, CancelThroughTheKernel) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  const EventHandle a = sim.schedule_at(1.0, r.id, 0, 1);
  const EventHandle b = sim.schedule_in(2.0, r.id, 0, 2);
  EXPECT_TRUE(sim.is_pending(b));
  EXPECT_TRUE(sim.cancel(b));
  EXPECT_FALSE(sim.is_pending(b));
  EXPECT_FALSE(sim.cancel(b));
  EXPECT_EQ(sim.pending_events(), 1U);
  sim.run();
  EXPECT_THAT(r.seen, ElementsAre(Seen{1.0, 0, 1}));
  EXPECT_FALSE(sim.cancel(a));
  EXPECT_EQ(sim.events_processed(), 1U);  // a cancelled event is not processed
}

TEST(SimulationTest, PostedAndScheduledEventsShareOneOrder) {
  Simulation sim(50.0);
  Recorder r;
  r.id = sim.add_handler(r);
  sim.post_at(60.0, r.id, 0, 2);
  const EventHandle h = sim.schedule_at(60.0, r.id, 0, 3);
  sim.post_in(10.0, r.id, 0, 1, -1);
  sim.post_in(0.0, r.id, 0, 0);
  sim.schedule_in(10.0, r.id, 0, 4);
  EXPECT_EQ(sim.pending_events(), 5U);
  EXPECT_TRUE(sim.cancel(h));
  sim.run();
  EXPECT_THAT(r.seen,
              ElementsAre(Seen{50.0, 0, 0}, Seen{60.0, 0, 1}, Seen{60.0, 0, 2}, Seen{60.0, 0, 4}));
  EXPECT_THAT([&] { sim.post_at(59.0, r.id, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at time 59 before now (60)")));
  EXPECT_THAT([&] { sim.post_in(1.0, 7, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("unknown event handler id 7")));
  EXPECT_EQ(sim.pending_events(), 0U);
}

TEST(SimulationTest, ScheduleInIsRelativeToNow) {
  Simulation sim(100.0);
  Recorder r;
  r.id = sim.add_handler(r);
  sim.schedule_in(0.0, r.id, 0, 1);
  sim.schedule_in(2.5, r.id, 0, 2);
  sim.run();
  EXPECT_THAT(r.seen, ElementsAre(Seen{100.0, 0, 1}, Seen{102.5, 0, 2}));
}

TEST(SimulationTest, SchedulingInThePastThrowsNamingBothTimes) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  sim.run_until(10.0);
  EXPECT_THAT([&] { sim.schedule_at(7.5, r.id, 0, 0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("cannot schedule an event at time 7.5 before now (10)")));
  EXPECT_THAT([&] { sim.schedule_in(-0.25, r.id, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("9.75")));
  EXPECT_EQ(sim.pending_events(), 0U);
  // From inside a handler too.
  sim.schedule_at(12.0, r.id, 3, 0);
  sim.run();
  EXPECT_EQ(r.past_rejections, 1);
  EXPECT_EQ(sim.pending_events(), 0U);

  Simulation later(480.0);
  Recorder q;
  q.id = later.add_handler(q);
  EXPECT_THAT([&] { later.schedule_at(60.0, q.id, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at time 60 before now (480)")));
}

TEST(SimulationTest, RejectsNaNAndInfiniteEventTimes) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  EXPECT_THROW(sim.schedule_at(kNaN, r.id, 0, 0), InvalidParameter);
  EXPECT_THROW(sim.schedule_at(kNever, r.id, 0, 0), InvalidParameter);
  EXPECT_THROW(sim.schedule_in(kNaN, r.id, 0, 0), InvalidParameter);
  EXPECT_EQ(sim.pending_events(), 0U);
}

TEST(SimulationTest, RejectsUnknownHandlerIds) {
  Simulation sim;
  EXPECT_THAT([&] { sim.schedule_at(1.0, 0, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("unknown event handler id 0")));
  Recorder r;
  r.id = sim.add_handler(r);
  Recorder s;
  s.id = sim.add_handler(s);
  EXPECT_THAT([&] { sim.schedule_at(1.0, 2, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("unknown event handler id 2")));
  EXPECT_THAT([&] { sim.schedule_in(1.0, 65535, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("unknown event handler id 65535")));
  const std::vector<int> records(4);
  EXPECT_THAT([&] { sim.set_prefetch_records(2, records.data(), sizeof(int), 1U); },
              ThrowsMessage<InvalidParameter>(HasSubstr("unknown event handler id 2")));
  EXPECT_EQ(sim.pending_events(), 0U);
}

TEST(SimulationTest, RejectsBadRunUntilAndStartTimes) {
  Simulation sim;
  sim.run_until(30.0);
  EXPECT_THAT([&] { sim.run_until(29.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("end time must be >= now (30), got 29")));
  EXPECT_THAT([&] { sim.run_until(kNaN); }, ThrowsMessage<InvalidParameter>(HasSubstr("got nan")));
  EXPECT_EQ(sim.now(), 30.0);
  EXPECT_THAT([] { Simulation bad(kNaN); },
              ThrowsMessage<InvalidParameter>(
                  AllOf(HasSubstr("simulation start time must be"), HasSubstr("got nan"))));
  EXPECT_THAT([] { Simulation bad(-5.0); },
              ThrowsMessage<InvalidParameter>(
                  AllOf(HasSubstr("simulation start time must be"), HasSubstr("got -5"))));
  EXPECT_THROW([] { Simulation bad(kNever); }(), InvalidParameter);
}

TEST(SimulationTest, EventsProcessedCountsEveryDispatch) {
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  for (std::uint32_t i = 0; i < 1000; ++i) sim.schedule_at(i % 17, r.id, 0, i);
  sim.run_until(8.0);
  std::uint64_t expected = 0;
  for (std::uint32_t i = 0; i < 1000; ++i) expected += (i % 17 <= 8) ? 1 : 0;
  EXPECT_EQ(sim.events_processed(), expected);
  sim.run();
  EXPECT_EQ(sim.events_processed(), 1000U);
  // Same-time events in insertion order, times non-decreasing.
  for (std::size_t i = 1; i < r.seen.size(); ++i) {
    const auto& [t0, k0, p0] = r.seen[i - 1];
    const auto& [t1, k1, p1] = r.seen[i];
    ASSERT_LE(t0, t1);
    if (t0 == t1) {
      ASSERT_LT(p0, p1);
    }
  }
}

// run_until(kNever) is accepted (the end only has to be >= now and not NaN) and must drain the
// calendar and return; the clock stays at the last event. Run in a child process so that a crash
// or a hang (bounded by alarm) fails this test instead of the whole binary.
[[noreturn]] void run_until_never_then_exit() {
#if defined(__unix__)
  alarm(5);
#endif
  Simulation sim;
  Recorder r;
  r.id = sim.add_handler(r);
  sim.schedule_at(1.0, r.id, 0, 1);
  sim.schedule_at(4.0, r.id, 0, 2);
  sim.run_until(kNever);
  const bool ok = r.seen.size() == 2 && sim.now() == 4.0 && sim.pending_events() == 0;
  std::exit(ok ? 0 : 3);
}

TEST(SimulationDeathTest, RunUntilNeverDrainsTheCalendarAndReturns) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(run_until_never_then_exit(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace circlesim::sim

namespace circlesim::sim {
namespace {

// Cancelled events must not advance the calendar's clock: after run() has discarded a cancelled
// event at 100, the clock is still at the last live event (1), and posting at 50 is valid. Both
// calendar structures: a few events (4-ary heap) and several hundred (radix heap).
TEST(SimulationTest, DiscardedCancelledEventsDoNotMoveTheClock) {
  for (const int cancelled_events : {1, 300}) {
    Simulation sim;
    Recorder r;
    r.id = sim.add_handler(r);
    for (int i = 0; i < cancelled_events; ++i) {
      sim.cancel(sim.schedule_at(100.0 + i, r.id, 0, static_cast<std::uint32_t>(i)));
    }
    sim.post_at(1.0, r.id, 0, 7);
    sim.run();
    EXPECT_EQ(sim.now(), 1.0) << cancelled_events;
    EXPECT_NO_THROW(sim.post_at(50.0, r.id, 0, 8)) << cancelled_events;
    sim.run();
    EXPECT_THAT(r.seen, ElementsAre(Seen{1.0, 0, 7}, Seen{50.0, 0, 8})) << cancelled_events;
  }
}

}  // namespace
}  // namespace circlesim::sim
