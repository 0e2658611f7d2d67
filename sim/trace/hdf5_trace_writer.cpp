#include "sim/trace/hdf5_trace_writer.hpp"

#include <fmt/format.h>

#include <cstring>
#include <optional>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/packed_table.hpp"
#include "sim/trace/sha256.hpp"

namespace circlesim::sim::trace {

namespace {

// Blocks waiting for the writer thread, and chunks waiting for compression, at most this many:
// bounded memory.
constexpr std::size_t kQueuedBlocks = 4;
// Compression threads: two keep up with a simulation on the first core (docs/performance.md).
constexpr std::size_t kCompressionThreads = 2;

Hid outcome_enum_type() {
  Hid type = make_type(H5Tenum_create(H5T_NATIVE_UINT8), "outcome enum");
  for (int value = 0; value < kRequestOutcomeCount; ++value) {
    const auto code = static_cast<std::uint8_t>(value);
    const std::string name(to_string(static_cast<RequestOutcome>(value)));
    check(H5Tenum_insert(type.get(), name.c_str(), &code), "outcome enum");
  }
  return type;
}

// Builds a packed compound type from (name, offset, type) members of a row of `size` bytes.
struct Member {
  const char* name;
  std::size_t offset;
  hid_t type;
};
Hid compound_type(std::size_t size, std::initializer_list<Member> members) {
  Hid type = make_type(H5Tcreate(H5T_COMPOUND, size), "compound type");
  for (const Member& m : members) {
    check(H5Tinsert(type.get(), m.name, m.offset, m.type), std::string("member ") + m.name);
  }
  return type;
}

Hid request_type() {
  const Hid outcome = outcome_enum_type();
  return compound_type(Hdf5TraceWriter::kRequestRowSize, {{"request", 0, H5T_NATIVE_UINT64},
                                                          {"resident", 8, H5T_NATIVE_UINT32},
                                                          {"group", 12, H5T_NATIVE_UINT16},
                                                          {"service", 14, H5T_NATIVE_UINT16},
                                                          {"facility", 16, H5T_NATIVE_UINT32},
                                                          {"room", 20, H5T_NATIVE_UINT32},
                                                          {"outcome", 24, outcome.get()},
                                                          {"arrival", 25, H5T_NATIVE_DOUBLE},
                                                          {"start", 33, H5T_NATIVE_DOUBLE},
                                                          {"end", 41, H5T_NATIVE_DOUBLE},
                                                          {"travel", 49, H5T_NATIVE_DOUBLE}});
}

Hid event_type() {
  return compound_type(Hdf5TraceWriter::kEventRowSize, {{"time", 0, H5T_NATIVE_DOUBLE},
                                                        {"handler", 8, H5T_NATIVE_UINT16},
                                                        {"kind", 10, H5T_NATIVE_UINT16},
                                                        {"payload", 12, H5T_NATIVE_UINT32}});
}

template <class T>
void put(std::byte* row, std::size_t offset, T value) {
  std::memcpy(row + offset, &value, sizeof value);
}

// Packs rows into `capacity_rows` rows' worth of bytes (zero padding after the last row: a
// chunk is always stored whole).
std::vector<std::byte> pack_requests(const std::vector<RequestRecord>& rows,
                                     std::size_t capacity_rows) {
  std::vector<std::byte> packed(capacity_rows * Hdf5TraceWriter::kRequestRowSize);
  std::byte* row = packed.data();
  for (const RequestRecord& r : rows) {
    put(row, 0, r.request);
    put(row, 8, r.resident);
    put(row, 12, r.group);
    put(row, 14, r.service);
    put(row, 16, r.facility);
    put(row, 20, r.room);
    put(row, 24, static_cast<std::uint8_t>(r.outcome));
    put(row, 25, r.arrival);
    put(row, 33, r.start);
    put(row, 41, r.end);
    put(row, 49, r.travel);
    row += Hdf5TraceWriter::kRequestRowSize;
  }
  return packed;
}

std::vector<std::byte> pack_events(const std::vector<EventRecord>& rows,
                                   std::size_t capacity_rows) {
  std::vector<std::byte> packed(capacity_rows * Hdf5TraceWriter::kEventRowSize);
  std::byte* row = packed.data();
  for (const EventRecord& e : rows) {
    put(row, 0, e.time);
    put(row, 8, e.handler);
    put(row, 10, e.kind);
    put(row, 12, e.payload);
    row += Hdf5TraceWriter::kEventRowSize;
  }
  return packed;
}

void write_array(hid_t parent, const std::string& name, hid_t type, std::vector<hsize_t> dims,
                 const void* data) {
  const Hid space =
      make_space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), name);
  const Hid dataset = make_dataset(
      H5Dcreate2(parent, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      "creating dataset " + name);
  check(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
        "writing dataset " + name);
}

}  // namespace

