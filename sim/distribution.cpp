// Factories (with input checks), exact moments and descriptions of the duration distributions.
#include "sim/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <utility>

#include "sim/error.hpp"

namespace circlesim::sim {

namespace {

// Comparisons with NaN are false, so `x > 0` alone would reject NaN but accept +inf.
bool positive(double x) { return std::isfinite(x) && x > 0.0; }
bool non_negative(double x) { return std::isfinite(x) && x >= 0.0; }

// Below -30 sigma the mass above zero (about 5e-198) is close to underflow; nobody means that.
constexpr double kMinTruncatedNormalRatio = -30.0;

// --- Exact moments, one overload per kind -------------------------------------------------------

double mean_of(const detail::DeterministicDist& d) { return d.value; }
double variance_of(const detail::DeterministicDist& /*d*/) { return 0.0; }

double mean_of(const detail::ExponentialDist& d) { return d.mean; }
double variance_of(const detail::ExponentialDist& d) { return d.mean * d.mean; }

double mean_of(const detail::UniformDist& d) { return 0.5 * (d.min + d.max); }
double variance_of(const detail::UniformDist& d) {
  const double width = d.max - d.min;
  return width * width / 12.0;
}

double mean_of(const detail::TriangularDist& d) { return (d.min + d.mode + d.max) / 3.0; }
double variance_of(const detail::TriangularDist& d) {
  const double a = d.min;
  const double c = d.mode;
  const double b = d.max;
  return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
}

// Z = (X - mu)/sigma is a standard normal truncated below at alpha; with the hazard
// lambda = phi(alpha) / (1 - Phi(alpha)): E[Z] = lambda, Var[Z] = 1 + alpha*lambda - lambda^2.
double truncated_normal_hazard(double alpha) {
  const boost::math::normal_distribution<double> standard;
  return boost::math::pdf(standard, alpha) /
         boost::math::cdf(boost::math::complement(standard, alpha));
}
double mean_of(const detail::TruncatedNormalDist& d) {
  return d.mu + d.sigma * truncated_normal_hazard(d.alpha);
}
double variance_of(const detail::TruncatedNormalDist& d) {
  const double lambda = truncated_normal_hazard(d.alpha);
  // Rounding can push the bracket a hair below zero far out in the tail.
  return d.sigma * d.sigma * std::max(0.0, 1.0 + d.alpha * lambda - lambda * lambda);
}

double mean_of(const detail::LognormalDist& d) { return d.mean; }
double variance_of(const detail::LognormalDist& d) { return d.cv * d.mean * d.cv * d.mean; }

double mean_of(const detail::GammaDist& d) { return d.mean; }
double variance_of(const detail::GammaDist& d) { return d.cv * d.mean * d.cv * d.mean; }

double mean_of(const detail::ErlangDist& d) { return d.mean; }
double variance_of(const detail::ErlangDist& d) { return d.mean * d.mean / d.k; }

double mean_of(const detail::WeibullDist& d) { return d.scale * std::tgamma(1.0 + 1.0 / d.shape); }
double variance_of(const detail::WeibullDist& d) {
  const double g1 = std::tgamma(1.0 + 1.0 / d.shape);
  const double g2 = std::tgamma(1.0 + 2.0 / d.shape);
  return d.scale * d.scale * std::max(0.0, g2 - g1 * g1);
}

double mean_of(const detail::HyperexponentialDist& d) { return d.mean; }
double variance_of(const detail::HyperexponentialDist& d) { return d.cv * d.mean * d.cv * d.mean; }

double mean_of(const detail::EmpiricalDist& d) { return d.mean; }
double variance_of(const detail::EmpiricalDist& d) { return d.variance; }

// --- Descriptions: the factory call ------------------------------------------------------------

std::string describe_of(const detail::DeterministicDist& d) {
  return fmt::format("deterministic({})", d.value);
}
std::string describe_of(const detail::ExponentialDist& d) {
  return fmt::format("exponential(mean={})", d.mean);
}
std::string describe_of(const detail::UniformDist& d) {
  return fmt::format("uniform(min={}, max={})", d.min, d.max);
}
std::string describe_of(const detail::TriangularDist& d) {
  return fmt::format("triangular(min={}, mode={}, max={})", d.min, d.mode, d.max);
}
std::string describe_of(const detail::TruncatedNormalDist& d) {
  return fmt::format("truncated_normal(mu={}, sigma={})", d.mu, d.sigma);
}
std::string describe_of(const detail::LognormalDist& d) {
  return fmt::format("lognormal(mean={}, cv={})", d.mean, d.cv);
}
std::string describe_of(const detail::GammaDist& d) {
  return fmt::format("gamma(mean={}, cv={})", d.mean, d.cv);
}
std::string describe_of(const detail::ErlangDist& d) {
  return fmt::format("erlang(k={}, mean={})", d.k, d.mean);
}
std::string describe_of(const detail::WeibullDist& d) {
  return fmt::format("weibull(shape={}, scale={})", d.shape, d.scale);
}
std::string describe_of(const detail::HyperexponentialDist& d) {
  return fmt::format("hyperexponential(mean={}, cv={})", d.mean, d.cv);
}
std::string describe_of(const detail::EmpiricalDist& d) {
  // Long tables (measured service times) would flood logs and trace headers.
  constexpr std::size_t kMaxListed = 8;
  if (d.values.size() <= kMaxListed) {
    return fmt::format("empirical(values=[{}], weights=[{}])", fmt::join(d.values, ", "),
                       fmt::join(d.weights, ", "));
  }
  return fmt::format("empirical({} values, mean={})", d.values.size(), d.mean);
}

}  // namespace

// --- Factories -----------------------------------------------------------------------------------

Distribution::Distribution(Impl impl) : impl_(std::move(impl)) {
  // One check for every kind: parameters in range can still overflow the moments (an exponential
  // of mean 1e200, a Weibull of shape 0.001), and such a distribution is useless as a duration.
  const double m2 = second_moment();
  CIRCLESIM_REQUIRE(std::isfinite(m2), "{}: the second moment overflows (E[X^2]={})", describe(),
                    m2);
}

Distribution Distribution::deterministic(double value) {
  CIRCLESIM_REQUIRE(non_negative(value), "deterministic: value must be >= 0 and finite, got {}",
                    value);
  return Distribution(detail::DeterministicDist{value});
}

Distribution Distribution::exponential(double mean) {
  CIRCLESIM_REQUIRE(positive(mean), "exponential: mean must be > 0 and finite, got {}", mean);
  return Distribution(
      detail::ExponentialDist{mean, boost::random::exponential_distribution<double>(1.0 / mean)});
}

Distribution Distribution::uniform(double min, double max) {
  CIRCLESIM_REQUIRE(non_negative(min), "uniform: min must be >= 0 and finite, got {}", min);
  CIRCLESIM_REQUIRE(std::isfinite(max), "uniform: max must be finite, got {}", max);
  CIRCLESIM_REQUIRE(min <= max, "uniform: need min <= max, got min={} max={}", min, max);
  // Boost's uniform_real_distribution needs min < max (it would loop forever on min == max).
  if (min == max) return deterministic(min);
  return Distribution(
      detail::UniformDist{min, max, boost::random::uniform_real_distribution<double>(min, max)});
}

Distribution Distribution::triangular(double min, double mode, double max) {
  CIRCLESIM_REQUIRE(non_negative(min), "triangular: min must be >= 0 and finite, got {}", min);
  CIRCLESIM_REQUIRE(std::isfinite(mode), "triangular: mode must be finite, got {}", mode);
  CIRCLESIM_REQUIRE(std::isfinite(max), "triangular: max must be finite, got {}", max);
  CIRCLESIM_REQUIRE(min <= mode && mode <= max,
                    "triangular: need min <= mode <= max, got min={} mode={} max={}", min, mode,
                    max);
  // Boost's triangle_distribution divides by max - min.
  if (min == max) return deterministic(min);
  return Distribution(detail::TriangularDist{
      min, mode, max, boost::random::triangle_distribution<double>(min, mode, max)});
}

Distribution Distribution::truncated_normal(double mu, double sigma) {
  CIRCLESIM_REQUIRE(std::isfinite(mu), "truncated_normal: mu must be finite, got {}", mu);
  CIRCLESIM_REQUIRE(positive(sigma), "truncated_normal: sigma must be > 0 and finite, got {}",
                    sigma);
  const double alpha = -mu / sigma;
  CIRCLESIM_REQUIRE(-alpha >= kMinTruncatedNormalRatio,
                    "truncated_normal: mu/sigma must be >= {} (otherwise almost no mass lies above "
                    "zero), got mu={} sigma={}",
                    kMinTruncatedNormalRatio, mu, sigma);
  const double rate = 0.5 * (alpha + std::sqrt(alpha * alpha + 4.0));
  return Distribution(detail::TruncatedNormalDist{mu, sigma, alpha, rate});
}

Distribution Distribution::lognormal(double mean, double cv) {
  CIRCLESIM_REQUIRE(positive(mean), "lognormal: mean must be > 0 and finite, got {}", mean);
  CIRCLESIM_REQUIRE(std::isfinite(cv), "lognormal: cv must be finite, got {}", cv);
  CIRCLESIM_REQUIRE(cv >= 0.0, "lognormal: cv must be >= 0, got {}", cv);
  if (cv == 0.0) return deterministic(mean);
  const double sigma2 = std::log1p(cv * cv);  // log1p: exact for small cv
  const double mu = std::log(mean) - 0.5 * sigma2;
  return Distribution(detail::LognormalDist{
      mean, cv, boost::random::lognormal_distribution<double>(mu, std::sqrt(sigma2))});
}

Distribution Distribution::gamma(double mean, double cv) {
  CIRCLESIM_REQUIRE(positive(mean), "gamma: mean must be > 0 and finite, got {}", mean);
  CIRCLESIM_REQUIRE(std::isfinite(cv), "gamma: cv must be finite, got {}", cv);
  CIRCLESIM_REQUIRE(cv >= 0.0, "gamma: cv must be >= 0, got {}", cv);
  if (cv == 0.0) return deterministic(mean);
  const double shape = 1.0 / (cv * cv);
  const double scale = mean * cv * cv;
  CIRCLESIM_REQUIRE(positive(shape) && positive(scale),
                    "gamma: shape 1/cv^2 or scale mean*cv^2 out of range, got mean={} cv={}", mean,
                    cv);
  return Distribution(
      detail::GammaDist{mean, cv, boost::random::gamma_distribution<double>(shape, scale)});
}

Distribution Distribution::erlang(int k, double mean) {
  CIRCLESIM_REQUIRE(k >= 1, "erlang: k must be >= 1, got {}", k);
  CIRCLESIM_REQUIRE(positive(mean), "erlang: mean must be > 0 and finite, got {}", mean);
  const double phase_mean = mean / k;
  CIRCLESIM_REQUIRE(phase_mean > 0.0, "erlang: phase mean mean/k underflows, got k={} mean={}", k,
                    mean);
  return Distribution(detail::ErlangDist{
      k, mean, boost::random::gamma_distribution<double>(static_cast<double>(k), phase_mean)});
}

Distribution Distribution::weibull(double shape, double scale) {
  CIRCLESIM_REQUIRE(positive(shape), "weibull: shape must be > 0 and finite, got {}", shape);
  CIRCLESIM_REQUIRE(positive(scale), "weibull: scale must be > 0 and finite, got {}", scale);
  return Distribution(
      detail::WeibullDist{shape, scale, boost::random::weibull_distribution<double>(shape, scale)});
}

Distribution Distribution::hyperexponential(double mean, double cv) {
  CIRCLESIM_REQUIRE(positive(mean), "hyperexponential: mean must be > 0 and finite, got {}", mean);
  CIRCLESIM_REQUIRE(std::isfinite(cv), "hyperexponential: cv must be finite, got {}", cv);
  CIRCLESIM_REQUIRE(cv > 1.0, "hyperexponential: cv must be > 1, got {}", cv);
  const double c2 = cv * cv;
  const double s = std::sqrt((c2 - 1.0) / (c2 + 1.0));
  const double p1 = 0.5 * (1.0 + s);
  // p2 = (1 - s)/2 rewritten without the cancellation that would make it 0 for large cv.
  const double p2 = 1.0 / ((c2 + 1.0) * (1.0 + s));
  return Distribution(
      detail::HyperexponentialDist{mean, cv, p1, mean / (2.0 * p1), mean / (2.0 * p2)});
}

Distribution Distribution::empirical(std::vector<double> values, std::vector<double> weights) {
  CIRCLESIM_REQUIRE(!values.empty(), "empirical: need at least one value, got none");
  CIRCLESIM_REQUIRE(values.size() == weights.size(),
                    "empirical: values and weights must have the same size, got {} values and {} "
                    "weights",
                    values.size(), weights.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    CIRCLESIM_REQUIRE(non_negative(values[i]),
                      "empirical: values must be >= 0 and finite, got {} at index {}", values[i],
                      i);
    CIRCLESIM_REQUIRE(std::isfinite(weights[i]),
                      "empirical: weights must be finite, got {} at index {}", weights[i], i);
    CIRCLESIM_REQUIRE(weights[i] >= 0.0, "empirical: weights must be >= 0, got {} at index {}",
                      weights[i], i);
  }
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  CIRCLESIM_REQUIRE(positive(total),
                    "empirical: weights must sum to a positive finite value, got {}", total);

  // Weights scaled by the largest (exact when all are equal, and no overflow in w*x), one
  // division by the total at the end; the variance as a sum of squared deviations avoids the
  // cancellation of E[X^2] - E[X]^2.
  const double max_weight = *std::max_element(weights.begin(), weights.end());
  double scaled_total = 0.0;
  double weighted_sum = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    scaled_total += weights[i] / max_weight;
    weighted_sum += weights[i] / max_weight * values[i];
  }
  const double mean = weighted_sum / scaled_total;
  double weighted_squares = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double deviation = values[i] - mean;
    weighted_squares += weights[i] / max_weight * deviation * deviation;
  }
  const double variance = weighted_squares / scaled_total;
  boost::random::discrete_distribution<std::size_t, double> index(weights.begin(), weights.end());
  return Distribution(detail::EmpiricalDist{std::move(values), std::move(weights), mean, variance,
                                            std::move(index)});
}

// --- Queries ---------------------------------------------------------------------------------

double Distribution::mean() const {
  return std::visit([](const auto& dist) { return mean_of(dist); }, impl_);
}

double Distribution::variance() const {
  return std::visit([](const auto& dist) { return variance_of(dist); }, impl_);
}

double Distribution::second_moment() const {
  const double m = mean();
  return variance() + m * m;
}

std::string Distribution::describe() const {
  return std::visit([](const auto& dist) { return describe_of(dist); }, impl_);
}

std::string_view Distribution::kind_name() const {
  return std::visit([](const auto& dist) { return std::decay_t<decltype(dist)>::kName; }, impl_);
}

}  // namespace circlesim::sim
