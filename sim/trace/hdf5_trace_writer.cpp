#include "sim/trace/hdf5_trace_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/packed_table.hpp"
#include "sim/trace/sha256.hpp"
#include "sim/trace/trace_layout.hpp"

namespace circlesim::sim::trace {

namespace {

// Blocks waiting for the writer thread, and chunks waiting for compression, at most this many:
// bounded memory.
constexpr std::size_t kQueuedBlocks = 4;
// Compression threads: two keep up with a simulation on the first core (docs/performance.md).
constexpr std::size_t kCompressionThreads = 2;

// Packs rows into `capacity_rows` rows' worth of bytes (zero padding after the last row: a
// chunk is always stored whole).
std::vector<std::byte> pack_requests(const std::vector<RequestRecord>& rows,
                                     std::size_t capacity_rows) {
  std::vector<std::byte> packed(capacity_rows * layout::request_column::kRowSize);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    layout::pack_request(packed.data() + i * layout::request_column::kRowSize, rows[i]);
  }
  return packed;
}

std::vector<std::byte> pack_events(const std::vector<EventRecord>& rows,
                                   std::size_t capacity_rows) {
  std::vector<std::byte> packed(capacity_rows * layout::event_column::kRowSize);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    layout::pack_event(packed.data() + i * layout::event_column::kRowSize, rows[i]);
  }
  return packed;
}

// Arrays of at least this many bytes are chunked and compressed (histograms are mostly zeros,
// time series of a city are large); smaller ones are not worth a chunk index.
constexpr std::size_t kCompressArraysFrom = 4096;
// Rows of an array per chunk: about this many bytes.
constexpr std::size_t kArrayChunkBytes = 1 << 20;

void write_array(hid_t parent, const std::string& name, hid_t type, std::vector<hsize_t> dims,
                 const void* data, int compression) {
  const Hid space =
      make_space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), name);
  const Hid create = make_plist(H5Pcreate(H5P_DATASET_CREATE), "dataset " + name);
  const std::size_t element_size = H5Tget_size(type);
  std::size_t bytes = element_size;
  for (const hsize_t d : dims) bytes *= d;
  const bool compress = compression > 0 && bytes >= kCompressArraysFrom;
  std::vector<hsize_t> chunk = dims;  // whole rows (the first dimension), ~kArrayChunkBytes
  const std::size_t row_bytes = bytes / std::max<hsize_t>(1, dims.front());
  if (compress) {
    chunk.front() = std::clamp<hsize_t>(kArrayChunkBytes / std::max<std::size_t>(1, row_bytes), 1,
                                        dims.front());
    check(H5Pset_chunk(create.get(), static_cast<int>(chunk.size()), chunk.data()),
          "chunking " + name);
    check(H5Pset_shuffle(create.get()), "shuffle filter on " + name);
    check(H5Pset_deflate(create.get(), static_cast<unsigned>(compression)),
          "deflate filter on " + name);
  }
  const Hid dataset = make_dataset(
      H5Dcreate2(parent, name.c_str(), type, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
      "creating dataset " + name);
  if (!compress) {
    const Hid transfer = conversion_transfer(bytes);
    check(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, transfer.get(), data),
          "writing dataset " + name);
    return;
  }
  // Each chunk shuffled and deflated here, by libdeflate, and written as stored: HDF5's own
  // filter would deflate it with zlib at a third of the speed (the scalars of every trace). The
  // memory type is the file type, so the bytes are stored as they are; the last chunk is
  // padded with zeros, since HDF5 stores edge chunks whole.
  const std::size_t chunk_bytes = chunk.front() * row_bytes;
  const auto* source = static_cast<const std::byte*>(data);
  std::vector<hsize_t> offset(dims.size(), 0);
  for (std::size_t begin = 0; begin < bytes; begin += chunk_bytes) {
    std::vector<std::byte> raw(chunk_bytes);
    std::copy_n(source + begin, std::min(chunk_bytes, bytes - begin), raw.begin());
    const std::vector<std::byte> stored =
        deflate_bytes(shuffle_bytes(raw, element_size), compression);
    offset.front() = begin / row_bytes;
    check(
        H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0, offset.data(), stored.size(), stored.data()),
        "writing a chunk of " + name);
  }
}

}  // namespace

