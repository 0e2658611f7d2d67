// The campaign file (campaign.hpp).
#include "analysis/campaign.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <system_error>
#include <tuple>
#include <variant>

#include "analysis/entity_labels.hpp"
#include "analysis/trace_reader.hpp"
#include "analysis/warmup.hpp"
#include "sim/error.hpp"
#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/trace_records.hpp"

namespace circlesim::analysis {

namespace {

namespace fs = std::filesystem;
using sim::trace::Hid;

std::int64_t replication_of(const TraceReader& reader) {
  const auto value = reader.attribute("replication");
  if (value && std::holds_alternative<std::int64_t>(*value)) return std::get<std::int64_t>(*value);
  throw sim::trace::TraceIoError(
      fmt::format("{}: no integer attribute 'replication'", reader.path().string()));
}

// The name of each measure's entity id, from the run's lookup tables.
std::vector<std::string> labels_of(const std::vector<ScalarSummary>& measures,
                                   EntityLabels& names) {
  std::vector<std::string> labels;
  labels.reserve(measures.size());
  for (const ScalarSummary& measure : measures) {
    labels.push_back(names.label(measure.key.entity, measure.key.entity_id));
  }
  return labels;
}

double number_attribute(const TraceReader& reader, const std::string& name) {
  const auto value = reader.attribute(name);
  if (!value) return std::numeric_limits<double>::quiet_NaN();
  if (const auto* d = std::get_if<double>(&*value)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&*value)) return static_cast<double>(*i);
  return std::numeric_limits<double>::quiet_NaN();
}

std::optional<ReplicationWarmup> warmup_of(const TraceReader& reader, std::int64_t replication,
                                           double averaging) {
  const std::vector<std::string> metrics = reader.timeseries_metrics();
  if (std::find(metrics.begin(), metrics.end(), "queue_length") == metrics.end()) {
    return std::nullopt;
  }
  const sim::trace::TimeSeries series = reader.timeseries("queue_length");
  if (series.times.empty() || series.entities == 0) return std::nullopt;
  std::vector<double> total(series.times.size(), 0.0);
  for (std::size_t t = 0; t < series.times.size(); ++t) {
    for (std::size_t e = 0; e < series.entities; ++e) {
      total[t] += series.values[t * series.entities + e];
    }
  }
  ReplicationWarmup warmup;
  warmup.replication = replication;
  warmup.configured = number_attribute(reader, "warmup");
  // The series ends with the run, at warm-up + horizon: its last row may cover less than an
  // interval when the horizon is not a multiple of it.
  const double run_end = warmup.configured + number_attribute(reader, "horizon");
  const double end = std::isfinite(run_end)
                         ? std::min(series.times.back() + series.interval, run_end)
                         : series.times.back() + series.interval;
  warmup.averaging = std::max(averaging, series.interval);
  warmup.mser5_truncation = std::numeric_limits<double>::quiet_NaN();
  try {
    const TimeWeightedWarmup found = mser_time_weighted(series.times, total, end, warmup.averaging);
    warmup.batches = found.mser.batches;
    warmup.mser5_truncation = found.truncation_time;
    warmup.at_search_limit = found.mser.at_search_limit;
  } catch (const sim::InvalidParameter&) {
    // Fewer than two batches of five intervals: too short a series to say anything.
  }
  return warmup;
}

CampaignRunSummary summarize_run(CampaignRun& run, double confidence) {
  CampaignRunSummary summary{run.name, run.variant, run.sweep_point, {}, {}, {}, {}, {}};
  // Replications in order, whatever order they were digested in (ties, which a directory
  // cannot hold, by path).
  std::sort(run.replications.begin(), run.replications.end(),
            [](const ReplicationDigest& a, const ReplicationDigest& b) {
              return std::tie(a.replication, a.trace) < std::tie(b.replication, b.trace);
            });
  ScalarSummarizer summarizer;
  for (const ReplicationDigest& digest : run.replications) {
    summarizer.add_replication(digest.scalars);
    if (digest.warmup) summary.warmup.push_back(*digest.warmup);
    summary.replications.push_back(digest.replication);
    summary.traces.push_back(digest.trace);
  }
  summary.measures = summarizer.summarize(confidence);
  if (!run.replications.empty()) {
    summary.labels = labels_of(summary.measures, run.replications.front().labels);
  }
  return summary;
}

template <class T>
void write_column(hid_t parent, const std::string& name, const std::vector<T>& values,
                  hid_t file_type, hid_t memory_type) {
  const hsize_t size = values.size();
  const Hid space = sim::trace::make_space(H5Screate_simple(1, &size, nullptr), "dataset " + name);
  const Hid dataset =
      sim::trace::make_dataset(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                          H5P_DEFAULT, H5P_DEFAULT),
                               "creating dataset " + name);
  if (values.empty()) return;
  sim::trace::check(
      H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
      "writing dataset " + name);
}

