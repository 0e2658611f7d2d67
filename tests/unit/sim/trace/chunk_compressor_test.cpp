// Tests of sim/trace/chunk_compressor: the shuffle is HDF5's (byte j of element i at j * count + i,
// a trailing partial element left in place), and libdeflate's streams inflate with zlib, as
// HDF5's deflate filter reads them, at every level; the compressor threads return the same.
#include "sim/trace/chunk_compressor.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/random_stream.hpp"

namespace circlesim::sim::trace {
namespace {

std::vector<std::byte> bytes(std::size_t n, std::uint64_t seed) {
  RandomEngine rng = make_engine(seed);
  std::vector<std::byte> data(n);
  // Compressible, like trace rows: small values in wide fields.
  for (std::byte& b : data) b = static_cast<std::byte>(rng() % 7);
  return data;
}

std::vector<std::byte> inflate(const std::vector<std::byte>& stream, std::size_t size) {
  std::vector<std::byte> out(size);
  uLongf length = size;
  const int status =
      uncompress(reinterpret_cast<Bytef*>(out.data()), &length,
                 reinterpret_cast<const Bytef*>(stream.data()), static_cast<uLong>(stream.size()));
  EXPECT_EQ(status, Z_OK);
  EXPECT_EQ(length, size);
  return out;
}

TEST(ChunkCompressorTest, ShuffleIsHdf5sByteTranspose) {
  for (const std::size_t element_size : {1UL, 3UL, 58UL}) {
    for (const std::size_t count : {0UL, 1UL, 255UL, 256UL, 257UL, 1000UL}) {
      const std::vector<std::byte> data = bytes(element_size * count + 2, element_size + count);
      const std::vector<std::byte> out = shuffle_bytes(data, element_size);
      ASSERT_EQ(out.size(), data.size());
      for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t j = 0; j < element_size; ++j) {
          ASSERT_EQ(out[j * count + i], data[i * element_size + j])
              << "element size " << element_size << ", count " << count;
        }
      }
      // The two trailing bytes (a partial element) stay where they were.
      EXPECT_EQ(out[out.size() - 1], data[data.size() - 1]);
      EXPECT_EQ(out[out.size() - 2], data[data.size() - 2]);
    }
  }
}

TEST(ChunkCompressorTest, DeflatedChunksInflateWithZlibAtEveryLevel) {
  const std::vector<std::byte> data = bytes(1 << 20, 3);
  for (int level = 1; level <= 9; ++level) {
    const std::vector<std::byte> stream = deflate_bytes(data, level);
    EXPECT_LT(stream.size(), data.size() / 2) << "level " << level;
    EXPECT_EQ(inflate(stream, data.size()), data) << "level " << level;
  }
  EXPECT_EQ(inflate(deflate_bytes({}, 1), 0), std::vector<std::byte>{});
}

// The readers' inverses: unshuffle undoes the shuffle (trailing partial element included), and
// libdeflate inflates zlib's own streams (what HDF5's filter writes) as well as its own, but
// only to exactly the size asked for, and never a damaged stream.
TEST(ChunkCompressorTest, UnshuffleAndInflateUndoShuffleAndDeflate) {
  for (const std::size_t element_size : {1UL, 8UL, 58UL}) {
    for (const std::size_t count : {0UL, 1UL, 256UL, 257UL, 1000UL}) {
      const std::vector<std::byte> data = bytes(element_size * count + 3, element_size + count);
      EXPECT_EQ(unshuffle_bytes(shuffle_bytes(data, element_size), element_size), data)
          << "element size " << element_size << ", count " << count;
    }
  }
  const std::vector<std::byte> data = bytes(100'000, 5);
  EXPECT_EQ(inflate_bytes(deflate_bytes(data, 4), data.size()), data);
  std::vector<std::byte> by_zlib(compressBound(static_cast<uLong>(data.size())));
  uLongf length = by_zlib.size();
  ASSERT_EQ(
      compress2(reinterpret_cast<Bytef*>(by_zlib.data()), &length,
                reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()), 6),
      Z_OK);
  by_zlib.resize(length);
  EXPECT_EQ(inflate_bytes(by_zlib, data.size()), data);
  EXPECT_EQ(inflate_bytes(by_zlib, data.size() - 1), std::nullopt);  // longer than said
  EXPECT_EQ(inflate_bytes(by_zlib, data.size() + 1), std::nullopt);  // shorter than said
  std::vector<std::byte> damaged = by_zlib;
  damaged[damaged.size() / 2] ^= std::byte{0x5a};
  EXPECT_EQ(inflate_bytes(damaged, data.size()), std::nullopt);
  EXPECT_EQ(inflate_bytes({}, 0), std::nullopt);  // not even a zlib header
}

TEST(ChunkCompressorTest, ThreadsReturnTheShuffledDeflatedChunk) {
  ChunkCompressor compressor(1, 2, 4);
  std::vector<std::vector<std::byte>> chunks;
  std::vector<std::shared_future<std::vector<std::byte>>> results;
  for (std::uint64_t k = 0; k < 8; ++k) {
    chunks.push_back(bytes(58 * 1000, k));
    results.push_back(compressor.submit(chunks.back(), 58));
  }
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    EXPECT_EQ(inflate(results[k].get(), chunks[k].size()), shuffle_bytes(chunks[k], 58));
  }
}

}  // namespace
}  // namespace circlesim::sim::trace
