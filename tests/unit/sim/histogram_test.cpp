// Tests for sim/histogram: quantiles against exact order statistics, zeros, overflow, cdf,
// merging, bucket layout and bad input.
#include "sim/histogram.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <thread>
#include <vector>

namespace circlesim::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr double kAlpha = 0.005;
// Slack for the rounding of logarithms at bucket edges, far below alpha.
constexpr double kTolerance = kAlpha * (1.0 + 1e-9);

Histogram make_histogram() { return Histogram(kAlpha, 1e-6, 1e9); }

// Checks every quantile q = k / 1000 against the exact ceil(q n)-th order statistic. n is a
// multiple of 1000, so the rank k n / 1000 is computed exactly in integers.
void expect_quantiles_match(const Histogram& histogram, std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  ASSERT_EQ(n % 1000, 0u);
  for (std::size_t k = 0; k <= 1000; ++k) {
    const double q = static_cast<double>(k) / 1000.0;
    const std::size_t rank = std::max<std::size_t>(1, k * (n / 1000));
    const double exact = values[rank - 1];
    const double estimate = histogram.quantile(q);
    if (exact == 0.0) {
      EXPECT_EQ(estimate, 0.0) << "q = " << q;
    } else {
      EXPECT_LE(std::abs(estimate - exact), kTolerance * exact)
          << "q = " << q << ", exact " << exact << ", estimate " << estimate;
    }
  }
}

TEST(HistogramTest, QuantilesOfOneToHundredThousand) {
  Histogram histogram = make_histogram();
  std::vector<double> values;
  for (int i = 1; i <= 100000; ++i) {
    values.push_back(i);
    histogram.add(i);
  }
  EXPECT_EQ(histogram.count(), 100000u);
  expect_quantiles_match(histogram, values);
  EXPECT_EQ(histogram.quantile(0.0), 1.0);  // clamped to the exact min
  EXPECT_EQ(histogram.quantile(1.0), 100000.0);
}

TEST(HistogramTest, QuantilesOfExponentialSamplesWithZeros) {
  // Waiting times: 30% served at once (exact zeros), the rest exponential with mean 12 minutes.
  boost::random::mt19937_64 engine(42);
  boost::random::uniform_01<double> uniform;
  boost::random::exponential_distribution<double> exponential(1.0 / 12.0);
  Histogram histogram = make_histogram();
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) {
    const double x = uniform(engine) < 0.3 ? 0.0 : exponential(engine);
    values.push_back(x);
    histogram.add(x);
  }
  expect_quantiles_match(histogram, values);
}

TEST(HistogramTest, ZerosAreExact) {
  Histogram histogram = make_histogram();
  histogram.add(0.0, 300);
  for (int i = 1; i <= 700; ++i) histogram.add(i);
  EXPECT_EQ(histogram.zero_count(), 300u);
  EXPECT_EQ(histogram.quantile(0.3), 0.0);
  EXPECT_NEAR(histogram.quantile(0.301), 1.0, kTolerance);
  EXPECT_EQ(histogram.cdf(0.0), 0.3);
  EXPECT_EQ(histogram.cdf(1e-7), 0.3);
  EXPECT_EQ(histogram.cdf(-1.0), 0.0);
  EXPECT_EQ(histogram.min(), 0.0);
}

TEST(HistogramTest, TinyPositiveValuesCountAsZero) {
  Histogram histogram = make_histogram();
  histogram.add(1e-7);
  histogram.add(1e-6);  // the bound itself is in the zero bucket
  histogram.add(2e-6);
  EXPECT_EQ(histogram.zero_count(), 2u);
  EXPECT_EQ(histogram.quantile(0.5), 0.0);
  EXPECT_NEAR(histogram.quantile(2.5 / 3.0), 2e-6, 2e-6 * kTolerance);
  EXPECT_EQ(histogram.quantile(0.0), 1e-7);  // the exact min
}

