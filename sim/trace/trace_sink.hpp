// Where a simulation sends its trace. The model fills blocks and calls the sink; the sink decides
// how to store them (sim/trace/hdf5_trace_writer.hpp writes HDF5; tests use in-memory sinks).
//
// Call order: begin() once, then any of the others, then finish() once. Appends may come in any
// number of blocks; a sink must not keep references to the caller's spans after a call returns.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sim/trace/trace_records.hpp"

namespace circlesim::sim::trace {

// How a trace ends: complete (closed cleanly) or interrupted (by a signal, at a time).
enum class TraceStatus : std::uint8_t { kComplete, kInterrupted };

class TraceSink {
 public:
  virtual ~TraceSink() = default;

  [[nodiscard]] virtual TraceLevel level() const = 0;
  virtual void begin(const Provenance& provenance) = 0;
  // An id -> name table (/lookup/<kind>).
  virtual void write_lookup(const std::string& kind, const std::vector<std::string>& names) = 0;
  virtual void append_requests(std::span<const RequestRecord> rows) = 0;
  virtual void append_events(std::span<const EventRecord> rows) = 0;
  // Writes a time series, or appends rows to it: blocks of one metric follow each other in time
  // and have the same entities (samplers hand over a day at a time).
  virtual void write_timeseries(const TimeSeries& series) = 0;
  virtual void write_scalars(std::span<const ScalarRecord> scalars) = 0;
  virtual void write_histograms(const HistogramSet& histograms) = 0;
  // A table of named float64 columns at /<name>; `name` is a path of one or more parts
  // ("geography/grids") outside the groups above. Once per name.
  virtual void write_table(const std::string& name, const Table& table) = 0;
  // Flushes and closes. `stopped_at` is the simulated time an interrupted run reached.
  virtual void finish(TraceStatus status, double stopped_at) = 0;
};

}  // namespace circlesim::sim::trace