namespace {

// An array of doubles that grows by rows: a time series written block by block while the
// simulation runs. A vector (rank 1, one column) or a matrix (rank 2, rows x columns: also with
// one column, so that a series of one room keeps the [T, R] shape readers expect).
class GrowingArray {
 public:
  GrowingArray(hid_t parent, const std::string& name, std::size_t columns, int compression,
               int rank, std::size_t expected_rows)
      : name_(name),
        columns_(columns),
        rank_(rank),
        chunk_rows_(chunk_rows_for(columns, expected_rows)) {
    const std::array<hsize_t, 2> initial{0, columns};
    const std::array<hsize_t, 2> maximum{H5S_UNLIMITED, columns};
    const Hid space = make_space(H5Screate_simple(rank, initial.data(), maximum.data()), name);
    const Hid create = make_plist(H5Pcreate(H5P_DATASET_CREATE), "dataset " + name);
    // Chunks of whole rows, about kArrayChunkBytes each.
    const std::array<hsize_t, 2> chunk{chunk_rows_, columns};
    check(H5Pset_chunk(create.get(), rank, chunk.data()), "chunking " + name);
    if (compression > 0) {
      check(H5Pset_shuffle(create.get()), "shuffle filter on " + name);
      check(H5Pset_deflate(create.get(), static_cast<unsigned>(compression)),
            "deflate filter on " + name);
    }
    dataset_ = make_dataset(H5Dcreate2(parent, name.c_str(), H5T_NATIVE_DOUBLE, space.get(),
                                       H5P_DEFAULT, create.get(), H5P_DEFAULT),
                            "creating dataset " + name);
  }

  void append(const double* values, std::size_t rows) {
    if (rows == 0) return;
    const int rank = rank_;
    const std::array<hsize_t, 2> size{rows_ + rows, columns_};
    check(H5Dset_extent(dataset_.get(), size.data()), "extending " + name_);
    const Hid file_space = make_space(H5Dget_space(dataset_.get()), name_);
    const std::array<hsize_t, 2> start{rows_, 0};
    const std::array<hsize_t, 2> count{rows, columns_};
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                              nullptr),
          "selecting rows of " + name_);
    const Hid memory_space = make_space(H5Screate_simple(rank, count.data(), nullptr), name_);
    check(H5Dwrite(dataset_.get(), H5T_NATIVE_DOUBLE, memory_space.get(), file_space.get(),
                   H5P_DEFAULT, values),
          "writing rows of " + name_);
    rows_ += rows;
  }

  // Rows of a chunk (the dataset's chunk shape is rows x all columns).
  [[nodiscard]] std::size_t chunk_rows() const { return chunk_rows_; }
  // About kArrayChunkBytes of rows, but no more rows than the series is expected to have (0:
  // unknown): a chunk is stored, and compressed, whole, zeros and all.
  static std::size_t chunk_rows_for(std::size_t columns, std::size_t expected_rows) {
    const std::size_t rows =
        std::max<std::size_t>(1, kArrayChunkBytes / (sizeof(double) * columns));
    return expected_rows > 0 ? std::min(rows, expected_rows) : rows;
  }

  // One chunk already shuffled and deflated (ChunkCompressor) holding `rows` rows, written as
  // stored; it must start on a chunk boundary.
  void append_filtered_chunk(const std::vector<std::byte>& chunk, std::size_t rows) {
    if (rows == 0) return;
    if (rows_ % chunk_rows() != 0 || rows > chunk_rows()) {
      throw TraceIoError(name_ + ": a filtered chunk must start on a chunk boundary");
    }
    const std::array<hsize_t, 2> size{rows_ + rows, columns_};
    check(H5Dset_extent(dataset_.get(), size.data()), "extending " + name_);
    const std::array<hsize_t, 2> offset{rows_, 0};
    check(H5Dwrite_chunk(dataset_.get(), H5P_DEFAULT, 0, offset.data(), chunk.size(), chunk.data()),
          "writing a chunk of " + name_);
    rows_ += rows;
  }

 private:
  std::string name_;
  hsize_t columns_;
  int rank_;
  hsize_t chunk_rows_;
  hsize_t rows_ = 0;
  Hid dataset_;
};

