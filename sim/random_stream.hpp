// Named, independent random streams.
//
// Every source of randomness owns a stream seeded from (master seed, replication, stream key,
// entity index) by a hash, so that adding or changing one part of a model never shifts the numbers
// that another part draws: the basis of common random numbers across policy variants.
#pragma once

#include <boost/random/mersenne_twister.hpp>

#include <cstdint>
#include <string_view>

namespace circlesim::sim {

// Boost's engine, not std::: its output sequence is fixed by the algorithm on every platform.
using RandomEngine = boost::random::mt19937_64;

// splitmix64 finaliser: a bijective 64-bit mixer with full avalanche.
std::uint64_t mix64(std::uint64_t x);

// FNV-1a hash of a stream key, stable across compilers and runs (unlike std::hash).
std::uint64_t hash_key(std::string_view key);

// The 64-bit identity of a stream; equal inputs give equal seeds, any change gives another.
std::uint64_t stream_seed(std::uint64_t master_seed, std::uint64_t replication,
                          std::string_view key, std::uint64_t entity = 0);

// Builds a fully initialised engine for a stream (the whole Mersenne Twister state is filled from
// the stream seed through a seed sequence, not from one 32-bit word).
RandomEngine make_engine(std::uint64_t seed);

// The streams of one replication: hand out engines by name.
class RandomStreams {
 public:
  RandomStreams(std::uint64_t master_seed, std::uint64_t replication)
      : master_seed_(master_seed), replication_(replication) {}

  [[nodiscard]] RandomEngine stream(std::string_view key, std::uint64_t entity = 0) const {
    return make_engine(stream_seed(master_seed_, replication_, key, entity));
  }
  [[nodiscard]] std::uint64_t master_seed() const { return master_seed_; }
  [[nodiscard]] std::uint64_t replication() const { return replication_; }

 private:
  std::uint64_t master_seed_;
  std::uint64_t replication_;
};

}  // namespace circlesim::sim
