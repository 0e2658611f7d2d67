#include "app/inspect_command.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "analysis/trace_reader.hpp"
#include "app/command_failure.hpp"
#include "app/output_table.hpp"

namespace circlesim::app {

namespace {

using analysis::Attribute;
using analysis::AttributeValue;
using analysis::DatasetInfo;
using analysis::TraceReader;
using Json = nlohmann::ordered_json;  // keeps the order of docs/trace-format.md

// Root attributes in the order docs/trace-format.md lists them; others follow by name.
constexpr std::array<std::string_view, 19> kAttributeOrder{
    "format",       "format_version",   "status",        "trace_level",   "software_version",
    "git_sha",      "created_utc",      "scenario_name", "variant",       "replication",
    "master_seed",  "time_unit",        "warmup",        "horizon",       "compression_level",
    "hdf5_version", "yaml_cpp_version", "boost_version", "interrupted_at"};

// The lookup table that a /scalars `entity` refers to; "run" has none.
std::optional<std::string> lookup_kind_of(const std::string& entity) {
  static const std::map<std::string, std::string, std::less<>> kinds{
      {"service", "services"},
      {"room", "rooms"},
      {"group", "groups"},
      {"facility", "facilities"},
      {"community", "communities"},
      {"district", "districts"},
      {"offer", "offers"},
      {"escalation_level", "escalation_levels"},
      {"visit_policy", "visit_policies"},
      {"member_kind", "member_kinds"},
      {"station_offer", "station_offers"}};
  const auto found = kinds.find(entity);
  if (found == kinds.end()) return std::nullopt;
  return found->second;
}

// Everything the report shows, read once.
struct Report {
  std::string file;
  std::vector<Attribute> provenance;
  std::vector<DatasetInfo> datasets;
  std::vector<std::pair<std::string, std::vector<std::string>>> lookups;
  std::optional<std::uint64_t> requests;  // nullopt: the trace level left them out
  std::array<std::uint64_t, sim::trace::kRequestOutcomeCount> outcomes{};
  std::vector<sim::trace::ScalarRecord> scalars;
};

std::vector<Attribute> ordered_provenance(const TraceReader& reader) {
  std::vector<Attribute> attributes = reader.attributes();  // by name
  auto rank = [](const std::string& name) {
    return static_cast<std::size_t>(
        std::find(kAttributeOrder.begin(), kAttributeOrder.end(), name) - kAttributeOrder.begin());
  };
  std::stable_sort(
      attributes.begin(), attributes.end(),
      [&](const Attribute& a, const Attribute& b) { return rank(a.first) < rank(b.first); });
  // The scenario digests identify the input as much as the root attributes do (the same keys as
  // analysis/python/circlesim_trace.py).
  if (auto digest = reader.source_yaml_sha256()) attributes.emplace_back("source_sha256", *digest);
  if (auto digest = reader.resolved_yaml_sha256()) {
    attributes.emplace_back("resolved_sha256", *digest);
  }
  return attributes;
}

Report read_report(const std::string& file, bool allow_partial) {
  const TraceReader reader(file, allow_partial);
  Report report;
  report.file = file;
  report.provenance = ordered_provenance(reader);
  report.datasets = reader.datasets();
  for (std::string& kind : reader.lookup_kinds()) {
    std::vector<std::string> names = reader.lookup(kind);
    report.lookups.emplace_back(std::move(kind), std::move(names));
  }
  if (reader.has_requests()) {
    report.requests = reader.request_count();
    report.outcomes = reader.outcome_counts();
  }
  report.scalars = reader.scalars();
  return report;
}

// ---------------------------------------------------------------------------------------------
// Text

std::string text_of(const AttributeValue& value) {
  return std::visit([](const auto& v) { return fmt::format("{}", v); }, value);
}

std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  constexpr std::array<const char*, 4> kUnits{"KiB", "MiB", "GiB", "TiB"};
  double size = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (size >= 1024.0 && unit + 1 < kUnits.size()) {
    size /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", size, kUnits[unit]);
}

// Uncompressed over stored size. Meaningless for variable-length strings (pointers over heap
// references) and for datasets with nothing stored.
std::string ratio_text(const DatasetInfo& d) {
  if (d.variable_length || d.storage_bytes == 0) return "-";
  return fmt::format("{:.1f}x",
                     static_cast<double>(d.logical_bytes) / static_cast<double>(d.storage_bytes));
}

// Prints rows under a header, columns padded to their widest cell; `right` marks the columns
// aligned right (numbers).
void print_table(const std::vector<std::string>& header, const std::vector<bool>& right,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) widths[c] = header[c].size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line = " ";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      line += right[c] ? fmt::format(" {:>{}}", cells[c], widths[c])
                       : fmt::format(" {:<{}}", cells[c], widths[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  };
  print_row(header);
  for (const auto& row : rows) print_row(row);
}

std::string scalar_entity_text(const sim::trace::ScalarRecord& s, const Report& report) {
  const std::optional<std::string> kind = lookup_kind_of(s.entity);
  if (!kind) return s.entity;
  for (const auto& [name, names] : report.lookups) {
    if (name == *kind && s.entity_id < names.size()) {
      return fmt::format("{} {} ({})", s.entity, s.entity_id, names[s.entity_id]);
    }
  }
  return fmt::format("{} {}", s.entity, s.entity_id);
}

void print_text(const Report& report) {
  fmt::print("{}\n\nprovenance\n", report.file);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, value] : report.provenance) rows.push_back({name, text_of(value)});
  print_table({"attribute", "value"}, {false, false}, rows);

