#include "models/validation/queue_experiment.hpp"

#include <cmath>

#include "sim/arrival_process.hpp"
#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/simulation.hpp"

namespace circlesim::models::validation {
namespace {

// Poisson arrivals of every class into the pool. Each class draws its gaps, service times and
// patience from streams of its own, so that one class's parameters never shift another's numbers.
class PoissonSource final : public sim::EventHandler {
 public:
  PoissonSource(sim::Simulation& sim, sim::ServerPool& pool, const QueueExperiment& experiment,
                const sim::RandomStreams& streams)
      : pool_(pool), experiment_(experiment), handler_(sim.add_handler(*this)) {
    for (std::size_t k = 0; k < experiment.arrival_rates.size(); ++k) {
      processes_.emplace_back(experiment.arrival_rates[k]);
      arrival_rng_.push_back(streams.stream("arrivals", k));
      service_rng_.push_back(streams.stream("service", k));
      patience_rng_.push_back(streams.stream("patience", k));
      schedule_next(sim, k);
    }
  }

  void handle_event(sim::Simulation& sim, std::uint16_t kind, std::uint32_t /*payload*/) override {
    const std::size_t k = kind;
    const sim::Time service = experiment_.service_times[k].sample(service_rng_[k]);
    const sim::Time patience =
        experiment_.patience ? experiment_.patience->sample(patience_rng_[k]) : sim::kNever;
    pool_.arrive(static_cast<int>(k), service, patience);
    schedule_next(sim, k);
  }

 private:
  void schedule_next(sim::Simulation& sim, std::size_t k) {
    sim.post_at(processes_[k].next_after(sim.now(), arrival_rng_[k]), handler_,
                static_cast<std::uint16_t>(k), 0);
  }

  sim::ServerPool& pool_;
  const QueueExperiment& experiment_;
  sim::HandlerId handler_;
  std::vector<sim::PoissonArrivals> processes_;
  std::vector<sim::RandomEngine> arrival_rng_;
  std::vector<sim::RandomEngine> service_rng_;
  std::vector<sim::RandomEngine> patience_rng_;
};

// Exact per-customer measures that the pool's streaming statistics do not keep: the service
// level at a target wait, and total time in system for Little's law.
class DepartureLog final : public sim::PoolObserver {
 public:
  explicit DepartureLog(std::optional<sim::Time> target) : target_(target) {}
  void on_departure(const sim::PoolDeparture& d) override {
    if (d.outcome == sim::PoolOutcome::kBalked) return;
    ++departures_;
    time_in_system_ += d.departure - d.arrival;
    if (target_ && d.outcome == sim::PoolOutcome::kServed &&
        d.service_start - d.arrival <= *target_) {
      ++served_within_target_;
    }
  }
  void reset() { *this = DepartureLog(target_); }

  std::uint64_t departures_ = 0;
  std::uint64_t served_within_target_ = 0;
  double time_in_system_ = 0;

 private:
  std::optional<sim::Time> target_;
};

ClassMeasures measure(const sim::ClassStatistics& s) {
  ClassMeasures m;
  m.arrivals = s.arrivals;
  m.served = s.served;
  m.reneged = s.reneged;
  m.balked = s.balked;
  const auto arrivals = static_cast<double>(s.arrivals);
  if (s.arrivals > 0) {
    m.p_delayed = static_cast<double>(s.delayed) / arrivals;
    m.p_abandon = static_cast<double>(s.reneged) / arrivals;
    m.p_block = static_cast<double>(s.balked) / arrivals;
  }
  m.mean_wait = s.wait.mean();
  m.mean_delay = s.delay().mean();
  m.mean_sojourn = s.sojourn.mean();
  return m;
}

}  // namespace

QueueMeasures run_queue_replication(const QueueExperiment& experiment, std::uint64_t master_seed,
                                    std::uint64_t replication) {
  const std::size_t classes = experiment.arrival_rates.size();
  CIRCLESIM_REQUIRE(classes >= 1, "experiment '{}': needs at least one arrival class",
                    experiment.name);
  CIRCLESIM_REQUIRE(experiment.service_times.size() == classes,
                    "experiment '{}': {} arrival rates but {} service-time distributions",
                    experiment.name, classes, experiment.service_times.size());
  CIRCLESIM_REQUIRE(static_cast<int>(classes) == experiment.pool.priority_classes,
                    "experiment '{}': {} arrival classes but the pool has {} priority classes",
                    experiment.name, classes, experiment.pool.priority_classes);
  CIRCLESIM_REQUIRE(experiment.warmup >= 0 && experiment.measured > 0,
                    "experiment '{}': warm-up must be >= 0 and the measured window > 0, got {} "
                    "and {}",
                    experiment.name, experiment.warmup, experiment.measured);

  sim::Simulation sim;
  sim::ServerPool pool(sim, experiment.pool);
  DepartureLog log(experiment.service_level_target);
  pool.set_observer(&log);
  const sim::RandomStreams streams(master_seed, replication);
  PoissonSource source(sim, pool, experiment, streams);

  sim.run_until(experiment.warmup);
  pool.reset_statistics();
  log.reset();
  sim.run_until(experiment.warmup + experiment.measured);
  pool.update_time_averages();

  const sim::PoolStatistics& stats = pool.statistics();
  const sim::Time now = sim.now();
  QueueMeasures out;
  for (const sim::ClassStatistics& c : stats.classes) {
    out.classes.push_back(measure(c));
    out.classes.back().mean_in_system = c.in_system.mean(now);
  }
  const sim::ClassStatistics total = stats.total();
  out.total = measure(total);
  out.total.mean_in_system = stats.in_system.mean(now);
  out.mean_in_queue = stats.in_queue.mean(now);
  out.mean_busy = stats.busy.mean(now);
  if (total.arrivals > 0) {
    out.service_level =
        static_cast<double>(log.served_within_target_) / static_cast<double>(total.arrivals);
  }

  out.present_at_start = stats.in_system_at_start;
  out.present_at_end = pool.in_system();
  out.flow_conserved = out.present_at_start + total.arrivals == total.served + total.reneged +
                                                                    total.balked + total.sent_away +
                                                                    out.present_at_end;
  const double throughput = static_cast<double>(log.departures_) / experiment.measured;
  const double mean_time_in_system =
      log.departures_ > 0 ? log.time_in_system_ / static_cast<double>(log.departures_) : 0.0;
  const double little_l = throughput * mean_time_in_system;
  out.littles_law_relative_gap =
      out.total.mean_in_system > 0
          ? std::abs(little_l - out.total.mean_in_system) / out.total.mean_in_system
          : 0.0;
  return out;
}

}  // namespace circlesim::models::validation
