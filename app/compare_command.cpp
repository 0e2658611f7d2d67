#include "app/compare_command.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/entity_labels.hpp"
#include "analysis/paired_comparison.hpp"
#include "analysis/trace_reader.hpp"
#include "analysis/trace_summary.hpp"
#include "app/command_failure.hpp"
#include "app/option_checks.hpp"
#include "app/output_table.hpp"
#include "app/trace_inputs.hpp"

namespace circlesim::app {

namespace {

namespace fs = std::filesystem;
using analysis::PairedComparison;
using analysis::TraceReader;
using Json = nlohmann::ordered_json;

// The level when neither the command line nor the baseline's traces give one.
constexpr double kDefaultConfidence = 0.95;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void note(const std::string& text) { fmt::print(stderr, "circlesim compare: {}\n", text); }

// ---------------------------------------------------------------------------------------------
// Reading the variants

// What identifies a KPI across variants: the entity id's lookup name, not the id, because a
// variant that adds a facility may number the others differently.
struct KpiKey {
  std::string name;
  std::string entity;
  std::string label;

  friend bool operator==(const KpiKey&, const KpiKey&) = default;
};

struct KpiKeyHash {
  std::size_t operator()(const KpiKey& key) const noexcept {
    std::size_t seed = std::hash<std::string>{}(key.name);
    for (const std::string* part : {&key.entity, &key.label}) {
      seed ^= std::hash<std::string>{}(*part) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
    }
    return seed;
  }
};

struct KpiInfo {
  KpiKey key;
  std::uint32_t entity_id = 0;
  std::string unit;
};

// The traces of one variant directory as a table of KPI x replication.
class VariantTable {
 public:
  std::string name;
  fs::path directory;
  std::string scenario;                            // of its first trace
  std::optional<double> confidence;                // the run's run.confidence, from its first trace
  std::vector<std::int64_t> replications;          // replication index of each slot, in file order
  std::vector<std::optional<std::int64_t>> seeds;  // master_seed of each slot
  std::size_t duplicate_records = 0;

  [[nodiscard]] const std::vector<KpiInfo>& kpis() const { return kpis_; }
  [[nodiscard]] std::optional<std::size_t> find(const KpiKey& key) const {
    const auto found = index_.find(key);
    if (found == index_.end()) return std::nullopt;
    return found->second;
  }
  [[nodiscard]] std::optional<std::size_t> slot_of(std::int64_t replication) const {
    const auto found = slots_.find(replication);
    if (found == slots_.end()) return std::nullopt;
    return found->second;
  }
  // The value of `kpi` in `slot`; nullopt when that replication has no record of it.
  [[nodiscard]] std::optional<double> value(std::size_t kpi, std::size_t slot) const {
    if (kpi >= present_[slot].size() || present_[slot][kpi] == 0) return std::nullopt;
    return values_[slot][kpi];
  }

  // False (nothing added) when the replication index is already there.
  bool add_replication(std::int64_t replication, std::optional<std::int64_t> seed,
                       std::span<const sim::trace::ScalarRecord> records,
                       std::span<const std::string> labels) {
    if (!slots_.emplace(replication, replications.size()).second) return false;
    replications.push_back(replication);
    seeds.push_back(seed);
    std::vector<double>& values = values_.emplace_back(kpis_.size(), kNaN);
    std::vector<std::uint8_t>& present = present_.emplace_back(kpis_.size(), 0);
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::size_t kpi = kpi_index(records[i], labels[i], i);
      if (kpi >= values.size()) {
        values.resize(kpis_.size(), kNaN);
        present.resize(kpis_.size(), 0);
      }
      if (present[kpi] != 0) {
        ++duplicate_records;  // the first record of a measure counts, as in summarize
        continue;
      }
      values[kpi] = records[i].value;
      present[kpi] = 1;
    }
    return true;
  }

