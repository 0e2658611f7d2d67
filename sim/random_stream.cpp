#include "sim/random_stream.hpp"

#include <boost/random/seed_seq.hpp>

#include <array>

namespace circlesim::sim {

std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t hash_key(std::string_view key) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint64_t stream_seed(std::uint64_t master_seed, std::uint64_t replication,
                          std::string_view key, std::uint64_t entity) {
  // Chained mixing, so that (seed, rep) = (1, 2) and (2, 1) give unrelated streams.
  std::uint64_t h = mix64(master_seed);
  h = mix64(h ^ replication);
  h = mix64(h ^ hash_key(key));
  return mix64(h ^ entity);
}

RandomEngine make_engine(std::uint64_t seed) {
  std::array<std::uint32_t, 8> words{};
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    state = mix64(state);
    words[i] = static_cast<std::uint32_t>(state);
    words[i + 1] = static_cast<std::uint32_t>(state >> 32);
  }
  boost::random::seed_seq sequence(words.begin(), words.end());
  return RandomEngine(sequence);
}

}  // namespace circlesim::sim
