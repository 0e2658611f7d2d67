#include "models/rooms/room_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "models/replications.hpp"
#include "models/rooms/room_trace.hpp"
#include "models/scenario/rate_profile.hpp"
#include "sim/arrival_process.hpp"
#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/server_pool.hpp"
#include "sim/simulation.hpp"

namespace circlesim::models {

namespace {

// Per-service counts from the pool's departures (tag: see request_tag). Only customers who
// arrived after the warm-up count, so that every measured customer is measured whole.
class ServiceTally final : public sim::PoolObserver {
 public:
  ServiceTally(std::vector<ServiceMeasures>& out, sim::Time warmup, RequestTracer* tracer)
      : out_(out), sums_(out.size()), warmup_(warmup), tracer_(tracer) {}
  void on_departure(const sim::PoolDeparture& d) override {
    if (tracer_ != nullptr) tracer_->record(d);
    if (d.arrival < warmup_) return;
    const std::uint32_t service = service_of(d.tag);
    ServiceMeasures& m = out_[service];
    Sums& sum = sums_[service];
    m.arrivals += 1;
    switch (d.outcome) {
      case sim::PoolOutcome::kServed: {
        m.served += 1;
        const double wait = d.service_start - d.arrival;
        sum.wait += wait;
        sum.sojourn += d.departure - d.arrival;
        if (wait > 0) sum.delayed += 1;
        break;
      }
      case sim::PoolOutcome::kReneged:
        m.abandoned += 1;
        sum.abandoned_delay += d.departure - d.arrival;
        sum.delayed += 1;
        break;
      case sim::PoolOutcome::kBalked:
      case sim::PoolOutcome::kSentAway:
        m.turned_away += 1;
        break;
    }
  }
  // Turns the sums into the reported means and shares.
  void finish() {
    for (std::size_t s = 0; s < out_.size(); ++s) {
      ServiceMeasures& m = out_[s];
      const Sums& sum = sums_[s];
      auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
      m.mean_wait = ratio(sum.wait, m.served);
      m.mean_sojourn = ratio(sum.sojourn, m.served);
      m.mean_delay = ratio(sum.wait + sum.abandoned_delay, m.served + m.abandoned);
      m.p_delayed = ratio(sum.delayed, m.arrivals - m.turned_away);
      m.p_abandon = ratio(m.abandoned, m.arrivals);
      m.p_turned_away = ratio(m.turned_away, m.arrivals);
    }
  }

 private:
  struct Sums {
    double wait = 0;
    double sojourn = 0;
    double abandoned_delay = 0;
    double delayed = 0;
  };
  std::vector<ServiceMeasures>& out_;
  std::vector<Sums> sums_;
  sim::Time warmup_;
  RequestTracer* tracer_;
};

// Poisson arrivals of one service into its room's pool: homogeneous, or following the service's
// profile over the day and the week (exactly, piece by piece: no thinning losses).
class ServiceSource final : public sim::EventHandler {
 public:
  ServiceSource(sim::Simulation& sim, sim::ServerPool& pool, const scenario::Service& service,
                std::uint32_t index, int priority_class, const sim::RandomStreams& streams,
                int start_weekday, sim::Time end, std::uint64_t& next_request)
      : pool_(pool),
        next_request_(next_request),
        service_(service),
        index_(index),
        priority_class_(priority_class),
        arrivals_(streams.stream("arrivals", index)),
        durations_(streams.stream("durations", index)),
        patience_(streams.stream("patience", index)),
        constant_(service.rate_per_minute),
        end_(end),
        handler_(sim.add_handler(*this)) {
    if (service.profile) {
      profiled_.emplace(scenario::to_rate_profile(*service.profile, service.rate_per_minute,
                                                  start_weekday, service.id));
    }
    schedule_next(sim);
  }

  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    const sim::Time patience =
        service_.patience ? service_.patience->sample(patience_) : sim::kNever;
    pool_.arrive(priority_class_, service_.duration.sample(durations_), std::max(patience, 1e-9),
                 request_tag(next_request_++, index_));
    schedule_next(sim);
  }

 private:
  void schedule_next(sim::Simulation& sim) {
    const sim::Time at = profiled_ ? profiled_->next_after(sim.now(), arrivals_)
                                   : constant_.next_after(sim.now(), arrivals_);
    if (at <= end_) sim.post_at(at, handler_, 0, 0);
  }

