// The rows and blocks a simulation hands to a trace sink. Plain data, no community concepts: a
// request is anything that queues for service at a station (a room of a facility).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/time.hpp"

namespace circlesim::sim::trace {

// How much a trace holds; each level includes the previous one.
enum class TraceLevel : std::uint8_t { kSummary, kRequests, kEvents };
std::string_view to_string(TraceLevel level);
std::optional<TraceLevel> parse_trace_level(std::string_view text);

// How a request ended. The numeric values are the HDF5 enum's (docs/trace-format.md).
enum class RequestOutcome : std::uint8_t {
  kServed = 0,
  kReneged = 1,
  kBalked = 2,
  kSentAway = 3,
  kUnmet = 4,
  kEscalated = 5,
};
inline constexpr int kRequestOutcomeCount = 6;
std::string_view to_string(RequestOutcome outcome);

// One row of /trace/requests.
struct RequestRecord {
  static constexpr std::uint32_t kNoResident = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint16_t kNoGroup = std::numeric_limits<std::uint16_t>::max();

  std::uint64_t request = 0;
  std::uint32_t resident = kNoResident;
  std::uint16_t group = kNoGroup;
  std::uint16_t service = 0;
  std::uint32_t facility = 0;
  std::uint32_t room = 0;
  RequestOutcome outcome = RequestOutcome::kServed;
  Time arrival = 0;
  Time start = 0;  // NaN if never served
  Time end = 0;
  Time travel = 0;
};

// One row of /trace/events: what the engine dispatched.
struct EventRecord {
  Time time = 0;
  std::uint16_t handler = 0;
  std::uint16_t kind = 0;
  std::uint32_t payload = 0;
};

// One row of /scalars.
struct ScalarRecord {
  std::string name;
  std::string entity;  // "service", "room", "run"
  std::uint32_t entity_id = 0;
  double value = 0;
  std::string unit;
};

// A metric per entity and per interval: values[t * entities + e].
struct TimeSeries {
  std::string metric;
  std::string unit;
  std::string entity;     // lookup kind of the columns, e.g. "rooms"
  std::string statistic;  // e.g. "time_average"
  double interval = 0;    // min
  std::vector<double> times;
  std::size_t entities = 0;
  std::vector<double> values;
  // Rows the whole series will have, when the writer of the blocks knows it (0: unknown). A
  // trace writer sizes its chunks to it, so that a short series is not padded to a full chunk.
  std::size_t expected_rows = 0;
};

// Histograms of one metric, one per entity, all on the same bucket edges.
struct HistogramSet {
  std::string metric;
  std::string unit;
  std::string entity;
  double relative_error = 0;
  std::vector<double> edges;               // K + 1
  std::vector<std::uint64_t> counts;       // entities x K, row-major
  std::vector<std::uint64_t> zero_counts;  // entities
  std::vector<std::uint64_t> overflow_counts;
};

// A small table of named float64 columns with attributes, for data that is neither a request,
// a series nor a summary measure (a model's geography, say). Ids into lookups are stored as
// doubles, exact up to 2^53.
struct TableColumn {
  std::string name;
  std::vector<double> values;
};
using TableAttribute = std::variant<std::string, double>;
struct Table {
  std::vector<TableColumn> columns;  // at least one, names unique, all of the same length
  std::map<std::string, TableAttribute> attributes;

  [[nodiscard]] std::size_t rows() const {
    return columns.empty() ? 0 : columns.front().values.size();
  }
  // The column of that name, or nullptr.
  [[nodiscard]] const TableColumn* column(std::string_view name) const;
};

// What produced a trace: written as root attributes and /scenario.
struct Provenance {
  std::string software_version;
  std::string git_sha;
  std::string created_utc;
  std::string scenario_name;
  std::string variant;
  std::int64_t replication = 0;
  std::int64_t master_seed = 0;
  double warmup = 0;
  double horizon = 0;
  std::string source_path;
  std::string source_yaml;
  std::string resolved_yaml;
  std::string hdf5_version;
  std::string yaml_cpp_version;
  std::string boost_version;
};

// The current UTC time as ISO 8601 (2026-11-28T05:40:00Z).
std::string utc_now_iso8601();

}  // namespace circlesim::sim::trace
