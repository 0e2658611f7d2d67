// Tests of sim/random_stream: streams are reproducible from their identity, every part of the
// identity matters, the hashes are stable constants, and neighbouring streams are uncorrelated.
#include "sim/random_stream.hpp"

#include <gtest/gtest.h>

#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

namespace circlesim::sim {
namespace {

constexpr std::uint64_t kSeed = 12345;

std::vector<std::uint64_t> first_outputs(RandomEngine engine, int count) {
  std::vector<std::uint64_t> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) out.push_back(engine());
  return out;
}

TEST(RandomStreamTest, SameIdentityGivesIdenticalSequences) {
  const RandomStreams a(kSeed, 4);
  const RandomStreams b(kSeed, 4);
  EXPECT_EQ(first_outputs(a.stream("arrivals", 17), 10'000),
            first_outputs(b.stream("arrivals", 17), 10'000));
  // The RandomStreams helper is exactly make_engine(stream_seed(...)).
  EXPECT_EQ(first_outputs(a.stream("arrivals", 17), 100),
            first_outputs(make_engine(stream_seed(kSeed, 4, "arrivals", 17)), 100));
  EXPECT_EQ(a.master_seed(), kSeed);
  EXPECT_EQ(a.replication(), 4U);
}

TEST(RandomStreamTest, ChangingAnyPartOfTheIdentityChangesTheStream) {
  const std::uint64_t base = first_outputs(RandomStreams(kSeed, 4).stream("arrivals", 17), 1)[0];
  EXPECT_NE(first_outputs(RandomStreams(kSeed + 1, 4).stream("arrivals", 17), 1)[0], base);
  EXPECT_NE(first_outputs(RandomStreams(kSeed, 5).stream("arrivals", 17), 1)[0], base);
  EXPECT_NE(first_outputs(RandomStreams(kSeed, 4).stream("arrivalz", 17), 1)[0], base);
  EXPECT_NE(first_outputs(RandomStreams(kSeed, 4).stream("arrivals", 18), 1)[0], base);
  EXPECT_NE(first_outputs(RandomStreams(kSeed, 4).stream("arrivals"), 1)[0], base);
}

TEST(RandomStreamTest, SeedsOfManyNeighbouringIdentitiesAreDistinct) {
  std::set<std::uint64_t> seeds;
  int count = 0;
  for (std::uint64_t rep = 0; rep < 10; ++rep) {
    for (std::uint64_t entity = 0; entity < 100; ++entity) {
      for (const char* key : {"arrivals", "service", "patience"}) {
        seeds.insert(stream_seed(kSeed, rep, key, entity));
        ++count;
      }
    }
  }
  EXPECT_EQ(seeds.size(), static_cast<std::size_t>(count));
}

// Chained mixing: the position of a number in the identity matters, not just the multiset.
TEST(RandomStreamTest, SwappingSeedAndReplicationChangesTheSeed) {
  EXPECT_NE(stream_seed(1, 2, "arrivals"), stream_seed(2, 1, "arrivals"));
  EXPECT_NE(stream_seed(0, 0, "arrivals", 1), stream_seed(0, 1, "arrivals", 0));
}

// Constants computed independently (python: FNV-1a 64 with offset 0xcbf29ce484222325 and prime
// 0x100000001b3; splitmix64's finaliser). If these change, every stored result changes.
TEST(RandomStreamTest, HashesAreStableConstants) {
  EXPECT_EQ(hash_key(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(hash_key("a"), 0xaf63dc4c8601ec8cULL);  // published FNV-1a test vector
  EXPECT_EQ(hash_key("arrivals"), 0xb10bc22ca203cc53ULL);
  EXPECT_EQ(hash_key("service"), 0xcc37e1946446a284ULL);
  EXPECT_EQ(mix64(0), 0xe220a8397b1dcdafULL);  // first output of splitmix64 seeded with 0
  EXPECT_EQ(mix64(1), 0x910a2dec89025cc1ULL);
}

// Pearson correlation of paired uniform draws. For independent streams it is approximately
// Normal(0, 1/n): with n = 1e5 its sd is 0.0032, so the 0.02 bound is 6.3 sd.
double correlation(RandomEngine a, RandomEngine b, int n) {
  double sum_x = 0.0;
  double sum_y = 0.0;
  double sum_xx = 0.0;
  double sum_yy = 0.0;
  double sum_xy = 0.0;
  for (int i = 0; i < n; ++i) {
    const double x = boost::random::uniform_01<double>()(a);
    const double y = boost::random::uniform_01<double>()(b);
    sum_x += x;
    sum_y += y;
    sum_xx += x * x;
    sum_yy += y * y;
    sum_xy += x * y;
  }
  const double dn = static_cast<double>(n);
  const double cov = sum_xy / dn - (sum_x / dn) * (sum_y / dn);
  const double var_x = sum_xx / dn - (sum_x / dn) * (sum_x / dn);
  const double var_y = sum_yy / dn - (sum_y / dn) * (sum_y / dn);
  return cov / std::sqrt(var_x * var_y);
}

TEST(RandomStreamTest, NeighbouringStreamsAreUncorrelated) {
  constexpr int kDraws = 100'000;
  constexpr double kBound = 0.02;
  for (std::uint64_t rep = 0; rep < 3; ++rep) {
    const RandomStreams here(kSeed, rep);
    const RandomStreams next(kSeed, rep + 1);
    EXPECT_LT(std::abs(correlation(here.stream("arrivals"), next.stream("arrivals"), kDraws)),
              kBound)
        << "replications " << rep << " and " << rep + 1;
    EXPECT_LT(std::abs(correlation(here.stream("arrivals", 0), here.stream("arrivals", 1), kDraws)),
              kBound)
        << "entities 0 and 1, replication " << rep;
  }
  // Neighbouring master seeds too: users often run seeds 1, 2, 3...
  EXPECT_LT(std::abs(correlation(RandomStreams(1, 0).stream("arrivals"),
                                 RandomStreams(2, 0).stream("arrivals"), kDraws)),
            kBound);
}

// The control: the same stream against itself is perfectly correlated, so the statistic works.
TEST(RandomStreamTest, CorrelationDetectsIdenticalStreams) {
  const RandomStreams streams(kSeed, 0);
  EXPECT_NEAR(correlation(streams.stream("arrivals"), streams.stream("arrivals"), 1000), 1.0,
              1e-12);
}

}  // namespace
}  // namespace circlesim::sim
