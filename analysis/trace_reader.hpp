// Reads a circlesim HDF5 trace (layout: docs/trace-format.md, format_version 1), the C++
// counterpart of analysis/python/circlesim_trace.py. Opening checks that the file is a
// circlesim trace of a supported version and, unless partial files are allowed, that its run
// completed; every problem is a sim::trace::TraceIoError whose message starts with the file name.
//
// Records come back as the writer's own types (sim/trace/trace_records.hpp), so a round trip
// through Hdf5TraceWriter and TraceReader compares field by field.
//
// One reader is used by one thread at a time (its methods are const but share the open file).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::analysis {

// The value of a scalar attribute: strings, integers (read as int64) and floats (as double).
using AttributeValue = std::variant<std::string, std::int64_t, double>;
using Attribute = std::pair<std::string, AttributeValue>;

// What one dataset of the file holds and how much space it takes.
struct DatasetInfo {
  std::string path;                 // e.g. "/trace/requests"
  std::uint64_t rows = 0;           // first dimension; 1 for a scalar dataset
  std::size_t element_bytes = 0;    // one element (a pointer for variable-length strings)
  std::uint64_t logical_bytes = 0;  // elements x element_bytes (uncompressed size)
  std::uint64_t storage_bytes = 0;  // allocated in the file (after compression)
  // Variable-length strings: logical_bytes counts pointers and storage_bytes heap references,
  // not the text itself, so their ratio says nothing about compression.
  bool variable_length = false;
};

class TraceReader {
 public:
  // Opens `path` read-only. Throws TraceIoError when the file is missing or unreadable, is not an
  // HDF5 file or not a circlesim trace (`format` attribute), has an unsupported `format_version`,
  // or has a `status` other than "complete" while !allow_partial.
  explicit TraceReader(std::filesystem::path path, bool allow_partial = false);

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] const std::string& status() const { return status_; }
  [[nodiscard]] std::int64_t format_version() const { return format_version_; }

  // Every root attribute, in order of name.
  [[nodiscard]] std::vector<Attribute> attributes() const;
  // One root attribute, or nullopt when the file does not have it.
  [[nodiscard]] std::optional<AttributeValue> attribute(const std::string& name) const;

  // /scenario: the scenario as given and as resolved, byte for byte.
  [[nodiscard]] std::string source_yaml() const;
  [[nodiscard]] std::string resolved_yaml() const;
  // Their `sha256` attributes (lowercase hex) and the source's `path`; nullopt when absent.
  [[nodiscard]] std::optional<std::string> source_yaml_sha256() const;
  [[nodiscard]] std::optional<std::string> resolved_yaml_sha256() const;
  [[nodiscard]] std::optional<std::string> source_path() const;

  // The kinds under /lookup, in order of name, and the names of one (empty when absent).
  [[nodiscard]] std::vector<std::string> lookup_kinds() const;
  [[nodiscard]] std::vector<std::string> lookup(const std::string& kind) const;

  // /trace/requests (levels requests and events). requests() throws when the file has none.
  [[nodiscard]] bool has_requests() const;
  [[nodiscard]] std::uint64_t request_count() const;
  [[nodiscard]] std::vector<sim::trace::RequestRecord> requests() const;
  // Requests per outcome, indexed by the enum value; reads only the outcome column, so it stays
  // cheap on traces too large to load whole.
  [[nodiscard]] std::array<std::uint64_t, sim::trace::kRequestOutcomeCount> outcome_counts() const;

  // /trace/events (level events). events() throws when the file has none.
  [[nodiscard]] bool has_events() const;
  [[nodiscard]] std::vector<sim::trace::EventRecord> events() const;

  // /timeseries/<metric>: the metrics in order of name, and one of them (throws when absent).
  [[nodiscard]] std::vector<std::string> timeseries_metrics() const;
  [[nodiscard]] sim::trace::TimeSeries timeseries(const std::string& metric) const;

  // /scalars, trailing NUL padding removed; empty when the file has no table (a run that stopped
  // before its summary).
  [[nodiscard]] std::vector<sim::trace::ScalarRecord> scalars() const;

  // /histograms/<metric>: the metrics in order of name, and one of them (throws when absent).
  [[nodiscard]] std::vector<std::string> histogram_metrics() const;
  [[nodiscard]] sim::trace::HistogramSet histograms(const std::string& metric) const;

  // A table written by TraceSink::write_table at /<name> ("geography/grids"), columns in the
  // order written, numeric attributes as doubles. has_table is false for traces without it
  // (older files, scenarios without a city); table() then throws.
  [[nodiscard]] bool has_table(const std::string& name) const;
  [[nodiscard]] sim::trace::Table table(const std::string& name) const;

  // Every dataset in the file, sorted by path.
  [[nodiscard]] std::vector<DatasetInfo> datasets() const;

 private:
  void check_identity(bool allow_partial);
  // "<file>: <what>", for messages and for TraceIoError.
  [[nodiscard]] std::string context(const std::string& what) const;
  [[nodiscard]] sim::trace::TraceIoError error(const std::string& what) const;
  // The open file, for an HDF5 call from the calling thread.
  [[nodiscard]] hid_t file() const;
  [[nodiscard]] bool has_object(const std::string& object_path, H5O_type_t type) const;
  [[nodiscard]] sim::trace::Hid open_dataset(const std::string& dataset_path) const;
  // Opens /trace/requests or /trace/events, or says which trace level left it out.
  [[nodiscard]] sim::trace::Hid open_table(const std::string& table_path) const;
  [[nodiscard]] std::vector<std::string> children(const std::string& group_path) const;
  [[nodiscard]] std::optional<AttributeValue> object_attribute(const std::string& object_path,
                                                               const std::string& name) const;
  [[nodiscard]] std::optional<std::string> text_attribute(const std::string& object_path,
                                                          const std::string& name) const;
  [[nodiscard]] std::string required_text(const std::string& object_path,
                                          const std::string& name) const;
  [[nodiscard]] double required_number(const std::string& object_path,
                                       const std::string& name) const;

  std::filesystem::path path_;
  sim::trace::Hid file_;
  std::string status_;
  std::int64_t format_version_ = 0;
};

}  // namespace circlesim::analysis
