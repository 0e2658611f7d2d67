// A campaign: the runs of a batch (variants and sweep points) and their replication traces,
// summarised across replications and written to DIR/campaign.h5 (docs/trace-format.md,
// "Campaign file"): external links to every replication's trace and one table of every
// measure's mean, standard deviation and Student t interval per run. Domain-free: it reads the
// traces' /scalars and /lookup, whatever model wrote them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/entity_labels.hpp"
#include "analysis/trace_summary.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::analysis {

inline constexpr const char* kCampaignFormat = "circlesim-campaign";
inline constexpr std::int64_t kCampaignFormatVersion = 2;

// MSER-5 on one replication's total queue length over its rooms (/timeseries/queue_length summed
// over the columns), recorded beside the warm-up the scenario cut: where the two disagree, the
// configured warm-up may be too short. A system whose inputs repeat in a cycle (opening hours,
// shifts, demand by time of day and day type) is averaged over whole cycles first, so that the
// cycle is not mistaken for a transient.
struct ReplicationWarmup {
  std::int64_t replication = 0;
  double configured = 0;  // the scenario's run.warmup (min), from the trace's provenance
  double averaging = 0;   // width of the averages MSER-5 saw (min)
  std::size_t batches = 0;
  double mser5_truncation = 0;   // min from the start; NaN when the series is too short
  bool at_search_limit = false;  // the transient may last longer than half the run
};

// What the campaign takes from one complete replication trace, read in one opening of the file.
// `circlesim batch` digests each trace on the worker that wrote it, right after writing it, so
// that building the campaign does not read every trace again, one after another, at the end.
struct ReplicationDigest {
  std::filesystem::path trace;
  std::int64_t replication = 0;  // the trace's `replication`
  std::vector<sim::trace::ScalarRecord> scalars;
  std::optional<ReplicationWarmup> warmup;  // when the trace has a queue-length series
  EntityLabels labels;                      // the names of its entity ids (/lookup)
};

// Reads `trace` (throws sim::trace::TraceIoError naming the file when it is not a complete
// circlesim trace). MSER-5 sees the queue length averaged over intervals of `warmup_averaging`
// minutes (the cycle of the run's inputs, e.g. a week); 0: the series' own interval.
[[nodiscard]] ReplicationDigest digest_replication(const std::filesystem::path& trace,
                                                   double warmup_averaging);

// One run of the batch and its complete replications, in any order.
struct CampaignRun {
  std::string name;  // its directory under the campaign ("baseline", "more-staff-002")
  std::string variant;
  int sweep_point = -1;
  std::vector<ReplicationDigest> replications;
};

// A run summarised: its measures across replications, each with its entity id's name.
struct CampaignRunSummary {
  std::string name;
  std::string variant;
  int sweep_point = -1;
  std::vector<std::int64_t> replications;     // from each trace's `replication`
  std::vector<std::filesystem::path> traces;  // in the order of `replications`
  std::vector<ScalarSummary> measures;        // as summarize prints them
  std::vector<std::string> labels;            // entity id's name, one per measure
  std::vector<ReplicationWarmup> warmup;      // replications with a queue-length series
};

// What the campaign file says about itself.
struct CampaignInfo {
  std::string scenario_name;
  std::int64_t master_seed = 0;
  bool common_random_numbers = true;
  double confidence = 0.95;
  std::string software_version;
  std::string git_sha;
};

// Summarises each run at `confidence`, its replications in the order of their numbers (so the
// result does not depend on which worker or rank finished first); the labels are those of the
// first replication.
[[nodiscard]] std::vector<CampaignRunSummary> summarize_campaign(std::vector<CampaignRun> runs,
                                                                 double confidence);

// Writes `directory`/campaign.h5 through a temporary file renamed into place (a job array's
// batches may finish together: each writes its own temporary, and a complete file always wins).
// Trace paths are linked relative to `directory`, so the campaign can be moved whole.
void write_campaign_file(const std::filesystem::path& directory, const CampaignInfo& info,
                         const std::vector<CampaignRunSummary>& runs);

}  // namespace circlesim::analysis
