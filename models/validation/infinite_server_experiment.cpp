#include "models/validation/infinite_server_experiment.hpp"

#include <cmath>
#include <numbers>

#include "sim/arrival_process.hpp"
#include "sim/distribution.hpp"
#include "sim/error.hpp"
#include "sim/random_stream.hpp"
#include "sim/server_pool.hpp"
#include "sim/simulation.hpp"

namespace circlesim::models::validation {
namespace {

struct SinusoidalRate {
  double mean_rate;
  double amplitude;
  double omega;
  double operator()(sim::Time t) const {
    return mean_rate * (1.0 + amplitude * std::sin(omega * t));
  }
};

// Feeds the pool and samples the number in system at the requested phases of each period.
class Driver final : public sim::EventHandler {
 public:
  enum Kind : std::uint16_t { kArrival, kSample };

  Driver(sim::Simulation& sim, sim::ServerPool& pool, const SinusoidalInfiniteServer& experiment,
         const sim::RandomStreams& streams)
      : pool_(pool),
        experiment_(experiment),
        arrivals_(SinusoidalRate{experiment.mean_rate, experiment.amplitude,
                                 2.0 * std::numbers::pi / experiment.period},
                  experiment.mean_rate * (1.0 + experiment.amplitude)),
        service_(sim::Distribution::exponential(experiment.mean_service)),
        arrival_rng_(streams.stream("arrivals")),
        service_rng_(streams.stream("service")),
        sums_(experiment.phases.size(), 0.0),
        handler_(sim.add_handler(*this)) {
    sim.post_at(arrivals_.next_after(sim.now(), arrival_rng_), handler_, kArrival, 0);
    // Phases are offsets from the start of a period, so sampling starts at the first period
    // boundary after the warm-up.
    const sim::Time first = std::ceil(experiment.warmup / experiment.period) * experiment.period;
    for (int p = 0; p < experiment.measured_periods; ++p) {
      for (std::size_t i = 0; i < experiment.phases.size(); ++i) {
        const sim::Time at = first + p * experiment.period + experiment.phases[i];
        // Sampling runs after arrivals and departures at the same instant (priority 1).
        sim.post_at(at, handler_, kSample, static_cast<std::uint32_t>(i), 1);
      }
    }
  }

  void handle_event(sim::Simulation& sim, std::uint16_t kind, std::uint32_t payload) override {
    if (kind == kArrival) {
      pool_.arrive(0, service_.sample(service_rng_));
      sim.post_at(arrivals_.next_after(sim.now(), arrival_rng_), handler_, kArrival, 0);
    } else {
      sums_[payload] += static_cast<double>(pool_.in_system());
    }
  }

  [[nodiscard]] const std::vector<double>& sums() const { return sums_; }

 private:
  sim::ServerPool& pool_;
  const SinusoidalInfiniteServer& experiment_;
  sim::ThinnedArrivals<SinusoidalRate> arrivals_;
  sim::Distribution service_;
  sim::RandomEngine arrival_rng_;
  sim::RandomEngine service_rng_;
  std::vector<double> sums_;
  sim::HandlerId handler_;
};

}  // namespace

InfiniteServerMeasures run_infinite_server_replication(const SinusoidalInfiniteServer& experiment,
                                                       std::uint64_t master_seed,
                                                       std::uint64_t replication) {
  CIRCLESIM_REQUIRE(experiment.amplitude >= 0 && experiment.amplitude <= 1,
                    "sinusoidal arrivals: amplitude r must be in [0, 1], got {}",
                    experiment.amplitude);
  CIRCLESIM_REQUIRE(experiment.period > 0, "sinusoidal arrivals: period must be > 0, got {}",
                    experiment.period);
  CIRCLESIM_REQUIRE(experiment.measured_periods >= 1,
                    "infinite-server experiment: measured_periods must be >= 1, got {}",
                    experiment.measured_periods);
  for (const sim::Time phase : experiment.phases) {
    CIRCLESIM_REQUIRE(phase >= 0 && phase < experiment.period,
                      "infinite-server experiment: phase {} is not inside the period {}", phase,
                      experiment.period);
  }

  sim::Simulation sim;
  // "Infinite" servers: far more than can ever be busy at these loads (mean at most ~150).
  sim::ServerPoolConfig config;
  config.name = "infinite-server";
  config.capacity = sim::CapacitySchedule::constant(100000);
  sim::ServerPool pool(sim, config);
  Driver driver(sim, pool, experiment, sim::RandomStreams(master_seed, replication));

  sim.run_until(experiment.warmup);
  pool.reset_statistics();
  sim.run_until(std::ceil(experiment.warmup / experiment.period) * experiment.period +
                experiment.measured_periods * experiment.period);

  InfiniteServerMeasures out;
  for (const double sum : driver.sums()) {
    out.mean_in_system.push_back(sum / experiment.measured_periods);
  }
  const sim::ClassStatistics total = pool.statistics().total();
  out.flow_conserved = pool.statistics().in_system_at_start + total.arrivals ==
                       total.served + total.reneged + total.balked + pool.in_system();
  return out;
}

}  // namespace circlesim::models::validation