  fmt::print("\ndatasets\n");
  rows.clear();
  for (const DatasetInfo& d : report.datasets) {
    rows.push_back({d.path, fmt::format("{}", d.rows), size_text(d.storage_bytes), ratio_text(d)});
  }
  print_table({"path", "rows", "on disk", "ratio"}, {false, true, true, true}, rows);

  fmt::print("\nlookups\n");
  rows.clear();
  for (const auto& [kind, names] : report.lookups) {
    rows.push_back({kind, fmt::format("{}", names.size())});
  }
  print_table({"kind", "entries"}, {false, true}, rows);

  if (report.requests) {
    fmt::print("\nrequests: {}\n", *report.requests);
    rows.clear();
    for (std::size_t o = 0; o < report.outcomes.size(); ++o) {
      const double share = *report.requests == 0 ? 0.0
                                                 : 100.0 * static_cast<double>(report.outcomes[o]) /
                                                       static_cast<double>(*report.requests);
      rows.push_back({std::string(to_string(static_cast<sim::trace::RequestOutcome>(o))),
                      fmt::format("{}", report.outcomes[o]), fmt::format("{:.1f}%", share)});
    }
    print_table({"outcome", "count", "share"}, {false, true, true}, rows);
  } else {
    fmt::print("\nrequests: none recorded (trace level summary)\n");
  }

  if (report.scalars.empty()) {
    fmt::print("\nscalars: none\n");
    return;
  }
  fmt::print("\nscalars\n");
  rows.clear();
  for (const sim::trace::ScalarRecord& s : report.scalars) {
    rows.push_back({s.name, scalar_entity_text(s, report), fmt::format("{}", s.value), s.unit});
  }
  print_table({"name", "entity", "value", "unit"}, {false, false, true, false}, rows);
}

// ---------------------------------------------------------------------------------------------
// JSON

Json json_value(const AttributeValue& value) {
  if (const auto* number = std::get_if<double>(&value)) return json_number(*number);
  return std::visit([](const auto& v) { return Json(v); }, value);
}

void print_json(const Report& report) {
  Json document;
  document["file"] = report.file;
  Json& provenance = document["provenance"] = Json::object();
  for (const auto& [name, value] : report.provenance) provenance[name] = json_value(value);
  Json& datasets = document["datasets"] = Json::object();
  for (const DatasetInfo& d : report.datasets) {
    datasets[d.path] = {
        {"rows", d.rows}, {"logical_bytes", d.logical_bytes}, {"storage_bytes", d.storage_bytes}};
  }
  Json& lookups = document["lookups"] = Json::object();
  for (const auto& [kind, names] : report.lookups) lookups[kind] = names;
  if (report.requests) {
    Json& outcomes = document["outcomes"] = Json::object();
    for (std::size_t o = 0; o < report.outcomes.size(); ++o) {
      outcomes[std::string(to_string(static_cast<sim::trace::RequestOutcome>(o)))] =
          report.outcomes[o];
    }
  }
  Json& scalars = document["scalars"] = Json::array();
  for (const sim::trace::ScalarRecord& s : report.scalars) {
    scalars.push_back({{"name", s.name},
                       {"entity", s.entity},
                       {"entity_id", s.entity_id},
                       {"value", json_number(s.value)},
                       {"unit", s.unit}});
  }
  // Names come from scenario files: replace invalid UTF-8 rather than fail on it.
  fmt::print("{}\n", document.dump(2, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

int run_inspect(const InspectOptions& options) {
  std::error_code error;
  if (!std::filesystem::exists(options.file, error)) {
    fmt::print(stderr, "{}: cannot open: no such file\n", options.file);
    const std::string part = options.file + ".part";
    if (std::filesystem::exists(part, error)) {
      fmt::print(stderr, "{}: exists: that run is still going or was interrupted\n", part);
    }
    return kExitNoInput;
  }
  try {
    const Report report = read_report(options.file, options.allow_partial);
    if (options.json) {
      print_json(report);
    } else {
      print_text(report);
    }
  } catch (const sim::trace::TraceIoError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitIoError;
  }
  return 0;
}

}  // namespace circlesim::app
