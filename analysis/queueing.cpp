// Analytic queueing formulas (see queueing.hpp for the sources of each formula).
#include "analysis/queueing.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

#include "sim/error.hpp"

namespace circlesim::analysis {
namespace {

void require_positive_finite(double value, const char* what) {
  CIRCLESIM_REQUIRE(std::isfinite(value) && value > 0.0, "{} must be > 0 and finite, got {}", what,
                    value);
}

void require_servers(int c) { CIRCLESIM_REQUIRE(c >= 1, "servers c must be >= 1, got {}", c); }

void require_stable(double lambda, double mu, int c) {
  const double rho = lambda / (static_cast<double>(c) * mu);
  CIRCLESIM_REQUIRE(rho < 1.0,
                    "M/M/c is unstable: needs rho = lambda/(c*mu) < 1, got rho = {} "
                    "(lambda = {}, mu = {}, c = {})",
                    rho, lambda, mu, c);
}

// log(1 + e^x) without overflow for large x or loss of precision for very negative x.
double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

// log(1/B(c,a)) by the inverse recursion 1/B(k) = 1 + (k/a)/B(k-1) taken in log space: B itself
// underflows to zero when a is much smaller than c (B(400, 1) ~ 1/400!), its logarithm does not.
double log_inverse_erlang_b(int c, double a) {
  double log_inv_b = 0.0;
  for (int k = 1; k <= c; ++k) {
    log_inv_b = softplus(std::log(static_cast<double>(k) / a) + log_inv_b);
  }
  return log_inv_b;
}

// Erlang B without argument checks, for callers that have already validated c and a.
double erlang_b_unchecked(int c, double a) {
  double b = 1.0;
  for (int k = 1; k <= c; ++k) {
    b = a * b / (static_cast<double>(k) + a * b);
  }
  return b;
}

// Erlang C from Erlang B; c B / (c - a (1 - B)) is the same as B / (1 - rho (1 - B)) but avoids
// forming rho.
double erlang_c_from_b(int c, double a, double b) {
  const double cd = static_cast<double>(c);
  return cd * b / (cd - a * (1.0 - b));
}

// Mean queue length of M/M/c (validated and stable inputs), used for the per-class differences
// of the preemptive priority formula.
double mmc_lq_unchecked(double lambda, double mu, int c) {
  const double a = lambda / mu;
  const double p_wait = erlang_c_from_b(c, a, erlang_b_unchecked(c, a));
  return lambda * p_wait / (static_cast<double>(c) * mu - lambda);
}

// Checks the three per-class vectors of the M/G/1 priority formulas and returns the total load.
double check_priority_mg1_inputs(const std::vector<double>& lambdas,
                                 const std::vector<double>& mean_s,
                                 const std::vector<double>& second_moment_s) {
  CIRCLESIM_REQUIRE(!lambdas.empty(), "lambdas must name at least one class, got 0 classes");
  CIRCLESIM_REQUIRE(
      mean_s.size() == lambdas.size() && second_moment_s.size() == lambdas.size(),
      "lambdas, mean_s and second_moment_s must have the same length, got {}, {} and {}",
      lambdas.size(), mean_s.size(), second_moment_s.size());
  double rho = 0.0;
  for (std::size_t k = 0; k < lambdas.size(); ++k) {
    CIRCLESIM_REQUIRE(std::isfinite(lambdas[k]) && lambdas[k] > 0.0,
                      "arrival rate lambdas[{}] must be > 0 and finite, got {}", k, lambdas[k]);
    CIRCLESIM_REQUIRE(std::isfinite(mean_s[k]) && mean_s[k] > 0.0,
                      "mean service time mean_s[{}] must be > 0 and finite, got {}", k, mean_s[k]);
    // Var(S) >= 0 means E[S^2] >= E[S]^2; a smaller value is a units or transcription mistake.
    CIRCLESIM_REQUIRE(std::isfinite(second_moment_s[k]) &&
                          second_moment_s[k] >= mean_s[k] * mean_s[k] * (1.0 - 1e-12),
                      "second moment second_moment_s[{}] must be finite and >= mean_s[{}]^2 = {}, "
                      "got {}",
                      k, k, mean_s[k] * mean_s[k], second_moment_s[k]);
    rho += lambdas[k] * mean_s[k];
  }
  CIRCLESIM_REQUIRE(rho < 1.0,
                    "priority M/G/1 is unstable: needs total rho = sum lambda_k*E[S_k] < 1, got "
                    "rho = {}",
                    rho);
  return rho;
}

// Checks the inputs of the M/M/c priority formulas and returns the total arrival rate.
double check_priority_mmc_inputs(const std::vector<double>& lambdas, double mu, int c) {
  CIRCLESIM_REQUIRE(!lambdas.empty(), "lambdas must name at least one class, got 0 classes");
  require_positive_finite(mu, "service rate mu");
  require_servers(c);
  double total = 0.0;
  for (std::size_t k = 0; k < lambdas.size(); ++k) {
    CIRCLESIM_REQUIRE(std::isfinite(lambdas[k]) && lambdas[k] > 0.0,
                      "arrival rate lambdas[{}] must be > 0 and finite, got {}", k, lambdas[k]);
    total += lambdas[k];
  }
  require_stable(total, mu, c);
  return total;
}

void check_erlang_a_inputs(double lambda, double mu, int c, double theta) {
  require_positive_finite(lambda, "arrival rate lambda");
  require_positive_finite(mu, "service rate mu");
  require_servers(c);
  require_positive_finite(theta, "abandonment rate theta");
}

}  // namespace

double erlang_b(int c, double offered_load) {
  require_servers(c);
  require_positive_finite(offered_load, "offered load a");
  return erlang_b_unchecked(c, offered_load);
}

double erlang_c(int c, double offered_load) {
  require_servers(c);
  require_positive_finite(offered_load, "offered load a");
  CIRCLESIM_REQUIRE(offered_load < static_cast<double>(c),
                    "Erlang C is unstable: needs offered load a < servers c (rho < 1), got a = {}, "
                    "c = {}",
                    offered_load, c);
  return erlang_c_from_b(c, offered_load, erlang_b_unchecked(c, offered_load));
}

MMcResult mmc(double lambda, double mu, int c) {
  require_positive_finite(lambda, "arrival rate lambda");
  require_positive_finite(mu, "service rate mu");
  require_servers(c);
  require_stable(lambda, mu, c);
  const double a = lambda / mu;
  MMcResult r{};
  r.p_wait = erlang_c_from_b(c, a, erlang_b_unchecked(c, a));
  r.wq = r.p_wait / (static_cast<double>(c) * mu - lambda);
  r.lq = lambda * r.wq;
  r.w = r.wq + 1.0 / mu;
  r.l = r.lq + a;
  return r;
}

double mmc_service_level(double lambda, double mu, int c, double t) {
  CIRCLESIM_REQUIRE(std::isfinite(t) && t >= 0.0, "answer time t must be >= 0 and finite, got {}",
                    t);
  const MMcResult r = mmc(lambda, mu, c);
  return 1.0 - r.p_wait * std::exp(-(static_cast<double>(c) * mu - lambda) * t);
}

MMcKResult mmck(double lambda, double mu, int c, int K) {
  require_positive_finite(lambda, "arrival rate lambda");
  require_positive_finite(mu, "service rate mu");
  require_servers(c);
  CIRCLESIM_REQUIRE(K >= c,
                    "capacity K (places incl. in service) must be >= servers c = {}, got {}", c, K);
  const double a = lambda / mu;
  const double log_a = std::log(a);
  const double log_rho = std::log(a / static_cast<double>(c));

  // log of the unnormalised pi_n; n runs upwards, so each term comes from the previous one.
  const auto next_log_weight = [&](int n, double previous) {
    return n <= c ? previous + log_a - std::log(static_cast<double>(n)) : previous + log_rho;
  };

  // Pass 1: the largest log-weight, so that pass 2 exponentiates numbers <= 0 only.
  double log_w = 0.0;
  double log_w_max = 0.0;
  for (int n = 1; n <= K; ++n) {
    log_w = next_log_weight(n, log_w);
    log_w_max = std::max(log_w_max, log_w);
  }

  // Pass 2: normalising sum and the first moments, all scaled by e^{-log_w_max}.
  double sum = 0.0;
  double sum_n = 0.0;
  double sum_queue = 0.0;
  double w0 = 0.0;
  double wk = 0.0;
  log_w = 0.0;
  for (int n = 0; n <= K; ++n) {
    if (n > 0) log_w = next_log_weight(n, log_w);
    const double w = std::exp(log_w - log_w_max);
    if (n == 0) w0 = w;
    if (n == K) wk = w;
    sum += w;
    sum_n += static_cast<double>(n) * w;
    if (n > c) sum_queue += static_cast<double>(n - c) * w;
  }

  MMcKResult r{};
  r.p0 = w0 / sum;
  r.p_block = wk / sum;
  r.l = sum_n / sum;
  r.lq = sum_queue / sum;
  r.lambda_eff = lambda * (1.0 - r.p_block);
  r.w = r.l / r.lambda_eff;
  r.wq = r.lq / r.lambda_eff;
  return r;
}

MG1Result mg1_pollaczek_khinchine(double lambda, double mean_service, double scv_service) {
  require_positive_finite(lambda, "arrival rate lambda");
  require_positive_finite(mean_service, "mean service time E[S]");
  CIRCLESIM_REQUIRE(std::isfinite(scv_service) && scv_service >= 0.0,
                    "service SCV cs^2 must be >= 0 and finite, got {}", scv_service);
  const double rho = lambda * mean_service;
  CIRCLESIM_REQUIRE(rho < 1.0,
                    "M/G/1 is unstable: needs rho = lambda*E[S] < 1, got rho = {} (lambda = {}, "
                    "E[S] = {})",
                    rho, lambda, mean_service);
  MG1Result r{};
  r.wq = rho * mean_service * (1.0 + scv_service) / (2.0 * (1.0 - rho));
  r.lq = lambda * r.wq;
  r.w = r.wq + mean_service;
  r.l = lambda * r.w;
  return r;
}

std::vector<double> priority_nonpreemptive_mg1_wq(const std::vector<double>& lambdas,
                                                  const std::vector<double>& mean_s,
                                                  const std::vector<double>& second_moment_s) {
  check_priority_mg1_inputs(lambdas, mean_s, second_moment_s);
  double w0 = 0.0;
  for (std::size_t i = 0; i < lambdas.size(); ++i) w0 += lambdas[i] * second_moment_s[i] / 2.0;

  std::vector<double> wq(lambdas.size());
  double sigma_before = 0.0;
  for (std::size_t k = 0; k < lambdas.size(); ++k) {
    const double sigma = sigma_before + lambdas[k] * mean_s[k];
    wq[k] = w0 / ((1.0 - sigma_before) * (1.0 - sigma));
    sigma_before = sigma;
  }
  return wq;
}

std::vector<double> priority_preemptive_resume_mg1_sojourn(
    const std::vector<double>& lambdas, const std::vector<double>& mean_s,
    const std::vector<double>& second_moment_s) {
  check_priority_mg1_inputs(lambdas, mean_s, second_moment_s);
  std::vector<double> sojourn(lambdas.size());
  double sigma_before = 0.0;
  double residual = 0.0;  // R_k: only classes at or above k delay class k
  for (std::size_t k = 0; k < lambdas.size(); ++k) {
    const double sigma = sigma_before + lambdas[k] * mean_s[k];
    residual += lambdas[k] * second_moment_s[k] / 2.0;
    // Service is stretched only by preemptions from higher classes; the wait also sees class k.
    sojourn[k] =
        mean_s[k] / (1.0 - sigma_before) + residual / ((1.0 - sigma_before) * (1.0 - sigma));
    sigma_before = sigma;
  }
  return sojourn;
}

std::vector<double> priority_nonpreemptive_mmc_wq(const std::vector<double>& lambdas, double mu,
                                                  int c) {
  const double total = check_priority_mmc_inputs(lambdas, mu, c);
  const double capacity = static_cast<double>(c) * mu;
  const double a = total / mu;
  const double w0 = erlang_c_from_b(c, a, erlang_b_unchecked(c, a)) / capacity;

  std::vector<double> wq(lambdas.size());
  double sigma_before = 0.0;
  for (std::size_t k = 0; k < lambdas.size(); ++k) {
    const double sigma = sigma_before + lambdas[k] / capacity;
    wq[k] = w0 / ((1.0 - sigma_before) * (1.0 - sigma));
    sigma_before = sigma;
  }
  return wq;
}

std::vector<double> priority_preemptive_mmc_sojourn(const std::vector<double>& lambdas, double mu,
                                                    int c) {
  check_priority_mmc_inputs(lambdas, mu, c);
  std::vector<double> sojourn(lambdas.size());
  // L(Lambda) = Lq(Lambda) + Lambda/mu, so the difference of L splits into lambda_k/mu (service)
  // plus a difference of Lq; taking only the Lq difference avoids cancelling the large a terms.
  double cumulative = 0.0;
  double lq_before = 0.0;
  for (std::size_t k = 0; k < lambdas.size(); ++k) {
    cumulative += lambdas[k];
    const double lq = mmc_lq_unchecked(cumulative, mu, c);
    sojourn[k] = 1.0 / mu + (lq - lq_before) / lambdas[k];
    lq_before = lq;
  }
  return sojourn;
}

ErlangAResult erlang_a(double lambda, double mu, int c, double theta) {
  check_erlang_a_inputs(lambda, mu, c, theta);
  const double capacity = static_cast<double>(c) * mu;

  // Queue side relative to pi_c: t_0 = 1, t_j = t_{j-1} lambda/(c mu + j theta). With heavy
  // overload the terms first grow like e^(lambda/theta), so they are kept scaled by e^-log_scale.
  constexpr double kRescaleAbove = 1e250;
  constexpr double kRelativeTolerance = 1e-17;
  constexpr long long kMaxTerms = 200'000'000;
  double term = 1.0;
  double queue_mass = 1.0;          // sum_{j>=0} t_j
  double queue_first_moment = 0.0;  // sum_{j>=0} j t_j
  double log_scale = 0.0;
  for (long long j = 1;; ++j) {
    const double jd = static_cast<double>(j);
    const double ratio = lambda / (capacity + jd * theta);
    term *= ratio;
    queue_mass += term;
    queue_first_moment += jd * term;
    if (term > kRescaleAbove) {
      term /= kRescaleAbove;
      queue_mass /= kRescaleAbove;
      queue_first_moment /= kRescaleAbove;
      log_scale += std::log(kRescaleAbove);
    }
    // Once the ratio r_next of the next term is below 1 the ratios only fall, so the tail is
    // below the geometric series: sum_{m>j} t_m <= t_j r/(1-r) and
    // sum_{m>j} m t_m <= t_j (j r/(1-r) + r/(1-r)^2).
    const double r_next = lambda / (capacity + (jd + 1.0) * theta);
    if (r_next < 1.0) {
      const double g = r_next / (1.0 - r_next);
      const double mass_tail = term * g;
      const double moment_tail = term * (jd * g + g / (1.0 - r_next));
      if (mass_tail <= kRelativeTolerance * queue_mass &&
          moment_tail <= kRelativeTolerance * queue_first_moment) {
        break;
      }
    }
    CIRCLESIM_REQUIRE(j < kMaxTerms,
                      "Erlang-A series did not converge in {} terms: abandonment rate theta = {} "
                      "is too small for lambda = {}, c*mu = {}",
                      kMaxTerms, theta, lambda, capacity);
  }

  // States below c relative to pi_c sum to 1/B(c,a) - 1 (B = Erlang B), kept as a logarithm.
  const double log_inv_b = log_inverse_erlang_b(c, lambda / mu);
  const double log_below = log_inv_b + std::log(-std::expm1(-log_inv_b));
  const double log_queue_mass = log_scale + std::log(queue_mass);

  ErlangAResult r{};
  r.p_wait = 1.0 / (1.0 + std::exp(log_below - log_queue_mass));
  r.lq = r.p_wait * queue_first_moment / queue_mass;
  r.wq = r.lq / lambda;
  r.p_abandon = theta * r.wq;
  return r;
}

std::vector<double> mt_m_inf_piecewise_periodic_mean(const std::vector<double>& rates,
                                                     double piece_length, double mu) {
  CIRCLESIM_REQUIRE(!rates.empty(), "piecewise rates: need at least one piece");
  for (const double rate : rates) {
    CIRCLESIM_REQUIRE(std::isfinite(rate) && rate >= 0.0,
                      "piecewise rates must be >= 0 and finite, got {}", rate);
  }
  require_positive_finite(piece_length, "piece length");
  require_positive_finite(mu, "service rate mu");
  const double decay = std::exp(-mu * piece_length);
  // One period from m = 0 gives b; the fixed point of m -> decay^n m + b is b / (1 - decay^n).
  double b = 0.0;
  for (const double rate : rates) b = rate / mu + (b - rate / mu) * decay;
  const double period_decay = std::pow(decay, static_cast<double>(rates.size()));
  std::vector<double> m(rates.size());
  double current = b / (1.0 - period_decay);
  for (std::size_t k = 0; k < rates.size(); ++k) {
    m[k] = current;
    current = rates[k] / mu + (current - rates[k] / mu) * decay;
  }
  return m;
}

double mt_m_inf_sinusoid_mean(double mean_rate, double amplitude_r, double omega, double mu,
                              double t) {
  require_positive_finite(mean_rate, "mean arrival rate");
  CIRCLESIM_REQUIRE(std::isfinite(amplitude_r) && amplitude_r >= 0.0 && amplitude_r <= 1.0,
                    "relative amplitude r must be in [0, 1] so that lambda(t) >= 0, got {}",
                    amplitude_r);
  CIRCLESIM_REQUIRE(std::isfinite(omega) && omega >= 0.0,
                    "angular frequency omega must be >= 0 and finite, got {}", omega);
  require_positive_finite(mu, "service rate mu");
  CIRCLESIM_REQUIRE(std::isfinite(t), "time t must be finite, got {}", t);
  const double q = omega / mu;
  return (mean_rate / mu) *
         (1.0 + amplitude_r / (1.0 + q * q) * (std::sin(omega * t) - q * std::cos(omega * t)));
}

double halfin_whitt_alpha(double beta) {
  CIRCLESIM_REQUIRE(std::isfinite(beta) && beta >= 0.0,
                    "Halfin-Whitt beta must be >= 0 and finite, got {}", beta);
  // Phi(beta)/phi(beta) = Phi(beta) sqrt(2 pi) e^{beta^2/2}; for beta above ~38 this overflows to
  // +inf and alpha correctly becomes 0.
  const double big_phi = 0.5 * std::erfc(-beta / std::numbers::sqrt2);
  const double ratio = big_phi * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * beta * beta);
  return 1.0 / (1.0 + beta * ratio);
}

int min_servers_for_delay_probability(double offered_load, double target_p_wait) {
  require_positive_finite(offered_load, "offered load a");
  // The answer must fit in an int with room to search above a.
  CIRCLESIM_REQUIRE(offered_load < 1e9, "offered load a must be < 1e9, got {}", offered_load);
  CIRCLESIM_REQUIRE(target_p_wait > 0.0 && target_p_wait < 1.0,
                    "target delay probability must be in (0, 1), got {}", target_p_wait);
  // Erlang B is carried forward one server at a time, so the whole search costs O(answer).
  const int first_stable = static_cast<int>(std::floor(offered_load)) + 1;
  double b = erlang_b_unchecked(first_stable - 1, offered_load);
  for (int c = first_stable;; ++c) {
    b = offered_load * b / (static_cast<double>(c) + offered_load * b);
    if (erlang_c_from_b(c, offered_load, b) <= target_p_wait) return c;
  }
}

}  // namespace circlesim::analysis