 private:
  std::size_t kpi_index(const sim::trace::ScalarRecord& record, const std::string& label,
                        std::size_t position) {
    // Replications list their measures in the same order: try the same position before hashing
    // (a city trace has hundreds of thousands of measures).
    if (position < kpis_.size()) {
      const KpiInfo& info = kpis_[position];
      if (info.entity_id == record.entity_id && info.key.name == record.name &&
          info.key.entity == record.entity && info.key.label == label) {
        return position;
      }
    }
    KpiKey key{record.name, record.entity, label};
    const auto [found, inserted] = index_.try_emplace(std::move(key), kpis_.size());
    if (inserted) kpis_.push_back(KpiInfo{found->first, record.entity_id, record.unit});
    return found->second;
  }

  std::vector<KpiInfo> kpis_;
  std::unordered_map<KpiKey, std::size_t, KpiKeyHash> index_;
  std::map<std::int64_t, std::size_t> slots_;
  std::vector<std::vector<double>> values_;         // [slot][kpi]
  std::vector<std::vector<std::uint8_t>> present_;  // [slot][kpi]
};

// The entity ids' names of one trace, as summarize shows them.
std::vector<std::string> record_labels(const TraceReader& reader,
                                       std::span<const sim::trace::ScalarRecord> records) {
  analysis::EntityLabels names(reader);
  std::vector<std::string> labels;
  labels.reserve(records.size());
  for (const sim::trace::ScalarRecord& record : records) {
    labels.push_back(names.label(record.entity, record.entity_id));
  }
  return labels;
}

// The complete traces directly in `directory` (sorted), `.part` files noted and skipped.
std::vector<fs::path> traces_in(const fs::path& directory) {
  return find_trace_files(directory, /*recursive=*/false, note).complete;
}

// One subdirectory per variant (sorted by name), each with its trace files. Files directly in
// DIR (campaign.h5, which links the replications, or anything else) are not variants.
std::vector<std::pair<std::string, std::vector<fs::path>>> find_variants(const fs::path& input) {
  if (!fs::is_directory(input_status(input))) {
    throw CommandFailure(kExitNoInput,
                         fmt::format("{}: not a directory: compare needs a directory with one "
                                     "subdirectory of traces per variant",
                                     input.string()));
  }
  std::error_code error;
  std::vector<fs::path> directories;
  fs::directory_iterator it(input, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    std::error_code type_error;
    if (it->is_directory(type_error)) directories.push_back(it->path());
  }
  if (error) {
    throw CommandFailure(kExitIoError, fmt::format("{}: cannot read directory: {}", input.string(),
                                                   error.message()));
  }
  std::sort(directories.begin(), directories.end());
  std::vector<std::pair<std::string, std::vector<fs::path>>> variants;
  for (const fs::path& directory : directories) {
    std::vector<fs::path> files = traces_in(directory);
    if (!files.empty()) variants.emplace_back(directory.filename().string(), std::move(files));
  }
  if (variants.empty()) {
    std::string hint;
    if (!traces_in(input).empty()) {
      hint =
          ": it holds traces itself; give the directory above it, which has one subdirectory "
          "per variant";
    }
    throw CommandFailure(kExitNoInput,
                         fmt::format("{}: no variant directories with complete traces (*.h5){}",
                                     input.string(), hint));
  }
  return variants;
}

VariantTable read_variant(const std::string& name, const fs::path& directory,
                          const std::vector<fs::path>& files) {
  VariantTable table;
  table.name = name;
  table.directory = directory;
  bool first = true;
  for (const fs::path& file : files) {
    try {
      const TraceReader reader(file, /*allow_partial=*/true);
      if (reader.status() != "complete") {
        note(fmt::format("{}: trace status is '{}', not 'complete': skipped", file.string(),
                         reader.status()));
        continue;
      }
      const auto replication = integer_attribute(reader, "replication");
      if (!replication) {
        throw CommandFailure(kExitDataError,
                             fmt::format("{}: no integer root attribute 'replication' to pair "
                                         "it by (docs/trace-format.md)",
                                         file.string()));
      }
      if (first) {
        table.scenario = text_attribute(reader, "scenario_name");
        table.confidence = stored_confidence(reader);
        first = false;
      } else if (const std::string scenario = text_attribute(reader, "scenario_name");
                 scenario != table.scenario) {
        note(fmt::format("{}: scenario '{}' differs from '{}' of the others in {}", file.string(),
                         scenario, table.scenario, directory.string()));
      }
      const std::vector<sim::trace::ScalarRecord> records = reader.scalars();
      const std::vector<std::string> labels = record_labels(reader, records);
      if (!table.add_replication(*replication, integer_attribute(reader, "master_seed"), records,
                                 labels)) {
        note(fmt::format("{}: replication {} appears twice in {}; the first file counts",
                         file.string(), *replication, directory.string()));
      }
    } catch (const sim::trace::TraceIoError& e) {
      throw CommandFailure(exit_code_of(e), e.what());
    }
  }
  if (table.duplicate_records > 0) {
    note(fmt::format("{}: {} repeated scalar records ignored (the first of each counts)",
                     directory.string(), table.duplicate_records));
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// Comparing

struct KpiComparison {
  const KpiInfo* kpi = nullptr;  // the baseline's
  std::size_t missing = 0;       // paired replications where either side has no record of it
  PairedComparison stats;
  double p_holm = kNaN;
  std::optional<bool> significant;  // nullopt when there is no p-value
};

struct VariantComparison {
  const VariantTable* variant;
  std::vector<std::int64_t> paired;  // replication indices in both, ascending
  std::size_t only_in_baseline = 0;  // KPIs (after the filters) the variant does not have
  std::size_t only_in_variant = 0;   // and the reverse
  std::vector<KpiComparison> kpis;
};

VariantComparison compare_variant(const VariantTable& baseline, const VariantTable& variant,
                                  const analysis::ScalarFilter& filter, double level) {
  VariantComparison result;
  result.variant = &variant;
  std::vector<std::pair<std::size_t, std::size_t>> slots;  // (baseline, variant)
  bool seeds_differ = false;
  for (std::size_t b = 0; b < baseline.replications.size(); ++b) {
    if (const auto v = variant.slot_of(baseline.replications[b])) {
      slots.emplace_back(b, *v);
      seeds_differ = seeds_differ || baseline.seeds[b] != variant.seeds[*v];
    }
  }
  std::sort(slots.begin(), slots.end(), [&](const auto& x, const auto& y) {
    return baseline.replications[x.first] < baseline.replications[y.first];
  });
  for (const auto& [b, v] : slots) result.paired.push_back(baseline.replications[b]);
  if (slots.size() != baseline.replications.size() || slots.size() != variant.replications.size()) {
    note(
        fmt::format("{}: {} replications paired with the baseline's (baseline {}, {} {}); only "
                    "replications in both are compared",
                    variant.name, slots.size(), baseline.replications.size(), variant.name,
                    variant.replications.size()));
  }
  if (seeds_differ) {
    note(
        fmt::format("{}: master seeds differ from the baseline's: not common random numbers, "
                    "the pairing gains nothing (the comparison stays valid)",
                    variant.name));
  }
  if (variant.scenario != baseline.scenario) {
    note(fmt::format("{}: scenario '{}' is not the baseline's '{}'", variant.name, variant.scenario,
                     baseline.scenario));
  }

  auto accepted = [&](const KpiInfo& info) {
    return filter.accepts(analysis::ScalarKey{info.key.name, info.key.entity, info.entity_id});
  };
  std::vector<double> baseline_values;
  std::vector<double> variant_values;
  for (std::size_t k = 0; k < baseline.kpis().size(); ++k) {
    const KpiInfo& info = baseline.kpis()[k];
    if (!accepted(info)) continue;
    const auto in_variant = variant.find(info.key);
    if (!in_variant) {
      ++result.only_in_baseline;
      continue;
    }
    KpiComparison comparison;
    comparison.kpi = &info;
    baseline_values.clear();
    variant_values.clear();
    for (const auto& [b, v] : slots) {
      const auto x = baseline.value(k, b);
      const auto y = variant.value(*in_variant, v);
      if (!x || !y) {
        ++comparison.missing;
        continue;
      }
      baseline_values.push_back(*x);
      variant_values.push_back(*y);
    }
    comparison.stats = analysis::paired_comparison(baseline_values, variant_values, level);
    result.kpis.push_back(std::move(comparison));
  }
  for (const KpiInfo& info : variant.kpis()) {
    if (accepted(info) && !baseline.find(info.key)) ++result.only_in_variant;
  }
  if (result.only_in_baseline > 0 || result.only_in_variant > 0) {
    note(fmt::format("{}: not compared: {} measures only in the baseline, {} only in {}",
                     variant.name, result.only_in_baseline, result.only_in_variant, variant.name));
  }
  return result;
}

// Whether every difference is exactly 0: the variant changes nothing in this measure (common
// random numbers make that exact), and no level of test can call it significant.
bool identical(const PairedComparison& s) {
  return s.n >= 2 && s.difference == 0.0 && s.sd_difference == 0.0;
}

// Holm over every comparison of the invocation (all KPIs of all variants, after the filters) that
// has a p-value and could come out significant. Identical results (p = 1 whatever the level) are
// kept out of the family, as Tarone (1990) allows for tests that cannot reject: measures a
// variant does not touch must not weaken the tests of those it does. Returns the family's size.
std::size_t apply_holm(std::vector<VariantComparison>& comparisons, double alpha) {
  std::vector<double> p_values;
  for (const VariantComparison& v : comparisons) {
    for (const KpiComparison& k : v.kpis) {
      p_values.push_back(identical(k.stats) ? kNaN : k.stats.p_value);
    }
  }
  const std::vector<double> adjusted = analysis::holm_adjust(p_values);
  const std::vector<bool> significant = analysis::significant_at(adjusted, alpha);
  std::size_t i = 0;
  std::size_t family = 0;
  for (VariantComparison& v : comparisons) {
    for (KpiComparison& k : v.kpis) {
      if (identical(k.stats)) {
        k.p_holm = 1.0;
        k.significant = false;
      } else if (!std::isnan(adjusted[i])) {
        k.p_holm = adjusted[i];
        k.significant = significant[i];
        ++family;
      }
      ++i;
    }
  }
  return family;
}

// ---------------------------------------------------------------------------------------------
// Output

struct Report {
  std::string directory;
  const VariantTable* baseline;
  double confidence;
  double alpha;
  std::size_t family;
  std::vector<VariantComparison> comparisons;
};

std::string table_p(double value) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.3g}", value);
}

std::string table_change(double relative) {
  if (!std::isfinite(relative)) return "-";
  return fmt::format("{:+.1f}%", relative * 100.0);
}

std::string significance_text(const std::optional<bool>& significant) {
  if (!significant) return "-";
  return *significant ? "yes" : "no";
}

std::string table_note(const KpiComparison& k) {
  std::string text;
  if (k.stats.left_out > 0) text = fmt::format("{} pairs with NaN left out", k.stats.left_out);
  if (k.missing > 0) {
    text += fmt::format("{}missing in {} pairs", text.empty() ? "" : ", ", k.missing);
  }
  return text;
}

// Replication indices as ranges: 0-4, 7, 9-11.
std::string ranges(const std::vector<std::int64_t>& sorted) {
  std::string text;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    text += (text.empty() ? "" : ", ") +
            (j == i ? fmt::format("{}", sorted[i]) : fmt::format("{}-{}", sorted[i], sorted[j]));
    i = j + 1;
  }
  return text;
}

