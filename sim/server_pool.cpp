#include "sim/server_pool.hpp"

#include <cassert>
#include <cmath>

#include "sim/error.hpp"

namespace circlesim::sim {

// The small helpers of the per-customer path are forced inline ([[gnu::always_inline]]): GCC
// left them as calls, and inlining them took the M/M/3 benchmark from 912 to 852 instructions
// per customer (docs/performance.md).

void ClassStatistics::merge_counts(const ClassStatistics& other) {
  arrivals += other.arrivals;
  served += other.served;
  reneged += other.reneged;
  balked += other.balked;
  sent_away += other.sent_away;
  delayed += other.delayed;
  preempted += other.preempted;
  wait.merge(other.wait);
  abandoned_delay.merge(other.abandoned_delay);
  sojourn.merge(other.sojourn);
}

ClassStatistics PoolStatistics::total() const {
  ClassStatistics sum;
  sum.in_system = in_system;
  for (const ClassStatistics& c : classes) sum.merge_counts(c);
  return sum;
}

ServerPool::ServerPool(Simulation& sim, ServerPoolConfig config)
    : sim_(sim),
      waiting_room_(config.waiting_room),
      priority_classes_(config.priority_classes),
      handler_(sim.add_handler(*this)),
      preemptive_(config.preemption == Preemption::kPreemptiveResume),
      keep_wait_histogram_(config.keep_wait_histogram),
      customer_statistics_(config.customer_statistics),
      stats_(config.wait_histogram_relative_error, config.keep_wait_histogram),
      config_(std::move(config)) {
  CIRCLESIM_REQUIRE(config_.priority_classes >= 1 && config_.priority_classes <= 65535,
                    "server pool '{}': priority_classes must be in [1, 65535], got {}",
                    config_.name, config_.priority_classes);
  CIRCLESIM_REQUIRE(config_.capacity.max_capacity() >= 1,
                    "server pool '{}': capacity schedule never has a server on duty", config_.name);
  queues_.resize(static_cast<std::size_t>(config_.priority_classes));
  capacity_ = config_.capacity.capacity_at(sim_.now());
  reset_statistics();
  schedule_next_capacity_change();
}

void ServerPool::announce_customer_records() {
  constexpr std::uint32_t kCustomerEvents = (1U << kCompletion) | (1U << kPatienceExpired);
  sim_.set_prefetch_records(handler_, customers_.data(), sizeof(Customer), kCustomerEvents);
}

void ServerPool::schedule_next_capacity_change() {
  const CapacityChange next = config_.capacity.next_change(sim_.now(), capacity_cursor_);
  if (std::isfinite(next.at)) {
    sim_.post_at(next.at, handler_, kCapacityChange, static_cast<std::uint32_t>(next.servers));
  }
}

void ServerPool::reserve(std::size_t customers) {
  customers_.reserve(customers);
  announce_customer_records();
  in_service_.reserve(static_cast<std::size_t>(config_.capacity.max_capacity()));
}

void ServerPool::reset_statistics() {
  const Time now = sim_.now();
  stats_.since = now;
  stats_.in_system_at_start = in_system();
  stats_.classes.assign(queues_.size(), ClassStatistics{});
  std::vector<std::size_t> per_class(queues_.size(), 0);
  for (const Customer& c : customers_) {
    if (c.state != State::kFree) ++per_class[c.priority_class];
  }
  for (std::size_t k = 0; k < queues_.size(); ++k) {
    stats_.classes[k].in_system = TimeAverage(now, static_cast<double>(per_class[k]));
  }
  stats_.in_system = TimeAverage(now, static_cast<double>(in_system()));
  stats_.in_queue = TimeAverage(now, static_cast<double>(waiting_));
  stats_.busy = TimeAverage(now, busy_);
  stats_.capacity = TimeAverage(now, capacity_);
  stats_.wait_histogram.reset();
}

void ServerPool::update_time_averages() {
  // The averages are exact at any time already; only the single class's copy lags.
  if (!per_class_in_system()) stats_.classes[0].in_system = stats_.in_system;
}

// The counts change in the functions below and their averages by the net step of each event,
// so that a departure whose server passes straight to the next customer leaves `busy` alone.
[[gnu::always_inline]] inline void ServerPool::count_waiting(Time now, int delta) {
  if (delta != 0) {
    stats_.in_queue.add(now, delta);
    ++changes_;
  }
}
[[gnu::always_inline]] inline void ServerPool::count_busy(Time now, int delta) {
  if (delta != 0) {
    stats_.busy.add(now, delta);
    ++changes_;
  }
}

ArrivalResult ServerPool::arrive(int priority_class, Time service_time, Time patience,
                                 std::uint64_t tag) {
  // One predicted branch on the hot path; the cold function says which check failed.
  const bool valid = priority_class >= 0 && priority_class < priority_classes_ &&
                     service_time >= 0 && service_time < kNever && patience > 0;  // no NaN
  if (!valid) [[unlikely]] {
    reject_arrival(priority_class, service_time, patience);
  }
  const Time now = sim_.now();
  // Not touched at all without customer statistics (a pointer to nowhere is never followed).
  ClassStatistics* cls =
      customer_statistics_ ? &stats_.classes[static_cast<std::size_t>(priority_class)] : nullptr;
  if (cls != nullptr) ++cls->arrivals;

  const bool server_free = can_start_arrival();
  // Only a server on duty can be taken over: after a capacity drop the extra busy servers are
  // finishing their last customers, and a closed pool serves nobody new.
  const bool preempts = !server_free && preemptive_ && capacity_ > 0 && busy_ <= capacity_ &&
                        try_preempt_for(priority_class);
  if (!server_free && !preempts && waiting_ >= waiting_room_) {
    if (cls != nullptr) ++cls->balked;
    if (observer_ != nullptr) {
      observer_->on_departure({tag, priority_class, PoolOutcome::kBalked, now, kNever, now});
    }
    return ArrivalResult::kBalked;
  }

  const std::uint32_t id = allocate_customer();
  Customer& c = customers_[id];
  c.arrival = now;
  c.first_start = kNever;
  c.remaining = service_time;
  c.spell_start = now;
  c.patience_timer = EventHandle{};
  c.completion = EventHandle{};
  c.tag = tag;
  c.overtime = false;
  c.priority_class = static_cast<std::uint16_t>(priority_class);
  if (cls != nullptr) {
    stats_.in_system.add(now, 1.0);
    if (per_class_in_system()) cls->in_system.add(now, 1.0);
  }

  if (server_free || preempts) {
    start_service(id);
    // A preemption swapped the victim for this customer: the queue grew, the busy count did not.
    if (preempts) {
      count_waiting(now, +1);
    } else {
      count_busy(now, +1);
    }
    return ArrivalResult::kStarted;
  }
  if (cls != nullptr) ++cls->delayed;
  c.state = State::kWaiting;
  push_back(id);
  ++waiting_;
  count_waiting(now, +1);
  if (std::isfinite(patience)) {
    customers_[id].patience_timer = sim_.schedule_in(patience, handler_, kPatienceExpired, id);
  }
  return ArrivalResult::kQueued;
}

void ServerPool::reject_arrival(int priority_class, Time service_time, Time patience) const {
  CIRCLESIM_REQUIRE(priority_class >= 0 && priority_class < config_.priority_classes,
                    "server pool '{}': priority class must be in [0, {}), got {}", config_.name,
                    config_.priority_classes, priority_class);
  CIRCLESIM_REQUIRE(std::isfinite(service_time) && service_time >= 0,
                    "server pool '{}': service time must be >= 0 and finite, got {}", config_.name,
                    service_time);
  CIRCLESIM_REQUIRE(patience > 0, "server pool '{}': patience must be > 0, got {}", config_.name,
                    patience);
  throw InvalidParameter("server pool: invalid arrival");  // unreachable: one check failed
}

void ServerPool::start_service(std::uint32_t id) {
  const Time now = sim_.now();
  Customer& c = customers_[id];
  if (c.first_start == kNever) {
    c.first_start = now;
    const Time wait = now - c.arrival;
    if (customer_statistics_) stats_.classes[c.priority_class].wait.add(wait);
    if (keep_wait_histogram_) stats_.wait_histogram.add(wait);
    if (c.patience_timer.valid()) sim_.cancel(c.patience_timer);
  }
  c.state = State::kInService;
  c.spell_start = now;
  if (preemptive_) {
    // Only a preemptive pool ever cancels a completion; others post the cheaper kind of event.
    // The completion time is kept exactly as scheduled, so that "finishing now" and "work left"
    // are decided on the very number the calendar holds, not on a recomputed difference.
    c.completion_at = now + c.remaining;
    c.completion = sim_.schedule_at(c.completion_at, handler_, kCompletion, id);
    c.service_slot = static_cast<std::uint32_t>(in_service_.size());
    in_service_.push_back(id);
  } else {
    sim_.post_in(c.remaining, handler_, kCompletion, id);
  }
  ++busy_;
}

bool ServerPool::try_preempt_for(int priority_class) {
  // The victim is the lowest-priority customer in service; among equals the latest starter,
  // who has received the least service.
  std::uint32_t victim = kNil;
  const Time now = sim_.now();
  for (const std::uint32_t id : in_service_) {
    const Customer& c = customers_[id];
    if (c.priority_class <= priority_class) continue;
    // A customer whose service ends at this very instant is finishing, not preemptable: the
    // outcome must not depend on the order of simultaneous events.
    if (now >= c.completion_at) continue;
    if (victim == kNil || c.priority_class > customers_[victim].priority_class ||
        (c.priority_class == customers_[victim].priority_class &&
         c.spell_start > customers_[victim].spell_start)) {
      victim = id;
    }
  }
  if (victim == kNil) return false;
  Customer& v = customers_[victim];
  sim_.cancel(v.completion);
  v.remaining = v.completion_at - sim_.now();
  const std::uint32_t last = in_service_.back();
  in_service_[v.service_slot] = last;
  customers_[last].service_slot = v.service_slot;
  in_service_.pop_back();
  --busy_;
  v.state = State::kWaiting;
  push_front(victim);
  ++waiting_;
  if (customer_statistics_) ++stats_.classes[v.priority_class].preempted;
  return true;
}

void ServerPool::handle_event(Simulation& /*sim*/, std::uint16_t kind, std::uint32_t payload) {
  switch (kind) {
    case kCompletion:
      complete(payload);
      break;
    case kPatienceExpired:
      renege(payload);
      break;
    case kCapacityChange:
      change_capacity(static_cast<int>(payload));
      break;
    default:
      assert(false && "unknown server pool event");
  }
}

void ServerPool::complete(std::uint32_t id) {
  Customer& c = customers_[id];
  assert(c.state == State::kInService);
  if (customer_statistics_) {
    ClassStatistics& cls = stats_.classes[c.priority_class];
    ++cls.served;
    cls.sojourn.add(sim_.now() - c.arrival);
  }
  if (preemptive_) {
    const std::uint32_t last = in_service_.back();
    in_service_[c.service_slot] = last;
    customers_[last].service_slot = c.service_slot;
    in_service_.pop_back();
  }
  --busy_;
  leave(id, PoolOutcome::kServed);
  const int started = start_waiting_customers();
  const Time now = sim_.now();
  count_waiting(now, -started);
  count_busy(now, started - 1);
}

void ServerPool::renege(std::uint32_t id) {
  Customer& c = customers_[id];
  assert(c.state == State::kWaiting);
  if (customer_statistics_) {
    ClassStatistics& cls = stats_.classes[c.priority_class];
    ++cls.reneged;
    cls.abandoned_delay.add(sim_.now() - c.arrival);
  }
  clear_overtime(id);
  unlink(id);
  --waiting_;
  count_waiting(sim_.now(), -1);
  leave(id, PoolOutcome::kReneged);
}

[[gnu::always_inline]] inline void ServerPool::leave(std::uint32_t id, PoolOutcome outcome) {
  const Time now = sim_.now();
  const Customer& c = customers_[id];
  if (customer_statistics_) {
    stats_.in_system.add(now, -1.0);
    if (per_class_in_system()) stats_.classes[c.priority_class].in_system.add(now, -1.0);
  }
  if (observer_ != nullptr) {
    observer_->on_departure({c.tag, c.priority_class, outcome, c.arrival, c.first_start, now});
  }
  free_customer(id);
}

[[gnu::always_inline]] inline int ServerPool::start_waiting_customers() {
  int started = 0;
  while (waiting_ > 0) {
    std::uint32_t id;
    if (busy_ < capacity_) {
      id = pop_highest_priority();
    } else if (overtime_customers_ > 0 && busy_ < overtime_servers_) {
      id = pop_overtime_customer();
    } else {
      break;
    }
    clear_overtime(id);
    --waiting_;
    start_service(id);
    ++started;
  }
  return started;
}

std::uint32_t ServerPool::pop_overtime_customer() {
  // Those waiting at closing arrived before anyone who came later in their class, and nobody is
  // preempted while closed: in each class queue they form a prefix.
  for (Queue& q : queues_) {
    if (q.head != kNil && customers_[q.head].overtime) {
      const std::uint32_t id = q.head;
      unlink(id);
      return id;
    }
  }
  assert(false && "overtime count without an overtime customer");
  return pop_highest_priority();
}

[[gnu::always_inline]] inline void ServerPool::clear_overtime(std::uint32_t id) {
  if (customers_[id].overtime) {
    customers_[id].overtime = false;
    --overtime_customers_;
  }
}

void ServerPool::change_capacity(int servers) {
  const Time now = sim_.now();
  const int previous = capacity_;
  capacity_ = servers;
  stats_.capacity.update(now, capacity_);
  ++changes_;
  if (capacity_ == 0 && previous > 0) {
    if (config_.on_close == ClosingPolicy::kSendAway) {
      for (auto& queue : queues_) {
        while (queue.head != kNil) {
          const std::uint32_t id = queue.head;
          Customer& c = customers_[id];
          if (c.patience_timer.valid()) sim_.cancel(c.patience_timer);
          if (customer_statistics_) {
            ClassStatistics& cls = stats_.classes[c.priority_class];
            ++cls.sent_away;
            // A preempted customer's time in queue was recorded when it first started.
            if (c.first_start == kNever) cls.abandoned_delay.add(now - c.arrival);
          }
          clear_overtime(id);
          unlink(id);
          --waiting_;
          count_waiting(now, -1);
          leave(id, PoolOutcome::kSentAway);
        }
      }
    } else {
      // Those waiting now are served by the servers that were on duty; later arrivals wait for
      // the opening.
      overtime_servers_ = previous;
      for (const Queue& q : queues_) {
        for (std::uint32_t id = q.head; id != kNil; id = customers_[id].next) {
          customers_[id].overtime = true;
        }
      }
      overtime_customers_ = waiting_;
    }
  } else if (capacity_ > 0 && overtime_customers_ > 0) {
    // Overtime ends when the pool reopens: those still waiting are served as usual. (Preemption
    // needs an open pool, so while flags exist nobody jumps ahead of the flagged prefixes.)
    for (const Queue& q : queues_) {
      for (std::uint32_t id = q.head; id != kNil; id = customers_[id].next) {
        customers_[id].overtime = false;
      }
    }
    overtime_customers_ = 0;
  }
  const int started = start_waiting_customers();
  count_waiting(now, -started);
  count_busy(now, started);
  schedule_next_capacity_change();
}

[[gnu::always_inline]] inline std::uint32_t ServerPool::allocate_customer() {
  if (free_list_ != kNil) {
    const std::uint32_t id = free_list_;
    free_list_ = customers_[id].next;
    return id;
  }
  CIRCLESIM_REQUIRE(customers_.size() < kNil, "server pool '{}': too many customers present",
                    config_.name);
  customers_.push_back(Customer{});
  announce_customer_records();  // they may have moved
  return static_cast<std::uint32_t>(customers_.size() - 1);
}

[[gnu::always_inline]] inline void ServerPool::free_customer(std::uint32_t id) {
  customers_[id].state = State::kFree;
  customers_[id].next = free_list_;
  free_list_ = id;
}

void ServerPool::push_back(std::uint32_t id) {
  Customer& c = customers_[id];
  Queue& q = queues_[c.priority_class];
  c.prev = q.tail;
  c.next = kNil;
  if (q.tail != kNil) {
    customers_[q.tail].next = id;
  } else {
    q.head = id;
  }
  q.tail = id;
}

void ServerPool::push_front(std::uint32_t id) {
  Customer& c = customers_[id];
  Queue& q = queues_[c.priority_class];
  c.prev = kNil;
  c.next = q.head;
  if (q.head != kNil) {
    customers_[q.head].prev = id;
  } else {
    q.tail = id;
  }
  q.head = id;
}

[[gnu::always_inline]] inline void ServerPool::unlink(std::uint32_t id) {
  Customer& c = customers_[id];
  Queue& q = queues_[c.priority_class];
  if (c.prev != kNil) {
    customers_[c.prev].next = c.next;
  } else {
    q.head = c.next;
  }
  if (c.next != kNil) {
    customers_[c.next].prev = c.prev;
  } else {
    q.tail = c.prev;
  }
}

[[gnu::always_inline]] inline std::uint32_t ServerPool::pop_highest_priority() {
  for (Queue& q : queues_) {
    if (q.head != kNil) {
      const std::uint32_t id = q.head;
      unlink(id);
      return id;
    }
  }
  assert(false && "pop from an empty pool queue");
  return kNil;
}

}  // namespace circlesim::sim