struct Hdf5TraceWriter::Hdf5State {
  Hid file;
  std::optional<PackedTable> requests;
  std::optional<PackedTable> events;
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
      const Hid type = request_type();
      state->requests.emplace(group.get(), "requests", type.get(), chunk_rows, options.compression);
      if (options.level >= TraceLevel::kEvents) {
        const Hid events = event_type();
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
  auto state = state_;
  worker_->submit([state, series] {
    const Hid group = ensure_group(state->file.get(), "/timeseries/" + series.metric);
    write_array(group.get(), "time", H5T_NATIVE_DOUBLE, {series.times.size()}, series.times.data());
    write_array(group.get(), "value", H5T_NATIVE_DOUBLE, {series.times.size(), series.entities},
                series.values.data());
    write_attribute(group.get(), "unit", series.unit);
    write_attribute(group.get(), "entity", series.entity);
    write_attribute(group.get(), "statistic", series.statistic);
    write_attribute(group.get(), "interval", series.interval);
  });
}

void Hdf5TraceWriter::write_scalars(std::span<const ScalarRecord> scalars) {
  // name S48, entity S16, entity_id u32, value f64, unit S16: 92 bytes, packed.
  constexpr std::size_t kName = 48, kEntity = 16, kUnit = 16;
  constexpr std::size_t kRow = kName + kEntity + 4 + 8 + kUnit;
  auto packed = std::make_shared<std::vector<std::byte>>(scalars.size() * kRow);
  std::byte* row = packed->data();
  auto put_text = [](std::byte* at, const std::string& text, std::size_t width) {
    std::memcpy(at, text.data(), std::min(text.size(), width));  // rest stays NUL
  };
  for (const ScalarRecord& s : scalars) {
    put_text(row, s.name, kName);
    put_text(row + kName, s.entity, kEntity);
    put(row, kName + kEntity, s.entity_id);
    put(row, kName + kEntity + 4, s.value);
    put_text(row + kName + kEntity + 12, s.unit, kUnit);
    row += kRow;
  }
  const std::size_t count = scalars.size();
  auto state = state_;
  worker_->submit([state, packed, count] {
    auto text_type = [](std::size_t width) {
      Hid type = make_type(H5Tcopy(H5T_C_S1), "string type");
      check(H5Tset_size(type.get(), width), "string type");
      check(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "string type");
      return type;
    };
    const Hid name = text_type(kName), entity = text_type(kEntity), unit = text_type(kUnit);
    const Hid type = compound_type(kRow, {{"name", 0, name.get()},
                                          {"entity", kName, entity.get()},
                                          {"entity_id", kName + kEntity, H5T_NATIVE_UINT32},
                                          {"value", kName + kEntity + 4, H5T_NATIVE_DOUBLE},
                                          {"unit", kName + kEntity + 12, unit.get()}});
    write_array(state->file.get(), "/scalars", type.get(), {count}, packed->data());
  });
}

void Hdf5TraceWriter::write_histograms(const HistogramSet& h) {
  auto state = state_;
  worker_->submit([state, h] {
    const Hid group = ensure_group(state->file.get(), "/histograms/" + h.metric);
    const std::size_t buckets = h.edges.empty() ? 0 : h.edges.size() - 1;
    const std::size_t entities = h.zero_counts.size();
    write_array(group.get(), "edges", H5T_NATIVE_DOUBLE, {h.edges.size()}, h.edges.data());
    write_array(group.get(), "counts", H5T_NATIVE_UINT64, {entities, buckets}, h.counts.data());
    write_array(group.get(), "zero_count", H5T_NATIVE_UINT64, {entities}, h.zero_counts.data());
    write_array(group.get(), "overflow_count", H5T_NATIVE_UINT64, {entities},
                h.overflow_counts.data());
    write_attribute(group.get(), "unit", h.unit);
    write_attribute(group.get(), "entity", h.entity);
    write_attribute(group.get(), "relative_error", h.relative_error);
  });
}

void Hdf5TraceWriter::finish(TraceStatus status, double stopped_at) {
  flush_requests();
  flush_events();
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
