// priority_classes (priority_classes.hpp).
#include "models/services/priority_classes.hpp"

#include <algorithm>

namespace circlesim::services {

PriorityClasses priority_classes(const scenario::Scenario& scenario) {
  std::vector<int> used;
  for (const scenario::Service& s : scenario.services) {
    used.push_back(s.priority);
    for (const int p : s.priority_by_group) {
      if (p >= 0) used.push_back(p);
    }
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  PriorityClasses classes;
  if (used.empty()) return classes;
  classes.class_of_priority.assign(static_cast<std::size_t>(used.back()) + 1, 0);
  for (std::size_t k = 0; k < used.size(); ++k) {
    classes.class_of_priority[static_cast<std::size_t>(used[k])] = static_cast<int>(k);
  }
  classes.count = static_cast<int>(used.size());
  return classes;
}

}  // namespace circlesim::services
