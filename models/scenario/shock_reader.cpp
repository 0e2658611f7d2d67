// Shocks (shock_reader.hpp). PLACEHOLDER while the shocks are being written: reads nothing.
#include "models/scenario/shock_reader.hpp"

namespace circlesim::scenario {

void read_shocks(const YamlDocument&, Diagnostics&, Scenario&) {}
void apply_shocks(Scenario&) {}

}  // namespace circlesim::scenario
