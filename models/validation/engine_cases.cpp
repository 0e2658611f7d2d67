#include "models/validation/engine_cases.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <exception>
#include <numbers>
#include <thread>

#include "analysis/queueing.hpp"
#include "models/validation/infinite_server_experiment.hpp"
#include "models/validation/queue_experiment.hpp"
#include "sim/error.hpp"

namespace circlesim::models::validation {
namespace {

using sim::Distribution;

constexpr int kReplications = 20;

// A window long enough for about `customers` arrivals, scaled by effort.
sim::Time window_for(double customers, double total_rate, double effort) {
  return std::max(customers * effort, 2000.0) / total_rate;
}

QueueExperiment single_class(std::string name, double lambda, Distribution service, int servers) {
  QueueExperiment e;
  e.name = std::move(name);
  e.arrival_rates = {lambda};
  e.service_times = {std::move(service)};
  e.pool.name = e.name;
  e.pool.capacity = sim::CapacitySchedule::constant(servers);
  return e;
}

// Wraps a queue experiment and a list of (metric, analytic, extractor) into a case.
using Extractor = std::function<double(const QueueMeasures&)>;
struct QueueCheck {
  std::string metric;
  double analytic;
  Extractor extract;
};

ValidationCase queue_case(std::string name, std::string formula, QueueExperiment experiment,
                          std::vector<QueueCheck> checks) {
  ValidationCase c;
  c.name = std::move(name);
  c.formula = std::move(formula);
  c.replications = kReplications;
  std::vector<Extractor> extractors;
  for (QueueCheck& q : checks) {
    c.checks.push_back({q.metric, q.analytic});
    extractors.push_back(std::move(q.extract));
  }
  c.run = [experiment = std::move(experiment), extractors = std::move(extractors)](
              std::uint64_t seed, std::uint64_t replication) {
    const QueueMeasures m = run_queue_replication(experiment, seed, replication);
    ReplicationOutcome out;
    for (const Extractor& extract : extractors) out.values.push_back(extract(m));
    out.flow_conserved = m.flow_conserved;
    out.littles_law_relative_gap = m.littles_law_relative_gap;
    return out;
  };
  return c;
}

double p_block(const QueueMeasures& m) { return m.total.p_block; }
double p_delayed(const QueueMeasures& m) { return m.total.p_delayed; }
double p_abandon(const QueueMeasures& m) { return m.total.p_abandon; }
double mean_delay(const QueueMeasures& m) { return m.total.mean_delay; }
double mean_sojourn(const QueueMeasures& m) { return m.total.mean_sojourn; }
double mean_in_system(const QueueMeasures& m) { return m.total.mean_in_system; }
double mean_in_queue(const QueueMeasures& m) { return m.mean_in_queue; }
double service_level(const QueueMeasures& m) { return m.service_level; }

void add_erlang_b(std::vector<ValidationCase>& cases, double effort) {
  const double lambda = 15, mu = 1;
  const int c = 20;
  QueueExperiment e =
      single_class("Erlang B M/M/20/20", lambda, Distribution::exponential(1 / mu), c);
  e.pool.waiting_room = 0;
  e.warmup = 50;
  e.measured = window_for(4e5, lambda, effort);
  const double b = analysis::erlang_b(c, lambda / mu);
  cases.push_back(
      queue_case("Erlang B M/M/20/20 a=15", "Erlang B recursion", std::move(e),
                 {{"P(block)", b, p_block}, {"L", lambda / mu * (1 - b), mean_in_system}}));
}

void add_erlang_c(std::vector<ValidationCase>& cases, double effort) {
  {
    const double lambda = 2, mu = 1, t = 0.5;
    const int c = 3;
    QueueExperiment e = single_class("M/M/3", lambda, Distribution::exponential(1 / mu), c);
    e.warmup = 200;
    e.measured = window_for(3e5, lambda, effort);
    e.service_level_target = t;
    const analysis::MMcResult r = analysis::mmc(lambda, mu, c);
    cases.push_back(queue_case(
        "Erlang C M/M/3 rho=0.67", "Erlang C", std::move(e),
        {{"P(wait>0)", r.p_wait, p_delayed},
         {"Wq", r.wq, mean_delay},
         {"Lq", r.lq, mean_in_queue},
         {"W", r.w, mean_sojourn},
         {"SL P(Wq<=0.5)", analysis::mmc_service_level(lambda, mu, c, t), service_level}}));
  }
  {
    // The published call-centre anchor: 100 calls per 30 min, 3 min handling, 14 agents, 20 s.
    const double lambda = 10.0 / 3.0, mu = 1.0 / 3.0, t = 20.0 / 60.0;
    const int c = 14;
    QueueExperiment e = single_class("M/M/14", lambda, Distribution::exponential(1 / mu), c);
    e.warmup = 300;
    e.measured = window_for(6e5, lambda, effort);
    e.service_level_target = t;
    const analysis::MMcResult r = analysis::mmc(lambda, mu, c);
    cases.push_back(queue_case(
        "Erlang C M/M/14 call centre", "Erlang C (pyworkforce / ErlangC anchor)", std::move(e),
        {{"P(wait>0)", r.p_wait, p_delayed},
         {"Wq", r.wq, mean_delay},
         {"SL P(Wq<=20s)", analysis::mmc_service_level(lambda, mu, c, t), service_level}}));
  }
}

void add_mmck(std::vector<ValidationCase>& cases, double effort) {
  struct Row {
    double lambda;
    int c, k;
  };
  for (const Row row : {Row{8, 5, 8}, Row{2, 2, 10}}) {
    QueueExperiment e = single_class("M/M/c/K", row.lambda, Distribution::exponential(1.0), row.c);
    e.pool.waiting_room = static_cast<std::size_t>(row.k - row.c);
    e.warmup = 100;
    e.measured = window_for(3e5, row.lambda, effort);
    const analysis::MMcKResult r = analysis::mmck(row.lambda, 1.0, row.c, row.k);
    cases.push_back(queue_case(
        fmt::format("M/M/{}/{} lambda={}", row.c, row.k, row.lambda), "M/M/c/K birth-death",
        std::move(e),
        {{"P(block)", r.p_block, p_block}, {"L", r.l, mean_in_system}, {"Wq", r.wq, mean_delay}}));
  }
}

void add_mg1(std::vector<ValidationCase>& cases, double effort) {
  const double lambda = 0.8;
  struct Service {
    const char* label;
    Distribution distribution;
    double customers;  // heavier-tailed service needs longer runs for the same precision
  };
  const Service services[] = {
      {"deterministic", Distribution::deterministic(1.0), 4e5},
      {"Erlang-2", Distribution::erlang(2, 1.0), 5e5},
      {"exponential", Distribution::exponential(1.0), 6e5},
      {"lognormal cv=0.5", Distribution::lognormal(1.0, 0.5), 5e5},
      {"hyperexponential cv=2", Distribution::hyperexponential(1.0, 2.0), 1.5e6},
  };
  for (const Service& s : services) {
    const double mean = s.distribution.mean();
    const double scv = s.distribution.variance() / (mean * mean);
    QueueExperiment e = single_class("M/G/1", lambda, s.distribution, 1);
    e.warmup = 500;
    e.measured = window_for(s.customers, lambda, effort);
    const analysis::MG1Result r = analysis::mg1_pollaczek_khinchine(lambda, mean, scv);
    cases.push_back(queue_case(fmt::format("M/G/1 rho=0.8 {}", s.label), "Pollaczek-Khinchine",
                               std::move(e),
                               {{"Wq", r.wq, mean_delay}, {"L", r.l, mean_in_system}}));
  }
}

void add_priorities(std::vector<ValidationCase>& cases, double effort) {
  const std::vector<double> lambdas{0.6, 0.9, 0.9};
  const double mu = 1;
  const int c = 3;
  for (const auto preemption : {sim::Preemption::kNone, sim::Preemption::kPreemptiveResume}) {
    QueueExperiment e;
    e.name = "M/M/3 priorities";
    e.arrival_rates = lambdas;
    e.service_times.assign(3, Distribution::exponential(1 / mu));
    e.pool.capacity = sim::CapacitySchedule::constant(c);
    e.pool.priority_classes = 3;
    e.pool.preemption = preemption;
    e.warmup = 300;
    e.measured = window_for(8e5, 2.4, effort);
    std::vector<QueueCheck> checks;
    const bool preemptive = preemption == sim::Preemption::kPreemptiveResume;
    const std::vector<double> sojourn =
        preemptive ? analysis::priority_preemptive_mmc_sojourn(lambdas, mu, c) : [&] {
          std::vector<double> t = analysis::priority_nonpreemptive_mmc_wq(lambdas, mu, c);
          for (double& x : t) x += 1 / mu;
          return t;
        }();
    for (std::size_t k = 0; k < lambdas.size(); ++k) {
      checks.push_back({fmt::format("T class {}", k + 1), sojourn[k],
                        [k](const QueueMeasures& m) { return m.classes[k].mean_sojourn; }});
    }
    if (!preemptive) {
      const std::vector<double> wq = analysis::priority_nonpreemptive_mmc_wq(lambdas, mu, c);
      for (std::size_t k = 0; k < lambdas.size(); ++k) {
        checks.push_back({fmt::format("Wq class {}", k + 1), wq[k],
                          [k](const QueueMeasures& m) { return m.classes[k].mean_wait; }});
      }
    }
    cases.push_back(queue_case(
        preemptive ? "M/M/3 priority preemptive-resume" : "M/M/3 priority non-preemptive",
        preemptive ? "exact nested M/M/c" : "Cobham (1954)", std::move(e), std::move(checks)));
  }
}

void add_erlang_a(std::vector<ValidationCase>& cases, double effort) {
  struct Row {
    double lambda;
    int c;
    double theta;
    double customers;
  };
  for (const Row row : {Row{4, 5, 0.5, 3e5}, Row{2, 1, 1.0, 3e5}, Row{110, 100, 2.0, 3e6}}) {
    QueueExperiment e = single_class("M/M/c+M", row.lambda, Distribution::exponential(1.0), row.c);
    e.patience = Distribution::exponential(1.0 / row.theta);
    e.warmup = 100;
    e.measured = window_for(row.customers, row.lambda, effort);
    const analysis::ErlangAResult r = analysis::erlang_a(row.lambda, 1.0, row.c, row.theta);
    const bool overloaded = row.lambda >= row.c;
    cases.push_back(
        queue_case(fmt::format("Erlang-A M/M/{}+M lambda={} theta={}{}", row.c, row.lambda,
                               row.theta, overloaded ? " (overloaded)" : ""),
                   "Erlang-A birth-death (Garnett-Mandelbaum-Reiman)", std::move(e),
                   {{"P(wait>0)", r.p_wait, p_delayed},
                    {"P(abandon)", r.p_abandon, p_abandon},
                    {"Wq", r.wq, mean_delay}}));
  }
}

void add_time_varying(std::vector<ValidationCase>& cases, double effort) {
  SinusoidalInfiniteServer e;
  e.mean_rate = 100.0 / sim::kHour;
  e.amplitude = 0.5;
  e.period = sim::kDay;
  e.mean_service = sim::kHour;
  e.warmup = 12 * sim::kHour;
  e.measured_periods = std::max(10, static_cast<int>(std::lround(150 * effort)));
  e.phases = {0, 6 * sim::kHour, 12 * sim::kHour, 18 * sim::kHour};
  ValidationCase c;
  c.name = "M_t/M/inf sinusoidal lambda";
  c.formula = "modified offered load (Eick, Massey & Whitt 1993)";
  c.replications = kReplications;
  const double omega = 2 * std::numbers::pi / e.period;
  for (const sim::Time phase : e.phases) {
    c.checks.push_back({fmt::format("m(t={:g}h)", phase / sim::kHour),
                        analysis::mt_m_inf_sinusoid_mean(e.mean_rate, e.amplitude, omega,
                                                         1.0 / e.mean_service, phase)});
  }
  c.run = [e](std::uint64_t seed, std::uint64_t replication) {
    const InfiniteServerMeasures m = run_infinite_server_replication(e, seed, replication);
    ReplicationOutcome out;
    out.values = m.mean_in_system;
    out.flow_conserved = m.flow_conserved;
    return out;
  };
  cases.push_back(std::move(c));
}

}  // namespace

std::vector<ValidationCase> engine_validation_cases(double effort) {
  CIRCLESIM_REQUIRE(effort > 0 && std::isfinite(effort),
                    "validation effort must be > 0 and finite, got {}", effort);
  std::vector<ValidationCase> cases;
  add_erlang_b(cases, effort);
  add_erlang_c(cases, effort);
  add_mmck(cases, effort);
  add_mg1(cases, effort);
  add_priorities(cases, effort);
  add_erlang_a(cases, effort);
  add_time_varying(cases, effort);
  return cases;
}

CaseResult run_validation_case(const ValidationCase& validation_case, std::uint64_t seed, int jobs,
                               double confidence) {
  CIRCLESIM_REQUIRE(jobs >= 1, "jobs must be >= 1, got {}", jobs);
  const auto replications = static_cast<std::size_t>(validation_case.replications);
  std::vector<ReplicationOutcome> outcomes(replications);
  // Replication r always runs on stream (seed, r) and lands in slot r, whatever the threads do.
  const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(jobs), replications);
  // A replication that throws (bad parameters) must surface as an error, not terminate.
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      try {
        for (std::size_t r = w; r < replications; r += workers) {
          outcomes[r] = validation_case.run(seed, r);
        }
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }

  CaseResult result;
  result.replications = replications;
  for (const ReplicationOutcome& o : outcomes) {
    result.flow_conserved = result.flow_conserved && o.flow_conserved;
    result.max_littles_law_gap = std::max(result.max_littles_law_gap, o.littles_law_relative_gap);
  }
  for (std::size_t i = 0; i < validation_case.checks.size(); ++i) {
    std::vector<double> samples;
    for (const ReplicationOutcome& o : outcomes) samples.push_back(o.values.at(i));
    const analysis::ConfidenceInterval ci = analysis::t_confidence_interval(samples, confidence);
    const Check& check = validation_case.checks[i];
    result.checks.push_back(
        {validation_case.name, check.metric, ci, check.analytic, ci.contains(check.analytic)});
  }
  return result;
}

}  // namespace circlesim::models::validation
