#include "models/rooms/room_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "sim/arrival_process.hpp"
#include "sim/random_stream.hpp"
#include "sim/server_pool.hpp"
#include "sim/simulation.hpp"

namespace circlesim::models {

namespace {

// Per-service counts from the pool's departures (tag = service index). Only customers who
// arrived after the warm-up count, so that every measured customer is measured whole.
class ServiceTally final : public sim::PoolObserver {
 public:
  ServiceTally(std::vector<ServiceMeasures>& out, sim::Time warmup)
      : out_(out), sums_(out.size()), warmup_(warmup) {}
  void on_departure(const sim::PoolDeparture& d) override {
    if (d.arrival < warmup_) return;
    ServiceMeasures& m = out_[d.tag];
    Sums& sum = sums_[d.tag];
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
};

// Poisson arrivals of one service into its room's pool: homogeneous, or following the service's
// profile over the day and the week (exactly, piece by piece: no thinning losses).
class ServiceSource final : public sim::EventHandler {
 public:
  ServiceSource(sim::Simulation& sim, sim::ServerPool& pool, const scenario::Service& service,
                std::uint32_t index, int priority_class, const sim::RandomStreams& streams,
                int start_weekday, sim::Time end)
      : pool_(pool),
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
      const scenario::Profile& p = *service.profile;
      profiled_.emplace(sim::RateProfile(service.rate_per_minute,
                                         p.daily.empty() ? std::vector<double>{1.0} : p.daily,
                                         p.weekday_factors, start_weekday));
    }
    schedule_next(sim);
  }

  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    const sim::Time patience =
        service_.patience ? service_.patience->sample(patience_) : sim::kNever;
    pool_.arrive(priority_class_, service_.duration.sample(durations_), std::max(patience, 1e-9),
                 index_);
    schedule_next(sim);
  }

 private:
  void schedule_next(sim::Simulation& sim) {
    const sim::Time at = profiled_ ? profiled_->next_after(sim.now(), arrivals_)
                                   : constant_.next_after(sim.now(), arrivals_);
    if (at <= end_) sim.post_at(at, handler_, 0, 0);
  }

  sim::ServerPool& pool_;
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
                                         std::uint64_t replication) {
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

  sim::Simulation sim;
  ServiceTally tally(out.services, warmup);
  std::vector<std::unique_ptr<sim::ServerPool>> pools;
  for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
    const scenario::Room& room = scenario.rooms[r];
    sim::ServerPoolConfig config;
    config.name = room.facility_id + "/" + room.type;
    config.capacity = sim::CapacitySchedule::constant(room.staff);
    config.priority_classes = std::max<int>(1, static_cast<int>(classes[r].size()));
    config.preemption =
        room.preemptive ? sim::Preemption::kPreemptiveResume : sim::Preemption::kNone;
    config.waiting_room = room.waiting_room;
    config.on_close = room.on_close;
    pools.push_back(std::make_unique<sim::ServerPool>(sim, config));
    pools.back()->set_observer(&tally);
  }
  std::vector<std::unique_ptr<ServiceSource>> sources;
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    const scenario::Service& service = scenario.services[s];
    sources.push_back(std::make_unique<ServiceSource>(
        sim, *pools[service.room], service, static_cast<std::uint32_t>(s),
        classes[service.room].at(service.priority), streams, scenario.run.start_weekday, end));
  }
  // The census starts at the first whole hour after the warm-up.
  HourlyCensus census(sim, pools, out.rooms, std::ceil(warmup / 60.0) * 60.0, end);
  sim.run_until(warmup);
  for (auto& pool : pools) pool->reset_statistics();
  sim.run_until(end);
  for (std::size_t r = 0; r < pools.size(); ++r) {
    pools[r]->update_time_averages();
    const sim::PoolStatistics& stats = pools[r]->statistics();
    out.rooms[r].utilisation = stats.busy.mean(end) / scenario.rooms[r].staff;
    out.rooms[r].mean_in_queue = stats.in_queue.mean(end);
  }
  tally.finish();
  census.finish();
  return out;
}

std::vector<ReplicationMeasures> run_room_replications(const scenario::Scenario& scenario,
                                                       int jobs) {
  const auto n = static_cast<std::size_t>(scenario.run.replications);
  std::vector<ReplicationMeasures> results(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) results[i] = run_room_replication(scenario, i);
  };
  std::vector<std::jthread> workers;
  for (int j = 1; j < std::max(1, jobs); ++j) workers.emplace_back(work);
  work();
  return results;
}

std::string room_summary_table(const scenario::Scenario& scenario,
                               const std::vector<ReplicationMeasures>& replications) {
  const double level = scenario.run.confidence;
  auto interval = [&](auto&& get) {
    std::vector<double> values;
    for (const ReplicationMeasures& r : replications) values.push_back(get(r));
    const analysis::ConfidenceInterval ci = analysis::t_confidence_interval(values, level);
    return fmt::format("{:.4g} ± {:.2g}", ci.mean, ci.half_width);
  };
  std::string out = fmt::format(
      "{}: {} replications, horizon {} min after a {} min warm-up; "
      "means ± {:g}% half-widths\n\n",
      scenario.run.name, replications.size(), scenario.run.horizon, scenario.run.warmup,
      100 * level);
  out += fmt::format("{:<24} {:>18} {:>18} {:>18} {:>18} {:>18}\n", "service", "arrivals",
                     "mean wait (min)", "P(delayed)", "P(abandon)", "P(turned away)");
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    out += fmt::format(
        "{:<24} {:>18} {:>18} {:>18} {:>18} {:>18}\n", scenario.services[s].id,
        interval([&](const ReplicationMeasures& r) { return r.services[s].arrivals; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].mean_wait; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].p_delayed; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].p_abandon; }),
        interval([&](const ReplicationMeasures& r) { return r.services[s].p_turned_away; }));
  }
  out += fmt::format("\n{:<40} {:>6} {:>18} {:>18}\n", "room", "staff", "utilisation",
                     "mean in queue");
  for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
    const scenario::Room& room = scenario.rooms[r];
    out += fmt::format(
        "{:<40} {:>6} {:>18} {:>18}\n", room.facility_id + "/" + room.type, room.staff,
        interval([&](const ReplicationMeasures& m) { return m.rooms[r].utilisation; }),
        interval([&](const ReplicationMeasures& m) { return m.rooms[r].mean_in_queue; }));
  }
  // Who is in each room at each hour of the day (means over days and replications): the
  // occupancy profile staffing plans work against.
  out += fmt::format("\n{:<40} {}\n", "present at the hour (mean)",
                     "00h    03h    06h    09h    12h    15h    18h    21h");
  for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
    std::string hours;
    for (std::size_t h = 0; h < 24; h += 3) {
      double sum = 0;
      for (const ReplicationMeasures& m : replications) sum += m.rooms[r].present_by_hour[h];
      hours += fmt::format("{:<7.3g}", sum / static_cast<double>(replications.size()));
    }
    while (!hours.empty() && hours.back() == ' ') hours.pop_back();
    out += fmt::format("{:<40} {}\n", scenario.rooms[r].facility_id + "/" + scenario.rooms[r].type,
                       hours);
  }
  return out;
}

}  // namespace circlesim::models
