#include "app/summarize_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "analysis/trace_reader.hpp"
#include "analysis/trace_summary.hpp"

namespace circlesim::app {

namespace {

namespace fs = std::filesystem;
using analysis::ScalarSummary;
using analysis::TraceReader;
using Json = nlohmann::ordered_json;

// Exit codes (sysexits EX_DATAERR, EX_NOINPUT, EX_IOERR; DESIGN.md section 7).
constexpr int kExitDataError = 65;
constexpr int kExitNoInput = 66;
constexpr int kExitIoError = 74;

// The level when neither the command line nor the trace gives one (the scenario default).
constexpr double kDefaultConfidence = 0.95;

// Ends the command with `code`; the message names the file or directory.
class SummarizeFailure : public std::runtime_error {
 public:
  SummarizeFailure(int code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int code() const { return code_; }

 private:
  int code_;
};

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

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

[[noreturn]] void fail_missing(const fs::path& input) {
  std::string message = fmt::format("{}: cannot open: no such file or directory", input.string());
  std::error_code error;
  if (fs::exists(input.string() + ".part", error)) {
    message += fmt::format("\n{}.part: exists: that run is still going or was interrupted",
                           input.string());
  }
  throw SummarizeFailure(kExitNoInput, message);
}

// Every complete-looking trace (`*.h5`) under `root`, grouped by directory; `.part` files are
// skipped with a note.
std::vector<TraceGroup> find_traces_under(const fs::path& root) {
  std::map<fs::path, std::vector<fs::path>> by_directory;  // sorted: stable output
  std::size_t partial = 0;
  std::error_code error;
  fs::recursive_directory_iterator it(root, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::directory_entry& entry = *it;
    std::error_code type_error;
    if (!entry.is_regular_file(type_error)) continue;
    const std::string file_name = entry.path().filename().string();
    if (ends_with(file_name, ".h5.part")) {
      note(fmt::format("{}: skipped: not complete (.part: a run still going or interrupted)",
                       entry.path().string()));
      ++partial;
    } else if (entry.path().extension() == ".h5") {
      // OUT/campaign.h5 links the replications (DESIGN.md section 5); it is not one of them.
      if (file_name == "campaign.h5") continue;
      by_directory[entry.path().parent_path()].push_back(entry.path());
    }
  }
  if (error) {
    throw SummarizeFailure(
        kExitIoError, fmt::format("{}: cannot read directory: {}", root.string(), error.message()));
  }
  if (by_directory.empty()) {
    throw SummarizeFailure(
        kExitNoInput, fmt::format("{}: no complete traces (*.h5) found{}", root.string(),
                                  partial > 0 ? fmt::format(", {} .part files skipped", partial)
                                              : std::string()));
  }
  std::vector<TraceGroup> groups;
  for (auto& [directory, files] : by_directory) {
    std::sort(files.begin(), files.end());
    const fs::path relative = directory.lexically_relative(root);
    const std::string name =
        relative.empty() || relative == "." ? directory_name(root) : relative.generic_string();
    groups.push_back(TraceGroup{name, directory, std::move(files)});
  }
  return groups;
}

std::vector<TraceGroup> find_traces(const fs::path& input) {
  std::error_code error;
  const fs::file_status status = fs::status(input, error);
  if (!fs::exists(status)) {
    if (!error || error == std::errc::no_such_file_or_directory) fail_missing(input);
    throw SummarizeFailure(kExitIoError,
                           fmt::format("{}: cannot open: {}", input.string(), error.message()));
  }
  if (fs::is_directory(status)) return find_traces_under(input);
  const fs::path directory = input.has_parent_path() ? input.parent_path() : fs::path(".");
  return {TraceGroup{directory_name(directory), directory, {input}}};
}

// ---------------------------------------------------------------------------------------------
// Reading the traces

// TraceReader reports every problem as one error type; its wording tells a file that is not a
// trace at all (bad input data) from one that cannot be read.
int exit_code_of(const sim::trace::TraceIoError& e) {
  constexpr std::array<std::string_view, 3> kNotATrace{"not an HDF5 file", "not a circlesim trace",
                                                       "unsupported format_version"};
  const std::string_view message = e.what();
  for (const std::string_view phrase : kNotATrace) {
    if (message.find(phrase) != std::string_view::npos) return kExitDataError;
  }
  return kExitIoError;
}

// The run's confidence level as the trace stores it: a root attribute `confidence` if a later
// writer adds one, else `run.confidence` of the resolved scenario (JSON).
std::optional<double> stored_confidence(const TraceReader& reader) {
  std::optional<double> level;
  if (const auto attribute = reader.attribute("confidence")) {
    if (const auto* number = std::get_if<double>(&*attribute)) level = *number;
  }
  if (!level) {
    std::string resolved_text;
    try {
      resolved_text = reader.resolved_yaml();
    } catch (const sim::trace::TraceIoError&) {
      return std::nullopt;  // a trace without /scenario still has scalars worth summarising
    }
    const Json resolved = Json::parse(resolved_text, nullptr, /*allow_exceptions=*/false);
    if (resolved.is_object() && resolved.contains("run") && resolved["run"].is_object()) {
      const Json& run = resolved["run"];
      if (run.contains("confidence") && run["confidence"].is_number()) {
        level = run["confidence"].get<double>();
      }
    }
  }
  if (level && !(*level > 0.0 && *level < 1.0)) return std::nullopt;
  return level;
}

std::string text_attribute(const TraceReader& reader, const std::string& name) {
  const auto value = reader.attribute(name);
  if (!value) return {};
  return std::visit([](const auto& v) { return fmt::format("{}", v); }, *value);
}

// What the first trace of a group tells about all of them.
struct GroupContext {
  std::string scenario;
  std::string variant;
  std::optional<double> confidence;
  std::map<std::string, std::vector<std::string>, std::less<>> lookups;
};

GroupContext read_context(const TraceReader& reader) {
  GroupContext context;
  context.scenario = text_attribute(reader, "scenario_name");
  context.variant = text_attribute(reader, "variant");
  context.confidence = stored_confidence(reader);
  for (const std::string& kind : reader.lookup_kinds()) {
    context.lookups.emplace(kind, reader.lookup(kind));
  }
  return context;
}

// The names of the entity ids, from the group's lookup tables.
std::vector<Kpi> label_kpis(std::vector<ScalarSummary> summaries, const GroupContext& context) {
  std::vector<std::string> kinds;
  for (const auto& entry : context.lookups) kinds.push_back(entry.first);
  std::map<std::string, const std::vector<std::string>*, std::less<>> names_of_entity;
  static const std::vector<std::string> kNoNames;
  std::vector<Kpi> kpis;
  kpis.reserve(summaries.size());
  for (ScalarSummary& summary : summaries) {
    auto found = names_of_entity.find(summary.key.entity);
    if (found == names_of_entity.end()) {
      const auto kind = analysis::lookup_kind_for(summary.key.entity, kinds);
      found =
          names_of_entity.emplace(summary.key.entity, kind ? &context.lookups.at(*kind) : &kNoNames)
              .first;
    }
    std::string label = analysis::entity_label(summary.key.entity_id, *found->second);
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
        if (named_file) throw SummarizeFailure(kExitDataError, why);
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
      throw SummarizeFailure(exit_code_of(e), e.what());
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

// Six significant digits: enough to compare KPIs by eye, short enough for a terminal.
std::string table_number(double value) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.6g}", value);
}

std::string percent(double level) { return fmt::format("{:g}%", level * 100.0); }

std::string table_note(const ScalarSummary& s) {
  std::vector<std::string> parts;
  if (s.stats.undefined > 0) parts.push_back(fmt::format("{} NaN left out", s.stats.undefined));
  if (s.missing > 0) parts.push_back(fmt::format("missing in {}", s.missing));
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

// The entities in order of first appearance (traces list measures entity by entity).
std::vector<std::string> entity_order(const std::vector<Kpi>& kpis) {
  std::vector<std::string> order;
  for (const Kpi& kpi : kpis) {
    if (std::find(order.begin(), order.end(), kpi.summary.key.entity) == order.end()) {
      order.push_back(kpi.summary.key.entity);
    }
  }
  return order;
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
    // Widths over the whole variant, so that the entities' sections line up.
    std::map<std::string, std::vector<std::vector<std::string>>> rows_of_entity;
    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) widths[c] = header[c].size();
    for (const Kpi& kpi : variant.kpis) {
      const ScalarSummary& s = kpi.summary;
      std::vector<std::string> row{s.key.name,
                                   kpi.id_label,
                                   fmt::format("{}", s.stats.n),
                                   table_number(s.stats.mean),
                                   table_number(s.stats.sd),
                                   table_number(s.stats.ci_low),
                                   table_number(s.stats.ci_high),
                                   s.unit,
                                   table_note(s)};
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
      rows_of_entity[s.key.entity].push_back(std::move(row));
    }
    // The note column only when some measure has NaN values or is missing somewhere.
    const std::size_t columns =
        widths.back() > header.back().size() ? header.size() : header.size() - 1;
    auto print_row = [&](const std::vector<std::string>& cells) {
      std::string line = " ";
      for (std::size_t c = 0; c < columns; ++c) {
        line += right[c] ? fmt::format(" {:>{}}", cells[c], widths[c])
                         : fmt::format(" {:<{}}", cells[c], widths[c]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      fmt::print("{}\n", line);
    };
    for (const std::string& entity : entity_order(variant.kpis)) {
      fmt::print("\n{}\n", entity);
      print_row(header);
      for (const auto& row : rows_of_entity[entity]) print_row(row);
    }
  }
}

// RFC 4180: quote a field holding a comma, quote or line break; double its quotes.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

// Shortest round-trip form; an empty field for NaN, which spreadsheets and pandas read as missing.
std::string csv_number(double value) {
  if (std::isnan(value)) return {};
  return fmt::format("{}", value);
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

// JSON has no NaN: null says "no value" where a token would make the document unparseable.
Json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
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
      ->check([](const std::string& text) {
        double value = 0;
        const bool number = CLI::detail::lexical_cast(text, value);
        return number && value > 0 && value < 1 ? std::string()
                                                : "must be a number in (0, 1), got " + text;
      });
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
      throw SummarizeFailure(kExitNoInput,
                             fmt::format("{}: no complete traces to summarise", input.string()));
    }
    if (options.format == "csv") {
      print_csv(variants);
    } else if (options.format == "json") {
      print_json(variants);
    } else {
      print_table(variants);
    }
  } catch (const SummarizeFailure& e) {
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