TEST(HistogramTest, RankDefinitionOnSmallSamples) {
  Histogram histogram = make_histogram();
  for (const double x : {1.0, 10.0, 100.0, 1000.0}) histogram.add(x);
  EXPECT_NEAR(histogram.quantile(0.25), 1.0, kTolerance * 1.0);  // rank 1
  EXPECT_NEAR(histogram.quantile(0.26), 10.0, kTolerance * 10.0);
  EXPECT_NEAR(histogram.quantile(0.5), 10.0, kTolerance * 10.0);  // rank 2, not an interpolation
  EXPECT_NEAR(histogram.quantile(0.75), 100.0, kTolerance * 100.0);
  EXPECT_EQ(histogram.quantile(1.0), 1000.0);  // the exact max, not its bucket's estimate
  EXPECT_EQ(histogram.quantile(0.0), 1.0);

  // 0.7 * 10 and 0.3 * 10 are not exactly 7 and 3 in binary; ranks must still be 7 and 3.
  Histogram tens = make_histogram();
  for (int i = 1; i <= 10; ++i) tens.add(std::pow(10.0, i));
  EXPECT_NEAR(tens.quantile(0.7), 1e7, kTolerance * 1e7);
  EXPECT_NEAR(tens.quantile(0.3), 1e3, kTolerance * 1e3);
  EXPECT_NEAR(tens.quantile(0.1), 1e1, kTolerance * 1e1);

  // 0.07 * 100 rounds to 7.000000000000001 in binary: still rank 7, not 8.
  Histogram hundred = make_histogram();
  for (int i = 1; i <= 100; ++i) hundred.add(10.0 * i);
  EXPECT_NEAR(hundred.quantile(0.07), 70.0, kTolerance * 70.0);
  EXPECT_NEAR(hundred.quantile(0.57), 570.0, kTolerance * 570.0);
}

TEST(HistogramTest, OverflowReportsMaxValue) {
  Histogram histogram(kAlpha, 1e-6, 1000.0);
  histogram.add(10.0);
  histogram.add(5000.0);
  histogram.add(HUGE_VAL);
  EXPECT_EQ(histogram.overflow_count(), 2u);
  EXPECT_NEAR(histogram.quantile(1.0 / 3.0), 10.0, kTolerance * 10.0);
  EXPECT_EQ(histogram.quantile(0.5), 1000.0);    // 5000, reported as the range's end
  EXPECT_EQ(histogram.quantile(1.0), HUGE_VAL);  // the exact max
  EXPECT_DOUBLE_EQ(histogram.cdf(2000.0), 1.0 / 3.0);
  EXPECT_EQ(histogram.cdf(HUGE_VAL), 1.0);
}

TEST(HistogramTest, CdfWithinBucketResolution) {
  Histogram histogram = make_histogram();
  for (int i = 1; i <= 100000; ++i) histogram.add(i);
  const double gamma = histogram.gamma();
  for (const double x : {1.0, 2.5, 17.0, 99.5, 1234.0, 50000.0, 99999.0}) {
    const double lower = std::floor(x) / 100000.0;          // true F(x)
    const double upper = std::floor(x * gamma) / 100000.0;  // true F(gamma x)
    EXPECT_GE(histogram.cdf(x), lower - 1e-12) << "x = " << x;
    EXPECT_LE(histogram.cdf(x), upper + 1e-12) << "x = " << x;
  }
  EXPECT_EQ(histogram.cdf(0.5), 0.0);
  EXPECT_EQ(histogram.cdf(100000.0), 1.0);
}

TEST(HistogramTest, MergeEqualsAddingAll) {
  boost::random::mt19937_64 engine(7);
  boost::random::exponential_distribution<double> exponential(0.1);
  Histogram whole = make_histogram();
  Histogram first = make_histogram();
  Histogram second = make_histogram();
  for (int i = 0; i < 20000; ++i) {
    const double x = i % 5 == 0 ? 0.0 : exponential(engine);
    whole.add(x);
    (i % 3 == 0 ? first : second).add(x);
  }
  second.add(5e9);
  whole.add(5e9);
  first.merge(second);
  EXPECT_EQ(first.count(), whole.count());
  EXPECT_EQ(first.zero_count(), whole.zero_count());
  EXPECT_EQ(first.overflow_count(), whole.overflow_count());
  EXPECT_EQ(first.bucket_counts(), whole.bucket_counts());
  EXPECT_EQ(first.min(), whole.min());
  EXPECT_EQ(first.max(), whole.max());
  for (const double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) {
    EXPECT_EQ(first.quantile(q), whole.quantile(q)) << "q = " << q;
  }
}

TEST(HistogramTest, StorageIsPreSized) {
  Histogram histogram = make_histogram();
  const std::size_t buckets = histogram.bucket_count();
  const std::uint64_t* data = histogram.bucket_counts().data();
  // ln(1e15) / ln(gamma) buckets for [1e-6, 1e9] at 0.5%.
  EXPECT_NEAR(static_cast<double>(buckets), std::log(1e15) / std::log(histogram.gamma()), 2.0);
  for (int i = 0; i < 100000; ++i) histogram.add(1e-6 + i * 1e4);
  EXPECT_EQ(histogram.bucket_count(), buckets);
  EXPECT_EQ(histogram.bucket_counts().data(), data);
}

