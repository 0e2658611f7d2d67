// A multi-server queueing station: c identical servers (possibly following a capacity
// schedule), priority classes served FIFO within a class, optional preemptive-resume priority,
// a finite waiting room, and customer patience.
//
// Rules, so that models can rely on them:
// - Class 0 is the highest priority. Within a class, customers start in arrival order.
// - Preemptive-resume: an arrival that finds no free server takes the server of the
//   lowest-priority customer in service, if that customer's class is strictly lower (the one that
//   started last among equals). The preempted customer goes back to the head of its class's
//   queue and later resumes the service it still owes. It always re-enters the queue, even when
//   the waiting room is full, and its patience no longer applies (it has been served already).
//   Only servers on duty are taken over: none while the pool is closed, none while more servers
//   are busy than the current capacity (they are finishing after a capacity drop). Preemption
//   happens only at arrivals: a high-priority customer who arrived during such a drop waits
//   for the next free server rather than preempting once the drop has worked through.
// - Waiting room: at most `waiting_room` customers wait (those in service excluded); an arrival
//   that finds it full balks. M/M/c/K has waiting_room = K - c.
// - Patience: measured from arrival; a customer who has not started service when it runs out
//   reneges. Patience stops counting when service starts.
// - Capacity drops: busy servers finish their customers; nobody new starts until fewer servers
//   are busy than the new capacity. At closing (capacity drops to 0) the customers waiting at
//   that moment are either served by the servers on duty before closing (kServeWaiting) or sent
//   away (kSendAway). Arrivals while closed wait for opening, subject to patience and room.
//   Overtime ends if the pool reopens first: whoever still waits is then served as usual.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/capacity_schedule.hpp"
#include "sim/histogram.hpp"
#include "sim/simulation.hpp"
#include "sim/tally.hpp"
#include "sim/time_average.hpp"

namespace circlesim::sim {

enum class Preemption : std::uint8_t { kNone, kPreemptiveResume };
enum class ClosingPolicy : std::uint8_t { kServeWaiting, kSendAway };
enum class PoolOutcome : std::uint8_t { kServed, kReneged, kBalked, kSentAway };
enum class ArrivalResult : std::uint8_t { kStarted, kQueued, kBalked };

struct ServerPoolConfig {
  std::string name = "pool";
  CapacitySchedule capacity = CapacitySchedule::constant(1);
  int priority_classes = 1;
  Preemption preemption = Preemption::kNone;
  std::size_t waiting_room = kUnlimited;
  ClosingPolicy on_close = ClosingPolicy::kServeWaiting;
  double wait_histogram_relative_error = 0.005;  // bounded relative error of wait quantiles
  // Off for models that keep their own wait quantiles: the histogram's buckets are then never
  // touched (one cache miss less per start when thousands of pools share the cache) and it
  // stays empty, so its quantiles are NaN.
  bool keep_wait_histogram = true;
  // Per-class counts and tallies and the number-in-system averages. Off for models that follow
  // every customer through the observer and count them themselves: the pool then keeps only
  // the time averages of queue length, busy servers and capacity, and touches two cache lines
  // fewer per event (thousands of pools in a city do not stay in the cache).
  bool customer_statistics = true;

  static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();
};

// One customer leaving the pool, for observers that build traces or exact custom statistics.
struct PoolDeparture {
  std::uint64_t tag;  // the caller's identifier, e.g. a request id
  int priority_class;
  PoolOutcome outcome;
  Time arrival;
  Time service_start;  // first start of service; kNever if never served
  Time departure;
};

class PoolObserver {
 public:
  virtual ~PoolObserver() = default;
  virtual void on_departure(const PoolDeparture& departure) = 0;
};

// Counts and times of one priority class since the last reset.
struct ClassStatistics {
  std::uint64_t arrivals = 0;
  std::uint64_t served = 0;
  std::uint64_t reneged = 0;
  std::uint64_t balked = 0;
  std::uint64_t sent_away = 0;
  std::uint64_t delayed = 0;    // admitted arrivals that could not start at once
  std::uint64_t preempted = 0;  // preemptions suffered (a customer may count several times)
  Tally wait;                   // arrival to first start, customers who started service
  Tally abandoned_delay;        // time in queue of those who left it without starting service
  Tally sojourn;                // arrival to departure, served customers
  TimeAverage in_system{0.0, 0.0};

  // Time in queue of everyone who has left the queue, abandoners included (what Erlang-A calls
  // the waiting time of all arrivals). Derived on demand so the hot path keeps one tally less.
  [[nodiscard]] Tally delay() const {
    Tally all = wait;
    all.merge(abandoned_delay);
    return all;
  }

  // Adds the counts and tallies of `other` (time averages need a window end: merge those apart).
  void merge_counts(const ClassStatistics& other);
};

// With config.customer_statistics off, `classes` and `in_system` stay as they were at the last
// reset (zero counts); the other averages and the window are kept as always.
struct PoolStatistics {
  // The averages stepped at nearly every event first (see TimeAverage's layout).
  TimeAverage in_queue{0.0, 0.0};
  TimeAverage busy{0.0, 0.0};
  TimeAverage in_system{0.0, 0.0};
  TimeAverage capacity{0.0, 0.0};
  Time since = 0;                        // start of the observation window (after warm-up)
  std::uint64_t in_system_at_start = 0;  // for flow conservation over the window
  std::vector<ClassStatistics> classes;
  Histogram wait_histogram;  // waits of customers who started service, all classes

