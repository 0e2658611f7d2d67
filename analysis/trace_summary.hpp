// The summary of the /scalars measures of several replications of one run: for each measure
// (name, entity, entity id) the number of replications with a value, the mean, the sample
// standard deviation and the Student t interval of the mean (DESIGN.md section 6). Domain-free
// and free of HDF5: it takes the records a trace reader returns, so it is tested without files.
//
// Undefined values (NaN, e.g. the mean wait of a room that served nobody, or an infinity) are not
// evidence about the mean: they are left out of n and the statistics, and counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/trace/trace_records.hpp"

namespace circlesim::analysis {

// What identifies one measure across replications.
struct ScalarKey {
  std::string name;    // e.g. "mean_wait", "home.response_mean"
  std::string entity;  // e.g. "service", "room", "run"
  std::uint32_t entity_id = 0;

  friend bool operator==(const ScalarKey&, const ScalarKey&) = default;
};

struct ScalarKeyHash {
  std::size_t operator()(const ScalarKey& key) const noexcept;
};

// Statistics of the finite values of a sample. NaN where undefined: the mean when n = 0, the
// standard deviation and the interval when n < 2.
struct SampleSummary {
  std::size_t n = 0;          // finite values used
  std::size_t undefined = 0;  // NaN or infinite values left out
  double mean;
  double sd;  // sample standard deviation (n - 1 in the denominator)
  double ci_low;
  double ci_high;
};

// Summarises `values` with a t interval at `level` (0 < level < 1).
[[nodiscard]] SampleSummary summarize_sample(std::span<const double> values, double level);

// One measure across the replications of a run.
struct ScalarSummary {
  ScalarKey key;
  std::string unit;         // of its first record
  std::size_t missing = 0;  // replications that have no record of it at all
  SampleSummary stats;
};

// Gathers the scalar records of replications, one add_replication() per replication, then
// summarises them. Measures keep the order in which they first appear (traces list them by
// entity), so output follows the trace.
class ScalarSummarizer {
 public:
  void add_replication(std::span<const sim::trace::ScalarRecord> records);

  [[nodiscard]] std::size_t replications() const { return replications_; }
  // Records that repeated a measure already seen in the same replication; the first one counts.
  [[nodiscard]] std::size_t duplicate_records() const { return duplicates_; }

  [[nodiscard]] std::vector<ScalarSummary> summarize(double level) const;

 private:
  struct Series {
    ScalarKey key;
    std::string unit;
    std::vector<double> values;
    std::size_t last_replication = 0;  // 1-based index of the last replication that had it
  };
  [[nodiscard]] std::size_t series_index(const sim::trace::ScalarRecord& record,
                                         std::size_t position);

  std::vector<Series> series_;
  std::unordered_map<ScalarKey, std::size_t, ScalarKeyHash> index_;
  std::size_t replications_ = 0;
  std::size_t duplicates_ = 0;
};

// Which measures to keep: an empty list accepts all; otherwise the entity must be one of
// `entities` and the name must start with one of `name_prefixes`.
struct ScalarFilter {
  std::vector<std::string> entities;
  std::vector<std::string> name_prefixes;

  [[nodiscard]] bool accepts(const ScalarKey& key) const;
};

// The lookup table (one of `kinds`, as under /lookup) that names the ids of `entity`: the entity
// itself, else its plural ("service" -> "services", "facility" -> "facilities"); nullopt when
// there is none (e.g. "run").
[[nodiscard]] std::optional<std::string> lookup_kind_for(std::string_view entity,
                                                         std::span<const std::string> kinds);

// The name of id `id` in `names`, or the id as a number when it is out of range.
[[nodiscard]] std::string entity_label(std::uint32_t id, std::span<const std::string> names);

}  // namespace circlesim::analysis