TEST(HistogramTest, BucketLayout) {
  Histogram histogram = make_histogram();
  const std::vector<double> edges = histogram.bucket_edges();
  ASSERT_EQ(edges.size(), histogram.bucket_count() + 1);
  EXPECT_LT(edges.front(), histogram.min_positive());
  EXPECT_GE(edges.back(), histogram.max_value());
  for (std::size_t k = 0; k < histogram.bucket_count(); k += 97) {
    EXPECT_NEAR(edges[k + 1] / edges[k], histogram.gamma(), 1e-12);
    EXPECT_EQ(histogram.bucket_lower(k), edges[k]);
    EXPECT_EQ(histogram.bucket_upper(k), edges[k + 1]);
    // A value well inside the bucket lands there, and the representative is within alpha of both
    // edges.
    const double inside = std::sqrt(edges[k] * edges[k + 1]);
    if (inside <= histogram.min_positive()) continue;
    Histogram single = make_histogram();
    single.add(inside);
    EXPECT_EQ(single.bucket_counts()[k], 1u);
    const double value = histogram.bucket_value(k);
    EXPECT_NEAR(value, edges[k], kTolerance * edges[k]);
    EXPECT_NEAR(value, edges[k + 1], kTolerance * edges[k + 1]);
  }
}

// Every value lands in the bucket whose edges enclose it, (lower, upper], at the edges
// themselves and one ulp either side, for several resolutions, and for a range reaching into
// the subnormal doubles (where the bucket is found by search rather than by slice table).
TEST(HistogramTest, ValuesLandBetweenTheirBucketEdges) {
  struct Layout {
    double alpha;
    double min_positive;
    double max_value;
  };
  const Layout layouts[] = {{0.005, 1e-6, 1e9}, {0.01, 1e-3, 1e7},  {0.02, 1e-6, 1e7},
                            {0.3, 0.5, 1e4},    {0.001, 1e-2, 1e3}, {0.01, 1e-310, 1.0}};
  for (const Layout& layout : layouts) {
    Histogram histogram(layout.alpha, layout.min_positive, layout.max_value);
    const std::size_t buckets = histogram.bucket_count();
    std::vector<std::uint64_t> before = histogram.bucket_counts();
    const auto expect_bucket = [&](double x, std::size_t k) {
      if (x <= layout.min_positive || x > layout.max_value) return;
      histogram.add(x);
      const std::vector<std::uint64_t>& after = histogram.bucket_counts();
      EXPECT_EQ(after[k], before[k] + 1)
          << "alpha " << layout.alpha << ": " << x << " should be in bucket " << k << " ("
          << histogram.bucket_lower(k) << ", " << histogram.bucket_upper(k) << "]";
      before = after;
    };
    const std::size_t stride = std::max<std::size_t>(1, buckets / 700);
    for (std::size_t k = 0; k < buckets; k += stride) {
      const double upper = histogram.bucket_upper(k);
      expect_bucket(upper, k);
      expect_bucket(std::nextafter(upper, 0.0), k);
      if (k + 1 < buckets) expect_bucket(std::nextafter(upper, 2 * upper), k + 1);
      expect_bucket(upper / std::sqrt(histogram.gamma()), k);  // mid-bucket, no underflow
    }
  }
}

// Histograms of one layout share its bucket edges and slice table (built once, kept while some
// histogram uses it). Threads that build, fill and drop histograms of several layouts at the same
// time, so that layouts are shared, released and built again, must see exactly what a histogram
// built alone sees; so must a copy that outlives the histogram it was copied from.
TEST(HistogramTest, HistogramsSharingALayoutAcrossThreadsAgreeWithOneBuiltAlone) {
  struct Layout {
    double alpha;
    double min_positive;
    double max_value;
  };
  const Layout layouts[] = {{0.005, 1e-6, 1e9}, {0.02, 1e-3, 1e5}, {0.01, 1e-310, 1.0}};
  std::vector<double> values;
  for (int i = 0; i < 2000; ++i) values.push_back(std::ldexp(1.0 + (i % 97) / 97.0, i % 40 - 25));
  const auto fill = [&](const Layout& layout) {
    Histogram histogram(layout.alpha, layout.min_positive, layout.max_value);
    for (const double x : values) histogram.add(x);
    return histogram;
  };
  std::vector<std::vector<std::uint64_t>> expected_counts;
  std::vector<std::vector<double>> expected_edges;
  for (const Layout& layout : layouts) {
    const Histogram alone = fill(layout);
    expected_counts.push_back(alone.bucket_counts());
    expected_edges.push_back(alone.bucket_edges());
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 12; ++round) {
        const std::size_t which = static_cast<std::size_t>(t + round) % std::size(layouts);
        const Histogram histogram = fill(layouts[which]);
        if (histogram.bucket_counts() != expected_counts[which] ||
            histogram.bucket_edges() != expected_edges[which]) {
          ++mismatches;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);

  std::optional<Histogram> copy;
  {
    const Histogram original = fill(layouts[0]);
    copy = original;
  }
  copy->reset();
  for (const double x : values) copy->add(x);
  EXPECT_EQ(copy->bucket_counts(), expected_counts[0]);
  EXPECT_EQ(copy->bucket_edges(), expected_edges[0]);
}

TEST(HistogramTest, ResetKeepsLayout) {
  Histogram histogram = make_histogram();
  histogram.add(3.0, 5);
  histogram.add(0.0);
  histogram.reset();
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.zero_count(), 0u);
  EXPECT_TRUE(std::isnan(histogram.quantile(0.5)));
  EXPECT_TRUE(std::isnan(histogram.min()));
  histogram.add(7.0);
  EXPECT_NEAR(histogram.quantile(0.5), 7.0, 0.0);  // clamped to min = max = 7
}

