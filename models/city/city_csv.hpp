// Reads a real city from CSV tables (districts, streets, communities and optionally grids), as
// exported from a spreadsheet or a GIS: every problem is reported with its file, line and column,
// and a city is returned only when there are none.
//
// Tables are comma-separated with a header row naming the columns, in any order (RFC 4180
// quoting, CRLF or LF line ends, an optional UTF-8 BOM; unknown columns are ignored):
//   districts    id, name
//   streets      id, name, district
//   communities  id, name, street, population, households, x_m, y_m, area_km2
//   grids        id, community, population, households, x_m, y_m
// Optional columns are name, households and area_km2, and all of the grids' but id and
// community. Empty cells take defaults: name = id; households = round(population / 2.81);
// area_km2 = 0 (unknown); a grid's location = its community's. Grids without a population share
// what their community's population leaves evenly (the remainder to the first ones); a community
// without a population has the sum of its grids'. Without a grids table every community is one
// grid with the community's id, population, households and location.
//
// A travel-time table (city.travel_times) has the columns grid, facility, minutes: one row per
// pair, the walking time of an adult from the grid to the facility (e.g. measured on a street
// network).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/city/geography.hpp"
#include "models/scenario/diagnostics.hpp"

namespace circlesim::city {

struct CityCsvPaths {
  std::string districts;
  std::string streets;
  std::string communities;
  std::string grids;  // empty: one grid per community
};

// The city of the tables, or nullopt when any problem was found; problems are added to
// `diagnostics` with key paths city.csv.<table> (and `city` for the final consistency check).
std::optional<City> read_city_csv(const CityCsvPaths& paths, double detour_factor,
                                  scenario::Diagnostics& diagnostics);

// One row of a travel-time table: minutes from a grid to a facility (an index of the scenario's
// facilities).
struct TravelTime {
  Index grid = 0;
  Index facility = 0;
  double minutes = 0;
};

// The rows of the travel-time table at `path`, sorted by grid then facility, or nullopt when any
// problem was found: a missing file or column, an unknown grid (`grids`) or facility
// (`facilities`; each unknown id at its first row only), minutes that are not a number >= 0, a
// pair listed twice. Problems are added to `diagnostics` at their file:line:col with key path
// `key_path`.
std::optional<std::vector<TravelTime>> read_travel_times_csv(const std::string& path,
                                                             const IdIndex& grids,
                                                             const IdIndex& facilities,
                                                             std::string_view key_path,
                                                             scenario::Diagnostics& diagnostics);

}  // namespace circlesim::city
