#include "sim/event_calendar.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "sim/error.hpp"

namespace circlesim::sim {

namespace {
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

void EventCalendar::push_general(const Node& node) {
  if (radix_mode_) {
    push_node(node);
  } else {
    sorted_push(node);
    if (sorted_.size() > kRadixAbove) to_radix();
  }
}

void EventCalendar::to_radix() {
  radix_mode_ = true;
  for (const Node& node : sorted_) push_node(node);
  sorted_.clear();
}

void EventCalendar::to_sorted() {
  radix_mode_ = false;
  sorted_.clear();
  for (std::vector<Node>& bucket : buckets_) {
    for (const Node& node : bucket) sorted_.push_back(node);
    bucket.clear();
  }
  occupied_.fill(0);
  std::sort(sorted_.begin(), sorted_.end(),
            [](const Node& a, const Node& b) { return before(b, a); });
}

void EventCalendar::reject_push(Time time, int priority, std::uint64_t floor_key,
                                bool floor_is_now) const {
  CIRCLESIM_REQUIRE(std::isfinite(time) && time >= 0.0,
                    "event time must be finite and >= 0, got {}", time);
  const Time floor = std::bit_cast<Time>(floor_key);
  CIRCLESIM_REQUIRE(!floor_is_now || time >= floor,
                    "cannot schedule an event at time {} before now ({})", time, floor);
  CIRCLESIM_REQUIRE(time >= floor,
                    "event time {} is before the last event taken from the calendar ({})", time,
                    floor);
  CIRCLESIM_REQUIRE(priority >= kMinPriority && priority <= kMaxPriority,
                    "event priority must be in [{}, {}], got {}", kMinPriority, kMaxPriority,
                    priority);
  CIRCLESIM_REQUIRE(sequence_ < kMaxSequence, "event calendar: sequence counter exhausted");
  throw InvalidParameter("event calendar: invalid event");  // unreachable: one check failed
}

void EventCalendar::push_bucket_zero(const Node& node) {
  std::vector<Node>& bucket = buckets_[0];
  bucket.push_back(node);
  if (bucket.size() > 1) std::push_heap(bucket.begin(), bucket.end(), LaterOrder{});
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
    push(time, handler, kind, payload, priority, slot, last_key_, false);
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
    const unsigned b = lowest_occupied();
    if (b == 0) return false;
    std::vector<Node>& bucket = buckets_[b];
    // Cancelled events must not set the calendar's clock: a later post before their time but
    // after now() is valid. They are dropped in the same pass that finds the minimum (patience
    // timers cancelled when service starts are common), and a bucket that held nothing else is
    // skipped.
    const std::uint64_t min_key = dead_ > 0 ? drop_dead_and_find_min(bucket) : min_key_of(bucket);
    if (bucket.empty()) {
      mark_empty(b);
      continue;
    }
    if (min_key > end_key) return false;
    last_key_ = min_key;
    mark_empty(b);
    if (bucket.size() == 1) {  // common with few pending events: no redistribution
      buckets_[0].push_back(bucket.front());
    } else {
      // Every node of bucket b agrees with the new minimum in b's digit and all higher ones:
      // all move to lower levels.
      for (const Node& node : bucket) push_node(node);
    }
    bucket.clear();
    return true;
  }
}

std::uint64_t EventCalendar::min_key_of(const std::vector<Node>& nodes) {
  std::uint64_t min_key = std::numeric_limits<std::uint64_t>::max();
  for (const Node& node : nodes) min_key = std::min(min_key, node.key);
  return min_key;
}

std::uint64_t EventCalendar::drop_dead_and_find_min(std::vector<Node>& nodes) {
  std::uint64_t min_key = std::numeric_limits<std::uint64_t>::max();
  auto kept = nodes.begin();
  for (const Node& node : nodes) {
    if (is_dead(node)) {
      release_slot(node.slot);
      --dead_;
      continue;
    }
    min_key = std::min(min_key, node.key);
    *kept++ = node;
  }
  nodes.erase(kept, nodes.end());
  return min_key;
}

void EventCalendar::drop_dead(SmallNodes& nodes) {
  const auto kept = std::remove_if(nodes.begin(), nodes.end(), [this](const Node& node) {
    if (!is_dead(node)) return false;
    release_slot(node.slot);
    --dead_;
    return true;
  });
  nodes.erase_from(kept);
}

void EventCalendar::drop_dead(std::vector<Node>& nodes) { (void)drop_dead_and_find_min(nodes); }

EventCalendar::Node EventCalendar::pop_bucket_zero() {
  std::vector<Node>& bucket = buckets_[0];
  if (bucket.size() > 1) std::pop_heap(bucket.begin(), bucket.end(), LaterOrder{});
  const Node node = bucket.back();
  bucket.pop_back();
  return node;
}

bool EventCalendar::pop_not_after_general(Time end, Event& event) {
  if (!(end >= 0)) return false;  // also NaN
  const std::uint64_t end_key = std::bit_cast<std::uint64_t>(end + 0.0);
  for (;;) {
    Node node;
    if (!radix_mode_) {
      if (sorted_.empty() || sorted_.back().key > end_key) return false;
      node = sorted_.back();
      sorted_.pop_back();
      // Only live events move the clock (see refill_bucket_zero).
      if (!is_dead(node)) last_key_ = node.key;
    } else {
      if (buckets_[0].empty() && !refill_bucket_zero(end_key)) return false;
      if (last_key_ > end_key) return false;
      node = pop_bucket_zero();
      if (live_ + dead_ < kSortedBelow) to_sorted();
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

bool EventCalendar::next_hint(std::uint16_t& handler, std::uint16_t& kind,
                              std::uint32_t& payload) const {
  // After a pop the lowest bucket holds a single event about two times in three and at most
  // four nine times in ten (hold model, 10^3 to 10^5 events); larger ones would cost a scan.
  constexpr std::size_t kLargestScanned = 4;
  if (!radix_mode_) return false;
  const Node* next = nullptr;
  if (!buckets_[0].empty()) {
    next = &buckets_[0].front();
  } else {
    const unsigned b = lowest_occupied();
    if (b == 0 || buckets_[b].size() > kLargestScanned) return false;
    for (const Node& node : buckets_[b]) {
      if (next == nullptr || node.key < next->key) next = &node;
    }
  }
  handler = next->handler;
  kind = next->kind;
  payload = next->payload;
  return true;
}

Event EventCalendar::pop() {
  Event event;
  const bool popped = pop_not_after(kNever, event);
  CIRCLESIM_REQUIRE(popped, "event calendar: pop() on an empty calendar");
  return event;
}

Time EventCalendar::next_time() const {
  if (!radix_mode_) {
    for (const Node* node = sorted_.end(); node != sorted_.begin();) {
      --node;
      if (!is_dead(*node)) return std::bit_cast<Time>(node->key);
    }
    return kNever;
  }
  // Buckets hold increasing ranges of times, so the first bucket with a live event holds the
  // answer. This scans; the run loop uses pop_not_after instead.
  for (unsigned b = 0; b < kBuckets; ++b) {
    bool found = false;
    std::uint64_t min_key = std::numeric_limits<std::uint64_t>::max();
    for (const Node& node : buckets_[b]) {
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
    drop_dead(sorted_);  // keeps the order of the survivors
  } else {
    for (unsigned b = 0; b < kBuckets; ++b) {
      std::vector<Node>& bucket = buckets_[b];
      drop_dead(bucket);
      if (b == 0) {
        std::make_heap(bucket.begin(), bucket.end(), LaterOrder{});
      } else if (bucket.empty()) {
        mark_empty(b);
      }
    }
  }
  assert(dead_ == 0);
}

void EventCalendar::reserve(std::size_t events) {
  // Any bucket may briefly hold every pending event, so each gets room for all of them.
  if (events > kSortedBelow) {
    for (std::vector<Node>& bucket : buckets_) bucket.reserve(events);
  }
  slots_.reserve(events);
  free_slots_.reserve(events);
}

void EventCalendar::clear() {
  for (const Node& node : sorted_) {
    if (node.slot != EventHandle::kNone) release_slot(node.slot);
  }
  sorted_.clear();
  radix_mode_ = false;
  for (std::vector<Node>& bucket : buckets_) {
    for (const Node& node : bucket) {
      if (node.slot != EventHandle::kNone) release_slot(node.slot);
    }
    bucket.clear();
  }
  occupied_.fill(0);
  live_ = 0;
  dead_ = 0;
}

}  // namespace circlesim::sim