TEST(HistogramTest, EmptyAndZeroCount) {
  Histogram histogram = make_histogram();
  EXPECT_TRUE(std::isnan(histogram.quantile(0.5)));
  EXPECT_TRUE(std::isnan(histogram.cdf(1.0)));
  histogram.add(5.0, 0);
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_TRUE(std::isnan(histogram.max()));
}

TEST(HistogramTest, RejectsBadConstruction) {
  EXPECT_THAT([] { Histogram bad(1.5, 1e-6, 1e9); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("histogram: relative_error must be in (0, 1), got 1.5")));
  EXPECT_THAT(
      [] { Histogram bad(0.0, 1e-6, 1e9); },
      ThrowsMessage<InvalidParameter>(HasSubstr("relative_error must be in (0, 1), got 0")));
  EXPECT_THAT([] { Histogram bad(std::nan(""), 1e-6, 1e9); },
              ThrowsMessage<InvalidParameter>(HasSubstr("relative_error must be in (0, 1)")));
  EXPECT_THAT([] { Histogram bad(0.01, 0.0, 1e9); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("histogram: min_positive must be finite and > 0, got 0")));
  EXPECT_THAT([] { Histogram bad(0.01, 1.0, 0.5); },
              ThrowsMessage<InvalidParameter>(HasSubstr(
                  "histogram: max_value must be finite and > min_positive (1), got 0.5")));
  EXPECT_THAT([] { Histogram bad(0.01, 1.0, HUGE_VAL); },
              ThrowsMessage<InvalidParameter>(HasSubstr("max_value must be finite")));
  EXPECT_THAT([] { Histogram bad(1e-9, 1e-6, 1e9); },
              ThrowsMessage<InvalidParameter>(HasSubstr("buckets, more than the limit")));
}

TEST(HistogramTest, RejectsBadValuesAndQueries) {
  Histogram histogram = make_histogram();
  EXPECT_THAT([&] { histogram.add(-1.0); },
              ThrowsMessage<InvalidParameter>(HasSubstr("histogram: value must be >= 0, got -1")));
  EXPECT_THAT([&] { histogram.add(std::nan("")); },
              ThrowsMessage<InvalidParameter>(HasSubstr("value must be >= 0, got nan")));
  EXPECT_EQ(histogram.count(), 0u);
  histogram.add(1.0);
  EXPECT_THAT([&] { (void)histogram.quantile(1.5); },
              ThrowsMessage<InvalidParameter>(
                  HasSubstr("histogram: quantile q must be in [0, 1], got 1.5")));
  EXPECT_THAT([&] { (void)histogram.quantile(-0.1); },
              ThrowsMessage<InvalidParameter>(HasSubstr("got -0.1")));
  EXPECT_THAT([&] { (void)histogram.cdf(std::nan("")); },
              ThrowsMessage<InvalidParameter>(HasSubstr("cdf argument must not be NaN")));
}

TEST(HistogramTest, MergeRequiresSameLayout) {
  Histogram histogram = make_histogram();
  EXPECT_THAT([&] { histogram.merge(Histogram(0.01, 1e-6, 1e9)); },
              ThrowsMessage<InvalidParameter>(HasSubstr("relative_error 0.005 vs 0.01")));
  EXPECT_THAT([&] { histogram.merge(Histogram(kAlpha, 1e-6, 1e8)); },
              ThrowsMessage<InvalidParameter>(HasSubstr("max_value 1000000000 vs 100000000")));
}

}  // namespace
}  // namespace circlesim::sim
