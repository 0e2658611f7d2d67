// The event calendar: pending events in a total order (time, priority, insertion sequence).
//
// Two structures, chosen by size. With a few pending events (a single queue, a small model) an
// array of self-contained 32-byte nodes kept sorted latest-first is cheapest: a pop takes the
// last node, a push shifts the few nodes that are due earlier. Beyond a few dozen events the
// calendar switches to a radix heap over the bit patterns of the event times, and back when it
// drains (with hysteresis). Both were measured against a 4-ary heap, which lost to the sorted
// array below about 16 events and to the radix heap above (docs/performance.md).
//
// The radix heap: Simulated time never goes backwards, so
// every new event is at or after the last one popped, and for non-negative doubles the order of
// the bit patterns is the order of the values. The 64 bits of a time are read as 16 digits of 4
// bits; an event sits in the bucket of (the highest digit in which its time differs from the
// last popped time, its own value of that digit): 16 x 16 buckets, in the order of the times
// they hold. Pushing appends to a bucket; popping scans the lowest non-empty bucket for its
// minimum, makes that the last popped time, and redistributes the bucket's events, all of which
// now differ from it in a lower digit. An event thus moves at most 16 times; in the hold model
// with 10^5 pending events it moves 5.3 times, against 9.8 with one bit per level (65 buckets,
// the former layout; docs/performance.md, "Digits of four bits"). All access is
// sequential, so at a million pending events the calendar streams through memory where a binary
// heap takes a cache miss per level. Events at exactly the last popped time (bucket 0) form a
// small heap ordered by (priority, sequence).
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
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    push(time, handler, kind, payload, priority, EventHandle::kNone, last_key_, false);
  }
  // As post(), for a caller whose clock reads `now` (>= last_time()): one check of the time
  // covers the caller's rule (not before now) and the calendar's. A time before `now` is
  // rejected as "before now".
  void post_not_before(Time now, Time time, std::uint16_t handler, std::uint16_t kind,
                       std::uint32_t payload, int priority = 0) {
    const auto now_key = std::bit_cast<std::uint64_t>(now + 0.0);
    assert(now_key >= last_key_ && "the caller's clock is behind the calendar");
    push(time, handler, kind, payload, priority, EventHandle::kNone, now_key, true);
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
  // True while the calendar is a radix heap (more than a few dozen pending events).
  [[nodiscard]] bool large() const { return radix_mode_; }
  // The event most likely to be popped next, where that is known cheaply (a large calendar:
  // bucket 0's top, or the least of a lowest bucket of a few events), so that a run loop can
  // prefetch what its handler will touch. Only a hint: it may be a cancelled event, and a push
  // before the next pop may come first. False when not known cheaply.
  bool next_hint(std::uint16_t& handler, std::uint16_t& kind, std::uint32_t& payload) const;
  // Pops the earliest pending event into `event` if its time is <= end; else returns false and
  // changes nothing.
  // The common case (sorted array, next event not cancelled) is inline: it runs twice per
  // customer in a queueing model.
  bool pop_not_after(Time end, Event& event) {
    const std::uint64_t end_key = std::bit_cast<std::uint64_t>(end + 0.0);
    if (!radix_mode_ && !sorted_.empty() && end >= 0.0) {
      const Node& node = sorted_.back();
      if (node.key > end_key) return false;
      if (node.slot == EventHandle::kNone) {
        last_key_ = node.key;
        --live_;
        event = Event{std::bit_cast<Time>(node.key), node.handler, node.kind, node.payload};
        sorted_.pop_back();
        return true;
      }
    }
    return pop_not_after_general(end, event);
  }

  // Room for `events` pending events in the heap and in every radix bucket (any one bucket may
  // briefly hold them all): 257 x 32 bytes per event (address space; pages are touched only as
  // buckets fill), so meant for bounded sizes.
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
  static constexpr unsigned kDigitBits = 4;
  static constexpr unsigned kDigits = 1U << kDigitBits;
  static constexpr unsigned kLevels = 64 / kDigitBits;
  static constexpr unsigned kBuckets = 1 + kLevels * kDigits;
  static constexpr unsigned kOccupancyWords = (kBuckets - 1 + 63) / 64;
  static constexpr int kSequenceBits = 56;
  static constexpr std::uint64_t kMaxSequence = (std::uint64_t{1} << kSequenceBits) - 1;
  static constexpr std::uint64_t kInfinityKey = 0x7ff0000000000000ULL;  // bits of +infinity
  // Switch to the radix heap above this many stored events, back to the sorted array below the
  // second.
  static constexpr std::size_t kRadixAbove = 24;
  static constexpr std::size_t kSortedBelow = 12;

  static bool before(const Node& a, const Node& b) {
    // (key, order) compared as one 128-bit number: a compare and a subtract-with-borrow, no
    // branch on whether the times tie.
    __extension__ using Wide = unsigned __int128;
    return ((Wide{a.key} << 64) | a.order) < ((Wide{b.key} << 64) | b.order);
  }
  // The small mode's storage: a fixed array inside the calendar, so that a push or pop touches
  // no heap pointer and never checks capacity.
  class SmallNodes {
   public:
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    Node* data() { return nodes_.data(); }
    Node* begin() { return nodes_.data(); }
    Node* end() { return nodes_.data() + size_; }
    [[nodiscard]] const Node* begin() const { return nodes_.data(); }
    [[nodiscard]] const Node* end() const { return nodes_.data() + size_; }
    const Node& back() const { return nodes_[size_ - 1]; }
    void pop_back() { --size_; }
    void grow() { ++size_; }
    void clear() { size_ = 0; }
    void push_back(const Node& node) { nodes_[size_++] = node; }
    void erase_from(Node* first) { size_ = static_cast<std::size_t>(first - nodes_.data()); }

   private:
    std::array<Node, kRadixAbove + 1> nodes_{};
    std::size_t size_ = 0;
  };
  void sorted_push(const Node& node) {
    // Latest first: the nodes due before the new one sit at the end and move up by one.
    Node* nodes = sorted_.data();
    std::size_t hole = sorted_.size();
    sorted_.grow();
    while (hole > 0 && before(nodes[hole - 1], node)) {
      nodes[hole] = nodes[hole - 1];
      --hole;
    }
    nodes[hole] = node;
  }
  bool pop_not_after_general(Time end, Event& event);
  void to_radix();
  void to_sorted();

  [[nodiscard]] unsigned bucket_of(std::uint64_t key) const {
    if (key == last_key_) return 0;
    const auto level = static_cast<unsigned>(63 - std::countl_zero(key ^ last_key_)) / kDigitBits;
    const auto digit = static_cast<unsigned>(key >> (level * kDigitBits)) & (kDigits - 1);
    return 1 + level * kDigits + digit;
  }
  // Bucket b (1..256) is non-empty when bit b-1 of the occupancy words is set.
  void mark_occupied(unsigned b) { occupied_[(b - 1) / 64] |= std::uint64_t{1} << ((b - 1) % 64); }
  void mark_empty(unsigned b) { occupied_[(b - 1) / 64] &= ~(std::uint64_t{1} << ((b - 1) % 64)); }
  // The lowest non-empty bucket of 1..256, or 0 when all are empty.
  [[nodiscard]] unsigned lowest_occupied() const {
    for (unsigned w = 0; w < kOccupancyWords; ++w) {
      if (occupied_[w] != 0)
        return 1 + w * 64 + static_cast<unsigned>(std::countr_zero(occupied_[w]));
    }
    return 0;
  }
  void push(Time time, std::uint16_t handler, std::uint16_t kind, std::uint32_t payload,
            int priority, std::uint32_t slot, std::uint64_t floor_key, bool floor_is_now) {
    time += 0.0;  // -0.0 has the sign bit set; make it +0.0 so that bit order is value order
    const auto key = std::bit_cast<std::uint64_t>(time);
    // Non-negative finite doubles are ordered as their bit patterns, and every negative,
    // infinite or NaN time has a pattern at or above that of +infinity: `floor <= time < inf`
    // is one unsigned range check. With the priority and sequence checks, one predicted branch
    // on the hot path; the cold function works out which check failed.
    const bool valid = key - floor_key < kInfinityKey - floor_key && priority >= kMinPriority &&
                       priority <= kMaxPriority && sequence_ < kMaxSequence;
    if (!valid) [[unlikely]] {
      reject_push(time, priority, floor_key, floor_is_now);
    }
    const auto biased_priority = static_cast<std::uint64_t>(priority - kMinPriority);
    const Node node = make_node(key, (biased_priority << kSequenceBits) | sequence_++, payload,
                                handler, kind, slot);
    ++live_;
    if (!radix_mode_ && sorted_.size() < kRadixAbove) {
      sorted_push(node);
    } else {
      push_general(node);
    }
  }
  // Builds a node with two 16-byte stores. Built field by field, it would be copied into the
  // calendar by 16-byte loads spanning several narrower stores still in the store buffer, which
  // cannot be forwarded: a stall of a dozen cycles on every push.
  static Node make_node(std::uint64_t key, std::uint64_t order, std::uint32_t payload,
                        std::uint16_t handler, std::uint16_t kind, std::uint32_t slot) {
    static_assert(sizeof(Node) == 32 && offsetof(Node, payload) == 16 &&
                  offsetof(Node, handler) == 20 && offsetof(Node, kind) == 22 &&
                  offsetof(Node, slot) == 24);
    const std::uint64_t target =
        payload | (std::uint64_t{handler} << 32) | (std::uint64_t{kind} << 48);
    Node node;
#if defined(__SSE2__)
    auto* words = reinterpret_cast<__m128i*>(&node);
    _mm_storeu_si128(words,
                     _mm_set_epi64x(static_cast<long long>(order), static_cast<long long>(key)));
    _mm_storeu_si128(words + 1,
                     _mm_set_epi64x(static_cast<long long>(slot), static_cast<long long>(target)));
#else
    node = Node{key, order, payload, handler, kind, slot, 0};
    (void)target;
#endif
    return node;
  }
  void push_general(const Node& node);
  [[noreturn, gnu::cold, gnu::noinline]] void reject_push(Time time, int priority,
                                                          std::uint64_t floor_key,
                                                          bool floor_is_now) const;
  // Inline: a redistribution moves every node of a bucket through here.
  void push_node(const Node& node) {
    const unsigned b = bucket_of(node.key);
    if (b == 0) {
      push_bucket_zero(node);
      return;
    }
    buckets_[b].push_back(node);
    mark_occupied(b);
  }
  void push_bucket_zero(const Node& node);
  // Moves the lowest non-empty bucket's minimum time into bucket 0 if it is <= end_key.
  bool refill_bucket_zero(std::uint64_t end_key);
  static std::uint64_t min_key_of(const std::vector<Node>& nodes);
  // Removes cancelled events from `nodes` (releasing their slots) and returns the least key of
  // the others (the largest key when none is left).
  std::uint64_t drop_dead_and_find_min(std::vector<Node>& nodes);
  Node pop_bucket_zero();
  bool is_dead(const Node& node) const {
    return node.slot != EventHandle::kNone && slots_[node.slot].cancelled;
  }
  void release_slot(std::uint32_t slot);
  // Removes cancelled events from `nodes`, releasing their slots.
  void drop_dead(std::vector<Node>& nodes);
  void drop_dead(SmallNodes& nodes);
  void compact();

  bool radix_mode_ = false;
  SmallNodes sorted_;  // used while !radix_mode_; latest first, earliest last
  std::array<std::vector<Node>, kBuckets> buckets_;        // used while radix_mode_
  std::array<std::uint64_t, kOccupancyWords> occupied_{};  // see mark_occupied
  std::uint64_t last_key_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t sequence_ = 0;
  std::size_t live_ = 0;
  std::size_t dead_ = 0;
};

}  // namespace circlesim::sim
