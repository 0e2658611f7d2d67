#include "sim/trace/chunk_compressor.hpp"

#include <zlib.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace circlesim::sim::trace {

std::vector<std::byte> shuffle_bytes(const std::vector<std::byte>& data, std::size_t element_size) {
  const std::size_t count = data.size() / element_size;
  std::vector<std::byte> out(data.size());
  for (std::size_t i = 0; i < count; ++i) {
    const std::byte* element = data.data() + i * element_size;
    for (std::size_t j = 0; j < element_size; ++j) out[j * count + i] = element[j];
  }
  // Bytes past the last whole element stay in place, as HDF5's filter leaves them.
  for (std::size_t k = count * element_size; k < data.size(); ++k) out[k] = data[k];
  return out;
}

std::vector<std::byte> deflate_bytes(const std::vector<std::byte>& data, int level) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::vector<std::byte> out(size);
  const int status = compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                               reinterpret_cast<const Bytef*>(data.data()),
                               static_cast<uLong>(data.size()), level);
  if (status != Z_OK) throw std::runtime_error("zlib compress2 failed: " + std::to_string(status));
  out.resize(size);
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