void print_table(const Report& report) {
  fmt::print(
      "compare {}: baseline {} (scenario {}, {} replications)\n"
      "difference = variant - baseline on paired replications, {} t interval; p two-sided, "
      "p_holm Holm-adjusted over {} comparisons (identical results left out); significant when "
      "p_holm <= {:g}\n",
      report.directory, report.baseline->name, report.baseline->scenario,
      report.baseline->replications.size(), percent(report.confidence), report.family,
      report.alpha);
  const std::vector<std::string> header{
      "kpi",     "id",     "n", "baseline", "variant",     "difference", "ci_low",
      "ci_high", "change", "p", "p_holm",   "significant", "unit",       "note"};
  const std::vector<bool> right{false, false, true, true, true,  true,  true,
                                true,  true,  true, true, false, false, false};
  for (const VariantComparison& v : report.comparisons) {
    fmt::print("\n{} vs {}: {} paired replications ({})\n", v.variant->name, report.baseline->name,
               v.paired.size(), ranges(v.paired));
    if (v.kpis.empty()) {
      fmt::print("  no measures to compare\n");
      continue;
    }
    EntityTable table(header, right);
    for (const KpiComparison& k : v.kpis) {
      const PairedComparison& s = k.stats;
      table.add_row(
          k.kpi->key.entity,
          {k.kpi->key.name, k.kpi->key.label, fmt::format("{}", s.n), table_number(s.baseline_mean),
           table_number(s.variant_mean), table_number(s.difference), table_number(s.ci_low),
           table_number(s.ci_high), table_change(s.relative_change), table_p(s.p_value),
           table_p(k.p_holm), significance_text(k.significant), k.kpi->unit, table_note(k)});
    }
    table.print();
  }
}

