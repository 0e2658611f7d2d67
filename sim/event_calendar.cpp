#include "sim/event_calendar.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "sim/error.hpp"

namespace circlesim::sim {

namespace {
constexpr int kSequenceBits = 56;
constexpr std::uint64_t kMaxSequence = (std::uint64_t{1} << kSequenceBits) - 1;
// Rebuild the heap without dead entries when they outnumber live ones by this much: patience
// timers that are cancelled when service starts would otherwise pile up until their due time.
constexpr std::size_t kCompactionThreshold = 4096;
}  // namespace

EventCalendar::EventCalendar() { heap_.resize(kOffset); }

EventHandle EventCalendar::schedule(Time time, std::uint16_t handler, std::uint16_t kind,
                                    std::uint32_t payload, int priority) {
  CIRCLESIM_REQUIRE(std::isfinite(time), "event time must be finite, got {}", time);
  CIRCLESIM_REQUIRE(priority >= kMinPriority && priority <= kMaxPriority,
                    "event priority must be in [{}, {}], got {}", kMinPriority, kMaxPriority,
                    priority);
  CIRCLESIM_REQUIRE(sequence_ < kMaxSequence, "event calendar: sequence counter exhausted");
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    CIRCLESIM_REQUIRE(slots_.size() < EventHandle::kNone, "event calendar: too many events");
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(Slot{0, 0, 0, 0, 0, false});
  }
  const auto biased_priority = static_cast<std::uint64_t>(priority - kMinPriority);
  Slot& s = slots_[slot];
  s.order = (biased_priority << kSequenceBits) | sequence_++;
  s.payload = payload;
  s.handler = handler;
  s.kind = kind;
  s.cancelled = false;

  heap_.push_back(Node{});
  sift_up(heap_size() - 1, Node{time, slot, 0});
  ++live_;
  return EventHandle{slot, s.generation};
}

void EventCalendar::sift_up(std::size_t hole, Node moving) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!before(moving, node(parent))) break;
    node(hole) = node(parent);
    hole = parent;
  }
  node(hole) = moving;
}

EventCalendar::Node EventCalendar::pop_root() {
  assert(heap_size() > 0);
  const Node top = node(0);
  const Node last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_size();
  if (n == 0) return top;
  // Floyd's bottom-up deletion: walk the hole down along the smallest children to a leaf, then
  // let the former last node rise from there. The last node almost always belongs near the
  // bottom, so this saves comparing it against every level on the way down.
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first = hole * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = std::min(first + kArity, n);
    for (std::size_t child = first + 1; child < end; ++child) {
      if (before(node(child), node(best))) best = child;
    }
    node(hole) = node(best);
    hole = best;
  }
  sift_up(hole, last);
  return top;
}

void EventCalendar::release_slot(std::uint32_t slot) {
  ++slots_[slot].generation;
  free_slots_.push_back(slot);
}

void EventCalendar::drop_cancelled_top() {
  while (heap_size() > 0 && slots_[node(0).slot].cancelled) {
    const Node dead = pop_root();
    release_slot(dead.slot);
    --cancelled_in_heap_;
  }
}

Time EventCalendar::next_time() {
  drop_cancelled_top();
  return heap_size() == 0 ? kNever : node(0).time;
}

Event EventCalendar::pop() {
  drop_cancelled_top();
  assert(heap_size() > 0);
  const Node top = pop_root();
  const Slot& s = slots_[top.slot];
  const Event event{top.time, s.handler, s.kind, s.payload};
  release_slot(top.slot);
  --live_;
  return event;
}

bool EventCalendar::cancel(EventHandle handle) {
  if (!is_pending(handle)) return false;
  slots_[handle.slot].cancelled = true;
  --live_;
  ++cancelled_in_heap_;
  if (cancelled_in_heap_ > kCompactionThreshold && cancelled_in_heap_ > live_) compact();
  return true;
}

bool EventCalendar::is_pending(EventHandle handle) const {
  return handle.valid() && handle.slot < slots_.size() &&
         slots_[handle.slot].generation == handle.generation && !slots_[handle.slot].cancelled;
}

void EventCalendar::compact() {
  std::size_t kept = kOffset;
  for (std::size_t i = kOffset; i < heap_.size(); ++i) {
    if (slots_[heap_[i].slot].cancelled) {
      release_slot(heap_[i].slot);
    } else {
      heap_[kept++] = heap_[i];
    }
  }
  heap_.resize(kept);
  cancelled_in_heap_ = 0;
  // Re-heapify bottom-up (Floyd's linear-time construction).
  const std::size_t n = heap_size();
  if (n < 2) return;
  for (std::size_t i = (n - 2) / kArity + 1; i-- > 0;) {
    const Node moving = node(i);
    std::size_t hole = i;
    for (;;) {
      const std::size_t first = hole * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = std::min(first + kArity, n);
      for (std::size_t child = first + 1; child < end; ++child) {
        if (before(node(child), node(best))) best = child;
      }
      if (!before(node(best), moving)) break;
      node(hole) = node(best);
      hole = best;
    }
    node(hole) = moving;
  }
}

void EventCalendar::reserve(std::size_t events) {
  heap_.reserve(events + kOffset);
  slots_.reserve(events);
  free_slots_.reserve(events);
}

void EventCalendar::clear() {
  for (std::size_t i = kOffset; i < heap_.size(); ++i) release_slot(heap_[i].slot);
  heap_.resize(kOffset);
  live_ = 0;
  cancelled_in_heap_ = 0;
}

}  // namespace circlesim::sim
