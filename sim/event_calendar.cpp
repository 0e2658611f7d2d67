#include "sim/event_calendar.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "sim/error.hpp"

namespace circlesim::sim {

namespace {
constexpr int kSequenceBits = 56;
constexpr std::uint64_t kMaxSequence = (std::uint64_t{1} << kSequenceBits) - 1;
// Purge dead (cancelled) events when they outnumber live ones by this much: patience timers
// cancelled when service starts would otherwise pile up until their due time.
constexpr std::size_t kCompactionThreshold = 4096;

// Bucket 0 is a min-heap on (priority, sequence); std heap functions build max-heaps.
struct LaterOrder {
  template <class N>
  bool operator()(const N& a, const N& b) const {
    return a.order > b.order;
  }
};
}  // namespace

void EventCalendar::push(Time time, std::uint16_t handler, std::uint16_t kind,
                         std::uint32_t payload, int priority, std::uint32_t slot) {
  time += 0.0;  // -0.0 has the sign bit set; make it +0.0 so that bit order is value order
  // One predicted branch on the hot path; the cold function works out which check failed.
  const bool valid = time >= 0.0 && time < kNever &&  // also rejects NaN
                     std::bit_cast<std::uint64_t>(time) >= last_key_ && priority >= kMinPriority &&
                     priority <= kMaxPriority && sequence_ < kMaxSequence;
  if (!valid) [[unlikely]] {
    reject_push(time, priority);
  }
  const auto biased_priority = static_cast<std::uint64_t>(priority - kMinPriority);
  const Node node{std::bit_cast<std::uint64_t>(time),
                  (biased_priority << kSequenceBits) | sequence_++,
                  payload,
                  handler,
                  kind,
                  slot,
                  0};
  ++live_;
  if (radix_mode_) {
    push_node(node);
  } else {
    heap_push(node);
    if (heap_.size() > kRadixAbove) to_radix();
  }
}

void EventCalendar::heap_push(const Node& node) {
  heap_.push_back(node);
  sift_up(heap_.size() - 1, node);
}

void EventCalendar::sift_up(std::size_t hole, const Node& node) {
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / kArity;
    if (!before(node, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = node;
}

std::size_t EventCalendar::smallest_child(std::size_t first, std::size_t n) const {
  std::size_t best = first;
  const std::size_t end = std::min(first + kArity, n);
  for (std::size_t child = first + 1; child < end; ++child) {
    if (before(heap_[child], heap_[best])) best = child;
  }
  return best;
}

EventCalendar::Node EventCalendar::heap_pop() {
  const Node top = heap_.front();
  const Node last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return top;
  // Floyd's bottom-up deletion: walk the hole down along the smallest children to a leaf, then
  // let the former last node rise from there (it almost always belongs near the bottom).
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first = hole * kArity + 1;
    if (first >= n) break;
    const std::size_t best = smallest_child(first, n);
    heap_[hole] = heap_[best];
    hole = best;
  }
  sift_up(hole, last);
  return top;
}

void EventCalendar::to_radix() {
  radix_mode_ = true;
  for (const Node& node : heap_) push_node(node);
  heap_.clear();
}

void EventCalendar::to_heap() {
  radix_mode_ = false;
  heap_.clear();
  for (std::vector<Node>& bucket : buckets_) {
    heap_.insert(heap_.end(), bucket.begin(), bucket.end());
    bucket.clear();
  }
  occupied_ = 0;
  // Re-heapify bottom-up with the heap's own order.
  const std::size_t n = heap_.size();
  for (std::size_t i = n / kArity + 1; i-- > 0;) {
    if (i >= n) continue;
    const Node moving = heap_[i];
    std::size_t hole = i;
    for (;;) {
      const std::size_t first = hole * kArity + 1;
      if (first >= n) break;
      const std::size_t best = smallest_child(first, n);
      if (!before(heap_[best], moving)) break;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = moving;
  }
}

void EventCalendar::reject_push(Time time, int priority) const {
  CIRCLESIM_REQUIRE(std::isfinite(time) && time >= 0.0,
                    "event time must be finite and >= 0, got {}", time);
  CIRCLESIM_REQUIRE(std::bit_cast<std::uint64_t>(time) >= last_key_,
                    "event time {} is before the last event taken from the calendar ({})", time,
                    last_time());
  CIRCLESIM_REQUIRE(priority >= kMinPriority && priority <= kMaxPriority,
                    "event priority must be in [{}, {}], got {}", kMinPriority, kMaxPriority,
                    priority);
  CIRCLESIM_REQUIRE(sequence_ < kMaxSequence, "event calendar: sequence counter exhausted");
  throw InvalidParameter("event calendar: invalid event");  // unreachable: one check failed
}

void EventCalendar::push_node(const Node& node) {
  const int b = bucket_of(node.key);
  std::vector<Node>& bucket = buckets_[static_cast<std::size_t>(b)];
  bucket.push_back(node);
  if (b == 0) {
    if (bucket.size() > 1) std::push_heap(bucket.begin(), bucket.end(), LaterOrder{});
  } else {
    occupied_ |= std::uint64_t{1} << (b - 1);
  }
}

EventHandle EventCalendar::schedule(Time time, std::uint16_t handler, std::uint16_t kind,
                                    std::uint32_t payload, int priority) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    CIRCLESIM_REQUIRE(slots_.size() < EventHandle::kNone, "event calendar: too many events");
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  try {
    push(time, handler, kind, payload, priority, slot);
  } catch (...) {
    free_slots_.push_back(slot);
    throw;
  }
  slots_[slot].cancelled = false;
  return EventHandle{slot, slots_[slot].generation};
}

bool EventCalendar::refill_bucket_zero(std::uint64_t end_key) {
  assert(buckets_[0].empty());
  for (;;) {
    if (occupied_ == 0) return false;
    const int b = std::countr_zero(occupied_) + 1;
    std::vector<Node>& bucket = buckets_[static_cast<std::size_t>(b)];
    // Cancelled events must not set the calendar's clock: a later post before their time but
    // after now() is valid. Drop them here, and skip a bucket that held nothing else.
    if (dead_ > 0) drop_dead(bucket);
    if (bucket.empty()) {
      occupied_ &= ~(std::uint64_t{1} << (b - 1));
      continue;
    }
    if (bucket.size() == 1) {  // common with few pending events: no scan, no redistribution
      if (bucket.front().key > end_key) return false;
      last_key_ = bucket.front().key;
      occupied_ &= ~(std::uint64_t{1} << (b - 1));
      buckets_[0].push_back(bucket.front());
      bucket.clear();
      return true;
    }
    std::uint64_t min_key = bucket.front().key;
    for (const Node& node : bucket) min_key = std::min(min_key, node.key);
    if (min_key > end_key) return false;
    // Every node of bucket b differs from the new minimum only below bit b-1: all move lower.
    last_key_ = min_key;
    occupied_ &= ~(std::uint64_t{1} << (b - 1));
    for (const Node& node : bucket) push_node(node);
    bucket.clear();
    return true;
  }
}

void EventCalendar::drop_dead(std::vector<Node>& nodes) {
  const auto kept = std::remove_if(nodes.begin(), nodes.end(), [this](const Node& node) {
    if (!is_dead(node)) return false;
    release_slot(node.slot);
    --dead_;
    return true;
  });
  nodes.erase(kept, nodes.end());
}

EventCalendar::Node EventCalendar::pop_bucket_zero() {
  std::vector<Node>& bucket = buckets_[0];
  if (bucket.size() > 1) std::pop_heap(bucket.begin(), bucket.end(), LaterOrder{});
  const Node node = bucket.back();
  bucket.pop_back();
  return node;
}

bool EventCalendar::pop_not_after(Time end, Event& event) {
  if (!(end >= 0)) return false;  // also NaN
  const std::uint64_t end_key = std::bit_cast<std::uint64_t>(end + 0.0);
  for (;;) {
    Node node;
    if (!radix_mode_) {
      if (heap_.empty() || heap_.front().key > end_key) return false;
      node = heap_pop();
      // Only live events move the clock (see refill_bucket_zero).
      if (!is_dead(node)) last_key_ = node.key;
    } else {
      if (buckets_[0].empty() && !refill_bucket_zero(end_key)) return false;
      if (last_key_ > end_key) return false;
      node = pop_bucket_zero();
      if (live_ + dead_ < kHeapBelow) to_heap();
    }
    if (node.slot != EventHandle::kNone) {
      const bool dead = slots_[node.slot].cancelled;
      release_slot(node.slot);
      if (dead) {
        --dead_;
        continue;
      }
    }
    --live_;
    event = Event{std::bit_cast<Time>(node.key), node.handler, node.kind, node.payload};
    return true;
  }
}

Event EventCalendar::pop() {
  Event event;
  const bool popped = pop_not_after(kNever, event);
  CIRCLESIM_REQUIRE(popped, "event calendar: pop() on an empty calendar");
  return event;
}

Time EventCalendar::next_time() const {
  if (!radix_mode_) {
    std::uint64_t min_key = std::numeric_limits<std::uint64_t>::max();
    bool found = false;
    for (const Node& node : heap_) {
      if (is_dead(node)) continue;
      found = true;
      min_key = std::min(min_key, node.key);
    }
    return found ? std::bit_cast<Time>(min_key) : kNever;
  }
  // Buckets hold increasing ranges of times, so the first bucket with a live event holds the
  // answer. This scans; the run loop uses pop_not_after instead.
  for (int b = 0; b < kBuckets; ++b) {
    bool found = false;
    std::uint64_t min_key = std::numeric_limits<std::uint64_t>::max();
    for (const Node& node : buckets_[static_cast<std::size_t>(b)]) {
      if (is_dead(node)) continue;
      found = true;
      min_key = std::min(min_key, node.key);
    }
    if (found) return std::bit_cast<Time>(min_key);
  }
  return kNever;
}

bool EventCalendar::cancel(EventHandle handle) {
  if (!is_pending(handle)) return false;
  slots_[handle.slot].cancelled = true;
  --live_;
  ++dead_;
  if (dead_ > kCompactionThreshold && dead_ > live_) compact();
  return true;
}

bool EventCalendar::is_pending(EventHandle handle) const {
  return handle.valid() && handle.slot < slots_.size() &&
         slots_[handle.slot].generation == handle.generation && !slots_[handle.slot].cancelled;
}

void EventCalendar::release_slot(std::uint32_t slot) {
  ++slots_[slot].generation;
  slots_[slot].cancelled = false;
  free_slots_.push_back(slot);
}

void EventCalendar::compact() {
  if (!radix_mode_) {
    drop_dead(heap_);
    // Re-heapify by pushing the survivors again (the heap holds a few hundred events at most).
    std::vector<Node> nodes;
    nodes.swap(heap_);
    for (const Node& node : nodes) heap_push(node);
  } else {
    for (int b = 0; b < kBuckets; ++b) {
      std::vector<Node>& bucket = buckets_[static_cast<std::size_t>(b)];
      drop_dead(bucket);
      if (b == 0) {
        std::make_heap(bucket.begin(), bucket.end(), LaterOrder{});
      } else if (bucket.empty()) {
        occupied_ &= ~(std::uint64_t{1} << (b - 1));
      }
    }
  }
  assert(dead_ == 0);
}

void EventCalendar::reserve(std::size_t events) {
  heap_.reserve(std::max(events, kRadixAbove) + 1);
  // Any bucket may briefly hold every pending event, so each gets room for all of them.
  if (events > kHeapBelow) {
    for (std::vector<Node>& bucket : buckets_) bucket.reserve(events);
  }
  slots_.reserve(events);
  free_slots_.reserve(events);
}

void EventCalendar::clear() {
  for (const Node& node : heap_) {
    if (node.slot != EventHandle::kNone) release_slot(node.slot);
  }
  heap_.clear();
  radix_mode_ = false;
  for (std::vector<Node>& bucket : buckets_) {
    for (const Node& node : bucket) {
      if (node.slot != EventHandle::kNone) release_slot(node.slot);
    }
    bucket.clear();
  }
  occupied_ = 0;
  live_ = 0;
  dead_ = 0;
}

}  // namespace circlesim::sim
