// `circlesim batch` (batch_command.hpp).
#include "app/batch_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "analysis/campaign.hpp"
#include "analysis/trace_reader.hpp"
#include "app/batch_progress.hpp"
#include "app/command_failure.hpp"
#include "app/option_checks.hpp"
#include "app/process_ranks.hpp"
#include "app/run_support.hpp"
#include "app/scenario_commands.hpp"
#include "app/signals.hpp"
#include "circlesim/version.hpp"
#include "models/rooms/room_model.hpp"
#include "models/services/city_model.hpp"
#include "sim/parallel_for.hpp"
#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"
#include "sim/trace/sha256.hpp"

namespace circlesim::app {

namespace {

namespace fs = std::filesystem;

struct RepRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // one past the end; 0: every replication of the scenario
};

RepRange parse_rep_range(const std::string& text) {
  if (text.empty()) return {};
  const std::size_t colon = text.find(':');
  auto number = [&](std::string_view part, std::uint64_t& value) {
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    return error == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  RepRange range;
  const std::string_view whole(text);
  if (colon == std::string::npos || !number(whole.substr(0, colon), range.first) ||
      !number(whole.substr(colon + 1), range.last) || range.first >= range.last) {
    throw CommandFailure(kExitUsage,
                         fmt::format("--rep-range: expected A:B with 0 <= A < B (replications A to "
                                     "B-1), got '{}'",
                                     text));
  }
  return range;
}

// A seed of its own for each run, from the master seed and the run's directory name, when the
// user asks for independent streams instead of common random numbers.
std::uint64_t independent_seed(std::uint64_t seed, const std::string& run) {
  const std::string digest = sim::trace::sha256_hex(fmt::format("{}/{}", seed, run));
  // 15 hex digits: a seed below 2^60, well inside the schema's integer range.
  return std::stoull(digest.substr(0, 15), nullptr, 16);
}

void use_seed(scenario::ScenarioRun& run, std::uint64_t seed) {
  run.scenario.run.seed = seed;
  nlohmann::ordered_json resolved = nlohmann::ordered_json::parse(run.resolved_yaml);
  resolved["run"]["seed"] = seed;
  run.resolved_yaml = resolved.dump(2);
}

// One replication to simulate.
struct Task {
  std::size_t run = 0;
  std::uint64_t replication = 0;
  fs::path path;
};

// Whether an existing trace can stand for this replication: a complete trace of the same
// resolved scenario is kept; a .part file or an unreadable one is redone; a complete trace of
// another scenario is refused unless --overwrite.
enum class Existing { kNone, kKeep, kRedo };

Existing check_existing(const fs::path& path, const std::string& resolved_sha256, bool overwrite) {
  std::error_code error;
  fs::path part = path;
  part += ".part";
  if (fs::exists(part, error)) fs::remove(part, error);  // an interrupted run: start it again
  if (!fs::exists(path, error)) return Existing::kNone;
  try {
    const analysis::TraceReader reader(path);
    if (reader.resolved_yaml_sha256() == resolved_sha256) return Existing::kKeep;
  } catch (const sim::trace::TraceIoError&) {
    return Existing::kRedo;  // not a complete trace: nothing of it is worth keeping
  }
  if (!overwrite) {
    throw CommandFailure(kExitIoError,
                         fmt::format("{}: a complete trace of a different scenario (its resolved "
                                     "scenario differs); use another output directory, or "
                                     "--overwrite to replace it",
                                     path.string()));
  }
  return Existing::kRedo;
}

std::vector<scenario::ScenarioRun> load_runs(const BatchOptions& options) {
  scenario::LoadOptions load;
  load.overrides = options.overrides;
  load.all_variants = true;
  if (options.seed)
    load.option_overrides.push_back({"--seed", fmt::format("run.seed={}", *options.seed)});
  if (options.replications > 0) {
    load.option_overrides.push_back(
        {"--replications", fmt::format("run.replications={}", options.replications)});
  }
  scenario::Diagnostics diagnostics;
  auto runs = scenario::load_scenario_runs(options.file, load, diagnostics);
  if (!runs) throw CommandFailure(kExitDataError, diagnostics.to_string());
  if (!options.variants.empty()) {
    std::set<std::string> known;
    for (const scenario::ScenarioRun& run : *runs) known.insert(run.variant);
    for (const std::string& name : options.variants) {
      if (!known.contains(name)) {
        throw CommandFailure(kExitUsage,
                             fmt::format("--variant: no run named '{}' in {} (expected one of: {})",
                                         name, options.file, fmt::join(known, ", ")));
      }
    }
    std::erase_if(*runs, [&](const scenario::ScenarioRun& run) {
      return std::find(options.variants.begin(), options.variants.end(), run.variant) ==
             options.variants.end();
    });
  }
  if (options.independent_streams) {
    for (scenario::ScenarioRun& run : *runs) {
      use_seed(run, independent_seed(run.scenario.run.seed, run_directory(run)));
    }
  }
  return std::move(*runs);
}

// The cycle a run's inputs repeat with: a week when opening hours, shifts or demand profiles
// vary in time (all given by time of day and day type), none (0) otherwise.
double input_cycle(const scenario::Scenario& scenario) {
  constexpr double kWeek = 7 * 24 * 60;
  for (const scenario::Room& room : scenario.rooms) {
    if (room.capacity.change_points() > 0) return kWeek;
  }
  for (const scenario::Service& service : scenario.services) {
    for (const scenario::DemandStream& stream : service.demand) {
      if (stream.profile) return kWeek;
    }
  }
  return 0;
}

// The digests of the traces this process wrote, made by the workers as each replication ends.
class DigestCache {
 public:
  void add(analysis::ReplicationDigest digest) {
    const std::lock_guard lock(mutex_);
    fs::path key = digest.trace.lexically_normal();
    digests_.insert_or_assign(std::move(key), std::move(digest));
  }
  // The digest of `trace`, moved out of the cache; none when this process did not write it.
  std::optional<analysis::ReplicationDigest> take(const fs::path& trace) {
    const std::lock_guard lock(mutex_);
    const auto it = digests_.find(trace.lexically_normal());
    if (it == digests_.end()) return std::nullopt;
    analysis::ReplicationDigest digest = std::move(it->second);
    digests_.erase(it);
    return digest;
  }

 private:
  std::mutex mutex_;
  std::map<fs::path, analysis::ReplicationDigest> digests_;
};

// Runs `tasks` on `jobs` threads, each replication digested for the campaign by the worker that
// wrote it; the first failure stops the others at their next replication and is rethrown.
void run_tasks(const std::vector<Task>& tasks, const std::vector<scenario::ScenarioRun>& runs,
               const BatchOptions& options, const std::string& source, const std::atomic<int>& stop,
               BatchProgress& progress, DigestCache& digests) {
  std::vector<sim::trace::WriterOptions> writers;
  std::vector<sim::trace::Provenance> provenances;
  for (const scenario::ScenarioRun& run : runs) {
    sim::trace::WriterOptions writer;
    writer.level = trace_level_of(run.scenario.run.trace_level);
    if (!options.trace_level.empty()) {
      const auto level = sim::trace::parse_trace_level(options.trace_level);
      if (level) writer.level = *level;
    }
    writer.compression =
        options.compression >= 0 ? options.compression : run.scenario.run.compression;
    writers.push_back(writer);
    provenances.push_back(provenance_of(run, options.file, source));
  }
  sim::parallel_for(tasks.size(), options.jobs, [&](std::size_t i) {
    if (stop.load() != 0) return;
    const Task& task = tasks[i];
    const scenario::ScenarioRun& run = runs[task.run];
    {
      sim::trace::Hdf5TraceWriter sink(task.path, writers[task.run]);
      sim::trace::Provenance provenance = provenances[task.run];
      provenance.replication = static_cast<std::int64_t>(task.replication);
      sink.begin(provenance);
      const models::ReplicationOutput output{&sink, &stop,
                                             trace_interval(options.trace_interval, run.scenario),
                                             progress.simulated(i)};
      if (run.scenario.city) {
        (void)services::run_city_replication(run.scenario, task.replication, output);
      } else {
        (void)models::run_room_replication(run.scenario, task.replication, output);
      }
    }
    if (stop.load() != 0) return;  // the trace stays a .part file: nothing to digest
    digests.add(analysis::digest_replication(task.path, input_cycle(run.scenario)));
    progress.finished(i);
  });
}

std::string interval_text(const analysis::ScalarSummary& m) {
  if (m.stats.n == 0) return "-";
  if (std::isnan(m.stats.ci_low)) return fmt::format("{:.4g}", m.stats.mean);
  return fmt::format("{:.4g} ± {:.2g}", m.stats.mean, (m.stats.ci_high - m.stats.ci_low) / 2);
}

// The printed summary: each run's replications and its measures of the whole run and its mean
// waits by service, side by side; `circlesim summarize DIR` prints every measure.
std::string campaign_table(const std::vector<analysis::CampaignRunSummary>& runs,
                           double confidence) {
  auto shown = [](const analysis::ScalarSummary& m) {
    return m.key.entity == "run" || (m.key.entity == "service" && m.key.name == "mean_wait");
  };
  std::vector<std::string> rows;
  std::map<std::string, std::vector<std::string>> cells;  // row label -> one cell per run
  for (std::size_t r = 0; r < runs.size(); ++r) {
    for (std::size_t i = 0; i < runs[r].measures.size(); ++i) {
      const analysis::ScalarSummary& m = runs[r].measures[i];
      if (!shown(m)) continue;
      const std::string label = m.key.entity == "run"
                                    ? m.key.name
                                    : fmt::format("{} [{}]", m.key.name, runs[r].labels[i]);
      auto [it, inserted] = cells.try_emplace(label, runs.size(), "-");
      if (inserted) rows.push_back(label);
      it->second[r] = interval_text(m);
    }
  }
  std::size_t width = 10;
  for (const std::string& row : rows) width = std::max(width, row.size());
  std::string text = fmt::format("{:<{}}", fmt::format("{:g}% intervals", confidence * 100), width);
  for (const auto& run : runs) text += fmt::format("  {:>22}", run.name);
  text += fmt::format("\n{:<{}}", "replications", width);
  for (const auto& run : runs) text += fmt::format("  {:>22}", run.replications.size());
  text += '\n';
  for (const std::string& row : rows) {
    text += fmt::format("{:<{}}", row, width);
    for (const std::string& cell : cells[row]) text += fmt::format("  {:>22}", cell);
    text += '\n';
  }
  return text;
}

// Where MSER-5, applied to the traces' queue lengths, cuts more than the scenario's warm-up: the
// measures then include part of the initial transient.
void warn_about_warmup(const std::vector<analysis::CampaignRunSummary>& runs) {
  for (const analysis::CampaignRunSummary& run : runs) {
    std::size_t longer = 0;
    std::size_t limit = 0;
    double longest = 0;
    for (const analysis::ReplicationWarmup& w : run.warmup) {
      // Within one averaging interval of the configured warm-up is as good as equal.
      if (w.mser5_truncation > w.configured + w.averaging) {
        ++longer;
        longest = std::max(longest, w.mser5_truncation);
      }
      if (w.at_search_limit) ++limit;
    }
    if (longer > 0) {
      fmt::print(
          "warm-up: in {} of {} replications of {}, MSER-5 on the queue lengths cuts more than "
          "the configured {:g} min (up to {:g} min): consider a longer run.warmup (campaign.h5 "
          "/warmup)\n",
          longer, run.warmup.size(), run.name, run.warmup.front().configured, longest);
    }
    if (limit > 0) {
      fmt::print(
          "warm-up: in {} of {} replications of {}, MSER-5 found no steady state in the first "
          "half of the run: the run may be too short\n",
          limit, run.warmup.size(), run.name);
    }
  }
}

enum class CampaignOutcome { kWritten, kNoTraces, kInterrupted };

// Two traces of one run that hold the same replication (a file copied within the directory):
// the campaign links each replication once, and its statistics would count the copy as another
// replication.
void refuse_repeated_replications(const std::vector<analysis::CampaignRun>& campaign) {
  for (const analysis::CampaignRun& run : campaign) {
    std::map<std::int64_t, fs::path> seen;
    for (const analysis::ReplicationDigest& digest : run.replications) {
      const auto [first, added] = seen.emplace(digest.replication, digest.trace);
      if (added) continue;
      const auto [one, other] = std::minmax(first->second, digest.trace);
      throw CommandFailure(
          kExitDataError,
          fmt::format("{} and {} both hold replication {} of run {} (expected one trace per "
                      "replication: remove the copy, then run with --campaign-only)",
                      one.string(), other.string(), digest.replication, run.name));
    }
  }
}

// Builds campaign.h5 from every complete trace of the batch's runs now in the directory and
// prints the table. The traces this process wrote are in `digests`; the others (kept from an
// earlier batch, written by other ranks or other jobs of a job array) are read here, on `jobs`
// threads, which stop at the next trace after a signal (reading thousands takes minutes).
CampaignOutcome write_campaign(const fs::path& output,
                               const std::vector<scenario::ScenarioRun>& runs,
                               bool common_random_numbers, DigestCache& digests, int jobs,
                               const std::atomic<int>& stop) {
  std::vector<analysis::CampaignRun> campaign;
  std::vector<std::pair<std::size_t, fs::path>> unread;  // run, trace
  for (const scenario::ScenarioRun& run : runs) {
    analysis::CampaignRun entry{run_directory(run), run.variant, run.sweep_point, {}};
    for (const fs::path& path : replication_files(output / entry.name)) {
      if (path.extension() != ".h5") continue;
      if (auto digest = digests.take(path)) {
        entry.replications.push_back(std::move(*digest));
      } else {
        unread.emplace_back(campaign.size(), path);
      }
    }
    campaign.push_back(std::move(entry));
  }
  std::vector<analysis::ReplicationDigest> read(unread.size());
  sim::parallel_for(unread.size(), jobs, [&](std::size_t i) {
    if (stop.load() != 0) return;
    const auto& [run, path] = unread[i];
    read[i] = analysis::digest_replication(path, input_cycle(runs[run].scenario));
  });
  if (stop.load() != 0) return CampaignOutcome::kInterrupted;
  for (std::size_t i = 0; i < unread.size(); ++i) {
    campaign[unread[i].first].replications.push_back(std::move(read[i]));
  }
  if (std::all_of(campaign.begin(), campaign.end(),
                  [](const analysis::CampaignRun& run) { return run.replications.empty(); })) {
    return CampaignOutcome::kNoTraces;
  }
  refuse_repeated_replications(campaign);
  const double confidence = runs.front().scenario.run.confidence;
  const auto summaries = analysis::summarize_campaign(std::move(campaign), confidence);
  analysis::CampaignInfo info;
  info.scenario_name = runs.front().scenario.run.name;
  info.master_seed = static_cast<std::int64_t>(runs.front().scenario.run.seed);
  info.common_random_numbers = common_random_numbers;
  info.confidence = confidence;
  info.software_version = kVersion;
  info.git_sha = kGitSha;
  analysis::write_campaign_file(output, info, summaries);
  fmt::print("{}\n", campaign_table(summaries, confidence));
  warn_about_warmup(summaries);
  fmt::print(
      "campaign written to {}; every measure: circlesim summarize {}; runs against the first: "
      "circlesim compare {} --baseline {}\n",
      (output / "campaign.h5").string(), output.string(), output.string(), summaries.front().name);
  return CampaignOutcome::kWritten;
}

int interrupted(int signal, std::string_view what) {
  fmt::print(stderr, "circlesim: interrupted by signal {}; {}\n", signal, what);
  return 128 + signal;
}

int batch(const BatchOptions& options, const ProcessRanks& ranks, const std::atomic<int>& stop,
          std::vector<scenario::ScenarioRun>& runs, DigestCache& digests) {
  const RepRange range = parse_rep_range(options.rep_range);
  if (report_if_missing(options.file)) return kExitNoInput;
  if (!options.trace_level.empty() && !sim::trace::parse_trace_level(options.trace_level)) {
    throw CommandFailure(kExitUsage, fmt::format("--trace-level: expected summary, requests or "
                                                 "events, got '{}'",
                                                 options.trace_level));
  }
  runs = load_runs(options);
  const fs::path output(options.output);
  const std::string source = read_file(options.file);

  // Every replication of the chosen runs and range, in a fixed order; this rank takes every
  // size-th of those not done yet.
  std::vector<Task> tasks;
  std::size_t kept = 0;
  std::size_t all = 0;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const auto replications = static_cast<std::uint64_t>(runs[r].scenario.run.replications);
    const std::uint64_t last = range.last == 0 ? replications : range.last;
    if (last > replications) {
      throw CommandFailure(
          kExitUsage,
          fmt::format("--rep-range {}: {} has {} replications (0 to {})", options.rep_range,
                      run_directory(runs[r]), replications, replications - 1));
    }
    if (options.campaign_only) continue;
    const std::string sha = sim::trace::sha256_hex(runs[r].resolved_yaml);
    for (std::uint64_t k = range.first; k < last; ++k) {
      const fs::path path = output / run_directory(runs[r]) / replication_file_name(k);
      const bool mine =
          all++ % static_cast<std::size_t>(ranks.size()) == static_cast<std::size_t>(ranks.rank());
      if (!mine) continue;
      const Existing existing = check_existing(path, sha, options.overwrite);
      if (existing == Existing::kKeep) {
        ++kept;
        continue;
      }
      if (existing == Existing::kRedo) fs::remove(path);
      tasks.push_back({r, k, path});
    }
  }
  const std::string label = ranks.distributed()
                                ? fmt::format("batch [rank {}/{}]: ", ranks.rank(), ranks.size())
                                : std::string("batch: ");
  if (!options.campaign_only) {
    fmt::print(stderr, "{}{} runs, {} replications to simulate, {} complete already (kept)\n",
               label, runs.size(), tasks.size(), kept);
  }
  // The campaign is rebuilt at the end, by rank 0; until then the old one, of other traces, would
  // be all an interrupted batch leaves looking complete.
  if (ranks.rank() == 0) {
    std::error_code error;  // none there is fine; one that cannot be removed fails the write later
    fs::remove(output / "campaign.h5", error);
  }
  if (!tasks.empty()) {
    std::vector<double> horizons;
    for (const Task& task : tasks) {
      const scenario::RunSettings& run = runs[task.run].scenario.run;
      horizons.push_back(run.warmup + run.horizon);
    }
    BatchProgress progress(std::move(horizons), label, options.log_interval);
    run_tasks(tasks, runs, options, source, stop, progress, digests);
    progress.stop();
  }
  if (const int signal = stop.load(); signal != 0) {
    return interrupted(signal,
                       "the traces written so far are closed as 'interrupted' and keep their "
                       ".part name; the same command resumes the batch");
  }
  return 0;
}

}  // namespace

