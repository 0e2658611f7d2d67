// Engine micro-benchmarks against hand-written baselines, run in the same process so that the
// ratios hold on a noisy shared machine (bench/run, docs/performance.md).
#include <benchmark/benchmark.h>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>

#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

#include "sim/event_calendar.hpp"
#include "sim/random_stream.hpp"
#include "sim/server_pool.hpp"
#include "sim/simulation.hpp"

namespace {

using circlesim::sim::Time;

// ---- Hold model: N pending events; each step pops the minimum and pushes now + Exp(1). ----

void BM_Hold_Engine(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  circlesim::sim::RandomEngine rng(42);
  boost::random::exponential_distribution<double> exp1(1.0);
  circlesim::sim::EventCalendar calendar;
  calendar.reserve(pending + 1);
  for (std::size_t i = 0; i < pending; ++i) {
    calendar.post(exp1(rng), 0, 0, static_cast<std::uint32_t>(i));
  }
  for (auto _ : state) {
    const circlesim::sim::Event e = calendar.pop();
    calendar.post(e.time + exp1(rng), e.handler, e.kind, e.payload);
  }
  state.SetItemsProcessed(state.iterations());
}

// The same record and order (time, then insertion sequence) in std::priority_queue.
struct PlainEvent {
  double time;
  std::uint64_t sequence;
  std::uint32_t payload;
};
struct Later {
  bool operator()(const PlainEvent& a, const PlainEvent& b) const {
    return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
  }
};

void BM_Hold_PriorityQueue(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  boost::random::mt19937_64 rng(42);
  boost::random::exponential_distribution<double> exp1(1.0);
  std::vector<PlainEvent> storage;
  storage.reserve(pending + 1);
  std::priority_queue<PlainEvent, std::vector<PlainEvent>, Later> queue(Later{},
                                                                        std::move(storage));
  std::uint64_t sequence = 0;
  for (std::size_t i = 0; i < pending; ++i) {
    queue.push({exp1(rng), sequence++, static_cast<std::uint32_t>(i)});
  }
  for (auto _ : state) {
    const PlainEvent e = queue.top();
    queue.pop();
    queue.push({e.time + exp1(rng), sequence++, e.payload});
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Hold_Engine)->Arg(4)->Arg(32)->Arg(256)->Arg(1000)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_Hold_PriorityQueue)->Arg(4)->Arg(32)->Arg(256)->Arg(1000)->Arg(100000)->Arg(1000000);

// ---- M/M/3, lambda = 2.7, mu = 1: one million customers per iteration. ----

constexpr std::uint64_t kCustomers = 1'000'000;
constexpr double kLambda = 2.7;
constexpr double kMu = 1.0;
constexpr int kServers = 3;

// Poisson arrivals into a ServerPool, exactly as a model would use the engine.
class MMcSource final : public circlesim::sim::EventHandler {
 public:
  MMcSource(circlesim::sim::Simulation& sim, circlesim::sim::ServerPool& pool)
      : pool_(pool),
        rng_(circlesim::sim::make_engine(7)),
        interarrival_(kLambda),
        service_(kMu),
        handler_(sim.add_handler(*this)) {
    sim.post_in(interarrival_(rng_), handler_, 0, 0);
  }
  void handle_event(circlesim::sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    pool_.arrive(0, service_(rng_));
    if (++arrivals_ < kCustomers) sim.post_in(interarrival_(rng_), handler_, 0, 0);
  }

 private:
  circlesim::sim::ServerPool& pool_;
  circlesim::sim::RandomEngine rng_;
  boost::random::exponential_distribution<double> interarrival_;
  boost::random::exponential_distribution<double> service_;
  circlesim::sim::HandlerId handler_;
  std::uint64_t arrivals_ = 0;
};

void BM_MMc_Engine(benchmark::State& state) {
  double mean_wait = 0;
  for (auto _ : state) {
    circlesim::sim::Simulation sim;
    circlesim::sim::ServerPoolConfig config;
    config.capacity = circlesim::sim::CapacitySchedule::constant(kServers);
    circlesim::sim::ServerPool pool(sim, config);
    MMcSource source(sim, pool);
    sim.run();
    mean_wait = pool.statistics().classes[0].wait.mean();
    benchmark::DoNotOptimize(mean_wait);
  }
  state.counters["mean_wait"] = mean_wait;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCustomers));
}