  sim::ServerPool& pool_;
  std::uint64_t& next_request_;  // shared by all sources: request numbers in order of arrival
  const scenario::Service& service_;
  std::uint32_t index_;
  int priority_class_;
  sim::RandomEngine arrivals_;
  sim::RandomEngine durations_;
  sim::RandomEngine patience_;
  sim::PoissonArrivals constant_;
  std::optional<sim::ProfileArrivals> profiled_;
  sim::Time end_;
  sim::HandlerId handler_;
};

// Counts who is in each room at the start of every hour of the measured period: the occupancy
// profile over the day that a planner staffs against.
class HourlyCensus final : public sim::EventHandler {
 public:
  HourlyCensus(sim::Simulation& sim, const std::vector<std::unique_ptr<sim::ServerPool>>& pools,
               std::vector<RoomMeasures>& out, sim::Time first, sim::Time end)
      : pools_(pools), out_(out), end_(end), handler_(sim.add_handler(*this)) {
    for (RoomMeasures& room : out_) room.present_by_hour.assign(24, 0.0);
    samples_.assign(24, 0);
    if (first <= end_) sim.post_at(first, handler_, 0, 0);
  }

  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    const auto hour =
        static_cast<std::size_t>(std::lround(sim::time_of_day(sim.now()) / 60.0)) % 24;
    for (std::size_t r = 0; r < pools_.size(); ++r) {
      out_[r].present_by_hour[hour] += static_cast<double>(pools_[r]->in_system());
    }
    ++samples_[hour];
    if (sim.now() + 60.0 <= end_) sim.post_in(60.0, handler_, 0, 0);
  }

  void finish() {
    for (RoomMeasures& room : out_) {
      for (std::size_t h = 0; h < 24; ++h) {
        if (samples_[h] > 0) room.present_by_hour[h] /= static_cast<double>(samples_[h]);
      }
    }
  }

 private:
  const std::vector<std::unique_ptr<sim::ServerPool>>& pools_;
  std::vector<RoomMeasures>& out_;
  std::vector<std::uint64_t> samples_;
  sim::Time end_;
  sim::HandlerId handler_;
};

}  // namespace

