// Analytic queueing formulas against every reference row of /work/shared/oracles.md §1-§8, plus
// cross-checks between independent formulas and the messages of bad input.
#include "analysis/queueing.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <vector>

#include "sim/error.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::analysis {
namespace {

using ::circlesim::sim::InvalidParameter;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// The oracles are printed with 10 decimals, so small values carry an absolute rounding error of
// 5e-11; elsewhere the check is 1e-9 relative.
double tolerance(double expected) { return std::max(1e-9 * std::abs(expected), 1e-10); }
#define EXPECT_ORACLE(actual, expected) EXPECT_NEAR(actual, expected, tolerance(expected))

// ---------------------------------------------------------------------------------------------
// §1 Erlang B

TEST(ErlangB, MatchesOracleTable) {
  struct Row {
    int c;
    double a;
    double b;
  };
  const Row rows[] = {{1, 1.0, 0.5000000000},   {5, 2.0, 0.0366972477},
                      {10, 5.0, 0.0183845703},  {20, 15.0, 0.0455932156},
                      {50, 40.0, 0.0186906711}, {100, 90.0, 0.0269573805}};
  for (const Row& row : rows) {
    SCOPED_TRACE(::testing::Message() << "c=" << row.c << " a=" << row.a);
    EXPECT_ORACLE(erlang_b(row.c, row.a), row.b);
  }
}

TEST(ErlangB, StaysFiniteForLargeServerCounts) {
  // Factorials would overflow at c = 171; the recursion must not.
  const double b = erlang_b(400, 380.0);
  EXPECT_GT(b, 0.0);
  EXPECT_LT(b, 0.05);
  EXPECT_GE(erlang_b(400, 1.0), 0.0);          // ~1/400!, underflows to 0 gracefully
  EXPECT_NEAR(erlang_b(1, 3.0), 0.75, 1e-15);  // a/(1+a)
}

TEST(ErlangB, RejectsBadInput) {
  EXPECT_THAT([] { erlang_b(0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("servers c must be >= 1, got 0")));
  EXPECT_THAT(
      [] { erlang_b(3, kNaN); },
      ThrowsMessage<InvalidParameter>(HasSubstr("offered load a must be > 0 and finite, got nan")));
  EXPECT_THAT([] { erlang_b(3, -2.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("offered load a must be > 0")));
  EXPECT_THAT([] { erlang_b(3, kInf); }, ThrowsMessage<InvalidParameter>(HasSubstr("got inf")));
}

// ---------------------------------------------------------------------------------------------
// §2 Erlang C / M/M/c

struct MMcRow {
  double lambda;
  double mu;
  int c;
  double p_wait;
  double wq;
  double lq;
  double w;
  double l;
};

const MMcRow kMMcRows[] = {
    {0.9, 1.0, 1, 0.9000000000, 9.0000000000, 8.1000000000, 10.0, 9.0},
    {2.0, 1.0, 3, 0.4444444444, 0.4444444444, 0.8888888889, 1.4444444444, 2.8888888889},
    {4.0, 1.0, 5, 0.5541125541, 0.5541125541, 2.2164502165, 1.5541125541, 6.2164502165},
    {10.0 / 3.0, 1.0 / 3.0, 14, 0.1741319336, 0.1305989502, 0.4353298340, 3.1305989502,
     10.4353298340},
    {9.0, 1.0, 10, 0.6687315241, 0.6687315241, 6.0185837170, 1.6687315241, 15.0185837170},
    {95.0, 1.0, 100, 0.5064568539, 0.1012913708, 9.6226802243, 1.1012913708, 104.6226802243},
};

TEST(MMc, MatchesOracleTable) {
  for (const MMcRow& row : kMMcRows) {
    SCOPED_TRACE(::testing::Message()
                 << "lambda=" << row.lambda << " mu=" << row.mu << " c=" << row.c);
    EXPECT_ORACLE(erlang_c(row.c, row.lambda / row.mu), row.p_wait);
    const MMcResult r = mmc(row.lambda, row.mu, row.c);
    EXPECT_ORACLE(r.p_wait, row.p_wait);
    EXPECT_ORACLE(r.wq, row.wq);
    EXPECT_ORACLE(r.lq, row.lq);
    EXPECT_ORACLE(r.w, row.w);
    EXPECT_ORACLE(r.l, row.l);
  }
}

TEST(MMc, ReproducesPyworkforceAnchor) {
  // 100 contacts per 30 min, AHT 3 min, 14 agents, answer target 20 s (pyworkforce 0.2.1 docs and
  // CRAN ErlangC README); the published figures have 7, 5, 4 and 7 significant digits.
  const double lambda = 100.0 / 30.0;  // per minute
  const double mu = 1.0 / 3.0;
  const int c = 14;
  const MMcResult r = mmc(lambda, mu, c);
  EXPECT_NEAR(r.p_wait, 0.1741319, 5e-8);
  EXPECT_NEAR(mmc_service_level(lambda, mu, c, 20.0 / 60.0), 0.88835, 5e-6);
  EXPECT_NEAR(r.wq * 60.0, 7.8359, 5e-5);           // ASA in seconds
  EXPECT_NEAR(lambda / (c * mu), 0.7142857, 5e-8);  // occupancy
}

TEST(MMc, ServiceLevelAtZeroIsOneMinusDelayProbability) {
  for (const MMcRow& row : kMMcRows) {
    EXPECT_ORACLE(mmc_service_level(row.lambda, row.mu, row.c, 0.0), 1.0 - row.p_wait);
    // P(Wq > t) = C e^{-(c mu - lambda) t}
    const double t = 0.7;
    EXPECT_ORACLE(mmc_service_level(row.lambda, row.mu, row.c, t),
                  1.0 - row.p_wait * std::exp(-(row.c * row.mu - row.lambda) * t));
  }
}

TEST(MMc, StableForLargeServerCounts) {
  // c = 400 at rho = 0.98: Little's law and the Erlang C bounds still hold.
  const MMcResult r = mmc(392.0, 1.0, 400);
  EXPECT_GT(r.p_wait, 0.0);
  EXPECT_LT(r.p_wait, 1.0);
  EXPECT_NEAR(r.lq, 392.0 * r.wq, 1e-12 * r.lq);
  EXPECT_NEAR(r.l, r.lq + 392.0, 1e-12 * r.l);
}

TEST(MMc, RejectsBadInputAndInstability) {
  EXPECT_THAT([] { erlang_c(0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("servers c must be >= 1, got 0")));
  EXPECT_THAT([] { erlang_c(5, 5.0); }, ThrowsMessage<InvalidParameter>(HasSubstr("unstable")));
  EXPECT_THAT([] { mmc(kNaN, 1.0, 3); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("arrival rate lambda must be > 0 and finite, got nan")));
  EXPECT_THAT(
      [] { mmc(1.0, 0.0, 3); },
      ThrowsMessage<InvalidParameter>(HasSubstr("service rate mu must be > 0 and finite, got 0")));
  EXPECT_THAT([] { mmc(1.0, 1.0, -1); },
              ThrowsMessage<InvalidParameter>(HasSubstr("servers c must be >= 1, got -1")));
  EXPECT_THAT([] { mmc(3.0, 1.0, 3); },
              ThrowsMessage<InvalidParameter>(HasSubstr("rho = lambda/(c*mu) < 1, got rho = 1")));
  EXPECT_THAT([] { mmc(4.0, 1.0, 3); }, ThrowsMessage<InvalidParameter>(HasSubstr("unstable")));
  EXPECT_THAT([] { mmc_service_level(1.0, 1.0, 3, -1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("answer time t must be >= 0")));
}

// ---------------------------------------------------------------------------------------------
// §3 M/M/c/K

TEST(MMcK, MatchesOracleTable) {
  struct Row {
    double lambda;
    double mu;
    int c;
    int K;
    double p0, p_block, l, lq, w, wq;
  };
  const Row rows[] = {
      {1, 1, 1, 5, 0.1666666667, 0.1666666667, 2.5, 1.6666666667, 3.0, 2.0},
      {2, 1, 2, 10, 0.0476190476, 0.0952380952, 5.2380952381, 3.4285714286, 2.8947368421,
       1.8947368421},
      {8, 1, 5, 8, 0.0003540443, 0.3959918783, 6.6697147838, 1.8376498103, 1.3803032079,
       0.3803032079},
      {12, 1, 10, 15, 0.0000047874, 0.2032608989, 12.0114491093, 2.4505798960, 1.2563135047,
       0.2563135047},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(::testing::Message()
                 << "lambda=" << row.lambda << " c=" << row.c << " K=" << row.K);
    const MMcKResult r = mmck(row.lambda, row.mu, row.c, row.K);
    EXPECT_ORACLE(r.p0, row.p0);
    EXPECT_ORACLE(r.p_block, row.p_block);
    EXPECT_ORACLE(r.l, row.l);
    EXPECT_ORACLE(r.lq, row.lq);
    EXPECT_ORACLE(r.w, row.w);
    EXPECT_ORACLE(r.wq, row.wq);
    EXPECT_ORACLE(r.lambda_eff, row.lambda * (1.0 - row.p_block));
  }
}

TEST(MMcK, WithNoWaitingRoomBlockingIsErlangB) {
  EXPECT_ORACLE(mmck(90.0, 1.0, 100, 100).p_block, 0.0269573805);
  EXPECT_ORACLE(mmck(40.0, 1.0, 50, 50).p_block, 0.0186906711);
  EXPECT_EQ(mmck(40.0, 1.0, 50, 50).lq, 0.0);
}

TEST(MMcK, LargeRoomApproachesMMc) {
  // rho = 0.95 with 1900 waiting places: rho^1900 ~ 1e-42, so M/M/c/K is M/M/c to rounding.
  const MMcKResult r = mmck(95.0, 1.0, 100, 2000);
  EXPECT_ORACLE(r.lq, 9.6226802243);
  EXPECT_ORACLE(r.wq, 0.1012913708);
  EXPECT_ORACLE(r.l, 104.6226802243);
  EXPECT_LT(r.p_block, 1e-30);
}

TEST(MMcK, FlowBalanceHoldsForLargeCAndK) {
  // Throughput in = throughput out: lambda (1 - P_K) = mu E[busy servers] = mu (L - Lq).
  struct Case {
    double lambda;
    int c;
    int K;
  };
  for (const Case& k :
       {Case{95.0, 100, 200}, Case{130.0, 100, 200}, Case{390.0, 400, 450}, Case{20.0, 400, 800}}) {
    SCOPED_TRACE(::testing::Message() << "lambda=" << k.lambda << " c=" << k.c << " K=" << k.K);
    const MMcKResult r = mmck(k.lambda, 1.0, k.c, k.K);
    EXPECT_TRUE(std::isfinite(r.l) && std::isfinite(r.p0));
    EXPECT_NEAR(r.lambda_eff, 1.0 * (r.l - r.lq), 1e-10 * r.lambda_eff);
    EXPECT_GE(r.p_block, 0.0);
    EXPECT_LT(r.p_block, 1.0);
  }
}

TEST(MMcK, RejectsBadInput) {
  EXPECT_THAT([] { mmck(1.0, 1.0, 3, 2); },
              ThrowsMessage<InvalidParameter>(HasSubstr(
                  "capacity K (places incl. in service) must be >= servers c = 3, got 2")));
  EXPECT_THAT([] { mmck(1.0, 1.0, 0, 2); },
              ThrowsMessage<InvalidParameter>(HasSubstr("servers c must be >= 1, got 0")));
  EXPECT_THAT([] { mmck(-1.0, 1.0, 1, 2); },
              ThrowsMessage<InvalidParameter>(HasSubstr("arrival rate lambda must be > 0")));
  EXPECT_THAT([] { mmck(1.0, kInf, 1, 2); },
              ThrowsMessage<InvalidParameter>(HasSubstr("service rate mu must be > 0 and finite")));
}

// ---------------------------------------------------------------------------------------------
// §4 M/G/1 Pollaczek-Khinchine

TEST(MG1, MatchesOracleTable) {
  struct Row {
    const char* service;
    double scv;
    double second_moment;
    double wq, lq, w, l;
  };
  const Row rows[] = {{"deterministic", 0.0, 1.0, 2.0, 1.6, 3.0, 2.4},
                      {"Erlang-2", 0.5, 1.5, 3.0, 2.4, 4.0, 3.2},
                      {"exponential", 1.0, 2.0, 4.0, 3.2, 5.0, 4.0},
                      {"hyperexponential", 4.0, 5.0, 10.0, 8.0, 11.0, 8.8}};
  const double lambda = 0.8;
  const double mean_s = 1.0;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.service);
    EXPECT_ORACLE((1.0 + row.scv) * mean_s * mean_s, row.second_moment);
    const MG1Result r = mg1_pollaczek_khinchine(lambda, mean_s, row.scv);
    EXPECT_ORACLE(r.wq, row.wq);
    EXPECT_ORACLE(r.lq, row.lq);
    EXPECT_ORACLE(r.w, row.w);
    EXPECT_ORACLE(r.l, row.l);
    // A one-class priority queue is the plain M/G/1.
    EXPECT_ORACLE(priority_nonpreemptive_mg1_wq({lambda}, {mean_s}, {row.second_moment})[0],
                  row.wq);
  }
}

TEST(MG1, ExponentialServiceIsMM1) {
  const MG1Result r = mg1_pollaczek_khinchine(0.9, 1.0, 1.0);
  EXPECT_ORACLE(r.wq, mmc(0.9, 1.0, 1).wq);
}

TEST(MG1, RejectsBadInput) {
  EXPECT_THAT([] { mg1_pollaczek_khinchine(1.0, 1.0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("unstable")));
  EXPECT_THAT([] { mg1_pollaczek_khinchine(0.5, 1.0, -0.1); },
              ThrowsMessage<InvalidParameter>(HasSubstr("service SCV cs^2 must be >= 0")));
  EXPECT_THAT([] { mg1_pollaczek_khinchine(0.5, 0.0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("mean service time E[S] must be > 0")));
  EXPECT_THAT([] { mg1_pollaczek_khinchine(kNaN, 1.0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("lambda must be > 0 and finite, got nan")));
}

// ---------------------------------------------------------------------------------------------
// §5 Priority queues (the oracle's class 1 is index 0 here)

void expect_oracle_vector(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    SCOPED_TRACE(::testing::Message() << "class index " << k);
    EXPECT_ORACLE(actual[k], expected[k]);
  }
}

// The preemptive-resume rows of oracles §5 (A: 1.5, 3.25, 28; B: 1.1667, 0.7639, 7.0536) come
// from a misprinted formula with (1 - sigma_{k-1}) for (1 - sigma_k) in the numerator. They fail
// two exact checks: the top class must see the M/G/1 of its own class (case A: M/M/1 at
// lambda = 0.2 gives 1/(1 - 0.2) = 1.25, not 1.5), and with common exponential service the
// lambda-weighted sojourn must equal FCFS M/M/1 (10, not 13.86). The values here are from the
// textbook formula (Kleinrock Vol. 2 §3.7) and agree with an event simulation of case B.
TEST(PriorityMG1, CaseAExponentialServices) {
  const std::vector<double> lambdas{0.2, 0.3, 0.4};
  const std::vector<double> mean_s{1.0, 1.0, 1.0};
  const std::vector<double> second{2.0, 2.0, 2.0};
  expect_oracle_vector(priority_nonpreemptive_mg1_wq(lambdas, mean_s, second), {1.125, 2.25, 18.0});
  const std::vector<double> t = priority_preemptive_resume_mg1_sojourn(lambdas, mean_s, second);
  expect_oracle_vector(t, {1.25, 2.5, 20.0});
  EXPECT_ORACLE(t[0], mg1_pollaczek_khinchine(0.2, 1.0, 1.0).w);
  EXPECT_ORACLE((0.2 * t[0] + 0.3 * t[1] + 0.4 * t[2]) / 0.9, mmc(0.9, 1.0, 1).w);
}

TEST(PriorityMG1, CaseBMixedServices) {
  // D(1), Exp(mean 0.5), Exp(mean 1.5): E[S^2] = 1, 2*0.25, 2*2.25.
  const std::vector<double> lambdas{0.1, 0.2, 0.3};
  const std::vector<double> mean_s{1.0, 0.5, 1.5};
  const std::vector<double> second{1.0, 0.5, 4.5};
  expect_oracle_vector(priority_nonpreemptive_mg1_wq(lambdas, mean_s, second),
                       {0.8611111111, 1.0763888889, 2.7678571429});
  const std::vector<double> t = priority_preemptive_resume_mg1_sojourn(lambdas, mean_s, second);
  // 19/18, 25/36, 65/14 (see the note above on the oracle's PR rows).
  expect_oracle_vector(t, {19.0 / 18.0, 25.0 / 36.0, 65.0 / 14.0});
  EXPECT_ORACLE(t[0], mg1_pollaczek_khinchine(0.1, 1.0, 0.0).w);  // M/D/1 of class 1 alone
  // Event simulation of this case (2e6 customers, preemptive-resume, FCFS within class).
  const std::vector<double> simulated{1.05528, 0.69390, 4.65152};
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(t[k], simulated[k], 5e-3 * simulated[k]);
}

TEST(PriorityMG1, NonPreemptiveObeysKleinrockConservation) {
  // With equal service distributions the rho-weighted mean wait equals the FCFS M/G/1 wait.
  const std::vector<double> wq =
      priority_nonpreemptive_mg1_wq({0.2, 0.3, 0.4}, {1, 1, 1}, {2, 2, 2});
  const double weighted = (0.2 * wq[0] + 0.3 * wq[1] + 0.4 * wq[2]) / 0.9;
  EXPECT_ORACLE(weighted, mg1_pollaczek_khinchine(0.9, 1.0, 1.0).wq);
}

TEST(PriorityMG1, RejectsBadInput) {
  EXPECT_THAT([] { priority_nonpreemptive_mg1_wq({}, {}, {}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at least one class")));
  EXPECT_THAT(
      [] {
        priority_nonpreemptive_mg1_wq({0.1, 0.2}, {1.0}, {2.0, 2.0});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("same length, got 2, 1 and 2")));
  EXPECT_THAT(
      [] {
        priority_preemptive_resume_mg1_sojourn({0.1, 0.0}, {1.0, 1.0}, {2.0, 2.0});
      },
      ThrowsMessage<InvalidParameter>(
          HasSubstr("arrival rate lambdas[1] must be > 0 and finite, got 0")));
  EXPECT_THAT([] { priority_preemptive_resume_mg1_sojourn({0.1}, {-1.0}, {2.0}); },
              ThrowsMessage<InvalidParameter>(HasSubstr("mean_s[0] must be > 0")));
  EXPECT_THAT(
      [] { priority_preemptive_resume_mg1_sojourn({0.1}, {2.0}, {3.0}); },
      ThrowsMessage<InvalidParameter>(HasSubstr("second_moment_s[0] must be finite and >=")));
  EXPECT_THAT(
      [] {
        priority_nonpreemptive_mg1_wq({0.5, 0.6}, {1.0, 1.0}, {2.0, 2.0});
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("unstable")));
}

TEST(PriorityMMc, NonPreemptiveMatchesOracle) {
  const std::vector<double> lambdas{0.6, 0.9, 0.9};
  const std::vector<double> wq = priority_nonpreemptive_mmc_wq(lambdas, 1.0, 3);
  expect_oracle_vector(wq, {0.2696629213, 0.5393258427, 2.1573033708});
  const std::vector<double> t_expected{1.2696629213, 1.5393258427, 3.1573033708};
  for (std::size_t k = 0; k < 3; ++k) EXPECT_ORACLE(wq[k] + 1.0, t_expected[k]);

  // Monte-Carlo estimates from 4e5 customers: only a loose check that they agree.
  const std::vector<double> monte_carlo{1.2684, 1.5415, 3.1615};
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_NEAR(wq[k] + 1.0, monte_carlo[k], 5e-3 * monte_carlo[k]);

  // Conservation: the lambda-weighted wait is the FCFS M/M/3 wait at lambda = 2.4.
  const double weighted = (0.6 * wq[0] + 0.9 * wq[1] + 0.9 * wq[2]) / 2.4;
  EXPECT_ORACLE(weighted, 1.0786516854);
  EXPECT_ORACLE(mmc(2.4, 1.0, 3).wq, 1.0786516854);
}

TEST(PriorityMMc, PreemptiveMatchesOracle) {
  const std::vector<double> lambdas{0.6, 0.9, 0.9};
  const std::vector<double> t = priority_preemptive_mmc_sojourn(lambdas, 1.0, 3);
  expect_oracle_vector(t, {1.0102739726, 1.2563085797, 3.6132465996});
  const std::vector<double> monte_carlo{1.0096, 1.2535, 3.6159};
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(t[k], monte_carlo[k], 5e-3 * monte_carlo[k]);
  // The top class never sees the others, and the classes together form the FCFS M/M/3.
  EXPECT_ORACLE(t[0], mmc(0.6, 1.0, 3).w);
  EXPECT_ORACLE((0.6 * t[0] + 0.9 * t[1] + 0.9 * t[2]) / 2.4, mmc(2.4, 1.0, 3).w);
}

TEST(PriorityMMc, SingleServerMatchesMG1Formulas) {
  // c = 1 with exponential service is M/G/1 with E[S^2] = 2/mu^2.
  const std::vector<double> lambdas{0.2, 0.3, 0.4};
  expect_oracle_vector(priority_nonpreemptive_mmc_wq(lambdas, 1.0, 1), {1.125, 2.25, 18.0});
  expect_oracle_vector(priority_preemptive_mmc_sojourn(lambdas, 1.0, 1), {1.25, 2.5, 20.0});
  expect_oracle_vector(priority_preemptive_mmc_sojourn(lambdas, 1.0, 1),
                       priority_preemptive_resume_mg1_sojourn(lambdas, {1, 1, 1}, {2, 2, 2}));
}

TEST(PriorityMMc, RejectsBadInput) {
  EXPECT_THAT(
      [] {
        priority_nonpreemptive_mmc_wq({1.0, 2.5}, 1.0, 3);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("unstable")));
  EXPECT_THAT([] { priority_preemptive_mmc_sojourn({}, 1.0, 3); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at least one class")));
  EXPECT_THAT(
      [] {
        priority_preemptive_mmc_sojourn({1.0, kNaN}, 1.0, 3);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("lambdas[1] must be > 0 and finite, got nan")));
  EXPECT_THAT([] { priority_preemptive_mmc_sojourn({1.0}, 1.0, 0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("servers c must be >= 1, got 0")));
}

// ---------------------------------------------------------------------------------------------
// §6 Erlang-A

struct ErlangARow {
  double lambda;
  double mu;
  int c;
  double theta;
  double p_wait, p_abandon, wq, lq;
};

const ErlangARow kErlangARows[] = {
    {4, 1, 5, 0.5, 0.4150515402, 0.0779686753, 0.1559373506, 0.6237494023},
    {10, 1, 10, 1, 0.5420702855, 0.1251100357, 0.1251100357, 1.2511003572},
    {48, 1, 50, 0.5, 0.4677740686, 0.0309122492, 0.0618244983, 2.9675759196},
    {110, 1, 100, 2, 0.7308490481, 0.1049933357, 0.0524966679, 5.7746334652},
    {2, 1, 1, 1, 0.8646647168, 0.5676676416, 0.5676676416, 1.1353352832},
};

// Garnett, Mandelbaum & Reiman (2002) closed form, kept here as an independent check of the
// series: x = c mu/theta, y = lambda/theta, A = x e^y y^-x gamma(x,y) with gamma the lower
// incomplete gamma, from Boost.Math's regularised P(x,y) in logs; P(W>0) = A E_B/(1 + (A-1)E_B),
// P(Ab | W>0) = 1/(rho A) + 1 - 1/rho. P(x,y) underflows when y << x (tiny loads), so the
// checks below stay away from that corner.
ErlangAResult erlang_a_closed_form(double lambda, double mu, int c, double theta) {
  const double x = c * mu / theta;
  const double y = lambda / theta;
  const double rho = lambda / (c * mu);
  const double big_a = std::exp(std::log(x) + y - x * std::log(y) + boost::math::lgamma(x) +
                                std::log(boost::math::gamma_p(x, y)));
  const double e_b = erlang_b(c, lambda / mu);
  ErlangAResult r{};
  r.p_wait = big_a * e_b / (1.0 + (big_a - 1.0) * e_b);
  r.p_abandon = r.p_wait * (1.0 / (rho * big_a) + 1.0 - 1.0 / rho);
  r.wq = r.p_abandon / theta;
  r.lq = lambda * r.wq;
  return r;
}

TEST(ErlangA, SeriesMatchesOracleTable) {
  for (const ErlangARow& row : kErlangARows) {
    SCOPED_TRACE(::testing::Message()
                 << "lambda=" << row.lambda << " c=" << row.c << " theta=" << row.theta);
    const ErlangAResult r = erlang_a(row.lambda, row.mu, row.c, row.theta);
    EXPECT_ORACLE(r.p_wait, row.p_wait);
    EXPECT_ORACLE(r.p_abandon, row.p_abandon);
    EXPECT_ORACLE(r.wq, row.wq);
    EXPECT_ORACLE(r.lq, row.lq);
  }
}

TEST(ErlangA, ClosedFormMatchesOracleTable) {
  for (const ErlangARow& row : kErlangARows) {
    SCOPED_TRACE(::testing::Message()
                 << "lambda=" << row.lambda << " c=" << row.c << " theta=" << row.theta);
    const ErlangAResult r = erlang_a_closed_form(row.lambda, row.mu, row.c, row.theta);
    EXPECT_ORACLE(r.p_wait, row.p_wait);
    EXPECT_ORACLE(r.p_abandon, row.p_abandon);
    EXPECT_ORACLE(r.wq, row.wq);
    EXPECT_ORACLE(r.lq, row.lq);
  }
}

TEST(ErlangA, SeriesAgreesWithClosedFormForLargeSystems) {
  struct Case {
    double lambda;
    int c;
    double theta;
  };
  for (const Case& k : {Case{95.0, 100, 0.2}, Case{130.0, 100, 1.0}, Case{380.0, 400, 0.5},
                        Case{480.0, 400, 3.0}, Case{300.0, 400, 0.1}, Case{40.0, 50, 0.01}}) {
    SCOPED_TRACE(::testing::Message()
                 << "lambda=" << k.lambda << " c=" << k.c << " theta=" << k.theta);
    const ErlangAResult s = erlang_a(k.lambda, 1.0, k.c, k.theta);
    const ErlangAResult f = erlang_a_closed_form(k.lambda, 1.0, k.c, k.theta);
    EXPECT_NEAR(s.p_wait, f.p_wait, 1e-9 * f.p_wait + 1e-300);
    EXPECT_NEAR(s.p_abandon, f.p_abandon, 1e-8 * f.p_abandon + 1e-300);
    EXPECT_NEAR(s.lq, f.lq, 1e-8 * f.lq + 1e-300);
    EXPECT_TRUE(std::isfinite(s.lq));
  }
}

TEST(ErlangA, SlowAbandonmentApproachesErlangC) {
  // theta -> 0 leaves the M/M/c queue (oracles §2 row lambda = 9, c = 10).
  const ErlangAResult r = erlang_a(9.0, 1.0, 10, 1e-9);
  EXPECT_NEAR(r.p_wait, 0.6687315241, 1e-6);
  EXPECT_NEAR(r.lq, 6.0185837170, 1e-5);
}

TEST(ErlangA, TinyLoadOnManyServersNeverWaits) {
  // B(400, 1) ~ 1/400! underflows; the series works with log(1/B) and returns a clean 0.
  const ErlangAResult r = erlang_a(1.0, 1.0, 400, 1.0);
  EXPECT_GE(r.p_wait, 0.0);
  EXPECT_LT(r.p_wait, 1e-300);
  EXPECT_TRUE(std::isfinite(r.lq) && std::isfinite(r.p_abandon));
}

TEST(ErlangA, HeavyOverloadStaysFinite) {
  // Terms of the series grow like e^(lambda/theta) before they fall; scaling must absorb that.
  const ErlangAResult r = erlang_a(5000.0, 1.0, 100, 1.0);
  EXPECT_GT(r.p_wait, 0.999);
  EXPECT_TRUE(std::isfinite(r.lq));
  // Almost everyone waits; throughput c mu = lambda (1 - P(Ab)) to first order.
  EXPECT_NEAR(r.p_abandon, 1.0 - 100.0 / 5000.0, 1e-3);
}

TEST(ErlangA, RejectsBadInput) {
  EXPECT_THAT([] { erlang_a(1.0, 1.0, 2, 0.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("abandonment rate theta must be > 0 and finite, got 0")));
  EXPECT_THAT([] { erlang_a(1.0, 1.0, 0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("servers c must be >= 1, got 0")));
  EXPECT_THAT([] { erlang_a(kNaN, 1.0, 2, 1.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("arrival rate lambda must be > 0 and finite, got nan")));
  EXPECT_THAT([] { erlang_a(1.0, -1.0, 2, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("service rate mu must be > 0")));
}

// ---------------------------------------------------------------------------------------------
// §7 Halfin-Whitt and exact minimum staffing

TEST(HalfinWhitt, MatchesOracleTable) {
  struct Row {
    double beta;
    double alpha;
  };
  const Row rows[] = {{0.0, 1.0},
                      {0.5, 0.5045386410},
                      {1.0, 0.2233612748},
                      {1.5, 0.0846903945},
                      {2.0, 0.0268813624}};
  for (const Row& row : rows) {
    SCOPED_TRACE(::testing::Message() << "beta=" << row.beta);
    EXPECT_ORACLE(halfin_whitt_alpha(row.beta), row.alpha);
  }
  EXPECT_EQ(halfin_whitt_alpha(50.0), 0.0);  // phi(50) underflows; the limit is 0
}

TEST(HalfinWhitt, IsTheLimitOfErlangC) {
  // c = a + beta sqrt(a) with a = 10^4, beta = 1: Erlang C is within O(1/sqrt(a)) of alpha.
  const double a = 1e4;
  EXPECT_NEAR(erlang_c(10100, a), halfin_whitt_alpha(1.0), 5e-3);
}

TEST(HalfinWhitt, RejectsBadInput) {
  EXPECT_THAT([] { halfin_whitt_alpha(-0.5); },
              ThrowsMessage<InvalidParameter>(HasSubstr("beta must be >= 0 and finite, got -0.5")));
  EXPECT_THAT([] { halfin_whitt_alpha(kNaN); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got nan")));
}

TEST(MinServers, MatchesOracleTable) {
  struct Row {
    double a;
    int c_02;
    double p_02;
    int c_05;
    double p_05;
  };
  const Row rows[] = {{10, 14, 0.174132, 12, 0.449388},
                      {50, 58, 0.194432, 54, 0.473608},
                      {100, 111, 0.199787, 106, 0.445783},
                      {400, 422, 0.193196, 411, 0.473967}};
  for (const Row& row : rows) {
    SCOPED_TRACE(::testing::Message() << "a=" << row.a);
    EXPECT_EQ(min_servers_for_delay_probability(row.a, 0.2), row.c_02);
    EXPECT_EQ(min_servers_for_delay_probability(row.a, 0.5), row.c_05);
    EXPECT_NEAR(erlang_c(row.c_02, row.a), row.p_02, 5e-7);
    EXPECT_NEAR(erlang_c(row.c_05, row.a), row.p_05, 5e-7);
    // Minimal: one server fewer misses the target (or is unstable).
    if (row.c_02 - 1 > row.a) {
      EXPECT_GT(erlang_c(row.c_02 - 1, row.a), 0.2);
    }
    if (row.c_05 - 1 > row.a) {
      EXPECT_GT(erlang_c(row.c_05 - 1, row.a), 0.5);
    }
  }
}

TEST(MinServers, ReproducesPyworkforceRawPositions) {
  // pyworkforce: 14 raw positions for SL(20 s) >= 0.8 at 100 contacts / 30 min, AHT 3 min; the
  // delay-probability solver agrees for a P(wait) target met first at 14 servers.
  EXPECT_EQ(min_servers_for_delay_probability(10.0, 0.2), 14);
  EXPECT_GE(mmc_service_level(10.0 / 3.0, 1.0 / 3.0, 14, 20.0 / 60.0), 0.8);
  EXPECT_LT(mmc_service_level(10.0 / 3.0, 1.0 / 3.0, 13, 20.0 / 60.0), 0.8);
}

TEST(MinServers, IntegerLoadNeedsMoreThanALoad) {
  // a = c is unstable, so the search starts at a + 1 even for a loose target.
  EXPECT_EQ(min_servers_for_delay_probability(1.0, 0.99), 2);
}

TEST(MinServers, RejectsBadInput) {
  EXPECT_THAT(
      [] { min_servers_for_delay_probability(0.0, 0.2); },
      ThrowsMessage<InvalidParameter>(HasSubstr("offered load a must be > 0 and finite, got 0")));
  EXPECT_THAT([] { min_servers_for_delay_probability(10.0, 1.0); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("target delay probability must be in (0, 1), got 1")));
  EXPECT_THAT([] { min_servers_for_delay_probability(10.0, 0.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("target delay probability")));
}

// ---------------------------------------------------------------------------------------------
// §8 Modified offered load of M_t/M/inf

TEST(ModifiedOfferedLoad, MatchesOracleTable) {
  const double mean_rate = 100.0;  // per hour
  const double r = 0.5;
  const double omega = 2.0 * std::numbers::pi / 24.0;
  const double mu = 1.0;
  struct Row {
    double t;
    double mol;
    double psa;
  };
  const Row rows[] = {{0, 87.7496559539, 100},
                      {6, 146.7928674284, 150},
                      {12, 112.2503440461, 100},
                      {18, 53.2071325716, 50}};
  for (const Row& row : rows) {
    SCOPED_TRACE(::testing::Message() << "t=" << row.t);
    EXPECT_ORACLE(mt_m_inf_sinusoid_mean(mean_rate, r, omega, mu, row.t), row.mol);
    // PSA uses the instantaneous load lambda(t)/mu, which is MOL with infinitely fast service.
    EXPECT_ORACLE(mean_rate * (1.0 + r * std::sin(omega * row.t)) / mu, row.psa);
  }
  // Without variation the M_t/M/inf mean is the stationary offered load.
  EXPECT_ORACLE(mt_m_inf_sinusoid_mean(mean_rate, 0.0, omega, mu, 5.0), 100.0);
  EXPECT_ORACLE(mt_m_inf_sinusoid_mean(mean_rate, r, 0.0, mu, 5.0), 100.0 * (1.0 - 0.0));
}

TEST(ModifiedOfferedLoad, RejectsBadInput) {
  EXPECT_THAT([] { mt_m_inf_sinusoid_mean(100.0, 1.5, 0.1, 1.0, 0.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("relative amplitude r must be in [0, 1]")));
  EXPECT_THAT([] { mt_m_inf_sinusoid_mean(-1.0, 0.5, 0.1, 1.0, 0.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("mean arrival rate must be > 0")));
  EXPECT_THAT([] { mt_m_inf_sinusoid_mean(100.0, 0.5, -0.1, 1.0, 0.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("omega must be >= 0")));
  EXPECT_THAT([] { mt_m_inf_sinusoid_mean(100.0, 0.5, 0.1, 0.0, 0.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("service rate mu must be > 0")));
  EXPECT_THAT([] { mt_m_inf_sinusoid_mean(100.0, 0.5, 0.1, 1.0, kInf); },
              ThrowsMessage<InvalidParameter>(HasSubstr("time t must be finite, got inf")));
}

TEST(MtMInfPiecewise, ConstantRateGivesTheOfferedLoadEverywhere) {
  for (const double m : mt_m_inf_piecewise_periodic_mean({3.0, 3.0, 3.0}, 7.0, 0.5)) {
    EXPECT_NEAR(m, 6.0, 1e-12);
  }
}

TEST(MtMInfPiecewise, OnOffRateMatchesTheClosedForm) {
  // Rate a for one piece, 0 for the next: m rises from m0 to a/mu + (m0 - a/mu) d, then decays
  // by d, and the periodic m0 solves m0 = d (a/mu + (m0 - a/mu) d).
  const double a = 2.0, mu = 0.25, w = 3.0, d = std::exp(-mu * w);
  const double m0 = d * (a / mu) * (1 - d) / (1 - d * d);
  const std::vector<double> m = mt_m_inf_piecewise_periodic_mean({a, 0.0}, w, mu);
  ASSERT_EQ(m.size(), 2U);
  EXPECT_NEAR(m[0], m0, 1e-12);
  EXPECT_NEAR(m[1], a / mu + (m0 - a / mu) * d, 1e-12);
}

TEST(MtMInfPiecewise, FinePiecesConvergeToTheSinusoidFormula) {
  // 1,440 one-minute pieces of lambda(t) = 100 (1 + 0.5 sin(omega t)) per hour, taken at each
  // piece's midpoint: the periodic mean must match the modified offered load.
  const double mean_rate = 100.0 / 60.0, r = 0.5, mu = 1.0 / 60.0;
  const double omega = 2 * std::numbers::pi / 1440.0;
  std::vector<double> rates(1440);
  for (std::size_t k = 0; k < rates.size(); ++k) {
    rates[k] = mean_rate * (1 + r * std::sin(omega * (static_cast<double>(k) + 0.5)));
  }
  const std::vector<double> m = mt_m_inf_piecewise_periodic_mean(rates, 1.0, mu);
  for (const std::size_t minute : {0U, 360U, 720U, 1080U}) {
    EXPECT_NEAR(m[minute],
                mt_m_inf_sinusoid_mean(mean_rate, r, omega, mu, static_cast<double>(minute)), 1e-3)
        << "minute " << minute;
  }
}

TEST(MtMInfPiecewise, RejectsBadInput) {
  EXPECT_THAT([] { mt_m_inf_piecewise_periodic_mean({}, 1.0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("at least one piece")));
  EXPECT_THAT(
      [] {
        mt_m_inf_piecewise_periodic_mean({1.0, -1.0}, 1.0, 1.0);
      },
      ThrowsMessage<InvalidParameter>(HasSubstr("must be >= 0")));
  EXPECT_THAT([] { mt_m_inf_piecewise_periodic_mean({1.0}, 0.0, 1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("piece length")));
}

}  // namespace
}  // namespace circlesim::analysis
