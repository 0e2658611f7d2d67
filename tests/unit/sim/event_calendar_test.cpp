// Tests of sim/event_calendar: the total order (time, priority, insertion), O(1) cancellation by
// generation, stale handles, size accounting, a randomized comparison against a reference
// ordered map (including the compaction of many cancelled events), and bad input.
#include "sim/event_calendar.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <chrono>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/time.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::sim {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Pops everything and returns the payloads in pop order.
std::vector<std::uint32_t> drain_payloads(EventCalendar& calendar) {
  std::vector<std::uint32_t> out;
  while (!calendar.empty()) out.push_back(calendar.pop().payload);
  return out;
}

TEST(EventCalendarTest, NewCalendarIsEmpty) {
  EventCalendar calendar;
  EXPECT_TRUE(calendar.empty());
  EXPECT_EQ(calendar.size(), 0U);
  EXPECT_EQ(calendar.next_time(), kNever);
}

TEST(EventCalendarTest, PopReturnsTheEventAsScheduled) {
  EventCalendar calendar;
  calendar.schedule(3.5, 65535, 65535, 0xFFFFFFFFU);
  calendar.schedule(1.25, 7, 9, 42);
  EXPECT_EQ(calendar.next_time(), 1.25);
  const Event first = calendar.pop();
  EXPECT_EQ(first.time, 1.25);
  EXPECT_EQ(first.handler, 7);
  EXPECT_EQ(first.kind, 9);
  EXPECT_EQ(first.payload, 42U);
  const Event second = calendar.pop();
  EXPECT_EQ(second.time, 3.5);
  EXPECT_EQ(second.handler, 65535);
  EXPECT_EQ(second.kind, 65535);
  EXPECT_EQ(second.payload, 0xFFFFFFFFU);
  EXPECT_TRUE(calendar.empty());
}

TEST(EventCalendarTest, OrdersByTimeThenPriorityThenInsertion) {
  EventCalendar calendar;
  // payload = expected position in the pop order.
  calendar.schedule(5.0, 0, 0, 7, 0);
  calendar.schedule(2.0, 0, 0, 4, 1);
  calendar.schedule(2.0, 0, 0, 2, -1);
  calendar.schedule(1.0, 0, 0, 1, 127);  // an earlier time wins whatever the priority
  calendar.schedule(2.0, 0, 0, 5, 1);    // same time and priority as payload 4: inserted later
  calendar.schedule(9.0, 0, 0, 8, -128);
  calendar.schedule(2.0, 0, 0, 3, 0);
  calendar.schedule(0.5, 0, 0, 0, 0);
  calendar.schedule(2.0, 0, 0, 6, 127);
  EXPECT_EQ(calendar.size(), 9U);
  EXPECT_THAT(drain_payloads(calendar), ::testing::ElementsAre(0, 1, 2, 3, 4, 5, 6, 7, 8));
}

TEST(EventCalendarTest, ManyEqualTimesPopInInsertionOrder) {
  EventCalendar calendar;
  constexpr std::uint32_t kCount = 20'000;
  for (std::uint32_t i = 0; i < kCount; ++i) calendar.schedule(42.0, 1, 2, i);
  std::uint32_t expected = 0;
  while (!calendar.empty()) {
    const Event e = calendar.pop();
    ASSERT_EQ(e.time, 42.0);
    ASSERT_EQ(e.payload, expected) << "FIFO broken among equal times";
    ++expected;
  }
  EXPECT_EQ(expected, kCount);
}

TEST(EventCalendarTest, EqualTimesSortByPriorityThenInsertionAcrossTheWholeRange) {
  EventCalendar calendar;
  // 256 priorities x 8 events each, scheduled with priorities interleaved.
  std::vector<std::pair<int, std::uint32_t>> expected;
  std::uint32_t payload = 0;
  for (int round = 0; round < 8; ++round) {
    for (int k = 0; k < 256; ++k) {
      const int priority = ((k * 37) % 256) + EventCalendar::kMinPriority;
      calendar.schedule(10.0, 0, 0, payload, priority);
      expected.emplace_back(priority, payload);
      ++payload;
    }
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::vector<std::uint32_t> got = drain_payloads(calendar);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], expected[i].second) << "at position " << i;
  }
}

