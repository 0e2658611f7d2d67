// Random-variate distributions of durations (minutes), specified the way researchers think: by
// mean and coefficient of variation, by mean, or by shape and scale where that is the convention.
//
// A Distribution is a small value type: copy it freely, sample it on the hot path (no heap
// allocation per sample), and ask it for its exact mean and variance. Every variate comes from a
// Boost.Random distribution or a Boost.Random building block, never from std:: distributions,
// whose algorithms differ between standard libraries.
#pragma once

#include <boost/random/discrete_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/gamma_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/triangle_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <boost/random/weibull_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/random_stream.hpp"

namespace circlesim::sim {

namespace detail {

// One struct per kind: the user's parameters (for describe() and the moments) plus the Boost
// object that draws. Boost's operator() is non-const for some distributions although none of them
// keeps state between draws in Boost 1.74, so those are copied into a local (a few doubles) rather
// than made mutable: sample() stays truly const and safe to call from several threads.

struct DeterministicDist {
  static constexpr std::string_view kName = "deterministic";
  double value;
  double sample(RandomEngine& /*rng*/) const { return value; }
};

struct ExponentialDist {
  static constexpr std::string_view kName = "exponential";
  double mean;
  boost::random::exponential_distribution<double> dist;  // rate 1/mean
  double sample(RandomEngine& rng) const { return dist(rng); }
};

struct UniformDist {
  static constexpr std::string_view kName = "uniform";
  double min;
  double max;
  boost::random::uniform_real_distribution<double> dist;
  double sample(RandomEngine& rng) const { return dist(rng); }
};

struct TriangularDist {
  static constexpr std::string_view kName = "triangular";
  double min;
  double mode;
  double max;
  boost::random::triangle_distribution<double> dist;
  double sample(RandomEngine& rng) const {
    auto local = dist;
    return local(rng);
  }
};

// Normal(mu, sigma) conditioned on X >= 0.
struct TruncatedNormalDist {
  static constexpr std::string_view kName = "truncated_normal";
  double mu;
  double sigma;
  double alpha;  // truncation point in standard units, -mu/sigma
  double rate;   // Robert's optimal exponential rate, used when alpha > 0
  double sample(RandomEngine& rng) const {
    if (alpha <= 0.0) {
      // At least half the mass is above zero, so plain rejection accepts with probability >= 1/2.
      boost::random::normal_distribution<double> normal(mu, sigma);
      for (;;) {
        const double x = normal(rng);
        if (x >= 0.0) return x;
      }
    }
    // Robert (1995): exponential proposal shifted to alpha; accepts with probability >= 0.76 for
    // every alpha >= 0, where plain rejection would accept only 1 - Phi(alpha).
    const boost::random::exponential_distribution<double> exponential(rate);
    for (;;) {
      const double z = alpha + exponential(rng);
      const double d = z - rate;
      if (boost::random::uniform_01<double>()(rng) <= std::exp(-0.5 * d * d)) {
        // z >= -mu/sigma, so mu + sigma*z >= 0 up to rounding.
        return std::max(0.0, mu + sigma * z);
      }
    }
  }
};

struct LognormalDist {
  static constexpr std::string_view kName = "lognormal";
  double mean;
  double cv;
  boost::random::lognormal_distribution<double> dist;  // parameters of the underlying normal
  double sample(RandomEngine& rng) const {
    auto local = dist;
    return local(rng);
  }
};

struct GammaDist {
  static constexpr std::string_view kName = "gamma";
  double mean;
  double cv;
  boost::random::gamma_distribution<double> dist;  // shape 1/cv^2, scale mean*cv^2
  double sample(RandomEngine& rng) const {
    auto local = dist;
    return local(rng);
  }
};

struct ErlangDist {
  static constexpr std::string_view kName = "erlang";
  int k;
  double mean;
  // A gamma with integer shape: one draw instead of k exponentials.
  boost::random::gamma_distribution<double> dist;
  double sample(RandomEngine& rng) const {
    auto local = dist;
    return local(rng);
  }
};

struct WeibullDist {
  static constexpr std::string_view kName = "weibull";
  double shape;
  double scale;
  boost::random::weibull_distribution<double> dist;
  double sample(RandomEngine& rng) const { return dist(rng); }
};

// Two-phase hyperexponential with balanced means (p1/rate1 = p2/rate2).
struct HyperexponentialDist {
  static constexpr std::string_view kName = "hyperexponential";
  double mean;
  double cv;
  double p1;     // probability of phase 1
  double mean1;  // mean of phase 1, mean / (2 p1)
  double mean2;  // mean of phase 2, mean / (2 p2)
  double sample(RandomEngine& rng) const {
    // Phase by a uniform, then a unit exponential scaled by the phase mean: unlike Boost's
    // hyperexponential_distribution this holds no vectors, so copies never allocate.
    const double phase_mean = boost::random::uniform_01<double>()(rng) < p1 ? mean1 : mean2;
    return phase_mean * boost::random::exponential_distribution<double>(1.0)(rng);
  }
};

struct EmpiricalDist {
  static constexpr std::string_view kName = "empirical";
  std::vector<double> values;
  std::vector<double> weights;  // as given, for describe()
  double mean;
  double variance;
  boost::random::discrete_distribution<std::size_t, double> index;  // alias method
  double sample(RandomEngine& rng) const { return values[index(rng)]; }
};

}  // namespace detail

// A distribution of non-negative durations. Every kind has support within [0, inf): the simulator
// never schedules into the past.
class Distribution {
 public:
  // value >= 0.
  [[nodiscard]] static Distribution deterministic(double value);
  // mean > 0.
  [[nodiscard]] static Distribution exponential(double mean);
  // 0 <= min <= max; min == max degenerates to deterministic(min).
  [[nodiscard]] static Distribution uniform(double min, double max);
  // 0 <= min <= mode <= max; min == max degenerates to deterministic(min).
  [[nodiscard]] static Distribution triangular(double min, double mode, double max);
  // Normal(mu, sigma) truncated at zero; sigma > 0 and mu >= -30 sigma (below that the mass above
  // zero underflows and the moments cannot be computed).
  [[nodiscard]] static Distribution truncated_normal(double mu, double sigma);
  // mean > 0, cv >= 0; sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2/2. cv = 0 degenerates to
  // deterministic(mean).
  [[nodiscard]] static Distribution lognormal(double mean, double cv);
  // mean > 0, cv >= 0; shape 1/cv^2, scale mean*cv^2. cv = 0 degenerates to deterministic(mean).
  [[nodiscard]] static Distribution gamma(double mean, double cv);
  // k >= 1 exponential phases, each of mean mean/k.
  [[nodiscard]] static Distribution erlang(int k, double mean);
  // shape > 0, scale > 0; mean = scale * Gamma(1 + 1/shape).
  [[nodiscard]] static Distribution weibull(double shape, double scale);
  // Balanced-means two-phase H2; mean > 0, cv > 1.
  [[nodiscard]] static Distribution hyperexponential(double mean, double cv);
  // values[i] with probability weights[i] / sum(weights); values >= 0, weights >= 0, not all 0.
  // The vectors are stored (allocation at construction only).
  [[nodiscard]] static Distribution empirical(std::vector<double> values,
                                              std::vector<double> weights);

  // One variate; the only state that changes is the engine's.
  [[nodiscard]] double sample(RandomEngine& rng) const {
    return std::visit([&rng](const auto& dist) { return dist.sample(rng); }, impl_);
  }

  // Exact moments of the distribution (not of any sample).
  [[nodiscard]] double mean() const;
  [[nodiscard]] double variance() const;
  [[nodiscard]] double second_moment() const;  // E[X^2] = variance + mean^2

  // The factory call that built it, e.g. "lognormal(mean=12, cv=0.6)".
  [[nodiscard]] std::string describe() const;
  // The factory name, e.g. "lognormal"; a degenerate case reports "deterministic".
  [[nodiscard]] std::string_view kind_name() const;

 private:
  using Impl =
      std::variant<detail::DeterministicDist, detail::ExponentialDist, detail::UniformDist,
                   detail::TriangularDist, detail::TruncatedNormalDist, detail::LognormalDist,
                   detail::GammaDist, detail::ErlangDist, detail::WeibullDist,
                   detail::HyperexponentialDist, detail::EmpiricalDist>;

  // Also rejects parameters whose second moment overflows.
  explicit Distribution(Impl impl);

  Impl impl_;
};

}  // namespace circlesim::sim
