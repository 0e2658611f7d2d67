// What the commands that print measures (summarize, compare) share: number formats for a
// terminal, CSV and JSON, and the table of measures in one section per entity.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace circlesim::app {

// Six significant digits, enough to compare measures by eye and short enough for a terminal;
// "-" for NaN.
[[nodiscard]] std::string table_number(double value);

// A confidence level as a percentage: 0.95 -> "95%".
[[nodiscard]] std::string percent(double level);

// RFC 4180: quotes a field holding a comma, quote or line break, doubling its quotes.
[[nodiscard]] std::string csv_field(const std::string& text);

// Shortest round-trip form; an empty field for NaN, which spreadsheets and pandas read as missing.
[[nodiscard]] std::string csv_number(double value);

// JSON has no NaN or infinity: null says "no value" where a token would make the document
// unparseable. Finite doubles are dumped in their shortest round-trip form.
[[nodiscard]] nlohmann::ordered_json json_number(double value);

// Rows of measures printed in one section per entity, columns aligned over all the sections so
// that they line up. The last column is for notes: printed only when some row has one.
class EntityTable {
 public:
  // `right_aligned` has one flag per column of `header` (numbers are right-aligned).
  EntityTable(std::vector<std::string> header, std::vector<bool> right_aligned);

  // A row of `entity`, one cell per column.
  void add_row(const std::string& entity, std::vector<std::string> cells);

  // On stdout, for each entity in order of first appearance: a blank line, the entity, the header
  // and its rows, each line indented by two spaces, trailing blanks removed.
  void print() const;

 private:
  struct Section {
    std::string entity;
    std::vector<std::vector<std::string>> rows;
  };

  std::vector<std::string> header_;
  std::vector<bool> right_aligned_;
  std::vector<std::size_t> widths_;
  std::vector<Section> sections_;  // in order of first appearance
  bool any_note_ = false;
};

}  // namespace circlesim::app