TEST(EventCalendarTest, InterleavedPopsKeepInsertionOrderAtEqualTimes) {
  // Events scheduled at the time just popped (the common "now" case in a simulation) run after
  // the ones already waiting at that time, and before later times.
  EventCalendar calendar;
  calendar.schedule(1.0, 0, 0, 0);
  calendar.schedule(1.0, 0, 0, 1);
  calendar.schedule(2.0, 0, 0, 4);
  EXPECT_EQ(calendar.pop().payload, 0U);
  calendar.schedule(1.0, 0, 0, 2);
  calendar.schedule(1.0, 0, 0, 3);
  EXPECT_EQ(calendar.pop().payload, 1U);
  EXPECT_EQ(calendar.pop().payload, 2U);
  calendar.schedule(1.5, 0, 0, 99, 0);
  EXPECT_EQ(calendar.pop().payload, 3U);
  EXPECT_EQ(calendar.pop().payload, 99U);
  EXPECT_EQ(calendar.pop().payload, 4U);
  EXPECT_TRUE(calendar.empty());
}

TEST(EventCalendarTest, CancelledEventNeverPops) {
  EventCalendar calendar;
  const EventHandle a = calendar.schedule(1.0, 0, 0, 1);
  const EventHandle b = calendar.schedule(2.0, 0, 0, 2);
  const EventHandle c = calendar.schedule(3.0, 0, 0, 3);
  EXPECT_TRUE(a.valid());
  EXPECT_TRUE(calendar.is_pending(a));
  EXPECT_TRUE(calendar.is_pending(b));
  EXPECT_TRUE(calendar.cancel(b));
  EXPECT_FALSE(calendar.is_pending(b));
  EXPECT_TRUE(calendar.is_pending(a));
  EXPECT_TRUE(calendar.is_pending(c));
  EXPECT_EQ(calendar.size(), 2U);
  EXPECT_THAT(drain_payloads(calendar), ::testing::ElementsAre(1, 3));
}

TEST(EventCalendarTest, CancellingTheEarliestEventMovesNextTime) {
  EventCalendar calendar;
  const EventHandle a = calendar.schedule(1.0, 0, 0, 1);
  const EventHandle b = calendar.schedule(1.0, 0, 0, 2);
  calendar.schedule(4.0, 0, 0, 3);
  EXPECT_EQ(calendar.next_time(), 1.0);
  EXPECT_TRUE(calendar.cancel(a));
  EXPECT_EQ(calendar.next_time(), 1.0);
  EXPECT_EQ(calendar.size(), 2U);
  EXPECT_TRUE(calendar.cancel(b));
  EXPECT_EQ(calendar.next_time(), 4.0);
  EXPECT_EQ(calendar.size(), 1U);  // next_time() does not consume the live event
  EXPECT_EQ(calendar.next_time(), 4.0);
  EXPECT_EQ(calendar.pop().payload, 3U);
  EXPECT_EQ(calendar.next_time(), kNever);
}

TEST(EventCalendarTest, CancelTwiceOrAfterPopReturnsFalse) {
  EventCalendar calendar;
  const EventHandle a = calendar.schedule(1.0, 0, 0, 1);
  const EventHandle b = calendar.schedule(2.0, 0, 0, 2);
  EXPECT_TRUE(calendar.cancel(b));
  EXPECT_FALSE(calendar.cancel(b));  // already cancelled, still in the structure
  EXPECT_EQ(calendar.size(), 1U);
  EXPECT_EQ(calendar.pop().payload, 1U);
  EXPECT_FALSE(calendar.cancel(a));  // already ran
  EXPECT_FALSE(calendar.is_pending(a));
  EXPECT_FALSE(calendar.cancel(b));  // cancelled and discarded
  EXPECT_EQ(calendar.size(), 0U);
  EXPECT_TRUE(calendar.empty());
}

TEST(EventCalendarTest, InvalidAndOutOfRangeHandlesAreRejected) {
  EventCalendar calendar;
  calendar.schedule(1.0, 0, 0, 1);
  EXPECT_FALSE(EventHandle{}.valid());
  EXPECT_FALSE(calendar.cancel(EventHandle{}));
  EXPECT_FALSE(calendar.is_pending(EventHandle{}));
  EXPECT_FALSE(calendar.cancel(EventHandle{123456, 0}));
  EXPECT_FALSE(calendar.is_pending(EventHandle{123456, 0}));
  EXPECT_EQ(calendar.size(), 1U);
}

