#include "app/summarize_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "analysis/entity_labels.hpp"
#include "analysis/trace_reader.hpp"
#include "analysis/trace_summary.hpp"
#include "app/command_failure.hpp"
#include "app/option_checks.hpp"
#include "app/output_table.hpp"
#include "app/trace_inputs.hpp"

namespace circlesim::app {

namespace {

namespace fs = std::filesystem;
using analysis::ScalarSummary;
using analysis::TraceReader;
using Json = nlohmann::ordered_json;

// The level when neither the command line nor the trace gives one (the scenario default).
constexpr double kDefaultConfidence = 0.95;

void note(const std::string& text) { fmt::print(stderr, "circlesim summarize: {}\n", text); }

// The traces of one variant (or sweep point, or scenario): the files of one directory.
struct TraceGroup {
  std::string name;
  fs::path directory;
  std::vector<fs::path> files;
};

// One measure as printed: its summary and its entity id's name.
struct Kpi {
  ScalarSummary summary;
  std::string id_label;
};

struct VariantSummary {
  std::string name;
  std::string directory;
  std::string scenario;
  std::size_t replications = 0;
  double confidence = kDefaultConfidence;
  std::vector<Kpi> kpis;
};

// ---------------------------------------------------------------------------------------------
// Finding the traces

// A directory's own name, also for "." and paths ending in a slash.
std::string directory_name(const fs::path& directory) {
  std::error_code error;
  fs::path absolute = fs::absolute(directory, error).lexically_normal();
  if (error) absolute = directory.lexically_normal();
  if (!absolute.has_filename()) absolute = absolute.parent_path();
  const std::string name = absolute.filename().string();
  return name.empty() ? absolute.string() : name;
}

// Every complete trace (`*.h5`) under `root`, grouped by directory; `.part` files are skipped
// with a note.
std::vector<TraceGroup> find_traces_under(const fs::path& root) {
  const TraceFiles found = find_trace_files(root, /*recursive=*/true, note);
  if (found.complete.empty()) {
    throw CommandFailure(
        kExitNoInput,
        fmt::format("{}: no complete traces (*.h5) found{}", root.string(),
                    found.partial > 0 ? fmt::format(", {} .part files skipped", found.partial)
                                      : std::string()));
  }
  std::map<fs::path, std::vector<fs::path>> by_directory;  // sorted: stable output
  for (const fs::path& file : found.complete) by_directory[file.parent_path()].push_back(file);
  std::vector<TraceGroup> groups;
  for (auto& [directory, files] : by_directory) {
    const fs::path relative = directory.lexically_relative(root);
    const std::string name =
        relative.empty() || relative == "." ? directory_name(root) : relative.generic_string();
    groups.push_back(TraceGroup{name, directory, std::move(files)});
  }
  return groups;
}

std::vector<TraceGroup> find_traces(const fs::path& input) {
  const fs::file_status status = input_status(input);
  if (fs::is_directory(status)) return find_traces_under(input);
  const fs::path directory = input.has_parent_path() ? input.parent_path() : fs::path(".");
  return {TraceGroup{directory_name(directory), directory, {input}}};
}

// ---------------------------------------------------------------------------------------------
// Reading the traces

// What the first trace of a group tells about all of them.
struct GroupContext {
  std::string scenario;
  std::string variant;
  std::optional<double> confidence;
  analysis::EntityLabels labels;
};

GroupContext read_context(const TraceReader& reader) {
  GroupContext context;
  context.scenario = text_attribute(reader, "scenario_name");
  context.variant = text_attribute(reader, "variant");
  context.confidence = stored_confidence(reader);
  context.labels = analysis::EntityLabels(reader);
  return context;
}

// The names of the entity ids, from the group's lookup tables.
std::vector<Kpi> label_kpis(std::vector<ScalarSummary> summaries, GroupContext& context) {
  std::vector<Kpi> kpis;
  kpis.reserve(summaries.size());
  for (ScalarSummary& summary : summaries) {
    std::string label = context.labels.label(summary.key.entity, summary.key.entity_id);
    kpis.push_back(Kpi{std::move(summary), std::move(label)});
  }
  return kpis;
}

// Summarises one group; nullopt when none of its files is complete. `named_file` is set when the
// user gave the file itself: then an incomplete file is an error, not something to skip.
std::optional<VariantSummary> summarize_group(const TraceGroup& group,
                                              const SummarizeOptions& options, bool named_file) {
  analysis::ScalarSummarizer summarizer;
  std::optional<GroupContext> context;
  std::set<std::string> replication_ids;
  for (const fs::path& file : group.files) {
    try {
      // Partial files are opened so that their status is read here rather than parsed from an
      // error message.
      const TraceReader reader(file, /*allow_partial=*/true);
      if (reader.status() != "complete") {
        const std::string why =
            fmt::format("{}: trace status is '{}', not 'complete'", file.string(), reader.status());
        if (named_file) throw CommandFailure(kExitDataError, why);
        note(why + ": skipped");
        continue;
      }
      if (!context) {
        context = read_context(reader);
      } else {
        const std::string scenario = text_attribute(reader, "scenario_name");
        const std::string variant = text_attribute(reader, "variant");
        if (scenario != context->scenario || variant != context->variant) {
          note(
              fmt::format("{}: scenario '{}' variant '{}' differs from the others in {} ('{}', "
                          "'{}'); summarised together",
                          file.string(), scenario, variant, group.directory.string(),
                          context->scenario, context->variant));
        }
      }
      const std::string replication = text_attribute(reader, "replication");
      if (!replication.empty() && !replication_ids.insert(replication).second) {
        note(fmt::format("{}: replication {} appears twice in {}", file.string(), replication,
                         group.directory.string()));
      }
      summarizer.add_replication(reader.scalars());
    } catch (const sim::trace::TraceIoError& e) {
      throw CommandFailure(exit_code_of(e), e.what());
    }
  }
  if (!context) return std::nullopt;
  if (summarizer.duplicate_records() > 0) {
    note(fmt::format("{}: {} repeated scalar records ignored (the first of each counts)",
                     group.directory.string(), summarizer.duplicate_records()));
  }

  VariantSummary variant;
  variant.name = group.name;
  variant.directory = group.directory.string();
  variant.scenario = context->scenario;
  variant.replications = summarizer.replications();
  variant.confidence =
      options.confidence.value_or(context->confidence.value_or(kDefaultConfidence));
  const analysis::ScalarFilter filter{options.entities, options.name_prefixes};
  std::vector<ScalarSummary> summaries = summarizer.summarize(variant.confidence);
  std::erase_if(summaries, [&](const ScalarSummary& s) { return !filter.accepts(s.key); });
  variant.kpis = label_kpis(std::move(summaries), *context);
  return variant;
}

// ---------------------------------------------------------------------------------------------
// Output

std::string table_note(const ScalarSummary& s) {
  std::vector<std::string> parts;
  if (s.stats.undefined > 0) parts.push_back(fmt::format("{} NaN left out", s.stats.undefined));
  if (s.missing > 0) parts.push_back(fmt::format("missing in {}", s.missing));
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

void print_table(const std::vector<VariantSummary>& variants) {
  const std::vector<std::string> header{"kpi",    "id",      "n",    "mean", "sd",
                                        "ci_low", "ci_high", "unit", "note"};
  const std::vector<bool> right{false, false, true, true, true, true, true, false, false};
  bool first = true;
  for (const VariantSummary& variant : variants) {
    if (!first) fmt::print("\n");
    first = false;
    fmt::print("{}: scenario {}, {} replications, {} t intervals ({})\n", variant.name,
               variant.scenario, variant.replications, percent(variant.confidence),
               variant.directory);
    if (variant.kpis.empty()) {
      fmt::print("  no measures match\n");
      continue;
    }
    EntityTable table(header, right);
    for (const Kpi& kpi : variant.kpis) {
      const ScalarSummary& s = kpi.summary;
      table.add_row(s.key.entity, {s.key.name, kpi.id_label, fmt::format("{}", s.stats.n),
                                   table_number(s.stats.mean), table_number(s.stats.sd),
                                   table_number(s.stats.ci_low), table_number(s.stats.ci_high),
                                   s.unit, table_note(s)});
    }
    table.print();
  }
}

void print_csv(const std::vector<VariantSummary>& variants) {
  fmt::print("variant,entity,id,name,unit,n,mean,sd,ci_low,ci_high\n");
  for (const VariantSummary& variant : variants) {
    for (const Kpi& kpi : variant.kpis) {
      const ScalarSummary& s = kpi.summary;
      fmt::print("{},{},{},{},{},{},{},{},{},{}\n", csv_field(variant.name),
                 csv_field(s.key.entity), csv_field(kpi.id_label), csv_field(s.key.name),
                 csv_field(s.unit), s.stats.n, csv_number(s.stats.mean), csv_number(s.stats.sd),
                 csv_number(s.stats.ci_low), csv_number(s.stats.ci_high));
    }
  }
}

void print_json(const std::vector<VariantSummary>& variants) {
  Json document;
  Json& list = document["variants"] = Json::array();
  for (const VariantSummary& variant : variants) {
    Json kpis = Json::array();
    for (const Kpi& kpi : variant.kpis) {
      const ScalarSummary& s = kpi.summary;
      kpis.push_back({{"name", s.key.name},
                      {"entity", s.key.entity},
                      {"id", kpi.id_label},
                      {"entity_id", s.key.entity_id},
                      {"unit", s.unit},
                      {"n", s.stats.n},
                      {"undefined", s.stats.undefined},
                      {"missing", s.missing},
                      {"mean", json_number(s.stats.mean)},
                      {"sd", json_number(s.stats.sd)},
                      {"ci_low", json_number(s.stats.ci_low)},
                      {"ci_high", json_number(s.stats.ci_high)}});
    }
    list.push_back({{"name", variant.name},
                    {"scenario", variant.scenario},
                    {"directory", variant.directory},
                    {"replications", variant.replications},
                    {"confidence", variant.confidence},
                    {"kpis", std::move(kpis)}});
  }
  // Names come from scenario files: replace invalid UTF-8 rather than fail on it.
  fmt::print("{}\n", document.dump(2, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

CLI::App* add_summarize_command(CLI::App& app, SummarizeOptions& options) {
  CLI::App* command = app.add_subcommand(
      "summarize",
      "Summarise the scalars of traces across replications (n, mean, sd, t interval), one "
      "summary per variant directory");
  command->add_option("path", options.input, "A trace file, or a directory searched recursively")
      ->required();
  command->add_option("--format", options.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  command
      ->add_option_function<double>(
          "--confidence", [&options](const double& level) { options.confidence = level; },
          "Confidence level of the intervals (default: the run's run.confidence, else 0.95)")
      ->check(finite_open_range(0, 1));
  command
      ->add_option("--entity", options.entities,
                   "Only these entities, e.g. service,room (repeatable or comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);  // one value per use: never swallow the path
  command
      ->add_option("--name", options.name_prefixes,
                   "Only measures whose name starts with this, e.g. mean_ (repeatable)")
      ->allow_extra_args(false);
  return command;
}

int run_summarize(const SummarizeOptions& options) {
  try {
    const fs::path input(options.input);
    const std::vector<TraceGroup> groups = find_traces(input);
    std::error_code error;
    const bool named_file = !fs::is_directory(input, error);
    std::vector<VariantSummary> variants;
    for (const TraceGroup& group : groups) {
      if (auto variant = summarize_group(group, options, named_file)) {
        variants.push_back(std::move(*variant));
      }
    }
    if (variants.empty()) {
      throw CommandFailure(kExitNoInput,
                           fmt::format("{}: no complete traces to summarise", input.string()));
    }
    if (options.format == "csv") {
      print_csv(variants);
    } else if (options.format == "json") {
      print_json(variants);
    } else {
      print_table(variants);
    }
  } catch (const CommandFailure& e) {
    fmt::print(stderr, "{}\n", e.what());
    return e.code();
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    fmt::print(stderr, "circlesim summarize: cannot write the summary to stdout\n");
    return kExitIoError;
  }
  return 0;
}

}  // namespace circlesim::app
