#include "sim/trace/chunk_compressor.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace circlesim::sim::trace {

namespace {

// HDF5's shuffle is a transpose of bytes: byte j of element i goes to position j * count + i.
// kToPlanes shuffles, !kToPlanes unshuffles. In blocks of elements that fit the L1 cache, each
// byte position copied as a run: reads and writes both stay sequential, where a byte-by-byte
// scatter writes to dozens of streams.
template <bool kToPlanes>
std::vector<std::byte> transpose_bytes(const std::vector<std::byte>& data,
                                       std::size_t element_size) {
  const std::size_t count = data.size() / element_size;
  std::vector<std::byte> out(data.size());
  constexpr std::size_t kBlock = 256;
  for (std::size_t first = 0; first < count; first += kBlock) {
    const std::size_t n = std::min(kBlock, count - first);
    for (std::size_t j = 0; j < element_size; ++j) {
      // Plain pointers: indexing the vectors here cost the shuffle 40% more instructions.
      const std::size_t plane = j * count + first;
      const std::size_t element = first * element_size + j;
      if constexpr (kToPlanes) {
        std::byte* run = out.data() + plane;
        const std::byte* in = data.data() + element;
        for (std::size_t i = 0; i < n; ++i) run[i] = in[i * element_size];
      } else {
        const std::byte* run = data.data() + plane;
        std::byte* in_place = out.data() + element;
        for (std::size_t i = 0; i < n; ++i) in_place[i * element_size] = run[i];
      }
    }
  }
  // Bytes past the last whole element stay in place, as HDF5's filter leaves them.
  std::copy(data.begin() + static_cast<std::ptrdiff_t>(count * element_size), data.end(),
            out.begin() + static_cast<std::ptrdiff_t>(count * element_size));
  return out;
}

}  // namespace

std::vector<std::byte> shuffle_bytes(const std::vector<std::byte>& data, std::size_t element_size) {
  return transpose_bytes<true>(data, element_size);
}

std::vector<std::byte> unshuffle_bytes(const std::vector<std::byte>& data,
                                       std::size_t element_size) {
  return transpose_bytes<false>(data, element_size);
}

namespace {

struct CompressorDeleter {
  void operator()(libdeflate_compressor* compressor) const {
    libdeflate_free_compressor(compressor);
  }
};

// One compressor per thread and level (a compressor holds its tables and is not thread-safe).
libdeflate_compressor* compressor_for(int level) {
  thread_local std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor;
  thread_local int compressor_level = -1;
  if (!compressor || compressor_level != level) {
    compressor.reset(libdeflate_alloc_compressor(level));
    if (!compressor) {
      throw std::runtime_error("libdeflate: cannot make a compressor at level " +
                               std::to_string(level));
    }
    compressor_level = level;
  }
  return compressor.get();
}

}  // namespace

std::vector<std::byte> deflate_bytes(const std::vector<std::byte>& data, int level) {
  libdeflate_compressor* compressor = compressor_for(level);
  std::vector<std::byte> out(libdeflate_zlib_compress_bound(compressor, data.size()));
  const std::size_t size =
      libdeflate_zlib_compress(compressor, data.data(), data.size(), out.data(), out.size());
  if (size == 0) throw std::runtime_error("libdeflate: a chunk did not fit its compression bound");
  out.resize(size);
  return out;
}

namespace {

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* decompressor) const {
    libdeflate_free_decompressor(decompressor);
  }
};

}  // namespace

std::optional<std::vector<std::byte>> inflate_bytes(std::span<const std::byte> stream,
                                                    std::size_t size) {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> decompressor(
      libdeflate_alloc_decompressor());
  if (!decompressor) throw std::runtime_error("libdeflate: cannot make a decompressor");
  std::vector<std::byte> out(size);
  std::size_t inflated = 0;
  const libdeflate_result result = libdeflate_zlib_decompress(
      decompressor.get(), stream.data(), stream.size(), out.data(), out.size(), &inflated);
  if (result != LIBDEFLATE_SUCCESS || inflated != size) return std::nullopt;
  return out;
}

ChunkCompressor::ChunkCompressor(int level, std::size_t threads, std::size_t capacity)
    : level_(level), capacity_(capacity == 0 ? 1 : capacity) {
  for (std::size_t t = 0; t < std::max<std::size_t>(1, threads); ++t) {
    threads_.emplace_back([this] { loop(); });
  }
}

ChunkCompressor::~ChunkCompressor() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

std::shared_future<std::vector<std::byte>> ChunkCompressor::submit(std::vector<std::byte> chunk,
                                                                   std::size_t element_size) {
  std::packaged_task<std::vector<std::byte>()> task(
      [chunk = std::move(chunk), element_size, level = level_] {
        return deflate_bytes(shuffle_bytes(chunk, element_size), level);
      });
  std::shared_future<std::vector<std::byte>> result = task.get_future().share();
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return tasks_.size() < capacity_; });
  tasks_.push_back(std::move(task));
  changed_.notify_all();
  return result;
}

void ChunkCompressor::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return !tasks_.empty() || stopping_; });
    if (tasks_.empty()) return;
    std::packaged_task<std::vector<std::byte>()> task = std::move(tasks_.front());
    tasks_.pop_front();
    changed_.notify_all();  // room in the queue
    lock.unlock();
    task();  // an exception is stored in the future, for the writer thread to report
    lock.lock();
  }
}

}  // namespace circlesim::sim::trace
