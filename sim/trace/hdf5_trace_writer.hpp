// The HDF5 trace sink (layout: docs/trace-format.md). Crash-safe: the file is written as
// NAME.h5.part with status "running", and renamed to NAME.h5 only after a clean close with status
// "complete". An interrupted run closes it with status "interrupted" and leaves it as .part. A
// write error (full disk, lost directory) removes the .part and throws TraceIoError.
//
// All HDF5 work runs on one background thread, and compression on a small pool of others
// (chunk_compressor.hpp), so on the other cores it overlaps the simulation; the simulation
// thread only fills and packs row buffers of one chunk each. The queues between them are
// bounded, so memory does not grow with the length of the run.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/trace/background_worker.hpp"
#include "sim/trace/chunk_compressor.hpp"
#include "sim/trace/trace_layout.hpp"
#include "sim/trace/trace_sink.hpp"

namespace circlesim::sim::trace {

inline constexpr std::int64_t kFormatVersion = 1;

struct WriterOptions {
  TraceLevel level = TraceLevel::kRequests;
  int compression = 1;             // deflate level 0..9 (0 = off); 1 measured best (performance.md)
  std::size_t chunk_rows = 16384;  // rows per chunk and per block handed to the writer thread
  bool overwrite = false;          // replace an existing NAME.h5
};

class Hdf5TraceWriter final : public TraceSink {
 public:
  // Creates `path` + ".part" (and missing parent directories). Throws TraceIoError when `path`
  // exists and !options.overwrite, or when the file cannot be created.
  Hdf5TraceWriter(std::filesystem::path path, WriterOptions options);
  // Without finish(), the run failed: the .part file is removed.
  ~Hdf5TraceWriter() override;

  [[nodiscard]] TraceLevel level() const override { return options_.level; }
  void begin(const Provenance& provenance) override;
  void write_lookup(const std::string& kind, const std::vector<std::string>& names) override;
  void append_requests(std::span<const RequestRecord> rows) override;
  void append_events(std::span<const EventRecord> rows) override;
  void write_timeseries(const TimeSeries& series) override;
  void write_scalars(std::span<const ScalarRecord> scalars) override;
  void write_histograms(const HistogramSet& histograms) override;
  // A compound dataset of float64 members, one row per table row, the attributes on it. Throws
  // TraceIoError for a bad name (empty part, a reserved group) or ragged or unnamed columns.
  void write_table(const std::string& name, const Table& table) override;
  void finish(TraceStatus status, double stopped_at) override;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path part_path() const;

  // Packed row sizes of /trace/requests and /trace/events, bytes.
  static constexpr std::size_t kRequestRowSize = layout::request_column::kRowSize;
  static constexpr std::size_t kEventRowSize = layout::event_column::kRowSize;

 private:
  struct Hdf5State;  // the open file and tables; touched only on the worker thread
  void flush_requests();
  void flush_events();
  // Values of a time series waiting for a whole chunk of rows, when compressing: chunks go
  // through the compressor's threads like table chunks (HDF5's own filter would deflate them
  // on the writer thread, one at a time, with zlib).
  struct PendingSeries {
    std::size_t entities = 0;
    std::size_t chunk_rows = 0;
    std::size_t rows = 0;  // buffered
    std::vector<double> values;
  };
  // Hands the buffered rows of `metric` to the compressor: whole chunks, and with `partial` the
  // rest as a last chunk padded with zeros (the dataset's extent cuts it).
  void flush_series(const std::string& metric, PendingSeries& pending, bool partial);
  // Hands one block of packed rows to the writer thread (through the compressor if any).
  void write_block(std::vector<std::byte> packed, std::size_t rows, std::size_t row_size,
                   bool events);
  void abandon() noexcept;

  std::filesystem::path path_;
  WriterOptions options_;
  std::shared_ptr<Hdf5State> state_;
  std::vector<RequestRecord> requests_;
  std::vector<EventRecord> events_;
  std::map<std::string, PendingSeries> pending_series_;
  bool finished_ = false;
  std::unique_ptr<ChunkCompressor> compressor_;  // with compression only
  std::unique_ptr<BackgroundWorker> worker_;     // last: destroyed (joined) first
};

}  // namespace circlesim::sim::trace