ReplicationMeasures run_room_replication(const scenario::Scenario& scenario,
                                         std::uint64_t replication,
                                         const ReplicationOutput& output) {
  CIRCLESIM_REQUIRE(scenario.services.size() < (std::size_t{1} << kServiceBits),
                    "a scenario may have at most {} services, got {}",
                    (std::size_t{1} << kServiceBits) - 1, scenario.services.size());
  const sim::RandomStreams streams(scenario.run.seed, replication);
  const sim::Time warmup = scenario.run.warmup;
  const sim::Time end = warmup + scenario.run.horizon;
  ReplicationMeasures out;
  out.services.resize(scenario.services.size());
  out.rooms.resize(scenario.rooms.size());

  // Priority classes of each room: its services' distinct priorities, 0 first.
  std::vector<std::map<int, int>> classes(scenario.rooms.size());
  for (const scenario::Service& s : scenario.services) classes[s.room][s.priority] = 0;
  for (auto& room_classes : classes) {
    int next = 0;
    for (auto& [priority, index] : room_classes) index = next++;
  }
  // Facilities in order of first appearance among the rooms.
  std::vector<std::string> facilities;
  std::vector<std::uint32_t> facility_of_room;
  for (const scenario::Room& room : scenario.rooms) {
    auto found = std::find(facilities.begin(), facilities.end(), room.facility_id);
    if (found == facilities.end()) found = facilities.insert(facilities.end(), room.facility_id);
    facility_of_room.push_back(static_cast<std::uint32_t>(found - facilities.begin()));
  }

  sim::trace::TraceSink* sink = output.sink;
  std::optional<RequestTracer> requests;
  std::optional<EventTracer> events;
  if (sink != nullptr && sink->level() >= sim::trace::TraceLevel::kRequests) {
    requests.emplace(*sink, scenario, facility_of_room);
  }

  sim::Simulation sim;
  std::vector<std::string> handlers;
  ServiceTally tally(out.services, warmup, requests ? &*requests : nullptr);
  std::vector<std::unique_ptr<sim::ServerPool>> pools;
  for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
    const scenario::Room& room = scenario.rooms[r];
    sim::ServerPoolConfig config;
    config.name = room.facility_id + "/" + room.type;
    config.capacity = room.capacity;
    config.priority_classes = std::max<int>(1, static_cast<int>(classes[r].size()));
    config.preemption =
        room.preemptive ? sim::Preemption::kPreemptiveResume : sim::Preemption::kNone;
    config.waiting_room = room.waiting_room;
    config.on_close = room.on_close;
    handlers.push_back("room " + config.name);
    pools.push_back(std::make_unique<sim::ServerPool>(sim, config));
    pools.back()->set_observer(&tally);
  }
  std::uint64_t next_request = 0;
  std::vector<std::unique_ptr<ServiceSource>> sources;
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    const scenario::Service& service = scenario.services[s];
    handlers.push_back("arrivals " + service.id);
    sources.push_back(std::make_unique<ServiceSource>(
        sim, *pools[service.room], service, static_cast<std::uint32_t>(s),
        classes[service.room].at(service.priority), streams, scenario.run.start_weekday, end,
        next_request));
  }
  // The census starts at the first whole hour after the warm-up.
  handlers.push_back("hourly census");
  HourlyCensus census(sim, pools, out.rooms, std::ceil(warmup / 60.0) * 60.0, end);
  handlers.push_back("interval sampler");
  IntervalSampler sampler(sim, pools, output.interval, end, sink);
  if (sink != nullptr && sink->level() >= sim::trace::TraceLevel::kEvents) {
    events.emplace(*sink);
    sim.set_event_observer(&*events);
  }

  // Runs to `until` an hour at a time, so that a stop request is seen promptly.
  auto run_to = [&](sim::Time until) {
    while (sim.now() < until) {
      if (output.stop != nullptr && output.stop->load() != 0) return false;
      if (output.simulated != nullptr)
        output.simulated->store(sim.now(), std::memory_order_relaxed);
      sim.run_until(std::min(until, sim.now() + 60.0));
    }
    return true;
  };
  bool finished = run_to(warmup);
  if (finished) {
    sampler.before_reset(sim.now());
    for (auto& pool : pools) pool->reset_statistics();
    finished = run_to(end);
  }
  const sim::Time stopped_at = sim.now();
  out.interrupted = !finished;
  out.stopped_at = stopped_at;
  for (std::size_t r = 0; r < pools.size(); ++r) {
    pools[r]->update_time_averages();
    const sim::PoolStatistics& stats = pools[r]->statistics();
    out.rooms[r].utilisation = stats.busy.mean(stopped_at) / scenario.rooms[r].staff;
    out.rooms[r].mean_in_queue = stats.in_queue.mean(stopped_at);
  }
  tally.finish();
  census.finish();
  sampler.finish(stopped_at);

  if (sink != nullptr) {
    std::vector<std::string> services, outcomes;
    for (const scenario::Service& service : scenario.services) services.push_back(service.id);
    for (int o = 0; o < sim::trace::kRequestOutcomeCount; ++o) {
      outcomes.emplace_back(sim::trace::to_string(static_cast<sim::trace::RequestOutcome>(o)));
    }
    sink->write_lookup("services", services);
    sink->write_lookup("groups", {});
    sink->write_lookup("facilities", facilities);
    sink->write_lookup("rooms", room_names(scenario));
    sink->write_lookup("outcomes", outcomes);
    if (events) sink->write_lookup("handlers", handlers);
    if (requests) requests->flush();
    if (events) events->flush();
    write_summary_trace(*sink, scenario, pools, out);
    sink->finish(
        finished ? sim::trace::TraceStatus::kComplete : sim::trace::TraceStatus::kInterrupted,
        stopped_at);
  }
  return out;
}

std::vector<ReplicationMeasures> run_room_replications(const scenario::Scenario& scenario, int jobs,
                                                       const SinkFactory& sinks,
                                                       const std::atomic<int>* stop,
                                                       double interval) {
  return run_replications_in_parallel<ReplicationMeasures>(
      static_cast<std::size_t>(scenario.run.replications), jobs, stop, [&](std::size_t i) {
        std::unique_ptr<sim::trace::TraceSink> sink = sinks ? sinks(i) : nullptr;
        return run_room_replication(scenario, i, {sink.get(), stop, interval});
      });
}

}  // namespace circlesim::models