CLI::App* add_batch_command(CLI::App& app, BatchOptions& options) {
  CLI::App* command = app.add_subcommand(
      "batch",
      "Run every variant and sweep point of a scenario x its replications on a pool of "
      "threads (or MPI ranks): OUT/<run>/rep-NNNN.h5 and OUT/campaign.h5; resumes");
  command->add_option("file", options.file, "Scenario file")->required();
  command->add_option("-o,--output", options.output, "Output directory")->required();
  command->add_option("--set", options.overrides,
                      "Override a key in every run: key.path=value (repeatable)");
  command->add_option("--variant", options.variants,
                      "Only these runs: baseline and/or variant names (repeatable; default all)");
  command->add_option("--seed", options.seed, "Master seed (default: the scenario's)")
      ->transform(seed_number());
  command
      ->add_option("--replications", options.replications,
                   "Replications per run (default: the scenario's)")
      ->check(CLI::Range(1, 100000));
  command->add_option("--jobs,-j", options.jobs, "Worker threads (per MPI rank)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  command->add_option("--rep-range", options.rep_range,
                      "Only replications A to B-1 of each run, as A:B (for job arrays)");
  command
      ->add_option("--trace-level", options.trace_level,
                   "summary, requests or events (default: the scenario's run.trace.level)")
      ->check(CLI::IsMember({"summary", "requests", "events"}));
  command
      ->add_option("--compression", options.compression,
                   "Deflate level of the traces, 0 (off) to 9 (default: the scenario's)")
      ->check(CLI::Range(0, 9));
  command
      ->add_option("--trace-interval", options.trace_interval,
                   "Minutes per interval of the traces' time series")
      ->check(finite_range(1.0, 10080.0));
  command->add_flag("--overwrite", options.overwrite,
                    "Replace complete traces written from a different scenario");
  command->add_flag("--independent-streams", options.independent_streams,
                    "A seed of its own per run instead of common random numbers across runs");
  command->add_flag("--campaign-only", options.campaign_only,
                    "Simulate nothing: rebuild OUT/campaign.h5 from the traces there");
  command
      ->add_option("--log-interval", options.log_interval,
                   "Seconds between progress lines when stderr is not a terminal")
      ->check(finite_range(kMinLogSeconds, kMaxLogSeconds))
      ->capture_default_str();
  return command;
}

