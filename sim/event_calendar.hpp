// The event calendar: pending events in a total order (time, priority, insertion sequence).
//
// Two structures, chosen by size. Up to a few thousand pending events (a single queue, a small
// model) a 4-ary min-heap of self-contained 32-byte nodes is cheapest: it lives in cache and a
// push or pop is a handful of comparisons. Beyond that the calendar switches to a radix heap
// over the bit patterns of the event times, and back when it drains (with hysteresis).
//
// The radix heap: Simulated time never goes backwards, so
// every new event is at or after the last one popped, and for non-negative doubles the order of
// the bit patterns is the order of the values: events sit in 65 buckets by the highest bit in
// which their time differs from the last popped time. Pushing appends to a bucket; popping
// scans and redistributes only the lowest non-empty bucket. All access is sequential, so at a
// million pending events the calendar streams through memory where a binary heap takes a cache
// miss per level. Events at exactly the last popped time (bucket 0) form a small heap ordered
// by (priority, sequence).
//
// Events that may need cancelling (patience timers, preempted services) take a slot whose
// generation counter makes cancellation O(1): the cancelled event stays where it is, marked
// dead, and is discarded when it comes up. Other events carry no slot and cost nothing extra.
// Slots and node storage are recycled: nothing is allocated per event. Storage grows only when
// the heap or one of the buckets first reaches a new size (a bounded number of times in a run);
// reserve() removes even that, for tests and benchmarks that must not allocate at all.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/time.hpp"

namespace circlesim::sim {

// Identifies one cancellable event; stale handles are recognised and ignored.
struct EventHandle {
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t slot = kNone;
  std::uint32_t generation = 0;
  [[nodiscard]] bool valid() const { return slot != kNone; }
};

// What the calendar hands back: when, to whom (handler), what (kind) and about which entity.
struct Event {
  Time time = 0;
  std::uint16_t handler = 0;
  std::uint16_t kind = 0;
  std::uint32_t payload = 0;
};

class EventCalendar {
 public:
  // Priorities break ties between events at the same time: lower runs first.
  static constexpr int kMinPriority = -128;
  static constexpr int kMaxPriority = 127;

  EventCalendar() = default;

  // Schedules an event that will never be cancelled. `time` must be finite, >= 0 and not
  // before the last popped event.
  void post(Time time, std::uint16_t handler, std::uint16_t kind, std::uint32_t payload,
            int priority = 0) {
    push(time, handler, kind, payload, priority, EventHandle::kNone);
  }
  // Schedules an event that can be cancelled through the returned handle.
  EventHandle schedule(Time time, std::uint16_t handler, std::uint16_t kind, std::uint32_t payload,
                       int priority = 0);

  // Cancels a pending event in O(1); returns false when it already ran or was cancelled.
  bool cancel(EventHandle handle);
  [[nodiscard]] bool is_pending(EventHandle handle) const;

  [[nodiscard]] bool empty() const { return live_ == 0; }
  [[nodiscard]] std::size_t size() const { return live_; }

  // Time of the earliest pending event, or kNever when the calendar is empty.
  [[nodiscard]] Time next_time() const;
  // Time of the last popped event (0 before the first pop).
  [[nodiscard]] Time last_time() const { return std::bit_cast<Time>(last_key_); }

  // Removes and returns the earliest pending event; the calendar must not be empty.
  Event pop();
  // Pops the earliest pending event into `event` if its time is <= end; else returns false and
  // changes nothing.
  bool pop_not_after(Time end, Event& event);

  // Room for `events` pending events in the heap and in every radix bucket (any one bucket may
  // briefly hold them all): 65 x 32 bytes per event, so meant for bounded sizes.
  void reserve(std::size_t events);
  // Drops every pending event; time still may not go back before last_time().
  void clear();

 private:
  struct Node {
    std::uint64_t key;    // bit pattern of the time
    std::uint64_t order;  // biased priority (high 8 bits), then insertion sequence
    std::uint32_t payload;
    std::uint16_t handler;
    std::uint16_t kind;
    std::uint32_t slot;  // EventHandle::kNone for events that cannot be cancelled
    std::uint32_t unused;
  };
  struct Slot {
    std::uint32_t generation = 0;
    bool cancelled = false;
  };
  static constexpr int kBuckets = 65;
  static constexpr std::size_t kArity = 4;
  // Switch to the radix heap above this many stored events, back to the heap below the second.
  static constexpr std::size_t kRadixAbove = 256;
  static constexpr std::size_t kHeapBelow = 64;

  static bool before(const Node& a, const Node& b) {
    return a.key != b.key ? a.key < b.key : a.order < b.order;
  }
  void heap_push(const Node& node);
  // Moves `node` up from `hole` to its place in the heap.
  void sift_up(std::size_t hole, const Node& node);
  // Index of the smallest of the children first..first+3 (those below n).
  [[nodiscard]] std::size_t smallest_child(std::size_t first, std::size_t n) const;
  Node heap_pop();
  void to_radix();
  void to_heap();

  [[nodiscard]] int bucket_of(std::uint64_t key) const {
    return key == last_key_ ? 0 : 64 - std::countl_zero(key ^ last_key_);
  }
  void push(Time time, std::uint16_t handler, std::uint16_t kind, std::uint32_t payload,
            int priority, std::uint32_t slot);
  [[noreturn, gnu::cold, gnu::noinline]] void reject_push(Time time, int priority) const;
  void push_node(const Node& node);
  // Moves the lowest non-empty bucket's minimum time into bucket 0 if it is <= end_key.
  bool refill_bucket_zero(std::uint64_t end_key);
  Node pop_bucket_zero();
  bool is_dead(const Node& node) const {
    return node.slot != EventHandle::kNone && slots_[node.slot].cancelled;
  }
  void release_slot(std::uint32_t slot);
  // Removes cancelled events from `nodes`, releasing their slots.
  void drop_dead(std::vector<Node>& nodes);
  void compact();

  bool radix_mode_ = false;
  std::vector<Node> heap_;                           // used while !radix_mode_
  std::array<std::vector<Node>, kBuckets> buckets_;  // used while radix_mode_
  std::uint64_t occupied_ = 0;  // bit b-1 set when bucket b (1..64) is non-empty
  std::uint64_t last_key_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t sequence_ = 0;
  std::size_t live_ = 0;
  std::size_t dead_ = 0;
};

}  // namespace circlesim::sim