void write_doubles(hid_t parent, const std::string& name, const std::vector<double>& values) {
  write_column(parent, name, values, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}

void write_counts(hid_t parent, const std::string& name, const std::vector<std::uint64_t>& values) {
  write_column(parent, name, values, H5T_STD_U64LE, H5T_NATIVE_UINT64);
}

void write_runs(hid_t file, const fs::path& directory,
                const std::vector<CampaignRunSummary>& runs) {
  const Hid group = sim::trace::ensure_group(file, "/runs");
  for (const CampaignRunSummary& run : runs) {
    const Hid run_group = sim::trace::make_group(
        H5Gcreate2(group.get(), run.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        "group /runs/" + run.name);
    sim::trace::write_attribute(run_group.get(), "variant", run.variant);
    sim::trace::write_attribute(run_group.get(), "sweep_point",
                                static_cast<std::int64_t>(run.sweep_point));
    sim::trace::write_attribute(run_group.get(), "replications",
                                static_cast<std::int64_t>(run.replications.size()));
    write_column(run_group.get(), "replication", run.replications, H5T_STD_I64LE, H5T_NATIVE_INT64);
    std::vector<std::string> files;
    for (std::size_t i = 0; i < run.traces.size(); ++i) {
      // Relative to the campaign file: HDF5 looks for an external link's file beside the file
      // that holds the link, so the whole directory can move.
      const std::string relative = run.traces[i].lexically_relative(directory).generic_string();
      files.push_back(relative);
      const std::string link = fmt::format("rep-{:04d}", run.replications[i]);
      sim::trace::check(H5Lcreate_external(relative.c_str(), "/", run_group.get(), link.c_str(),
                                           H5P_DEFAULT, H5P_DEFAULT),
                        "linking /runs/" + run.name + "/" + link);
    }
    sim::trace::write_string_list(run_group.get(), "file", files);
  }
}

void write_summary(hid_t file, const CampaignInfo& info,
                   const std::vector<CampaignRunSummary>& runs) {
  std::vector<std::string> run_names, names, entities, labels, units;
  std::vector<std::uint32_t> entity_ids;
  std::vector<std::uint64_t> n, undefined, missing;
  std::vector<double> mean, sd, ci_low, ci_high;
  for (const CampaignRunSummary& run : runs) {
    for (std::size_t i = 0; i < run.measures.size(); ++i) {
      const ScalarSummary& m = run.measures[i];
      run_names.push_back(run.name);
      names.push_back(m.key.name);
      entities.push_back(m.key.entity);
      entity_ids.push_back(m.key.entity_id);
      labels.push_back(i < run.labels.size() ? run.labels[i] : std::to_string(m.key.entity_id));
      units.push_back(m.unit);
      n.push_back(m.stats.n);
      undefined.push_back(m.stats.undefined);
      missing.push_back(m.missing);
      mean.push_back(m.stats.mean);
      sd.push_back(m.stats.sd);
      ci_low.push_back(m.stats.ci_low);
      ci_high.push_back(m.stats.ci_high);
    }
  }
  const Hid group = sim::trace::ensure_group(file, "/summary");
  sim::trace::write_attribute(group.get(), "confidence", info.confidence);
  sim::trace::write_attribute(group.get(), "rows", static_cast<std::int64_t>(names.size()));
  sim::trace::write_fixed_string_list(group.get(), "run", run_names);
  sim::trace::write_fixed_string_list(group.get(), "name", names);
  sim::trace::write_fixed_string_list(group.get(), "entity", entities);
  write_column(group.get(), "entity_id", entity_ids, H5T_STD_U32LE, H5T_NATIVE_UINT32);
  sim::trace::write_fixed_string_list(group.get(), "label", labels);
  sim::trace::write_fixed_string_list(group.get(), "unit", units);
  write_counts(group.get(), "n", n);
  write_counts(group.get(), "undefined", undefined);
  write_counts(group.get(), "missing", missing);
  write_doubles(group.get(), "mean", mean);
  write_doubles(group.get(), "sd", sd);
  write_doubles(group.get(), "ci_low", ci_low);
  write_doubles(group.get(), "ci_high", ci_high);
}

void write_warmup(hid_t file, const std::vector<CampaignRunSummary>& runs) {
  std::vector<std::string> run_names;
  std::vector<std::int64_t> replications;
  std::vector<double> configured, averaging, truncation;
  std::vector<std::uint64_t> batches, at_limit;
  for (const CampaignRunSummary& run : runs) {
    for (const ReplicationWarmup& w : run.warmup) {
      run_names.push_back(run.name);
      replications.push_back(w.replication);
      configured.push_back(w.configured);
      averaging.push_back(w.averaging);
      truncation.push_back(w.mser5_truncation);
      batches.push_back(w.batches);
      at_limit.push_back(w.at_search_limit ? 1 : 0);
    }
  }
  const Hid group = sim::trace::ensure_group(file, "/warmup");
  sim::trace::write_attribute(group.get(), "method", std::string("MSER-5"));
  sim::trace::write_attribute(group.get(), "series",
                              std::string("/timeseries/queue_length summed over its columns"));
  sim::trace::write_fixed_string_list(group.get(), "run", run_names);
  write_column(group.get(), "replication", replications, H5T_STD_I64LE, H5T_NATIVE_INT64);
  write_doubles(group.get(), "configured", configured);
  write_doubles(group.get(), "averaging", averaging);
  write_counts(group.get(), "batches", batches);
  write_doubles(group.get(), "mser5_truncation", truncation);
  write_counts(group.get(), "at_search_limit", at_limit);
}

}  // namespace

ReplicationDigest digest_replication(const fs::path& trace, double warmup_averaging) {
  const TraceReader reader(trace);
  ReplicationDigest digest;
  digest.trace = trace;
  digest.replication = replication_of(reader);
  digest.scalars = reader.scalars();
  digest.warmup = warmup_of(reader, digest.replication, warmup_averaging);
  digest.labels = EntityLabels(reader);
  return digest;
}

std::vector<CampaignRunSummary> summarize_campaign(std::vector<CampaignRun> runs,
                                                   double confidence) {
  std::vector<CampaignRunSummary> summaries;
  summaries.reserve(runs.size());
  for (CampaignRun& run : runs) summaries.push_back(summarize_run(run, confidence));
  return summaries;
}

void write_campaign_file(const fs::path& directory, const CampaignInfo& info,
                         const std::vector<CampaignRunSummary>& runs) {
  sim::trace::silence_hdf5_errors();
  const fs::path target = directory / "campaign.h5";
  const fs::path temporary = directory / fmt::format("campaign.h5.{}.part", ::getpid());
  try {
    Hid file =
        sim::trace::make_file(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                              "creating " + temporary.string());
    {
      const Hid root = sim::trace::make_group(H5Gopen2(file.get(), "/", H5P_DEFAULT), "opening /");
      sim::trace::write_attribute(root.get(), "format", std::string(kCampaignFormat));
      sim::trace::write_attribute(root.get(), "format_version", kCampaignFormatVersion);
      sim::trace::write_attribute(root.get(), "software_version", info.software_version);
      sim::trace::write_attribute(root.get(), "git_sha", info.git_sha);
      sim::trace::write_attribute(root.get(), "created_utc", sim::trace::utc_now_iso8601());
      sim::trace::write_attribute(root.get(), "scenario_name", info.scenario_name);
      sim::trace::write_attribute(root.get(), "master_seed", info.master_seed);
      sim::trace::write_attribute(root.get(), "common_random_numbers",
                                  static_cast<std::int64_t>(info.common_random_numbers ? 1 : 0));
      sim::trace::write_attribute(root.get(), "confidence", info.confidence);
      sim::trace::write_attribute(root.get(), "runs", static_cast<std::int64_t>(runs.size()));
      write_runs(file.get(), directory, runs);
      write_summary(file.get(), info, runs);
      write_warmup(file.get(), runs);
    }  // every object closed before the file, so that closing really closes it
    if (!file.reset()) {
      throw sim::trace::TraceIoError(fmt::format("{}: closing failed", temporary.string()));
    }
    fs::rename(temporary, target);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

}  // namespace circlesim::analysis
