// The names of a trace's entity ids (entity_labels.hpp).
#include "analysis/entity_labels.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <span>

#include "analysis/trace_summary.hpp"

namespace circlesim::analysis {

EntityLabels::EntityLabels(const TraceReader& reader) : kinds_(reader.lookup_kinds()) {
  tables_.reserve(kinds_.size());
  for (const std::string& kind : kinds_) tables_.push_back(reader.lookup(kind));
}

std::string EntityLabels::label(std::string_view entity, std::uint32_t id) {
  auto found = table_of_entity_.find(entity);
  if (found == table_of_entity_.end()) {
    std::size_t table = kNoTable;
    if (const std::optional<std::string> kind = lookup_kind_for(entity, kinds_)) {
      table = static_cast<std::size_t>(
          std::distance(kinds_.begin(), std::find(kinds_.begin(), kinds_.end(), *kind)));
    }
    found = table_of_entity_.emplace(std::string(entity), table).first;
  }
  if (found->second == kNoTable) return entity_label(id, {});
  return entity_label(id, tables_[found->second]);
}

}  // namespace circlesim::analysis
