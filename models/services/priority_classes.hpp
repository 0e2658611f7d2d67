// The queues' priority classes of a city: the distinct priorities the services use (by service,
// or by group), most urgent first. Rooms and the home-service desk order their queues by them.
#pragma once

#include <vector>

#include "models/scenario/scenario.hpp"

namespace circlesim::services {

struct PriorityClasses {
  std::vector<int> class_of_priority;  // priority value -> class index (0 most urgent)
  int count = 1;                       // classes in use (at least 1)
};

PriorityClasses priority_classes(const scenario::Scenario& scenario);

}  // namespace circlesim::services