// A loop written for this one model: std::priority_queue of (time, kind) events and a FIFO of
// arrival times. It keeps only the mean wait, where the engine keeps its full statistics.
void BM_MMc_PlainLoop(benchmark::State& state) {
  double mean_wait = 0;
  for (auto _ : state) {
    boost::random::mt19937_64 rng(7);
    boost::random::exponential_distribution<double> interarrival(kLambda);
    boost::random::exponential_distribution<double> service(kMu);
    struct Ev {
      double time;
      std::uint64_t sequence;
      bool arrival;
    };
    struct EvLater {
      bool operator()(const Ev& a, const Ev& b) const {
        return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
      }
    };
    std::priority_queue<Ev, std::vector<Ev>, EvLater> events;
    std::deque<double> waiting;
    std::uint64_t sequence = 0;
    std::uint64_t arrivals = 0;
    std::uint64_t started = 0;
    int busy = 0;
    double total_wait = 0;
    events.push({interarrival(rng), sequence++, true});
    while (!events.empty()) {
      const Ev e = events.top();
      events.pop();
      if (e.arrival) {
        if (busy < kServers) {
          ++busy;
          ++started;
          events.push({e.time + service(rng), sequence++, false});
        } else {
          waiting.push_back(e.time);
        }
        if (++arrivals < kCustomers) events.push({e.time + interarrival(rng), sequence++, true});
      } else if (!waiting.empty()) {
        total_wait += e.time - waiting.front();
        waiting.pop_front();
        ++started;
        events.push({e.time + service(rng), sequence++, false});
      } else {
        --busy;
      }
    }
    mean_wait = total_wait / static_cast<double>(started);
    benchmark::DoNotOptimize(mean_wait);
  }
  state.counters["mean_wait"] = mean_wait;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCustomers));
}

// ---- The gap between the two, in steps. ----
// The plain loop's model logic (a busy count and a FIFO of arrival times, only the mean wait)
// run first on the engine's calendar and then as an engine handler: PlainLoop -> OnCalendar
// measures the calendar against std::priority_queue, OnCalendar -> AsHandler the simulation's
// run loop and dispatch, AsHandler -> Engine the server pool and its statistics.

struct PlainMMcLogic {
  circlesim::sim::RandomEngine rng = circlesim::sim::make_engine(7);
  boost::random::exponential_distribution<double> interarrival{kLambda};
  boost::random::exponential_distribution<double> service{kMu};
  std::deque<double> waiting;
  std::uint64_t arrivals = 0;
  std::uint64_t started = 0;
  int busy = 0;
  double total_wait = 0;

  // One event at `now`; post(delay, is_arrival) schedules the next ones.
  template <class Post>
  void handle(Time now, bool arrival, Post&& post) {
    if (arrival) {
      if (busy < kServers) {
        ++busy;
        ++started;
        post(service(rng), false);
      } else {
        waiting.push_back(now);
      }
      if (++arrivals < kCustomers) post(interarrival(rng), true);
    } else if (!waiting.empty()) {
      total_wait += now - waiting.front();
      waiting.pop_front();
      ++started;
      post(service(rng), false);
    } else {
      --busy;
    }
  }
  [[nodiscard]] double mean_wait() const { return total_wait / static_cast<double>(started); }
};

void BM_MMc_PlainOnCalendar(benchmark::State& state) {
  double mean_wait = 0;
  for (auto _ : state) {
    circlesim::sim::EventCalendar calendar;
    PlainMMcLogic logic;
    Time now = 0;
    const auto post = [&](Time delay, bool arrival) {
      calendar.post_not_before(now, now + delay, 0, arrival ? 1 : 0, 0);
    };
    post(logic.interarrival(logic.rng), true);
    circlesim::sim::Event event;
    while (calendar.pop_not_after(circlesim::sim::kNever, event)) {
      now = event.time;
      logic.handle(now, event.kind == 1, post);
    }
    mean_wait = logic.mean_wait();
    benchmark::DoNotOptimize(mean_wait);
  }
  state.counters["mean_wait"] = mean_wait;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCustomers));
}

class PlainMMcHandler final : public circlesim::sim::EventHandler {
 public:
  explicit PlainMMcHandler(circlesim::sim::Simulation& sim) : handler_(sim.add_handler(*this)) {
    sim.post_in(logic_.interarrival(logic_.rng), handler_, 1, 0);
  }
  void handle_event(circlesim::sim::Simulation& sim, std::uint16_t kind, std::uint32_t) override {
    logic_.handle(sim.now(), kind == 1, [&](Time delay, bool arrival) {
      sim.post_in(delay, handler_, arrival ? 1 : 0, 0);
    });
  }
  [[nodiscard]] double mean_wait() const { return logic_.mean_wait(); }

 private:
  PlainMMcLogic logic_;
  circlesim::sim::HandlerId handler_;
};

void BM_MMc_PlainAsHandler(benchmark::State& state) {
  double mean_wait = 0;
  for (auto _ : state) {
    circlesim::sim::Simulation sim;
    PlainMMcHandler handler(sim);
    sim.run();
    mean_wait = handler.mean_wait();
    benchmark::DoNotOptimize(mean_wait);
  }
  state.counters["mean_wait"] = mean_wait;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kCustomers));
}

BENCHMARK(BM_MMc_Engine)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MMc_PlainLoop)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MMc_PlainOnCalendar)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MMc_PlainAsHandler)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
