// How every table of the city summary shows a measure across replications.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models/services/city_measures.hpp"

namespace circlesim::services {

// "mean ± half-width" (t interval at `level`) of `get` over the replications where it is
// defined (finite: a share of nothing is not); "value (n=1)" for one; "-" where it never is.
std::string interval_text(const std::vector<CityMeasures>& replications, double level,
                          const std::function<double(const CityMeasures&)>& get);

}  // namespace circlesim::services
