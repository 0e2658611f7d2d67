// Red stations (红色驿站): what the loader needs beyond an ordinary facility. A station's seats,
// chargers and lockers are rooms of their own (one place per "staff"), built by the facility
// reader with the helpers here; policies.red_station_overflow says what a worker who finds no
// free place does next.
#pragma once

#include <array>
#include <cstddef>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// A station's own kind of place: the key under the station, which is also the room type that
// a red_station service names, and how many a station has when the key is left out (the
// schema's defaults).
struct StationPlace {
  const char* key;
  int default_count;
};
inline constexpr std::array<StationPlace, 3> kStationPlaces = {{
    {"seats", 6},
    {"chargers", 4},
    {"lockers", 0},
}};

// Reads policies.red_station_overflow into scenario.red_station_overflow (defaults when absent).
void read_red_station_overflow(const YamlDocument& document, Diagnostics& diagnostics,
                               Scenario& scenario);

}  // namespace circlesim::scenario