struct SeriesTables {
  GrowingArray time;
  GrowingArray value;
  std::size_t entities;
};

}  // namespace

struct Hdf5TraceWriter::Hdf5State {
  Hid file;
  std::optional<PackedTable> requests;
  std::optional<PackedTable> events;
  std::map<std::string, SeriesTables> series;  // time series by metric, as they grow
};

Hdf5TraceWriter::Hdf5TraceWriter(std::filesystem::path path, WriterOptions options)
    : path_(std::move(path)),
      options_(options),
      state_(std::make_shared<Hdf5State>()),
      worker_(std::make_unique<BackgroundWorker>(kQueuedBlocks)) {
  if (options_.compression < 0 || options_.compression > 9) {
    throw TraceIoError(fmt::format("compression level must be 0..9, got {}", options_.compression));
  }
  std::error_code error;
  if (std::filesystem::exists(path_, error) && !options_.overwrite) {
    throw TraceIoError(
        fmt::format("{}: already exists (use --overwrite to replace it)", path_.string()));
  }
  if (path_.has_parent_path()) {
    std::filesystem::create_directories(path_.parent_path(), error);
    if (error) {
      throw TraceIoError(fmt::format("{}: cannot create directory: {}",
                                     path_.parent_path().string(), error.message()));
    }
  }
  requests_.reserve(options_.chunk_rows);
  if (options_.level == TraceLevel::kEvents) events_.reserve(options_.chunk_rows);
  if (options_.compression > 0) {
    compressor_ =
        std::make_unique<ChunkCompressor>(options_.compression, kCompressionThreads, kQueuedBlocks);
  }
  const std::string part = part_path().string();
  auto state = state_;
  worker_->submit([state, part] {
    silence_hdf5_errors();
    state->file = make_file(H5Fcreate(part.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                            part + ": cannot create trace file");
  });
  worker_->wait();
}

Hdf5TraceWriter::~Hdf5TraceWriter() {
  if (!finished_) abandon();
}

std::filesystem::path Hdf5TraceWriter::part_path() const {
  return std::filesystem::path(path_.string() + ".part");
}

void Hdf5TraceWriter::abandon() noexcept {
  silence_hdf5_errors();  // closing a file whose writes failed fails too; that is expected here
  try {
    worker_->wait();
  } catch (...) {  // the run already failed; its first error is what gets reported
  }
  worker_.reset();  // joins; nothing touches the file afterwards
  state_->requests.reset();
  state_->events.reset();
  state_->file.reset();
  std::error_code ignored;
  std::filesystem::remove(part_path(), ignored);
}

void Hdf5TraceWriter::begin(const Provenance& p) {
  auto state = state_;
  const WriterOptions options = options_;
  const std::size_t chunk_rows = options_.chunk_rows;
  worker_->submit([state, p, options, chunk_rows] {
    silence_hdf5_errors();
    const hid_t root = state->file.get();
    write_attribute(root, "format", std::string("circlesim-trace"));
    write_attribute(root, "format_version", kFormatVersion);
    write_attribute(root, "status", std::string("running"));
    write_attribute(root, "trace_level", std::string(to_string(options.level)));
    write_attribute(root, "software_version", p.software_version);
    write_attribute(root, "git_sha", p.git_sha);
    write_attribute(root, "created_utc", p.created_utc);
    write_attribute(root, "scenario_name", p.scenario_name);
    write_attribute(root, "variant", p.variant);
    write_attribute(root, "replication", p.replication);
    write_attribute(root, "master_seed", p.master_seed);
    write_attribute(root, "time_unit", std::string("min"));
    write_attribute(root, "warmup", p.warmup);
    write_attribute(root, "horizon", p.horizon);
    write_attribute(root, "compression_level", std::int64_t{options.compression});
    write_attribute(root, "hdf5_version", p.hdf5_version);
    write_attribute(root, "yaml_cpp_version", p.yaml_cpp_version);
    write_attribute(root, "boost_version", p.boost_version);

    const Hid scenario = ensure_group(root, "/scenario");
    write_string_dataset(scenario.get(), "source_yaml", p.source_yaml);
    write_string_dataset(scenario.get(), "resolved_yaml", p.resolved_yaml);
    {
      const Hid source = make_dataset(H5Dopen2(scenario.get(), "source_yaml", H5P_DEFAULT),
                                      "/scenario/source_yaml");
      write_attribute(source.get(), "sha256", sha256_hex(p.source_yaml));
      write_attribute(source.get(), "path", p.source_path);
      const Hid resolved = make_dataset(H5Dopen2(scenario.get(), "resolved_yaml", H5P_DEFAULT),
                                        "/scenario/resolved_yaml");
      write_attribute(resolved.get(), "sha256", sha256_hex(p.resolved_yaml));
    }

    if (options.level >= TraceLevel::kRequests) {
      const Hid group = ensure_group(root, "/trace");
      const Hid type = layout::request_row_type();
      state->requests.emplace(group.get(), "requests", type.get(), chunk_rows, options.compression);
      if (options.level >= TraceLevel::kEvents) {
        const Hid events = layout::event_row_type();
        state->events.emplace(group.get(), "events", events.get(), chunk_rows, options.compression);
      }
    }
    // A crash from here on leaves a readable file that says it is not complete.
    check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flushing the trace file");
  });
}

void Hdf5TraceWriter::write_lookup(const std::string& kind, const std::vector<std::string>& names) {
  auto state = state_;
  worker_->submit([state, kind, names] {
    const Hid lookup = ensure_group(state->file.get(), "/lookup");
    write_string_list(lookup.get(), kind, names);
  });
}

void Hdf5TraceWriter::append_requests(std::span<const RequestRecord> rows) {
  if (options_.level < TraceLevel::kRequests) return;
  for (const RequestRecord& row : rows) {
    requests_.push_back(row);
    if (requests_.size() == options_.chunk_rows) flush_requests();
  }
}

void Hdf5TraceWriter::append_events(std::span<const EventRecord> rows) {
  if (options_.level < TraceLevel::kEvents) return;
  for (const EventRecord& row : rows) {
    events_.push_back(row);
    if (events_.size() == options_.chunk_rows) flush_events();
  }
}

void Hdf5TraceWriter::flush_requests() {
  if (requests_.empty()) return;
  // A compressed chunk is stored whole, so it is packed to full size; plain rows need not be.
  const std::size_t capacity = compressor_ ? options_.chunk_rows : requests_.size();
  write_block(pack_requests(requests_, capacity), requests_.size(), kRequestRowSize, false);
  requests_.clear();
}

void Hdf5TraceWriter::flush_events() {
  if (events_.empty()) return;
  const std::size_t capacity = compressor_ ? options_.chunk_rows : events_.size();
  write_block(pack_events(events_, capacity), events_.size(), kEventRowSize, true);
  events_.clear();
}

void Hdf5TraceWriter::write_block(std::vector<std::byte> packed, std::size_t rows,
                                  std::size_t row_size, bool events) {
  auto state = state_;
  if (compressor_) {
    auto chunk = compressor_->submit(std::move(packed), row_size);
    worker_->submit([state, chunk, rows, events] {
      PackedTable& table = events ? *state->events : *state->requests;
      table.append_filtered_chunk(chunk.get(), rows);
    });
  } else {
    auto block = std::make_shared<std::vector<std::byte>>(std::move(packed));
    worker_->submit([state, block, rows, events] {
      PackedTable& table = events ? *state->events : *state->requests;
      table.append(block->data(), rows);
    });
  }
}

void Hdf5TraceWriter::write_timeseries(const TimeSeries& series) {
  if (series.entities == 0) {
    throw TraceIoError(
        fmt::format("time series {}: no entities (write none instead)", series.metric));
  }
  if (series.values.size() != series.times.size() * series.entities) {
    throw TraceIoError(fmt::format("time series {}: {} values for {} times x {} entities",
                                   series.metric, series.values.size(), series.times.size(),
                                   series.entities));
  }
  auto state = state_;
  const bool compressing = compressor_ != nullptr;
  worker_->submit([state, series, compressing, level = options_.compression] {
    auto found = state->series.find(series.metric);
    if (found == state->series.end()) {
      // First block: the group, its attributes, and tables that grow by rows (time first).
      const Hid group = ensure_group(state->file.get(), "/timeseries/" + series.metric);
      write_attribute(group.get(), "unit", series.unit);
      write_attribute(group.get(), "entity", series.entity);
      write_attribute(group.get(), "statistic", series.statistic);
      write_attribute(group.get(), "interval", series.interval);
      found = state->series
                  .emplace(series.metric,
                           SeriesTables{
                               GrowingArray(group.get(), "time", 1, level, 1, series.expected_rows),
                               GrowingArray(group.get(), "value",
                                            std::max<std::size_t>(1, series.entities), level, 2,
                                            series.expected_rows),
                               series.entities})
                  .first;
    }
    if (found->second.entities != series.entities) {
      throw TraceIoError(fmt::format("time series {}: a block of {} entities after {}",
                                     series.metric, series.entities, found->second.entities));
    }
    found->second.time.append(series.times.data(), series.times.size());
    if (!compressing) found->second.value.append(series.values.data(), series.times.size());
  });
  if (!compressing) return;
  PendingSeries& pending = pending_series_[series.metric];
  if (pending.chunk_rows == 0) {
    pending.entities = std::max<std::size_t>(1, series.entities);
    pending.chunk_rows = GrowingArray::chunk_rows_for(pending.entities, series.expected_rows);
  }
  pending.values.insert(pending.values.end(), series.values.begin(), series.values.end());
  pending.rows += series.times.size();
  flush_series(series.metric, pending, false);
}

void Hdf5TraceWriter::flush_series(const std::string& metric, PendingSeries& pending,
                                   bool partial) {
  const std::size_t per_chunk = pending.chunk_rows * pending.entities;
  std::size_t first = 0;  // first buffered row not yet handed on
  while (pending.rows - first >= pending.chunk_rows || (partial && pending.rows > first)) {
    const std::size_t rows = std::min(pending.chunk_rows, pending.rows - first);
    std::vector<std::byte> bytes(per_chunk * sizeof(double));  // zeros pad a last partial chunk
    std::memcpy(bytes.data(), pending.values.data() + first * pending.entities,
                rows * pending.entities * sizeof(double));
    auto chunk = compressor_->submit(std::move(bytes), sizeof(double));
    auto state = state_;
    worker_->submit([state, metric, chunk, rows] {
      state->series.at(metric).value.append_filtered_chunk(chunk.get(), rows);
    });
    first += rows;
  }
  pending.values.erase(
      pending.values.begin(),
      pending.values.begin() + static_cast<std::ptrdiff_t>(first * pending.entities));
  pending.rows -= first;
}

void Hdf5TraceWriter::write_scalars(std::span<const ScalarRecord> scalars) {
  constexpr std::size_t kRow = layout::scalar_column::kRowSize;
  auto packed = std::make_shared<std::vector<std::byte>>(scalars.size() * kRow);
  for (std::size_t i = 0; i < scalars.size(); ++i) {
    layout::pack_scalar(packed->data() + i * kRow, scalars[i]);
  }
  const std::size_t count = scalars.size();
  auto state = state_;
  worker_->submit([state, packed, count, level = options_.compression] {
    const Hid type = layout::scalar_row_type();
    write_array(state->file.get(), "/scalars", type.get(), {count}, packed->data(), level);
  });
}

void Hdf5TraceWriter::write_histograms(const HistogramSet& h) {
  const std::size_t buckets = h.edges.empty() ? 0 : h.edges.size() - 1;
  if (h.counts.size() != h.zero_counts.size() * buckets ||
      h.overflow_counts.size() != h.zero_counts.size()) {
    throw TraceIoError(fmt::format(
        "histograms {}: {} counts, {} overflow counts for {} entities x {} buckets", h.metric,
        h.counts.size(), h.overflow_counts.size(), h.zero_counts.size(), buckets));
  }
  auto state = state_;
  worker_->submit([state, h, buckets, level = options_.compression] {
    const Hid group = ensure_group(state->file.get(), "/histograms/" + h.metric);
    const std::size_t entities = h.zero_counts.size();
    write_array(group.get(), "edges", H5T_NATIVE_DOUBLE, {h.edges.size()}, h.edges.data(), level);
    write_array(group.get(), "counts", H5T_NATIVE_UINT64, {entities, buckets}, h.counts.data(),
                level);
    write_array(group.get(), "zero_count", H5T_NATIVE_UINT64, {entities}, h.zero_counts.data(),
                level);
    write_array(group.get(), "overflow_count", H5T_NATIVE_UINT64, {entities},
                h.overflow_counts.data(), level);
    write_attribute(group.get(), "unit", h.unit);
    write_attribute(group.get(), "entity", h.entity);
    write_attribute(group.get(), "relative_error", h.relative_error);
  });
}

namespace {

// The checks of write_table, on the calling thread: the error names the table.
void check_table(const std::string& name, const Table& table) {
  static constexpr std::string_view kReserved[] = {"scenario",   "lookup",  "trace",
                                                   "timeseries", "scalars", "histograms"};
  const auto bad_name = [&](const std::string& why) {
    return TraceIoError(fmt::format("table '{}': {}", name, why));
  };
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = std::min(name.find('/', begin), name.size());
    const std::string_view part = std::string_view(name).substr(begin, end - begin);
    if (part.empty()) throw bad_name("a path of non-empty parts separated by '/' was expected");
    for (const char c : part) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
      if (!ok) throw bad_name(fmt::format("'{}' is not a letter, digit, '_', '-' or '.'", c));
    }
    if (begin == 0 &&
        std::find(std::begin(kReserved), std::end(kReserved), part) != std::end(kReserved)) {
      throw bad_name(fmt::format("/{} is reserved for the trace's own data", part));
    }
    if (end == name.size()) break;
    begin = end + 1;
  }
  if (table.columns.empty()) throw bad_name("no columns");
  std::set<std::string_view> seen;
  // HDF5 keeps the row type in one header message of at most 64 KiB: about 50 bytes a column
  // besides its name (measured on 1.10.8); refuse here rather than fail on the writer thread.
  constexpr std::size_t kTypeMessageBytes = 65535;
  constexpr std::size_t kBytesPerColumn = 56;
  std::size_t type_bytes = 0;
  for (const TableColumn& column : table.columns)
    type_bytes += column.name.size() + 1 + kBytesPerColumn;
  if (type_bytes > kTypeMessageBytes) {
    throw bad_name(fmt::format(
        "{} columns with {} bytes of names are too many for one HDF5 table (its row type must "
        "fit in 64 KiB: fewer or shorter column names)",
        table.columns.size(), type_bytes - table.columns.size() * (1 + kBytesPerColumn)));
  }
  for (const TableColumn& column : table.columns) {
    if (column.name.empty()) throw bad_name("a column without a name");
    if (!seen.insert(column.name).second) {
      throw bad_name(fmt::format("column '{}' appears twice", column.name));
    }
    if (column.values.size() != table.rows()) {
      throw bad_name(fmt::format("column '{}' has {} rows, column '{}' {}", column.name,
                                 column.values.size(), table.columns.front().name, table.rows()));
    }
  }
}

}  // namespace