TEST(EventCalendarTest, StaleHandleIsRejectedAfterItsSlotIsReused) {
  EventCalendar calendar;
  const EventHandle popped = calendar.schedule(1.0, 0, 0, 1);
  const EventHandle cancelled = calendar.schedule(2.0, 0, 0, 2);
  ASSERT_TRUE(calendar.cancel(cancelled));
  EXPECT_EQ(calendar.pop().payload, 1U);
  EXPECT_TRUE(calendar.empty());
  EXPECT_EQ(calendar.next_time(), kNever);  // looks past (and may discard) the cancelled one

  // New events recycle the freed slots; the old handles must not reach them.
  std::vector<EventHandle> fresh;
  bool reused_popped = false;
  bool reused_cancelled = false;
  for (std::uint32_t i = 0; i < 64; ++i) {
    const EventHandle h = calendar.schedule(3.0 + i, 0, 0, 100 + i);
    reused_popped = reused_popped || h.slot == popped.slot;
    reused_cancelled = reused_cancelled || h.slot == cancelled.slot;
    fresh.push_back(h);
  }
  EXPECT_TRUE(reused_popped || reused_cancelled)
      << "slots are documented to be recycled; this test needs a reused slot to mean anything";
  EXPECT_FALSE(calendar.is_pending(popped));
  EXPECT_FALSE(calendar.is_pending(cancelled));
  EXPECT_FALSE(calendar.cancel(popped));
  EXPECT_FALSE(calendar.cancel(cancelled));
  EXPECT_EQ(calendar.size(), 64U);
  for (const EventHandle& h : fresh) EXPECT_TRUE(calendar.is_pending(h));
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < 64; ++i) expected.push_back(100 + i);
  EXPECT_EQ(drain_payloads(calendar), expected);
}

TEST(EventCalendarTest, SizeAndEmptyExcludeCancelledEvents) {
  EventCalendar calendar;
  std::vector<EventHandle> handles;
  for (std::uint32_t i = 0; i < 10; ++i) handles.push_back(calendar.schedule(i, 0, 0, i));
  for (std::uint32_t i = 0; i < 10; i += 2) ASSERT_TRUE(calendar.cancel(handles[i]));
  EXPECT_EQ(calendar.size(), 5U);
  EXPECT_FALSE(calendar.empty());
  for (std::uint32_t i = 1; i < 10; i += 2) ASSERT_TRUE(calendar.cancel(handles[i]));
  EXPECT_EQ(calendar.size(), 0U);
  EXPECT_TRUE(calendar.empty());
  EXPECT_EQ(calendar.next_time(), kNever);
  // Still usable afterwards.
  calendar.schedule(20.0, 0, 0, 77);
  EXPECT_EQ(calendar.size(), 1U);
  EXPECT_EQ(calendar.next_time(), 20.0);
  EXPECT_EQ(calendar.pop().payload, 77U);
}

TEST(EventCalendarTest, ClearForgetsEverythingAndInvalidatesHandles) {
  EventCalendar calendar;
  const EventHandle a = calendar.schedule(1.0, 0, 0, 1);
  const EventHandle b = calendar.schedule(2.0, 0, 0, 2);
  ASSERT_TRUE(calendar.cancel(b));
  calendar.clear();
  EXPECT_TRUE(calendar.empty());
  EXPECT_EQ(calendar.size(), 0U);
  EXPECT_EQ(calendar.next_time(), kNever);
  EXPECT_FALSE(calendar.is_pending(a));
  EXPECT_FALSE(calendar.cancel(a));
  const EventHandle c = calendar.schedule(3.0, 0, 0, 3);
  EXPECT_FALSE(calendar.cancel(a));
  EXPECT_FALSE(calendar.cancel(b));
  EXPECT_TRUE(calendar.is_pending(c));
  EXPECT_THAT(drain_payloads(calendar), ::testing::ElementsAre(3));
}

