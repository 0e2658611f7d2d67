// interval_text (summary_interval.hpp).
#include "models/services/summary_interval.hpp"

#include <fmt/format.h>

#include <cmath>

#include "analysis/confidence_interval.hpp"

namespace circlesim::services {

std::string interval_text(const std::vector<CityMeasures>& replications, double level,
                          const std::function<double(const CityMeasures&)>& get) {
  std::vector<double> values;
  for (const CityMeasures& m : replications) {
    const double v = get(m);
    if (std::isfinite(v)) values.push_back(v);
  }
  if (values.empty()) return "-";
  if (values.size() < 2) return fmt::format("{:.4g} (n=1)", values.front());
  const analysis::ConfidenceInterval ci = analysis::t_confidence_interval(values, level);
  return fmt::format("{:.4g} ± {:.2g}", ci.mean, ci.half_width);
}

}  // namespace circlesim::services