int run_batch(const BatchOptions& options) {
  const ProcessRanks ranks;
  int status = 0;
  std::vector<scenario::ScenarioRun> runs;
  DigestCache digests;
  const std::atomic<int>& stop = install_stop_signals();
  try {
    status = batch(options, ranks, stop, runs, digests);
  } catch (const CommandFailure& e) {
    fmt::print(stderr, "{}{}", e.what(), std::string_view(e.what()).ends_with('\n') ? "" : "\n");
    status = e.code();
  } catch (const sim::trace::TraceIoError& e) {
    fmt::print(stderr, "circlesim batch: cannot write a trace: {}\n", e.what());
    status = kExitIoError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "circlesim batch: a replication failed: {}\n", e.what());
    status = kExitRunFailed;
  }
  // Every rank waits for the others; the campaign is built once, by rank 0, from all their files.
  status = ranks.max_over_ranks(status);
  if (status != 0 || ranks.rank() != 0) return status;
  try {
    switch (write_campaign(fs::path(options.output), runs, !options.independent_streams, digests,
                           options.jobs, stop)) {
      case CampaignOutcome::kWritten:
        break;
      case CampaignOutcome::kNoTraces:
        fmt::print(stderr, "circlesim batch: no complete traces in {}\n", options.output);
        return kExitNoInput;
      case CampaignOutcome::kInterrupted:
        return interrupted(stop.load(), "no campaign.h5 written; the traces are all kept");
    }
  } catch (const CommandFailure& e) {
    fmt::print(stderr, "circlesim batch: {}\n", e.what());
    return e.code();
  } catch (const sim::trace::TraceIoError& e) {
    fmt::print(stderr, "circlesim batch: cannot write the campaign: {}\n", e.what());
    return kExitIoError;
  }
  return 0;
}

}  // namespace circlesim::app
