// The city's consistency check: every builder (generator, CSV reader, scenario loader) hands out
// only cities that pass it, so the model can follow links between levels without checking them.
#include "models/city/geography.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string_view>
#include <unordered_map>

namespace circlesim::city {

std::int64_t City::population() const {
  // Communities and their grids agree (check_city), so either level gives the total.
  std::int64_t total = 0;
  for (const Community& community : communities) total += community.population;
  return total;
}

namespace {

// An item's id for a message, or its index when the link that leads to it is out of range.
template <class Items>
std::string name_of(const Items& items, std::uint64_t index) {
  if (index < items.size()) return fmt::format("'{}'", items[index].id);
  return fmt::format("#{} (out of range)", index);
}

template <class Items>
void check_ids(const Items& items, std::string_view level, std::vector<std::string>& problems) {
  std::unordered_map<std::string_view, std::size_t> first_of;
  first_of.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& id = items[i].id;
    if (id.empty()) {
      problems.push_back(fmt::format("{} #{} has an empty id", level, i));
      continue;
    }
    const auto [it, inserted] = first_of.emplace(id, i);
    if (!inserted) {
      problems.push_back(fmt::format("{} id '{}' is used by both {} #{} and {} #{}", level, id,
                                     level, it->second, level, i));
    }
  }
}

bool finite(const Point& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

void check_districts_and_streets(const City& city, std::vector<std::string>& problems) {
  // How many times each street appears in its own district's list: exactly once when sound.
  std::vector<int> listed(city.streets.size(), 0);
  for (std::size_t d = 0; d < city.districts.size(); ++d) {
    const District& district = city.districts[d];
    for (const Index s : district.streets) {
      if (s >= city.streets.size()) {
        problems.push_back(
            fmt::format("district '{}' lists street #{}, but the city has {} streets", district.id,
                        s, city.streets.size()));
      } else if (city.streets[s].district != d) {
        problems.push_back(fmt::format(
            "district '{}' lists street '{}', which belongs to district {}", district.id,
            city.streets[s].id, name_of(city.districts, city.streets[s].district)));
      } else {
        ++listed[s];
      }
    }
  }
  for (std::size_t s = 0; s < city.streets.size(); ++s) {
    const Street& street = city.streets[s];
    if (street.district >= city.districts.size()) {
      problems.push_back(
          fmt::format("street '{}' belongs to district #{}, but the city has {} "
                      "districts",
                      street.id, street.district, city.districts.size()));
    } else if (listed[s] == 0) {
      problems.push_back(
          fmt::format("street '{}' belongs to district '{}' but is missing from its street list",
                      street.id, city.districts[street.district].id));
    } else if (listed[s] > 1) {
      problems.push_back(fmt::format("street '{}' is listed {} times by district '{}'", street.id,
                                     listed[s], city.districts[street.district].id));
    }
  }
}

void check_streets_and_communities(const City& city, std::vector<std::string>& problems) {
  std::vector<int> listed(city.communities.size(), 0);
  for (std::size_t s = 0; s < city.streets.size(); ++s) {
    const Street& street = city.streets[s];
    for (const Index c : street.communities) {
      if (c >= city.communities.size()) {
        problems.push_back(
            fmt::format("street '{}' lists community #{}, but the city has {} communities",
                        street.id, c, city.communities.size()));
      } else if (city.communities[c].street != s) {
        problems.push_back(
            fmt::format("street '{}' lists community '{}', which belongs to street {}", street.id,
                        city.communities[c].id, name_of(city.streets, city.communities[c].street)));
      } else {
        ++listed[c];
      }
    }
  }
  for (std::size_t c = 0; c < city.communities.size(); ++c) {
    const Community& community = city.communities[c];
    if (community.street >= city.streets.size()) {
      problems.push_back(
          fmt::format("community '{}' belongs to street #{}, but the city has {} streets",
                      community.id, community.street, city.streets.size()));
      continue;
    }
    const Street& street = city.streets[community.street];
    if (listed[c] == 0) {
      problems.push_back(fmt::format(
          "community '{}' belongs to street '{}' but is missing from its community list",
          community.id, street.id));
    } else if (listed[c] > 1) {
      problems.push_back(fmt::format("community '{}' is listed {} times by street '{}'",
                                     community.id, listed[c], street.id));
    }
    if (community.district != street.district) {
      problems.push_back(fmt::format(
          "community '{}' says it lies in district {} but its street '{}' lies in district {}",
          community.id, name_of(city.districts, community.district), street.id,
          name_of(city.districts, street.district)));
    }
  }
}

void check_community_values(const Community& community, std::vector<std::string>& problems) {
  if (community.population < 0) {
    problems.push_back(fmt::format("community '{}' has a negative population ({})", community.id,
                                   community.population));
  }
  if (community.households < 0) {
    problems.push_back(fmt::format("community '{}' has a negative number of households ({})",
                                   community.id, community.households));
  }
  if (!finite(community.location)) {
    problems.push_back(fmt::format("community '{}' has a location that is not finite ({}, {})",
                                   community.id, community.location.x, community.location.y));
  }
  if (!std::isfinite(community.area_km2) || community.area_km2 < 0) {
    problems.push_back(fmt::format("community '{}' has an area that is not a number >= 0 ({})",
                                   community.id, community.area_km2));
  }
}

void check_grids(const City& city, std::vector<std::string>& problems) {
  // Grids are stored community by community: each community's range starts where the previous
  // one ended, and together the ranges cover every grid exactly once.
  std::uint64_t expected_first = 0;
  for (std::size_t c = 0; c < city.communities.size(); ++c) {
    const Community& community = city.communities[c];
    const std::uint64_t first = community.first_grid;
    const std::uint64_t end = first + community.grid_count;
    if (first != expected_first) {
      problems.push_back(fmt::format(
          "community '{}' has its grids from #{}, but the grids of the communities before it end "
          "at #{} (grids are stored community by community)",
          community.id, first, expected_first));
    }
    expected_first = end;
    if (end > city.grids.size()) {
      problems.push_back(
          fmt::format("community '{}' has grids #{} to #{}, but the city has {} grids",
                      community.id, first, end, city.grids.size()));
      continue;
    }
    std::int64_t grid_population = 0;
    for (std::uint64_t g = first; g < end; ++g) {
      const Grid& grid = city.grids[g];
      grid_population += grid.population;
      if (grid.community != c) {
        problems.push_back(fmt::format(
            "grid '{}' lies in the grid range of community '{}' but belongs to community {}",
            grid.id, community.id, name_of(city.communities, grid.community)));
      }
    }
    if (grid_population != community.population) {
      problems.push_back(
          fmt::format("community '{}' has population {} but its grids' populations sum to {}",
                      community.id, community.population, grid_population));
    }
  }
  if (expected_first != city.grids.size()) {
    problems.push_back(
        fmt::format("the communities' grid ranges end at #{}, but the city has {} grids",
                    expected_first, city.grids.size()));
  }
  for (std::size_t g = 0; g < city.grids.size(); ++g) {
    const Grid& grid = city.grids[g];
    if (grid.community >= city.communities.size()) {
      problems.push_back(
          fmt::format("grid '{}' belongs to community #{}, but the city has {} communities",
                      grid.id, grid.community, city.communities.size()));
    } else {
      const Community& community = city.communities[grid.community];
      if (g < community.first_grid ||
          g >= std::uint64_t{community.first_grid} + community.grid_count) {
        problems.push_back(
            fmt::format("grid '{}' belongs to community '{}' but lies outside its grid range",
                        grid.id, community.id));
      }
    }
    if (grid.population < 0) {
      problems.push_back(
          fmt::format("grid '{}' has a negative population ({})", grid.id, grid.population));
    }
    if (grid.households < 0) {
      problems.push_back(fmt::format("grid '{}' has a negative number of households ({})", grid.id,
                                     grid.households));
    }
    if (!finite(grid.location)) {
      problems.push_back(fmt::format("grid '{}' has a location that is not finite ({}, {})",
                                     grid.id, grid.location.x, grid.location.y));
    }
  }
}

}  // namespace

std::vector<std::string> check_city(const City& city) {
  std::vector<std::string> problems;
  check_ids(city.districts, "district", problems);
  check_ids(city.streets, "street", problems);
  check_ids(city.communities, "community", problems);
  check_ids(city.grids, "grid", problems);
  check_districts_and_streets(city, problems);
  check_streets_and_communities(city, problems);
  for (const Community& community : city.communities) check_community_values(community, problems);
  check_grids(city, problems);
  // A detour factor below 1 would make travel shorter than the straight line.
  if (!(city.detour_factor >= 1) || !std::isfinite(city.detour_factor)) {
    problems.push_back(
        fmt::format("the detour factor must be a finite number >= 1, got {}", city.detour_factor));
  }
  return problems;
}

}  // namespace circlesim::city