// An O(n) cancellation (searching the heap) would take ~1e10 steps here; O(1) takes microseconds.
TEST(EventCalendarTest, CancelIsConstantTime) {
  EventCalendar calendar;
  constexpr std::uint32_t kCount = 200'000;
  calendar.reserve(kCount);
  std::vector<EventHandle> handles;
  handles.reserve(kCount);
  for (std::uint32_t i = 0; i < kCount; ++i) {
    handles.push_back(calendar.schedule(1.0 + (i * 7919 % kCount), 0, 0, i));
  }
  const auto start = std::chrono::steady_clock::now();
  // Cancel all but every 1000th, in an order unrelated to the heap layout.
  for (std::uint32_t i = 0; i < kCount; ++i) {
    const auto j = static_cast<std::uint32_t>((std::uint64_t{i} * 104'729U) % kCount);
    if (j % 1000 != 0) {
      ASSERT_TRUE(calendar.cancel(handles[j]));
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  EXPECT_EQ(calendar.size(), kCount / 1000);
  Time previous = -1.0;
  std::size_t popped = 0;
  while (!calendar.empty()) {
    const Event e = calendar.pop();
    ASSERT_EQ(e.payload % 1000, 0U);
    ASSERT_GT(e.time, previous);
    previous = e.time;
    ++popped;
  }
  EXPECT_EQ(popped, kCount / 1000);
}

// Cancelling far more events than remain live (> 4096, the compaction threshold, and more than
// the live ones) must keep the order, the live count and the meaning of every handle.
TEST(EventCalendarTest, MassCancellationKeepsOrderAndHandles) {
  EventCalendar calendar;
  constexpr std::uint32_t kCount = 12'000;
  std::vector<EventHandle> handles;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    // Times 0.5, 1.0, ... with 3 events per time: ties broken by insertion.
    handles.push_back(calendar.schedule(0.5 * (1 + i / 3), 0, 0, i));
  }
  // Pop a few first so that the cancelled ones are not all ahead of the live ones.
  for (std::uint32_t i = 0; i < 30; ++i) ASSERT_EQ(calendar.pop().payload, i);
  std::vector<std::uint32_t> survivors;
  for (std::uint32_t i = 30; i < kCount; ++i) {
    if (i % 10 == 3) {
      survivors.push_back(i);
    } else {
      ASSERT_TRUE(calendar.cancel(handles[i])) << i;
    }
  }
  EXPECT_EQ(calendar.size(), survivors.size());
  for (std::uint32_t i = 30; i < kCount; ++i) {
    ASSERT_EQ(calendar.is_pending(handles[i]), i % 10 == 3) << i;
    if (i % 10 != 3) {
      ASSERT_FALSE(calendar.cancel(handles[i])) << i;
    }
  }
  // Refill: the freed slots are recycled; no old handle may cancel a new event.
  std::vector<EventHandle> refill;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    refill.push_back(calendar.schedule(20'000.0 + i, 0, 0, kCount + i));
  }
  for (std::uint32_t i = 30; i < kCount; ++i) {
    if (i % 10 != 3) {
      ASSERT_FALSE(calendar.cancel(handles[i])) << i;
    }
  }
  EXPECT_EQ(calendar.size(), survivors.size() + kCount);
  for (const EventHandle& h : refill) ASSERT_TRUE(calendar.is_pending(h));
  std::vector<std::uint32_t> expected = survivors;
  for (std::uint32_t i = 0; i < kCount; ++i) expected.push_back(kCount + i);
  EXPECT_EQ(drain_payloads(calendar), expected);
}

TEST(EventCalendarTest, PostedEventsShareTheTotalOrder) {
  // post() events cannot be cancelled but order exactly like scheduled ones.
  EventCalendar calendar;
  calendar.post(2.0, 0, 0, 3);
  const EventHandle h = calendar.schedule(2.0, 0, 0, 4);
  calendar.post(2.0, 0, 0, 1, -1);
  calendar.post(1.0, 0, 0, 0, 5);
  calendar.schedule(2.0, 0, 0, 5);
  calendar.post(2.0, 0, 0, 6);
  calendar.post(3.0, 0, 0, 8);
  calendar.schedule(2.0, 0, 0, 7, 1);
  EXPECT_EQ(calendar.size(), 8U);
  EXPECT_TRUE(calendar.is_pending(h));
  std::vector<std::uint32_t> got;
  while (!calendar.empty()) {
    const Event e = calendar.pop();
    got.push_back(e.payload);
    if (e.payload == 1) {
      EXPECT_TRUE(calendar.cancel(h));  // cancel a scheduled one among posted ones
    }
  }
  EXPECT_THAT(got, ::testing::ElementsAre(0, 1, 3, 5, 6, 7, 8));
}

TEST(EventCalendarTest, PopNotAfterStopsAtTheEnd) {
  EventCalendar calendar;
  calendar.post(1.0, 1, 2, 10);
  const EventHandle dead = calendar.schedule(3.0, 0, 0, 30);
  calendar.post(5.0, 0, 0, 50);
  calendar.post(5.0, 0, 0, 51);
  ASSERT_TRUE(calendar.cancel(dead));
  Event e;
  EXPECT_FALSE(calendar.pop_not_after(0.5, e));
  EXPECT_EQ(calendar.size(), 3U);
  ASSERT_TRUE(calendar.pop_not_after(1.0, e));  // inclusive
  EXPECT_EQ(e.time, 1.0);
  EXPECT_EQ(e.handler, 1);
  EXPECT_EQ(e.kind, 2);
  EXPECT_EQ(e.payload, 10U);
  e = Event{};
  EXPECT_FALSE(calendar.pop_not_after(4.0, e));  // the cancelled event at 3 is not returned
  EXPECT_EQ(e.payload, 0U);                      // and `event` is left alone
  EXPECT_EQ(calendar.size(), 2U);
  EXPECT_EQ(calendar.next_time(), 5.0);
  EXPECT_FALSE(calendar.pop_not_after(kNaN, e));
  ASSERT_TRUE(calendar.pop_not_after(kNever, e));
  EXPECT_EQ(e.payload, 50U);
  ASSERT_TRUE(calendar.pop_not_after(5.0, e));
  EXPECT_EQ(e.payload, 51U);
  EXPECT_FALSE(calendar.pop_not_after(kNever, e));
  EXPECT_TRUE(calendar.empty());
}

// The hint of the next event (for prefetching): never in the small sorted array; in the radix
// heap, when given, it is the event the next pop returns (distinct times, nothing cancelled),
// and it is given for most pops.
TEST(EventCalendarTest, NextHintNamesTheEventPoppedNext) {
  EventCalendar calendar;
  std::uint16_t handler = 0;
  std::uint16_t kind = 0;
  std::uint32_t payload = 0;
  calendar.post(1.0, 3, 4, 5);
  EXPECT_FALSE(calendar.large());
  EXPECT_FALSE(calendar.next_hint(handler, kind, payload));

  RandomEngine rng = make_engine(11);
  constexpr int kEvents = 2'000;
  for (std::uint32_t i = 0; i < kEvents; ++i) {
    const double time = 1.0 + boost::random::uniform_real_distribution<double>(0, 100)(rng);
    calendar.post(time, static_cast<std::uint16_t>(i % 7), static_cast<std::uint16_t>(i % 5), i);
  }
  ASSERT_TRUE(calendar.large());
  int hinted = 0;
  int pops = 0;
  while (calendar.large()) {
    const bool known = calendar.next_hint(handler, kind, payload);
    const Event next = calendar.pop();
    ++pops;
    if (!known) continue;
    ++hinted;
    EXPECT_EQ(payload, next.payload);
    EXPECT_EQ(handler, next.handler);
    EXPECT_EQ(kind, next.kind);
  }
  EXPECT_GT(hinted, pops / 2);
}

// --- Randomized comparison against a reference model ---------------------------------------

struct ModelKey {
  Time time;
  int priority;
  std::uint64_t sequence;
  auto operator<=>(const ModelKey&) const = default;
};

struct Issued {
  ModelKey key;
  EventHandle handle;
};

class ReferenceCheck {
 public:
  explicit ReferenceCheck(std::uint64_t seed) : rng_(make_engine(seed)) {}

  void schedule(bool may_post = true) {
    // Times at or after the last popped one (as in a simulation), on a coarse grid so that
    // equal times are common; a fifth are exactly at the last popped time.
    const int steps = coin(0.2) ? 0 : boost::random::uniform_int_distribution<int>(0, 40)(rng_);
    Time time = last_popped_ + 0.25 * steps;
    if (any_magnitude_ && steps != 0) {
      // Delays from 1e-9 to 1e9 with every mantissa: the times differ from the last popped
      // one in every digit of their bit patterns, so events pass through every radix level.
      const double exponent = boost::random::uniform_real_distribution<double>(-9.0, 9.0)(rng_);
      time = last_popped_ + std::pow(10.0, exponent);
    }
    const int priority = coin(0.1) ? boost::random::uniform_int_distribution<int>(-128, 127)(rng_)
                                   : boost::random::uniform_int_distribution<int>(-2, 2)(rng_);
    const ModelKey key{time, priority, sequence_++};
    const auto payload = static_cast<std::uint32_t>(key.sequence);
    const auto handler = static_cast<std::uint16_t>(key.sequence % 65'521);
    const auto kind = static_cast<std::uint16_t>(priority + 128);
    model_.emplace(key, payload);
    if (may_post && coin(0.4)) {
      calendar_.post(time, handler, kind, payload, priority);  // never cancelled
    } else {
      issued_.push_back({key, calendar_.schedule(time, handler, kind, payload, priority)});
    }
  }

  // Cancels a random issued handle: succeeds exactly when the model still holds the event.
  void cancel_random() {
    if (issued_.empty()) return;
    // Mostly recent handles (likely still pending), sometimes any handle (likely stale).
    const std::size_t n = issued_.size();
    const std::size_t lowest = coin(0.7) && n > 64 ? n - 64 : 0;
    const std::size_t i = boost::random::uniform_int_distribution<std::size_t>(lowest, n - 1)(rng_);
    const Issued item = issued_[i];
    const bool live = model_.erase(item.key) > 0;
    ASSERT_EQ(calendar_.is_pending(item.handle), live) << "sequence " << item.key.sequence;
    ASSERT_EQ(calendar_.cancel(item.handle), live) << "sequence " << item.key.sequence;
    ASSERT_FALSE(calendar_.cancel(item.handle));
    ++(live ? cancelled_ : stale_rejected_);
    issued_[i] = issued_.back();
    issued_.pop_back();
  }

  void pop() {
    if (model_.empty()) {
      ASSERT_TRUE(calendar_.empty());
      ASSERT_EQ(calendar_.next_time(), kNever);
      return;
    }
    const auto front = model_.begin();
    ASSERT_EQ(calendar_.next_time(), front->first.time);
    const Event e = calendar_.pop();
    ASSERT_EQ(e.time, front->first.time);
    ASSERT_EQ(e.payload, front->second) << "expected sequence " << front->first.sequence;
    ASSERT_EQ(e.handler, static_cast<std::uint16_t>(front->first.sequence % 65'521));
    ASSERT_EQ(e.kind, static_cast<std::uint16_t>(front->first.priority + 128));
    last_popped_ = e.time;
    model_.erase(front);
    ++popped_;
  }

  void check_size() const {
    ASSERT_EQ(calendar_.size(), model_.size());
    ASSERT_EQ(calendar_.empty(), model_.empty());
  }

  // Shares of the operations, in phases of `phase` operations that alternate between growing
  // and shrinking the calendar: schedule below the first bound, cancel below the second, else
  // pop.
  struct Mix {
    int phase;
    double schedule_growing, schedule_shrinking;
    double cancel_growing, cancel_shrinking;
  };
  // Operation number `op` of a random mix, then a size check.
  void random_operation(const Mix& mix, int op) {
    const bool growing = (op / mix.phase) % 2 == 0;
    const double u = boost::random::uniform_01<double>()(rng_);
    if (u < (growing ? mix.schedule_growing : mix.schedule_shrinking)) {
      schedule();
    } else if (u < (growing ? mix.cancel_growing : mix.cancel_shrinking)) {
      ASSERT_NO_FATAL_FAILURE(cancel_random());
    } else {
      ASSERT_NO_FATAL_FAILURE(pop());
    }
    ASSERT_NO_FATAL_FAILURE(check_size()) << "after operation " << op;
    largest_ = std::max(largest_, model_.size());
  }
  // Pops everything left, each against the model.
  void drain() {
    while (!model_.empty()) ASSERT_NO_FATAL_FAILURE(pop());
  }
  [[nodiscard]] std::size_t largest() const { return largest_; }

  // Delays of every magnitude instead of a coarse grid (see schedule()).
  void use_any_magnitude() { any_magnitude_ = true; }
  bool coin(double p) { return boost::random::uniform_01<double>()(rng_) < p; }
  [[nodiscard]] std::size_t model_size() const { return model_.size(); }
  [[nodiscard]] std::size_t issued_size() const { return issued_.size(); }
  std::vector<Issued>& issued() { return issued_; }
  std::map<ModelKey, std::uint32_t>& model() { return model_; }
  EventCalendar& calendar() { return calendar_; }

  std::uint64_t popped_ = 0;
  std::uint64_t cancelled_ = 0;
  std::uint64_t stale_rejected_ = 0;

 private:
  RandomEngine rng_;
  EventCalendar calendar_;
  std::map<ModelKey, std::uint32_t> model_;
  std::vector<Issued> issued_;  // every handle not yet cancelled through this check
  std::uint64_t sequence_ = 0;
  Time last_popped_ = 0.0;
  bool any_magnitude_ = false;
  std::size_t largest_ = 0;
};

TEST(EventCalendarTest, RandomizedAgainstReferenceModel) {
  ReferenceCheck check(0xC0FFEE);
  constexpr int kOperations = 100'000;
  // Alternate growing and shrinking phases so that the calendar crosses its small/large size
  // thresholds (sorted array and radix heap) many times.
  const ReferenceCheck::Mix mix{1500, 0.60, 0.30, 0.72, 0.45};
  for (int op = 0; op < kOperations; ++op) {
    ASSERT_NO_FATAL_FAILURE(check.random_operation(mix, op));

    // Every 20k operations a burst: many events scheduled, then most of them cancelled, so
    // that cancelled events outnumber both the compaction threshold and the live ones.
    if (op % 20'000 == 10'000) {
      const std::size_t before = check.issued_size();
      for (int i = 0; i < 9'000; ++i) check.schedule(false);
      for (std::size_t i = check.issued_size(); i-- > before + 500;) {
        Issued item = check.issued()[i];
        ASSERT_EQ(check.model().erase(item.key), 1U);
        ASSERT_TRUE(check.calendar().cancel(item.handle));
        check.issued()[i] = check.issued().back();
        check.issued().pop_back();
      }
      ASSERT_NO_FATAL_FAILURE(check.check_size());
    }
  }
  ASSERT_NO_FATAL_FAILURE(check.drain());
  ASSERT_NO_FATAL_FAILURE(check.pop());
  // The mix really exercised every path.
  EXPECT_GT(check.largest(), 400U);
  EXPECT_GT(check.popped_, 30'000U);
  EXPECT_GT(check.cancelled_, 5'000U);
  EXPECT_GT(check.stale_rejected_, 5'000U);
  // Every handle left is stale now.
  for (const Issued& item : check.issued()) ASSERT_FALSE(check.calendar().cancel(item.handle));
}

// Times of every magnitude (delays from 1e-9 to 1e9), so that events enter the radix heap at
// every level and digit and move down through them; sizes in the thousands, with cancellations.
TEST(EventCalendarTest, RandomizedTimesOfEveryMagnitude) {
  ReferenceCheck check(0xD1617);
  check.use_any_magnitude();
  const ReferenceCheck::Mix mix{5000, 0.60, 0.30, 0.70, 0.40};
  for (int op = 0; op < 60'000; ++op) ASSERT_NO_FATAL_FAILURE(check.random_operation(mix, op));
  ASSERT_NO_FATAL_FAILURE(check.drain());
  EXPECT_GT(check.largest(), 1'000U);
  EXPECT_GT(check.popped_, 20'000U);
  EXPECT_GT(check.cancelled_, 1'000U);
}

// Few pending events, as in a single queue: the size wanders between 0 and a few dozen, so the
// calendar keeps crossing between its sorted array and its radix heap, with cancellations and
// pops through the inline fast path and the general one.
TEST(EventCalendarTest, RandomizedAroundTheSmallSizeThreshold) {
  ReferenceCheck check(0xBEEF);
  const ReferenceCheck::Mix mix{40, 0.55, 0.35, 0.5, 0.5};
  for (int op = 0; op < 60'000; ++op) ASSERT_NO_FATAL_FAILURE(check.random_operation(mix, op));
  ASSERT_NO_FATAL_FAILURE(check.drain());
  EXPECT_GT(check.largest(), 30U);
  EXPECT_LT(check.largest(), 200U);
  EXPECT_GT(check.popped_, 10'000U);
  EXPECT_GT(check.cancelled_, 200U);
}

// --- Bad input -------------------------------------------------------------------------------

TEST(EventCalendarTest, RejectsNonFiniteTimes) {
  EventCalendar calendar;
  EXPECT_THAT([&] { calendar.schedule(kNaN, 0, 0, 0); },
              ThrowsMessage<InvalidParameter>(
                  AllOf(HasSubstr("event time must be finite"), HasSubstr("got nan"))));
  EXPECT_THAT([&] { calendar.schedule(kInf, 0, 0, 0); },
              ThrowsMessage<InvalidParameter>(
                  AllOf(HasSubstr("event time must be finite"), HasSubstr("got inf"))));
  EXPECT_THAT([&] { calendar.schedule(-kInf, 0, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("event time must be finite")));
  EXPECT_THAT([&] { calendar.post(kNaN, 0, 0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got nan")));
  EXPECT_TRUE(calendar.empty());  // a rejected event leaves no trace
  calendar.schedule(1.0, 0, 0, 5);
  EXPECT_EQ(calendar.size(), 1U);
  EXPECT_EQ(calendar.pop().payload, 5U);
}

// Time never goes backwards: negative times, and times before the last event taken out, are
// rejected with both times named; the calendar is unchanged afterwards.
TEST(EventCalendarTest, RejectsNegativeTimesAndTimesBeforeTheLastPop) {
  EventCalendar calendar;
  EXPECT_THAT([&] { calendar.schedule(-1.0, 0, 0, 0); },
              ThrowsMessage<InvalidParameter>(AllOf(HasSubstr(">= 0"), HasSubstr("got -1"))));
  calendar.schedule(10.0, 0, 0, 1);
  calendar.schedule(20.0, 0, 0, 2);
  EXPECT_EQ(calendar.last_time(), 0.0);
  EXPECT_EQ(calendar.pop().payload, 1U);
  EXPECT_EQ(calendar.last_time(), 10.0);
  EXPECT_THAT([&] { calendar.schedule(9.5, 0, 0, 3); },
              ThrowsMessage<InvalidParameter>(
                  AllOf(HasSubstr("event time 9.5 is before the last event taken from the "
                                  "calendar (10)"))));
  EXPECT_THAT([&] { calendar.post(std::nextafter(10.0, 0.0), 0, 0, 3); },
              ThrowsMessage<InvalidParameter>(HasSubstr("before the last event")));
  EXPECT_EQ(calendar.size(), 1U);
  calendar.schedule(10.0, 0, 0, 4);  // at the last popped time is fine
  EXPECT_EQ(calendar.pop().payload, 4U);
  EXPECT_EQ(calendar.pop().payload, 2U);
  EXPECT_EQ(calendar.last_time(), 20.0);
}

TEST(EventCalendarTest, NegativeZeroIsTimeZero) {
  EventCalendar calendar;
  calendar.schedule(0.0, 0, 0, 1);
  calendar.schedule(-0.0, 0, 0, 2);
  calendar.post(0.0, 0, 0, 3);
  calendar.schedule(1e-300, 0, 0, 4);
  const Event first = calendar.pop();
  EXPECT_EQ(first.payload, 1U);
  const Event second = calendar.pop();
  EXPECT_EQ(second.payload, 2U);
  EXPECT_EQ(second.time, 0.0);
  EXPECT_FALSE(std::signbit(second.time));
  EXPECT_EQ(calendar.pop().payload, 3U);
  EXPECT_EQ(calendar.pop().payload, 4U);
}

TEST(EventCalendarTest, RejectsPrioritiesOutsideTheRange) {
  EventCalendar calendar;
  EXPECT_THAT(
      [&] { calendar.schedule(1.0, 0, 0, 0, 128); },
      ThrowsMessage<InvalidParameter>(HasSubstr("event priority must be in [-128, 127], got 128")));
  EXPECT_THAT([&] { calendar.schedule(1.0, 0, 0, 0, -129); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got -129")));
  EXPECT_THAT([&] { calendar.schedule(1.0, 0, 0, 0, std::numeric_limits<int>::max()); },
              ThrowsMessage<InvalidParameter>(HasSubstr("event priority must be in")));
  EXPECT_TRUE(calendar.empty());
  EXPECT_NO_THROW(calendar.schedule(1.0, 0, 0, 0, -128));
  EXPECT_NO_THROW(calendar.schedule(1.0, 0, 0, 0, 127));
  EXPECT_EQ(calendar.size(), 2U);
}

}  // namespace
}  // namespace circlesim::sim
