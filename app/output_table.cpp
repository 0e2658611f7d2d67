// Number formats and the per-entity table of summarize and compare (output_table.hpp).
#include "app/output_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace circlesim::app {

std::string table_number(double value) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.6g}", value);
}

std::string percent(double level) { return fmt::format("{:g}%", level * 100.0); }

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string csv_number(double value) {
  if (std::isnan(value)) return {};
  return fmt::format("{}", value);
}

nlohmann::ordered_json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

EntityTable::EntityTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_aligned_(std::move(right_aligned)) {
  right_aligned_.resize(header_.size(), false);
  for (const std::string& name : header_) widths_.push_back(name.size());
}

void EntityTable::add_row(const std::string& entity, std::vector<std::string> cells) {
  cells.resize(header_.size());
  for (std::size_t c = 0; c < cells.size(); ++c) widths_[c] = std::max(widths_[c], cells[c].size());
  if (!cells.empty() && !cells.back().empty()) any_note_ = true;
  auto section = std::find_if(sections_.begin(), sections_.end(),
                              [&](const Section& s) { return s.entity == entity; });
  if (section == sections_.end()) section = sections_.insert(sections_.end(), Section{entity, {}});
  section->rows.push_back(std::move(cells));
}

void EntityTable::print() const {
  const std::size_t columns = any_note_ || header_.empty() ? header_.size() : header_.size() - 1;
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line = " ";
    for (std::size_t c = 0; c < columns; ++c) {
      line += right_aligned_[c] ? fmt::format(" {:>{}}", cells[c], widths_[c])
                                : fmt::format(" {:<{}}", cells[c], widths_[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  };
  for (const Section& section : sections_) {
    fmt::print("\n{}\n", section.entity);
    print_row(header_);
    for (const auto& row : section.rows) print_row(row);
  }
}

}  // namespace circlesim::app