void Hdf5TraceWriter::write_table(const std::string& name, const Table& table) {
  check_table(name, table);
  const std::size_t columns = table.columns.size();
  const std::size_t rows = table.rows();
  // Row-major: the memory layout of the compound type, so HDF5 converts nothing.
  auto packed = std::make_shared<std::vector<double>>(rows * columns);
  for (std::size_t c = 0; c < columns; ++c) {
    const std::vector<double>& values = table.columns[c].values;
    for (std::size_t r = 0; r < rows; ++r) (*packed)[r * columns + c] = values[r];
  }
  std::vector<std::string> names;
  names.reserve(columns);
  for (const TableColumn& column : table.columns) names.push_back(column.name);
  auto state = state_;
  worker_->submit([state, name, names, packed, rows, attributes = table.attributes,
                   level = options_.compression] {
    const std::string path = "/" + name;
    const Hid type = make_type(H5Tcreate(H5T_COMPOUND, names.size() * sizeof(double)),
                               "row type of table " + path);
    for (std::size_t c = 0; c < names.size(); ++c) {
      check(H5Tinsert(type.get(), names[c].c_str(), c * sizeof(double), H5T_NATIVE_DOUBLE),
            fmt::format("column '{}' of table {}", names[c], path));
    }
    const std::size_t slash = path.rfind('/');
    const Hid parent = ensure_group(state->file.get(), path.substr(0, slash));
    const std::string leaf = path.substr(slash + 1);
    if (rows == 0) {
      // write_array would hand HDF5 an empty buffer, which H5Dwrite refuses.
      const hsize_t none = 0;
      const Hid space = make_space(H5Screate_simple(1, &none, nullptr), path);
      const Hid created =
          make_dataset(H5Dcreate2(parent.get(), leaf.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       "creating table " + path);
    } else {
      write_array(parent.get(), leaf, type.get(), {rows}, packed->data(), level);
    }
    const Hid dataset =
        make_dataset(H5Dopen2(parent.get(), leaf.c_str(), H5P_DEFAULT), "opening table " + path);
    for (const auto& [key, value] : attributes) {
      std::visit([&](const auto& v) { write_attribute(dataset.get(), key, v); }, value);
    }
  });
}

void Hdf5TraceWriter::finish(TraceStatus status, double stopped_at) {
  flush_requests();
  flush_events();
  for (auto& [metric, pending] : pending_series_) flush_series(metric, pending, true);
  auto state = state_;
  worker_->submit([state, status, stopped_at] {
    const hid_t root = state->file.get();
    if (status == TraceStatus::kInterrupted) write_attribute(root, "interrupted_at", stopped_at);
    write_attribute(root, "status",
                    std::string(status == TraceStatus::kComplete ? "complete" : "interrupted"));
    state->requests.reset();
    state->events.reset();
    check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flushing the trace file");
    if (!state->file.reset()) check(-1, "closing the trace file");
  });
  worker_->wait();
  finished_ = true;
  if (status == TraceStatus::kComplete) {
    std::error_code error;
    std::filesystem::rename(part_path(), path_, error);
    if (error) {
      throw TraceIoError(fmt::format("{}: cannot rename to {}: {}", part_path().string(),
                                     path_.string(), error.message()));
    }
  }
}

}  // namespace circlesim::sim::trace
