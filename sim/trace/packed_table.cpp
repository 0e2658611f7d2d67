#include "sim/trace/packed_table.hpp"

namespace circlesim::sim::trace {

PackedTable::PackedTable(hid_t parent, const std::string& name, hid_t type, std::size_t chunk_rows,
                         int compression)
    : name_(name), type_(make_type(H5Tcopy(type), "table type " + name)) {
  row_size_ = H5Tget_size(type_.get());
  chunk_rows_ = chunk_rows;
  const hsize_t initial = 0;
  const hsize_t unlimited = H5S_UNLIMITED;
  const Hid space = make_space(H5Screate_simple(1, &initial, &unlimited), "table " + name);
  const Hid create = make_plist(H5Pcreate(H5P_DATASET_CREATE), "table " + name);
  const hsize_t chunk = chunk_rows;
  check(H5Pset_chunk(create.get(), 1, &chunk), "chunking table " + name);
  if (compression > 0) {
    check(H5Pset_shuffle(create.get()), "shuffle filter on " + name);
    check(H5Pset_deflate(create.get(), static_cast<unsigned>(compression)),
          "deflate filter on " + name);
  }
  dataset_ = make_dataset(H5Dcreate2(parent, name.c_str(), type_.get(), space.get(), H5P_DEFAULT,
                                     create.get(), H5P_DEFAULT),
                          "creating table " + name);
}

void PackedTable::append(const void* rows, std::size_t count) {
  if (count == 0) return;
  const hsize_t start = rows_;
  const hsize_t added = count;
  const hsize_t size = rows_ + count;
  check(H5Dset_extent(dataset_.get(), &size), "extending table " + name_);
  const Hid file_space = make_space(H5Dget_space(dataset_.get()), "table " + name_);
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &added, nullptr),
        "selecting rows of " + name_);
  const Hid memory_space = make_space(H5Screate_simple(1, &added, nullptr), "table " + name_);
  check(H5Dwrite(dataset_.get(), type_.get(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                 rows),
        "writing rows of " + name_);
  rows_ += count;
}

void PackedTable::append_filtered_chunk(const std::vector<std::byte>& chunk, std::size_t count) {
  if (count == 0) return;
  if (rows_ % chunk_rows_ != 0 || count > chunk_rows_) {
    throw TraceIoError("table " + name_ + ": a filtered chunk must start on a chunk boundary");
  }
  const hsize_t offset = rows_;
  const hsize_t size = rows_ + count;
  check(H5Dset_extent(dataset_.get(), &size), "extending table " + name_);
  check(H5Dwrite_chunk(dataset_.get(), H5P_DEFAULT, 0, &offset, chunk.size(), chunk.data()),
        "writing a chunk of " + name_);
  rows_ += count;
}

}  // namespace circlesim::sim::trace
