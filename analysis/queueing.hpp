// Analytic queueing formulas: the exact answers the simulator is validated against and the
// stationary models the staffing policies use.
//
// Notation (as in /work/shared/oracles.md): lambda arrival rate, mu service rate per server,
// c servers, a = lambda/mu offered load in Erlangs, rho = a/c, theta abandonment rate. Rates are
// per unit time; results are in the same time unit. Every input is checked and a bad one throws
// circlesim::sim::InvalidParameter naming the parameter and its value. Sums and products are
// formed by recursions or in log space, never with factorials, so c in the hundreds is fine.
#pragma once

#include <vector>

namespace circlesim::analysis {

// Erlang B blocking probability of M/M/c/c (Erlang 1917), by the stable recursion
// B(0,a) = 1, B(k,a) = a B(k-1,a) / (k + a B(k-1,a)).  Requires c >= 1, a > 0.
double erlang_b(int c, double offered_load);

// Erlang C: probability that an arrival waits in M/M/c, C = B / (1 - rho (1 - B)) (Erlang 1917;
// Gross & Harris, Fundamentals of Queueing Theory, M/M/c). Requires a < c.
double erlang_c(int c, double offered_load);

// Steady-state M/M/c (FCFS, infinite buffer): P(wait > 0), mean wait in queue, mean queue
// length, mean sojourn and mean number in system.
struct MMcResult {
  double p_wait;
  double wq;
  double lq;
  double w;
  double l;
};

// M/M/c: Wq = C/(c mu - lambda), Lq = lambda Wq, W = Wq + 1/mu, L = Lq + a (oracles §2).
// Requires rho = lambda/(c mu) < 1.
MMcResult mmc(double lambda, double mu, int c);

// M/M/c service level P(Wq <= t) = 1 - C e^{-(c mu - lambda) t} (oracles §2; the call-centre
// "answered within t" figure of pyworkforce and the CRAN ErlangC package). Requires t >= 0.
double mmc_service_level(double lambda, double mu, int c, double t);

// Steady-state M/M/c/K: p0 = P(empty), p_block = P(K present) = P(arrival is lost),
// lambda_eff = lambda (1 - p_block), and the usual means (W and Wq per admitted customer).
struct MMcKResult {
  double p0;
  double p_block;
  double l;
  double lq;
  double w;
  double wq;
  double lambda_eff;
};

// M/M/c/K, K places including those in service (Gross & Harris, M/M/c/K; oracles §3):
// pi_n ∝ a^n/n! (n <= c), a^c/c! rho^(n-c) (c < n <= K). Normalised in log space so that large
// c and K neither overflow nor underflow. Stable for any rho; requires K >= c >= 1.
MMcKResult mmck(double lambda, double mu, int c, int K);

// Steady-state M/G/1 means.
struct MG1Result {
  double wq;
  double lq;
  double w;
  double l;
};

// M/G/1 Pollaczek–Khinchine mean-value formula Wq = rho E[S] (1 + cs^2) / (2 (1 - rho)) with
// rho = lambda E[S] and cs^2 the squared coefficient of variation of service (oracles §4).
MG1Result mg1_pollaczek_khinchine(double lambda, double mean_service, double scv_service);

// Non-preemptive priority M/G/1, class 0 highest (Cobham 1954, Oper. Res. 2:70-76; oracles §5):
// Wq_k = W0 / ((1 - sigma_{k-1})(1 - sigma_k)), W0 = sum_i lambda_i E[S_i^2] / 2,
// sigma_k = sum_{i<=k} lambda_i E[S_i]. Returns the mean queueing delay per class.
// Requires equal-length non-empty vectors and total load < 1.
std::vector<double> priority_nonpreemptive_mg1_wq(const std::vector<double>& lambdas,
                                                  const std::vector<double>& mean_s,
                                                  const std::vector<double>& second_moment_s);

// Preemptive-resume priority M/G/1, class 0 highest (Kleinrock, Queueing Systems Vol. 2, §3.7;
// Harchol-Balter 2013, ch. 32): T_k = E[S_k]/(1 - sigma_{k-1}) + R_k/((1 - sigma_{k-1})(1 -
// sigma_k)), R_k = sum_{i<=k} lambda_i E[S_i^2] / 2. Returns the mean sojourn time per class. Note:
// the combined form in oracles.md §5 has (1 - sigma_{k-1}) where (1 - sigma_k) belongs in the
// numerator, so its PR M/G/1 table is wrong (class 1 must equal the M/G/1 of class 1 alone).
std::vector<double> priority_preemptive_resume_mg1_sojourn(
    const std::vector<double>& lambdas, const std::vector<double>& mean_s,
    const std::vector<double>& second_moment_s);

// Non-preemptive priority M/M/c with a common service rate, class 0 highest (Cobham 1954;
// Gross & Harris §3.4; oracles §5): Wq_k = [C(c,a)/(c mu)] / ((1 - sigma_{k-1})(1 - sigma_k)),
// sigma_k = sum_{i<=k} lambda_i/(c mu), a = total lambda / mu. Returns mean wait per class.
std::vector<double> priority_nonpreemptive_mmc_wq(const std::vector<double>& lambdas, double mu,
                                                  int c);

// Preemptive priority M/M/c with a common service rate, class 0 highest (exact, oracles §5):
// classes 0..k see an M/M/c with Lambda_k = sum_{i<=k} lambda_i, so by Little's law
// T_k = [L_MMc(Lambda_k) - L_MMc(Lambda_{k-1})] / lambda_k. Returns mean sojourn per class.
std::vector<double> priority_preemptive_mmc_sojourn(const std::vector<double>& lambdas, double mu,
                                                    int c);

// Erlang-A (M/M/c+M) steady state: P(an arrival waits), P(an arrival abandons), and the mean wait
// and queue length over all arrivals (abandoners included).
struct ErlangAResult {
  double p_wait;
  double p_abandon;
  double wq;
  double lq;
};

// Erlang-A by its birth-death chain (birth lambda, death min(n,c) mu + (n-c)^+ theta; oracles §6):
// pi_{c+j} = pi_c prod_{i<=j} lambda/(c mu + i theta), summed until the geometric tail bound is
// below rounding. P(Ab) = theta E[Lq]/lambda, E[Wq] = E[Lq]/lambda. Stable for any load because
// customers abandon, so lambda >= c mu is allowed. Requires theta > 0. The unit tests check it
// against the closed form of Garnett, Mandelbaum & Reiman (2002, MSOM 4(3):208-227).
ErlangAResult erlang_a(double lambda, double mu, int c, double theta);

// Mean number in system of the M_t/M/inf queue with lambda(t) = mean_rate (1 + r sin(omega t)),
// i.e. the modified offered load (Eick, Massey & Whitt 1993; Jennings, Mandelbaum, Massey & Whitt
// 1996, Mgmt Sci 42(10); oracles §8), in the periodic steady state:
// m(t) = (mean_rate/mu) [1 + r/(1 + (omega/mu)^2) (sin(omega t) - (omega/mu) cos(omega t))].
// Requires 0 <= r <= 1 so that lambda(t) >= 0.
double mt_m_inf_sinusoid_mean(double mean_rate, double amplitude_r, double omega, double mu,
                              double t);

// Mean number in system of the M_t/M/inf queue whose arrival rate is piecewise constant and
// periodic: rates[k] on [k w, (k+1) w), repeating with period n w. Returns m at the start of each
// piece in the periodic steady state. Exact: on a piece m relaxes to rates[k]/mu as
// m' = rates[k] - mu m, and the period map m -> e^{-mu n w} m + b has one fixed point.
std::vector<double> mt_m_inf_piecewise_periodic_mean(const std::vector<double>& rates,
                                                     double piece_length, double mu);

// Halfin–Whitt limit of the delay probability under square-root staffing c = a + beta sqrt(a)
// (Halfin & Whitt 1981, Oper. Res. 29(3); oracles §7): alpha = [1 + beta Phi(beta)/phi(beta)]^-1.
// Requires beta >= 0.
double halfin_whitt_alpha(double beta);

// Smallest c with Erlang C(c, a) <= target_p_wait (exact search upwards from the smallest stable
// c; oracles §7). Requires a > 0 and 0 < target < 1.
int min_servers_for_delay_probability(double offered_load, double target_p_wait);

}  // namespace circlesim::analysis
