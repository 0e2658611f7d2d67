// The event calendar: pending events in a total order (time, priority, insertion sequence).
//
// A cache-aligned 4-ary min-heap of 16-byte nodes {time, slot}; everything else about an event
// lives in a slot table indexed by the node. Four children share one 64-byte cache line, so a
// pop touches one line per level of a heap half as deep as a binary one. Slots are recycled
// through a free list, so scheduling allocates nothing once the calendar has reached its peak
// size, and a slot's generation counter makes cancellation O(1): a cancelled event stays in the
// heap, marked dead, and is discarded when it reaches the top.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#include "sim/time.hpp"

namespace circlesim::sim {

// Identifies one scheduled event for cancellation; stale handles are recognised and ignored.
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

// Allocates 64-byte aligned storage so that the heap's sibling groups match cache lines.
template <class T>
struct CacheAlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheAlignedAllocator() = default;
  template <class U>
  explicit CacheAlignedAllocator(const CacheAlignedAllocator<U>& /*other*/) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t /*n*/) { ::operator delete(p, kAlignment); }
  template <class U>
  bool operator==(const CacheAlignedAllocator<U>& /*other*/) const {
    return true;
  }
};

class EventCalendar {
 public:
  // Priorities break ties between events at the same time: lower runs first.
  static constexpr int kMinPriority = -128;
  static constexpr int kMaxPriority = 127;

  EventCalendar();

  // Schedules an event; `time` must be a finite number (the engine checks it is not in the past).
  EventHandle schedule(Time time, std::uint16_t handler, std::uint16_t kind, std::uint32_t payload,
                       int priority = 0);

  // Cancels a pending event in O(1); returns false when it already ran or was cancelled.
  bool cancel(EventHandle handle);
  [[nodiscard]] bool is_pending(EventHandle handle) const;

  [[nodiscard]] bool empty() const { return live_ == 0; }
  [[nodiscard]] std::size_t size() const { return live_; }

  // Time of the earliest pending event, or kNever when the calendar is empty.
  [[nodiscard]] Time next_time();

  // Removes and returns the earliest pending event; the calendar must not be empty.
  Event pop();

  void reserve(std::size_t events);
  void clear();

 private:
  struct alignas(16) Node {
    Time time;
    std::uint32_t slot;
    std::uint32_t unused;
  };
  struct Slot {
    std::uint64_t order;  // priority (biased, high 8 bits) then insertion sequence
    std::uint32_t payload;
    std::uint16_t handler;
    std::uint16_t kind;
    std::uint32_t generation;
    bool cancelled;
  };
  // Children of logical node i are 4i+1..4i+4; storing node i at index i + kOffset puts every
  // sibling group at an index that is a multiple of 4, i.e. on its own cache line.
  static constexpr std::size_t kOffset = 3;
  static constexpr std::size_t kArity = 4;

  [[nodiscard]] bool before(const Node& a, const Node& b) const {
    if (a.time != b.time) return a.time < b.time;
    return slots_[a.slot].order < slots_[b.slot].order;
  }
  [[nodiscard]] std::size_t heap_size() const { return heap_.size() - kOffset; }
  Node& node(std::size_t i) { return heap_[i + kOffset]; }

  void sift_up(std::size_t hole, Node moving);
  Node pop_root();
  void release_slot(std::uint32_t slot);
  void drop_cancelled_top();
  void compact();

  std::vector<Node, CacheAlignedAllocator<Node>> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t sequence_ = 0;
  std::size_t live_ = 0;
  std::size_t cancelled_in_heap_ = 0;
};

}  // namespace circlesim::sim
