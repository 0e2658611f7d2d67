// /geography of a city's trace (city_geography_trace.hpp).
#include "models/services/city_geography_trace.hpp"

#include "sim/error.hpp"

namespace circlesim::services {

const std::vector<std::string>& facility_kind_names() {
  // In the order of scenario::FacilityKind; the same words as the offers' names (access.cpp).
  static const std::vector<std::string> kNames{"community_centre", "neighbourhood_centre",
                                               "red_station", "street_office",
                                               "district_department"};
  return kNames;
}

std::string reach_column(const std::string& offer, const std::string& group) {
  return "reach." + offer + "." + group;
}

void write_city_geography(sim::trace::TraceSink& sink, const scenario::Scenario& scenario,
                          const city::City& city, const AccessMeasures& access) {
  const std::size_t grids = city.grids.size();
  const std::size_t groups = scenario.groups.size();
  const std::size_t offers = access.offers.size();
  CIRCLESIM_REQUIRE(access.reach.size() == offers * grids * groups,
                    "access reach table has {} entries, expected offers x grids x groups = {}",
                    access.reach.size(), offers * grids * groups);
  sink.write_lookup("facility_kinds", facility_kind_names());

  sim::trace::Table table;
  // Every column reserved up front: the references below must not move.
  table.columns.reserve(5 + offers * groups);
  auto column = [&](std::string name, std::size_t rows) -> std::vector<double>& {
    table.columns.push_back({std::move(name), std::vector<double>(rows, 0.0)});
    return table.columns.back().values;
  };
  std::vector<double>& x = column("x_m", grids);
  std::vector<double>& y = column("y_m", grids);
  std::vector<double>& residents = column("residents", grids);
  std::vector<double>& community = column("community", grids);
  std::vector<double>& district = column("district", grids);
  for (std::size_t g = 0; g < grids; ++g) {
    const city::Grid& grid = city.grids[g];
    x[g] = grid.location.x;
    y[g] = grid.location.y;
    residents[g] = static_cast<double>(grid.population);
    community[g] = static_cast<double>(grid.community);
    district[g] = static_cast<double>(city.district_of_grid(static_cast<city::Index>(g)));
  }
  for (std::size_t o = 0; o < offers; ++o) {
    for (std::size_t k = 0; k < groups; ++k) {
      std::vector<double>& reach =
          column(reach_column(access.offers[o], scenario.groups[k].id), grids);
      for (std::size_t g = 0; g < grids; ++g) reach[g] = access.reach[(o * grids + g) * groups + k];
    }
  }
  table.attributes["travel_target"] = scenario.travel_target_minutes;
  table.attributes["unit"] = std::string("m");
  table.attributes["community_lookup"] = std::string("communities");
  table.attributes["district_lookup"] = std::string("districts");
  table.attributes["reach_columns"] = std::string(
      "reach.<offer>.<group>: 1 when the nearest place of the offer (/lookup/offers) is within "
      "travel_target minutes from the grid at the group's walking speed, else 0");
  sink.write_table("geography/grids", table);

  sim::trace::Table places;
  places.columns = {{"x_m", {}}, {"y_m", {}}, {"kind", {}}, {"capacity", {}}};
  for (const scenario::Facility& facility : scenario.facilities) {
    double capacity = 0;
    for (const std::size_t room : facility.rooms) capacity += scenario.rooms[room].staff;
    places.columns[0].values.push_back(facility.location.x);
    places.columns[1].values.push_back(facility.location.y);
    places.columns[2].values.push_back(static_cast<double>(facility.kind));
    places.columns[3].values.push_back(capacity);
  }
  places.attributes["unit"] = std::string("m");
  places.attributes["kind_lookup"] = std::string("facility_kinds");
  places.attributes["capacity"] =
      std::string("servers of its rooms: staff, or seats and chargers at a red station");
  sink.write_table("geography/facilities", places);
}

}  // namespace circlesim::services
