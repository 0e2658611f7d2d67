// The names of the entity ids of a trace's measures: /scalars identify an entity by kind and
// number ("service", 2), and the tables under /lookup name the numbers of each kind. Read once
// from one trace, the names outlive its reader, so that one replication's tables can label the
// measures of a whole run (summarize, compare, the campaign file show the same labels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/trace_reader.hpp"

namespace circlesim::analysis {

class EntityLabels {
 public:
  // No lookup tables: every id is shown as its number.
  EntityLabels() = default;
  // Reads every table under /lookup of `reader`'s trace (throws sim::trace::TraceIoError when one
  // cannot be read).
  explicit EntityLabels(const TraceReader& reader);

  // The name of id `id` of `entity` in the table lookup_kind_for finds for it ("service" ->
  // "services"); the id as a number when there is no such table or the id is past its end.
  // Not const: it remembers each entity's table, since a trace lists hundreds of thousands of
  // measures of a few entities.
  [[nodiscard]] std::string label(std::string_view entity, std::uint32_t id);

 private:
  static constexpr std::size_t kNoTable = static_cast<std::size_t>(-1);

  std::vector<std::string> kinds_;                                   // in order of name
  std::vector<std::vector<std::string>> tables_;                     // one per kind
  std::map<std::string, std::size_t, std::less<>> table_of_entity_;  // index in tables_ or kNoTable
};

}  // namespace circlesim::analysis
