// An appendable table on disk: a one-dimensional, chunked, extendible HDF5 dataset of a packed
// compound type, optionally with shuffle + deflate. Rows arrive already packed (the memory type
// is the file type), so HDF5 does no type conversion on the way.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/trace/hdf5_handle.hpp"

namespace circlesim::sim::trace {

class PackedTable {
 public:
  // `type` is the packed compound type (copied); `compression` 0 = none, 1..9 = deflate level.
  PackedTable(hid_t parent, const std::string& name, hid_t type, std::size_t chunk_rows,
              int compression);

  // Appends `count` packed rows (count * row_size() bytes).
  void append(const void* rows, std::size_t count);
  // Appends `count` rows given as one chunk already filtered (shuffled and deflated, see
  // chunk_compressor.hpp); the table must end on a chunk boundary (every earlier append whole).
  void append_filtered_chunk(const std::vector<std::byte>& chunk, std::size_t count);
  [[nodiscard]] std::size_t rows() const { return rows_; }
  [[nodiscard]] std::size_t row_size() const { return row_size_; }

 private:
  std::string name_;
  Hid type_;
  Hid dataset_;
  std::size_t row_size_ = 0;
  std::size_t chunk_rows_ = 0;
  std::size_t rows_ = 0;
};

}  // namespace circlesim::sim::trace
