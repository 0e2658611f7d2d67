// The city's geography as the model uses it: districts, streets, communities and grids, each a
// dense vector indexed by its position, with the links between levels resolved to indices and
// locations in metres on a projected plane (x east, y north of the scenario's origin).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace circlesim::city {

using Index = std::uint32_t;

struct Point {
  double x = 0;  // metres east of the origin
  double y = 0;  // metres north of the origin
};

struct District {
  std::string id;
  std::string name;
  std::vector<Index> streets;
};

struct Street {
  std::string id;
  std::string name;
  Index district = 0;
  std::vector<Index> communities;
};

struct Community {
  std::string id;
  std::string name;
  Index street = 0;
  Index district = 0;
  std::int64_t population = 0;
  std::int64_t households = 0;
  Point location;
  double area_km2 = 0;  // 0 when unknown
  // Its grids are grids[first_grid, first_grid + grid_count): grids are stored community by
  // community.
  Index first_grid = 0;
  Index grid_count = 0;
};

struct Grid {
  std::string id;
  Index community = 0;
  std::int64_t population = 0;
  std::int64_t households = 0;
  Point location;
};

// Households when a scenario gives none: the 2020 census average household size of Nanchang.
inline constexpr double kPersonsPerHousehold = 2.81;

// Plausibility bounds of a city, beyond which a number is a typo or a unit mistake rather than a
// plan (and would exhaust memory or overflow travel times): residents or households of one
// community or grid, and any distance, coordinates included. The scenario schema states the
// same bounds for the inline city; the CSV reader checks them in code.
inline constexpr std::int64_t kMaxAreaPeople = 1'000'000;
inline constexpr double kMaxDistanceMetres = 1'000'000.0;

struct City {
  std::vector<District> districts;
  std::vector<Street> streets;
  std::vector<Community> communities;
  std::vector<Grid> grids;
  double detour_factor = 1.3;  // travel distance / straight-line distance

  [[nodiscard]] std::int64_t population() const;
  [[nodiscard]] Index street_of_grid(Index grid) const {
    return communities[grids[grid].community].street;
  }
  [[nodiscard]] Index district_of_grid(Index grid) const {
    return communities[grids[grid].community].district;
  }
};

// Id -> index maps for one level, built once (ids are unique within the city).
class IdIndex {
 public:
  IdIndex() = default;
  template <class Items>
  explicit IdIndex(const Items& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      map_.emplace(items[i].id, static_cast<Index>(i));
    }
  }
  // The index of `id`, or nullptr when the city has no such id.
  [[nodiscard]] const Index* find(const std::string& id) const {
    const auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<std::string, Index> map_;
};

// Checks a city's internal consistency (links in range and mutually consistent, grids stored
// community by community, populations >= 0, locations finite); returns the problems found, one
// sentence each, empty when the city is sound. Builders call it before handing a city out.
std::vector<std::string> check_city(const City& city);

}  // namespace circlesim::city