void print_csv(const Report& report) {
  fmt::print(
      "variant,baseline,entity,id,name,unit,n,undefined,missing,baseline_mean,variant_mean,"
      "difference,ci_low,ci_high,relative_change,p_value,p_holm,significant\n");
  for (const VariantComparison& v : report.comparisons) {
    for (const KpiComparison& k : v.kpis) {
      const PairedComparison& s = k.stats;
      fmt::print("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                 csv_field(v.variant->name), csv_field(report.baseline->name),
                 csv_field(k.kpi->key.entity), csv_field(k.kpi->key.label),
                 csv_field(k.kpi->key.name), csv_field(k.kpi->unit), s.n, s.left_out, k.missing,
                 csv_number(s.baseline_mean), csv_number(s.variant_mean), csv_number(s.difference),
                 csv_number(s.ci_low), csv_number(s.ci_high),
                 csv_number(std::isfinite(s.relative_change) ? s.relative_change : kNaN),
                 csv_number(s.p_value), csv_number(k.p_holm),
                 k.significant ? (*k.significant ? "true" : "false") : "");
    }
  }
}

void print_json(const Report& report) {
  Json document;
  document["directory"] = report.directory;
  document["baseline"] = report.baseline->name;
  document["scenario"] = report.baseline->scenario;
  document["baseline_replications"] = report.baseline->replications.size();
  document["confidence"] = report.confidence;
  document["alpha"] = report.alpha;
  document["correction"] = "holm";
  document["family_size"] = report.family;
  Json& list = document["variants"] = Json::array();
  for (const VariantComparison& v : report.comparisons) {
    Json kpis = Json::array();
    for (const KpiComparison& k : v.kpis) {
      const PairedComparison& s = k.stats;
      kpis.push_back({{"name", k.kpi->key.name},
                      {"entity", k.kpi->key.entity},
                      {"id", k.kpi->key.label},
                      {"entity_id", k.kpi->entity_id},
                      {"unit", k.kpi->unit},
                      {"n", s.n},
                      {"undefined", s.left_out},
                      {"missing", k.missing},
                      {"baseline_mean", json_number(s.baseline_mean)},
                      {"variant_mean", json_number(s.variant_mean)},
                      {"difference", json_number(s.difference)},
                      {"sd_difference", json_number(s.sd_difference)},
                      {"ci_low", json_number(s.ci_low)},
                      {"ci_high", json_number(s.ci_high)},
                      {"relative_change", json_number(s.relative_change)},
                      {"t", json_number(s.t_statistic)},
                      {"p_value", json_number(s.p_value)},
                      {"p_holm", json_number(k.p_holm)},
                      {"significant", k.significant ? Json(*k.significant) : Json(nullptr)}});
    }
    list.push_back({{"name", v.variant->name},
                    {"scenario", v.variant->scenario},
                    {"directory", v.variant->directory.string()},
                    {"replications", v.variant->replications.size()},
                    {"paired_replications", v.paired.size()},
                    {"paired", v.paired},
                    {"only_in_baseline", v.only_in_baseline},
                    {"only_in_variant", v.only_in_variant},
                    {"kpis", std::move(kpis)}});
  }
  fmt::print("{}\n", document.dump(2, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

CLI::App* add_compare_command(CLI::App& app, CompareOptions& options) {
  CLI::App* command = app.add_subcommand(
      "compare",
      "Compare each variant directory with the baseline's on paired replications (common random "
      "numbers): difference with its t interval, relative change, p-value, Holm-adjusted p-value");
  command
      ->add_option("dir", options.input, "A directory with one subdirectory of traces per variant")
      ->required();
  command->add_option("--baseline", options.baseline, "The variant directory to compare with")
      ->required();
  command->add_option("--format", options.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  command
      ->add_option_function<double>(
          "--confidence", [&options](const double& level) { options.confidence = level; },
          "Confidence level of the intervals (default: the baseline run's run.confidence, else "
          "0.95)")
      ->check(finite_open_range(0, 1));
  command
      ->add_option_function<double>(
          "--alpha", [&options](const double& alpha) { options.alpha = alpha; },
          "Family-wise significance level of the Holm-adjusted p-values (default: 1 - confidence)")
      ->check(finite_open_range(0, 1));
  command
      ->add_option("--entity", options.entities,
                   "Only these entities, e.g. service,room (repeatable or comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  command
      ->add_option("--name", options.name_prefixes,
                   "Only measures whose name starts with this, e.g. mean_ (repeatable)")
      ->allow_extra_args(false);
  return command;
}

int run_compare(const CompareOptions& options) {
  try {
    const fs::path input(options.input);
    const auto found = find_variants(input);
    const auto is_baseline = [&](const auto& v) { return v.first == options.baseline; };
    const auto baseline_entry = std::find_if(found.begin(), found.end(), is_baseline);
    if (baseline_entry == found.end()) {
      std::string names;
      for (const auto& v : found) names += (names.empty() ? "" : ", ") + v.first;
      throw CommandFailure(kExitNoInput,
                           fmt::format("{}: no baseline '{}': the variant directories with "
                                       "traces are {}",
                                       input.string(), options.baseline, names));
    }
    if (found.size() == 1) {
      throw CommandFailure(kExitNoInput,
                           fmt::format("{}: only the baseline '{}' has traces: nothing to "
                                       "compare it with",
                                       input.string(), options.baseline));
    }

    const VariantTable baseline =
        read_variant(baseline_entry->first, input / baseline_entry->first, baseline_entry->second);
    if (baseline.replications.empty()) {
      throw CommandFailure(kExitNoInput, fmt::format("{}: no complete traces in the baseline",
                                                     (input / options.baseline).string()));
    }
    const double level =
        options.confidence.value_or(baseline.confidence.value_or(kDefaultConfidence));
    const double alpha = options.alpha.value_or(1.0 - level);
    const analysis::ScalarFilter filter{options.entities, options.name_prefixes};

    // Variants are read one at a time and kept (their KPIs are referred to by the output).
    std::vector<std::unique_ptr<VariantTable>> variants;
    std::vector<VariantComparison> comparisons;
    for (const auto& [name, files] : found) {
      if (name == options.baseline) continue;
      variants.push_back(std::make_unique<VariantTable>(read_variant(name, input / name, files)));
      VariantComparison comparison = compare_variant(baseline, *variants.back(), filter, level);
      if (comparison.paired.empty()) {
        note(fmt::format("{}: no replication in common with the baseline: not compared", name));
        continue;
      }
      comparisons.push_back(std::move(comparison));
    }
    if (comparisons.empty()) {
      throw CommandFailure(kExitNoInput,
                           fmt::format("{}: no variant has a replication in common with the "
                                       "baseline '{}'",
                                       input.string(), options.baseline));
    }
    Report report{.directory = input.string(),
                  .baseline = &baseline,
                  .confidence = level,
                  .alpha = alpha,
                  .family = 0,
                  .comparisons = std::move(comparisons)};
    report.family = apply_holm(report.comparisons, alpha);
    if (options.format == "csv") {
      print_csv(report);
    } else if (options.format == "json") {
      print_json(report);
    } else {
      print_table(report);
    }
  } catch (const CommandFailure& e) {
    fmt::print(stderr, "{}\n", e.what());
    return e.code();
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    fmt::print(stderr, "circlesim compare: cannot write the comparison to stdout\n");
    return kExitIoError;
  }
  return 0;
}

}  // namespace circlesim::app
