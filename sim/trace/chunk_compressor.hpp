// Compression of table chunks in parallel, in the exact form HDF5's own filter pipeline would
// store them (shuffle, then deflate), so that the writer thread only writes finished chunks
// (H5Dwrite_chunk) and any HDF5 reader decodes them as usual. HDF5 compresses one chunk at a
// time under its global lock; this spreads the work over several threads instead.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

namespace circlesim::sim::trace {

// HDF5's shuffle filter: byte j of element i goes to position j * count + i.
std::vector<std::byte> shuffle_bytes(const std::vector<std::byte>& data, std::size_t element_size);
// zlib stream at `level` (what HDF5's deflate filter stores), made by libdeflate: its streams
// differ from zlib's byte for byte but inflate to the same data with zlib, as HDF5 reads them.
std::vector<std::byte> deflate_bytes(const std::vector<std::byte>& data, int level);

// The inverses, for readers that decode stored chunks themselves (analysis/trace_reader.cpp):
// HDF5 runs its filters under its global lock, one chunk at a time for the whole process.
std::vector<std::byte> unshuffle_bytes(const std::vector<std::byte>& data,
                                       std::size_t element_size);
// The zlib stream `stream` inflated (libdeflate); nullopt unless it is a valid stream of exactly
// `size` bytes.
std::optional<std::vector<std::byte>> inflate_bytes(std::span<const std::byte> stream,
                                                    std::size_t size);

class ChunkCompressor {
 public:
  // `threads` compression threads; at most `capacity` chunks wait to be compressed.
  ChunkCompressor(int level, std::size_t threads, std::size_t capacity);
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;
  ~ChunkCompressor();

  // Queues one chunk of `element_size`-byte elements (blocks while `capacity` chunks wait);
  // the future yields the shuffled, deflated bytes.
  std::shared_future<std::vector<std::byte>> submit(std::vector<std::byte> chunk,
                                                    std::size_t element_size);

 private:
  void loop();

  int level_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::packaged_task<std::vector<std::byte>()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: start after the members they use
};

}  // namespace circlesim::sim::trace