  // Waits are histogrammed from 1e-6 min (shorter counts as zero) to 10 years. A pool that
  // keeps no histogram holds the smallest valid one (a single bucket), never added to: its
  // count is 0 and its quantiles NaN (ServerPoolTest.PoolWithoutWaitHistogramStillTalliesWaits).
  explicit PoolStatistics(double wait_relative_error, bool keep_wait_histogram = true)
      : wait_histogram(keep_wait_histogram ? Histogram(wait_relative_error, 1e-6, 10 * 365 * kDay)
                                           : Histogram(0.5, 1.0, 2.0)) {}
  // Counts and tallies of all classes together, with the pool-wide in_system average.
  [[nodiscard]] ClassStatistics total() const;
};

class ServerPool final : public EventHandler {
 public:
  ServerPool(Simulation& sim, ServerPoolConfig config);

  // A customer arrives now, owing `service_time` of work; it reneges if it has waited `patience`
  // without starting. Returns what happened at arrival.
  ArrivalResult arrive(int priority_class, Time service_time, Time patience = kNever,
                       std::uint64_t tag = 0);

  // Starts a new observation window now (cuts the warm-up); counts restart from zero.
  void reset_statistics();
  [[nodiscard]] const PoolStatistics& statistics() const { return stats_; }
  // Makes every time average readable (call before reading them).
  void update_time_averages();

  void set_observer(PoolObserver* observer) { observer_ = observer; }
  // Pre-sizes storage for this many customers present at once (avoids growth mid-run).
  void reserve(std::size_t customers);

  [[nodiscard]] const ServerPoolConfig& config() const { return config_; }
  [[nodiscard]] int capacity() const { return capacity_; }
  [[nodiscard]] int busy() const { return busy_; }
  [[nodiscard]] std::size_t waiting() const { return waiting_; }
  [[nodiscard]] std::size_t in_system() const { return waiting_ + static_cast<std::size_t>(busy_); }
  // How many times the queue length, busy count or capacity has changed: a sampler that sees
  // the same number twice knows all three were constant in between, without reading averages.
  [[nodiscard]] std::uint64_t changes() const { return changes_; }

  void handle_event(Simulation& sim, std::uint16_t kind, std::uint32_t payload) override;

 private:
  enum EventKind : std::uint16_t { kCompletion, kPatienceExpired, kCapacityChange };
  enum class State : std::uint8_t { kFree, kWaiting, kInService };
  static constexpr std::uint32_t kNil = std::numeric_limits<std::uint32_t>::max();

  struct Customer {
    Time arrival;
    Time first_start;
    Time remaining;  // service still owed at the start of the current spell
    Time spell_start;
    Time completion_at;  // end of the current spell as scheduled (preemptive pools only)
    EventHandle patience_timer;
    EventHandle completion;  // preemptive pools only
    std::uint64_t tag;
    std::uint32_t prev;  // queue links; `next` doubles as the free-list link
    std::uint32_t next;
    std::uint32_t service_slot;  // position in in_service_
    std::uint16_t priority_class;
    State state;
    bool overtime;  // was waiting when the pool closed: served by the servers then on duty
  };
  struct Queue {
    std::uint32_t head = kNil;
    std::uint32_t tail = kNil;
  };

  [[noreturn, gnu::cold, gnu::noinline]] void reject_arrival(int priority_class, Time service_time,
                                                             Time patience) const;
  std::uint32_t allocate_customer();
  // Tells the simulation where the customers are (prefetching for completions and patience).
  void announce_customer_records();
  void free_customer(std::uint32_t id);
  void push_back(std::uint32_t id);
  void push_front(std::uint32_t id);
  void unlink(std::uint32_t id);
  std::uint32_t pop_highest_priority();
  std::uint32_t pop_overtime_customer();
  void clear_overtime(std::uint32_t id);

  bool can_start_arrival() const { return busy_ < capacity_; }
  // With one class the pool-wide average is the class's: no need to keep it twice.
  bool per_class_in_system() const { return customer_statistics_ && queues_.size() > 1; }
  void start_service(std::uint32_t id);
  int start_waiting_customers();  // returns how many started
  void complete(std::uint32_t id);
  void renege(std::uint32_t id);
  bool try_preempt_for(int priority_class);
  void change_capacity(int servers);
  void schedule_next_capacity_change();
  void leave(std::uint32_t id, PoolOutcome outcome);
  void count_waiting(Time now, int delta);
  void count_busy(Time now, int delta);

  // What every event reads or writes comes first, so that an event of a cold pool (one of
  // thousands in a city) touches as few cache lines as possible; the configuration's hot
  // settings are copied here, and the configuration itself comes last.
  Simulation& sim_;
  std::vector<Customer> customers_;
  std::vector<Queue> queues_;
  PoolObserver* observer_ = nullptr;
  std::uint64_t changes_ = 0;
  std::size_t waiting_ = 0;
  std::size_t waiting_room_;
  int capacity_ = 0;
  int busy_ = 0;
  int priority_classes_;
  std::uint32_t free_list_ = kNil;
  HandlerId handler_;
  bool preemptive_;
  bool keep_wait_histogram_;
  bool customer_statistics_;
  // Servers kept on after closing to serve those who were waiting then (kServeWaiting), and how
  // many of those customers are still waiting (each is flagged `overtime`).
  int overtime_servers_ = 0;
  std::size_t overtime_customers_ = 0;
  PoolStatistics stats_;
  std::vector<std::uint32_t> in_service_;  // only maintained for preemptive pools
  CapacityCursor capacity_cursor_;         // where the pool stands in config_.capacity
  ServerPoolConfig config_;
};

}  // namespace circlesim::sim
