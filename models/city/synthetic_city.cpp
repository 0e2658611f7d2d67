// Builds the synthetic cities of synthetic_city.hpp: a regular lattice, or districts laid out as
// a dense core and rings from their census population and area.
//
// Determinism: every count and population is computed in integers (largest-remainder shares of
// integer weights), the only random draws are Boost.Random integers from a named stream, and the
// geometry uses + - * / and sqrt only, which IEEE 754 rounds the same way everywhere.
#include "models/city/synthetic_city.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <unordered_set>

#include "sim/error.hpp"
#include "sim/random_stream.hpp"

namespace circlesim::city {
namespace {

// Bounds that keep every integer product below 2^63 (a population times a count) and a city's
// memory sane; the largest real cities are far below them.
constexpr std::int64_t kMaxPopulation = 1'000'000'000;
constexpr std::int64_t kMaxGrids = 10'000'000;
constexpr double kSquareMetresPerKm2 = 1e6;
// At most this many districts share a ring: bounds the cost of choosing the rings.
constexpr std::size_t kMaxRingSize = 64;
// Community weights within a district, per mille of the mean: the +-25% variation.
constexpr std::int64_t kWeightLow = 750;
constexpr std::int64_t kWeightHigh = 1250;

double to_double(std::int64_t value) { return static_cast<double>(value); }

std::int64_t households_for(std::int64_t population) {
  return std::llround(to_double(population) / kPersonsPerHousehold);
}

// The smallest n with n * n >= count (count >= 1).
std::int64_t ceil_sqrt(std::int64_t count) {
  auto n = static_cast<std::int64_t>(std::sqrt(to_double(count)));
  while (n * n < count) ++n;
  while (n > 1 && (n - 1) * (n - 1) >= count) --n;
  return n;
}

// round(value) clamped to [low, high], safe for values far outside the range.
std::int64_t round_clamped(double value, std::int64_t low, std::int64_t high) {
  if (!(value < to_double(high))) return high;
  return std::clamp<std::int64_t>(std::llround(std::max(value, 0.0)), low, high);
}

// Shares `total` among items in proportion to `weights` (all > 0) by largest remainder, item i
// getting between lower[i] and upper[i]. Needs sum(lower) <= total <= sum(upper) and
// total * weight < 2^63. Integer arithmetic, so the shares are exact on every machine.
std::vector<std::int64_t> share(std::int64_t total, const std::vector<std::int64_t>& weights,
                                const std::vector<std::int64_t>& lower,
                                const std::vector<std::int64_t>& upper) {
  const std::size_t n = weights.size();
  const std::int64_t weight_sum = std::accumulate(weights.begin(), weights.end(), std::int64_t{0});
  std::vector<std::int64_t> out(n);
  std::vector<std::int64_t> remainder(n);
  std::int64_t handed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t scaled = total * weights[i];
    out[i] = std::clamp(scaled / weight_sum, lower[i], upper[i]);
    remainder[i] = scaled % weight_sum;
    handed += out[i];
  }
  // Largest remainder first; ties to the earlier item.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return remainder[a] != remainder[b] ? remainder[a] > remainder[b] : a < b;
  });
  while (handed < total) {
    for (const std::size_t i : order) {
      if (handed == total) break;
      if (out[i] < upper[i]) {
        ++out[i];
        ++handed;
      }
    }
  }
  // Too many only when lower bounds lifted items above their quota: take back from the items
  // whose quota was furthest below their share.
  while (handed > total) {
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (handed == total) break;
      if (out[*it] > lower[*it]) {
        --out[*it];
        --handed;
      }
    }
  }
  return out;
}

// Splits `population` evenly over `count` items, the remainder to the first ones.
std::int64_t even_part(std::int64_t population, std::int64_t count, std::int64_t i) {
  return population / count + (i < population % count ? 1 : 0);
}

Index add_district(City& city, std::string id, std::string name) {
  city.districts.push_back({std::move(id), std::move(name), {}});
  return static_cast<Index>(city.districts.size() - 1);
}

Index add_street(City& city, Index district, std::string id) {
  const auto index = static_cast<Index>(city.streets.size());
  city.districts[district].streets.push_back(index);
  std::string name = id;
  city.streets.push_back({std::move(id), std::move(name), district, {}});
  return index;
}

Index add_community(City& city, Index street, std::string id, Point location, double area_km2) {
  const auto index = static_cast<Index>(city.communities.size());
  city.streets[street].communities.push_back(index);
  Community community;
  community.name = id;
  community.id = std::move(id);
  community.street = street;
  community.district = city.streets[street].district;
  community.location = location;
  community.area_km2 = area_km2;
  community.first_grid = static_cast<Index>(city.grids.size());
  city.communities.push_back(std::move(community));
  return index;
}

// Adds a grid to the community added last; the community's totals are its grids' sums.
void add_grid(City& city, Index community, std::string id, std::int64_t population,
              Point location) {
  const std::int64_t households = households_for(population);
  city.grids.push_back({std::move(id), community, population, households, location});
  Community& owner = city.communities[community];
  owner.population += population;
  owner.households += households;
  ++owner.grid_count;
}

void require_common(const SyntheticCitySpec& spec) {
  CIRCLESIM_REQUIRE(std::isfinite(spec.detour_factor) && spec.detour_factor >= 1,
                    "synthetic city: detour_factor must be >= 1, got {}", spec.detour_factor);
  CIRCLESIM_REQUIRE(spec.communities_per_street >= 1,
                    "synthetic city: communities_per_street must be >= 1, got {}",
                    spec.communities_per_street);
}

// ---------------------------------------------------------------------------------------------
// Lattice form

City lattice_city(const SyntheticCitySpec& spec) {
  require_common(spec);
  CIRCLESIM_REQUIRE(spec.district_count >= 1, "synthetic city: district_count must be >= 1, got {}",
                    spec.district_count);
  CIRCLESIM_REQUIRE(spec.streets_per_district >= 1,
                    "synthetic city: streets_per_district must be >= 1, got {}",
                    spec.streets_per_district);
  CIRCLESIM_REQUIRE(spec.grids_per_community >= 1,
                    "synthetic city: grids_per_community must be >= 1, got {}",
                    spec.grids_per_community);
  CIRCLESIM_REQUIRE(std::isfinite(spec.spacing_m) && spec.spacing_m > 0,
                    "synthetic city: spacing_m must be > 0, got {}", spec.spacing_m);
  CIRCLESIM_REQUIRE(std::isfinite(spec.residents_per_grid) && spec.residents_per_grid >= 0,
                    "synthetic city: residents_per_grid must be >= 0, got {}",
                    spec.residents_per_grid);
  const double grid_total = static_cast<double>(spec.district_count) *
                            static_cast<double>(spec.streets_per_district) *
                            static_cast<double>(spec.communities_per_street) *
                            static_cast<double>(spec.grids_per_community);
  CIRCLESIM_REQUIRE(grid_total <= to_double(kMaxGrids),
                    "synthetic city: the lattice has {} grids, more than the limit of {}",
                    grid_total, kMaxGrids);
  CIRCLESIM_REQUIRE(spec.residents_per_grid * grid_total <= to_double(kMaxPopulation),
                    "synthetic city: residents_per_grid {} gives {} residents, more than the "
                    "limit of {}",
                    spec.residents_per_grid, spec.residents_per_grid * grid_total, kMaxPopulation);

  const std::int64_t grid_population = std::llround(spec.residents_per_grid);
  const std::int64_t grids = spec.grids_per_community;
  const std::int64_t block_width = ceil_sqrt(grids);
  const std::int64_t block_height = (grids + block_width - 1) / block_width;
  const std::int64_t district_columns = ceil_sqrt(spec.district_count);
  const double area_km2 = to_double(grids) * spec.spacing_m * spec.spacing_m / kSquareMetresPerKm2;

  City city;
  city.detour_factor = spec.detour_factor;
  city.districts.reserve(static_cast<std::size_t>(spec.district_count));
  city.grids.reserve(static_cast<std::size_t>(grid_total));
  for (int d = 0; d < spec.district_count; ++d) {
    // Lattice coordinates of the district's south-west cell.
    const std::int64_t x0 = (d % district_columns) * spec.communities_per_street * block_width;
    const std::int64_t y0 = (d / district_columns) * spec.streets_per_district * block_height;
    std::string district_id = fmt::format("d{}", d + 1);
    const Index district = add_district(city, district_id, district_id);
    for (int s = 0; s < spec.streets_per_district; ++s) {
      const std::string street_id = fmt::format("{}_s{}", district_id, s + 1);
      const Index street = add_street(city, district, street_id);
      for (int c = 0; c < spec.communities_per_street; ++c) {
        const std::string community_id = fmt::format("{}_c{}", street_id, c + 1);
        const Index community = add_community(city, street, community_id, {}, area_km2);
        Point sum;
        for (std::int64_t k = 0; k < grids; ++k) {
          const std::int64_t gx = x0 + c * block_width + k % block_width;
          const std::int64_t gy = y0 + s * block_height + k / block_width;
          const Point location{(to_double(gx) + 0.5) * spec.spacing_m,
                               (to_double(gy) + 0.5) * spec.spacing_m};
          sum.x += location.x;
          sum.y += location.y;
          add_grid(city, community, fmt::format("{}_g{}", community_id, k + 1), grid_population,
                   location);
        }
        city.communities[community].location = {sum.x / to_double(grids), sum.y / to_double(grids)};
      }
    }
  }
  return city;
}

// ---------------------------------------------------------------------------------------------
// Census form

struct CensusPlan {
  std::vector<std::int64_t> populations;  // per district, input order
  std::vector<std::int64_t> communities;  // per district
  std::vector<DistrictRegion> regions;    // per district
};

void require_districts(const SyntheticCitySpec& spec) {
  std::unordered_set<std::string_view> ids;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < spec.districts.size(); ++i) {
    const SyntheticDistrict& district = spec.districts[i];
    CIRCLESIM_REQUIRE(!district.id.empty(), "synthetic city: districts[{}].id must not be empty",
                      i);
    CIRCLESIM_REQUIRE(ids.insert(district.id).second,
                      "synthetic city: districts[{}].id '{}' is used by an earlier district", i,
                      district.id);
    CIRCLESIM_REQUIRE(district.population > 0,
                      "synthetic city: districts[{}].population must be > 0, got {}", i,
                      district.population);
    CIRCLESIM_REQUIRE(district.population <= kMaxPopulation - total,
                      "synthetic city: the districts' populations sum to more than {}",
                      kMaxPopulation);
    total += district.population;
    CIRCLESIM_REQUIRE(std::isfinite(district.area_km2) && district.area_km2 > 0,
                      "synthetic city: districts[{}].area_km2 must be > 0, got {}", i,
                      district.area_km2);
  }
}

// Communities per district: the city-wide total shared by population, or one per
// residents_per_community residents; at least one and at most one per resident.
std::vector<std::int64_t> community_counts(const SyntheticCitySpec& spec,
                                           const std::vector<std::int64_t>& populations,
                                           std::int64_t total_population) {
  const std::size_t n = populations.size();
  CIRCLESIM_REQUIRE(spec.communities >= 0, "synthetic city: communities must be >= 0, got {}",
                    spec.communities);
  if (spec.communities > 0) {
    CIRCLESIM_REQUIRE(spec.communities >= static_cast<std::int64_t>(n),
                      "synthetic city: communities must be at least the number of districts ({}), "
                      "got {}",
                      n, spec.communities);
    CIRCLESIM_REQUIRE(spec.communities <= total_population,
                      "synthetic city: communities must be at most the number of residents ({}), "
                      "got {}",
                      total_population, spec.communities);
    return share(spec.communities, populations, std::vector<std::int64_t>(n, 1), populations);
  }
  CIRCLESIM_REQUIRE(std::isfinite(spec.residents_per_community) && spec.residents_per_community > 0,
                    "synthetic city: residents_per_community must be > 0, got {}",
                    spec.residents_per_community);
  std::vector<std::int64_t> counts(n);
  for (std::size_t d = 0; d < n; ++d) {
    counts[d] =
        round_clamped(to_double(populations[d]) / spec.residents_per_community, 1, populations[d]);
  }
  return counts;
}

// The unit square's boundary (half-side 1, centred on the origin) at perimeter fraction t,
// counter-clockwise from the south-west corner.
Point perimeter_point(double t) {
  const double s = 8 * t;
  if (s < 2) return {-1 + s, -1};
  if (s < 4) return {1, s - 3};
  if (s < 6) return {5 - s, 1};
  return {-1, 7 - s};
}

// How far from square the districts of one ring are: the sum over them of
// aspect + 1/aspect - 2 (0 for a square piece), aspect = length along the ring / thickness.
double ring_cost(const std::vector<double>& cumulative_m2, const std::vector<double>& area_m2,
                 std::size_t begin, std::size_t end) {
  const double inner = std::sqrt(cumulative_m2[begin]) / 2;
  const double outer = std::sqrt(cumulative_m2[end]) / 2;
  const double ring_area = cumulative_m2[end] - cumulative_m2[begin];
  const double mean_perimeter = 4 * (inner + outer);
  double cost = 0;
  for (std::size_t m = begin; m < end; ++m) {
    const double aspect = area_m2[m] / ring_area * mean_perimeter / (outer - inner);
    cost += aspect + 1 / aspect - 2;
  }
  return cost;
}

std::vector<DistrictRegion> layout_regions(const std::vector<SyntheticDistrict>& districts,
                                           const std::vector<std::int64_t>& communities) {
  const std::size_t n = districts.size();
  // Densest first; ties keep the input order.
  std::vector<double> density(n);
  for (std::size_t d = 0; d < n; ++d) {
    density[d] = to_double(districts[d].population) / districts[d].area_km2;
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return density[a] > density[b]; });
  std::vector<double> area_m2(n);
  std::vector<double> cumulative_m2(n + 1, 0.0);
  for (std::size_t m = 0; m < n; ++m) {
    area_m2[m] = districts[order[m]].area_km2 * kSquareMetresPerKm2;
    cumulative_m2[m + 1] = cumulative_m2[m] + area_m2[m];
  }

  // The densest district is the core square; the rest, in density order, are cut into rings
  // (consecutive runs) so that the pieces are as square as possible: dynamic programming over
  // where each ring ends.
  std::vector<double> best(n + 1, std::numeric_limits<double>::infinity());
  std::vector<std::size_t> ring_start(n + 1, 1);
  best[1] = 0;
  for (std::size_t end = 2; end <= n; ++end) {
    for (std::size_t begin = end > kMaxRingSize + 1 ? end - kMaxRingSize : 1; begin < end;
         ++begin) {
      const double cost = best[begin] + ring_cost(cumulative_m2, area_m2, begin, end);
      if (cost < best[end]) {
        best[end] = cost;
        ring_start[end] = begin;
      }
    }
  }

  // Keep every grid at x, y >= 0: a community's grids may reach half its cell's side beyond its
  // district's edge.
  double margin = 0;
  for (std::size_t d = 0; d < n; ++d) {
    margin = std::max(
        margin,
        std::sqrt(districts[d].area_km2 * kSquareMetresPerKm2 / to_double(communities[d])) / 2);
  }
  const double half_side = std::sqrt(cumulative_m2[n]) / 2;
  const Point centre{half_side + margin, half_side + margin};

  std::vector<DistrictRegion> regions(n);
  regions[order[0]] = {centre, 0, std::sqrt(cumulative_m2[1]) / 2, 0, 1};
  for (std::size_t end = n; end > 1; end = ring_start[end]) {
    const std::size_t begin = ring_start[end];
    const double inner = std::sqrt(cumulative_m2[begin]) / 2;
    const double outer = std::sqrt(cumulative_m2[end]) / 2;
    const double ring_area = cumulative_m2[end] - cumulative_m2[begin];
    double from = 0;
    for (std::size_t m = begin; m < end; ++m) {
      const double to =
          m + 1 == end ? 1 : (cumulative_m2[m + 1] - cumulative_m2[begin]) / ring_area;
      regions[order[m]] = {centre, inner, outer, from, to};
      from = to;
    }
  }
  return regions;
}

CensusPlan plan_census(const SyntheticCitySpec& spec) {
  require_common(spec);
  require_districts(spec);
  CensusPlan plan;
  for (const SyntheticDistrict& district : spec.districts) {
    plan.populations.push_back(district.population);
  }
  const std::int64_t total =
      std::accumulate(plan.populations.begin(), plan.populations.end(), std::int64_t{0});
  plan.communities = community_counts(spec, plan.populations, total);
  const std::int64_t community_total =
      std::accumulate(plan.communities.begin(), plan.communities.end(), std::int64_t{0});
  CIRCLESIM_REQUIRE(spec.grids >= 0, "synthetic city: grids must be >= 0, got {}", spec.grids);
  if (spec.grids > 0) {
    CIRCLESIM_REQUIRE(spec.grids >= community_total,
                      "synthetic city: grids must be at least the number of communities ({}), "
                      "got {}",
                      community_total, spec.grids);
    CIRCLESIM_REQUIRE(spec.grids <= total,
                      "synthetic city: grids must be at most the number of residents ({}), got {}",
                      total, spec.grids);
    CIRCLESIM_REQUIRE(spec.grids <= kMaxGrids, "synthetic city: grids must be at most {}, got {}",
                      kMaxGrids, spec.grids);
  } else {
    CIRCLESIM_REQUIRE(std::isfinite(spec.residents_per_grid) && spec.residents_per_grid > 0,
                      "synthetic city: residents_per_grid must be > 0, got {}",
                      spec.residents_per_grid);
    const double estimate = to_double(total) / spec.residents_per_grid + to_double(community_total);
    CIRCLESIM_REQUIRE(estimate <= to_double(kMaxGrids),
                      "synthetic city: residents_per_grid {} gives about {} grids, more than the "
                      "limit of {}",
                      spec.residents_per_grid, estimate, kMaxGrids);
  }
  plan.regions = layout_regions(spec.districts, plan.communities);
  return plan;
}

// `count` community centres spread over a region, one per cell of about equal area, in rows:
// the core square in rows of a Cartesian lattice; a ring piece in bands of equal thickness about
// one cell deep, each holding centres in proportion to its area (outer bands are longer), so
// the cells stay roughly square from the inner edge to the outer one.
std::vector<Point> community_sites(const DistrictRegion& region, std::int64_t count) {
  std::vector<Point> sites;
  sites.reserve(static_cast<std::size_t>(count));
  if (region.inner_m == 0) {
    const double side = 2 * region.outer_m;
    const std::int64_t rows = round_clamped(std::sqrt(to_double(count)), 1, count);
    for (std::int64_t r = 0; r < rows; ++r) {
      const std::int64_t in_row = even_part(count, rows, r);
      const double y =
          region.centre.y - region.outer_m + (to_double(r) + 0.5) / to_double(rows) * side;
      for (std::int64_t j = 0; j < in_row; ++j) {
        const double x =
            region.centre.x - region.outer_m + (to_double(j) + 0.5) / to_double(in_row) * side;
        sites.push_back({x, y});
      }
    }
    return sites;
  }
  const double inner = region.inner_m;
  const double outer = region.outer_m;
  const double ring_area = (region.end - region.begin) * 4 * (outer * outer - inner * inner);
  const double cell_side = std::sqrt(ring_area / to_double(count));
  const std::int64_t bands = round_clamped((outer - inner) / cell_side, 1, count);
  const auto edge = [&](std::int64_t band) {
    return inner + (outer - inner) * to_double(band) / to_double(bands);
  };
  // Band areas in millionths of the piece, so that the shares are integers.
  std::vector<std::int64_t> weights(static_cast<std::size_t>(bands));
  for (std::int64_t b = 0; b < bands; ++b) {
    const double from = edge(b);
    const double to = edge(b + 1);
    weights[static_cast<std::size_t>(b)] = std::max<std::int64_t>(
        1, std::llround(1e6 * (to * to - from * from) / (outer * outer - inner * inner)));
  }
  const std::vector<std::int64_t> in_band =
      share(count, weights, std::vector<std::int64_t>(weights.size(), 1),
            std::vector<std::int64_t>(weights.size(), count));
  for (std::int64_t b = 0; b < bands; ++b) {
    const double h = (edge(b) + edge(b + 1)) / 2;
    const std::int64_t n = in_band[static_cast<std::size_t>(b)];
    for (std::int64_t j = 0; j < n; ++j) {
      const double t =
          region.begin + (to_double(j) + 0.5) / to_double(n) * (region.end - region.begin);
      const Point on_square = perimeter_point(t);
      sites.push_back({region.centre.x + h * on_square.x, region.centre.y + h * on_square.y});
    }
  }
  return sites;
}

City census_city(const SyntheticCitySpec& spec) {
  const CensusPlan plan = plan_census(spec);
  const std::size_t n = spec.districts.size();

  // Each district's residents among its communities, with the seeded variation.
  std::vector<std::vector<std::int64_t>> community_population(n);
  for (std::size_t d = 0; d < n; ++d) {
    const auto count = static_cast<std::size_t>(plan.communities[d]);
    sim::RandomEngine engine =
        sim::make_engine(sim::stream_seed(spec.seed, 0, "synthetic_city.community_population", d));
    boost::random::uniform_int_distribution<std::int64_t> weight(kWeightLow, kWeightHigh);
    std::vector<std::int64_t> weights(count);
    for (std::int64_t& w : weights) w = weight(engine);
    community_population[d] =
        share(plan.populations[d], weights, std::vector<std::int64_t>(count, 1),
              std::vector<std::int64_t>(count, plan.populations[d]));
  }

  // Grids per community: the city-wide total shared by district and then by community
  // population, or one per residents_per_grid residents.
  std::vector<std::vector<std::int64_t>> grid_count(n);
  if (spec.grids > 0) {
    const std::vector<std::int64_t> per_district =
        share(spec.grids, plan.populations, plan.communities, plan.populations);
    for (std::size_t d = 0; d < n; ++d) {
      const std::vector<std::int64_t>& pops = community_population[d];
      grid_count[d] = share(per_district[d], pops, std::vector<std::int64_t>(pops.size(), 1), pops);
    }
  } else {
    for (std::size_t d = 0; d < n; ++d) {
      for (const std::int64_t population : community_population[d]) {
        grid_count[d].push_back(
            round_clamped(to_double(population) / spec.residents_per_grid, 1, population));
      }
    }
  }

  City city;
  city.detour_factor = spec.detour_factor;
  const std::int64_t community_total =
      std::accumulate(plan.communities.begin(), plan.communities.end(), std::int64_t{0});
  city.communities.reserve(static_cast<std::size_t>(community_total));
  for (std::size_t d = 0; d < n; ++d) {
    const SyntheticDistrict& spec_district = spec.districts[d];
    const Index district = add_district(
        city, spec_district.id, spec_district.name.empty() ? spec_district.id : spec_district.name);
    const std::int64_t count = plan.communities[d];
    const std::vector<Point> sites = community_sites(plan.regions[d], count);
    const double community_area_km2 = spec_district.area_km2 / to_double(count);
    const double cell_side = std::sqrt(community_area_km2 * kSquareMetresPerKm2);
    Index street = 0;
    std::string street_id;
    for (std::int64_t c = 0; c < count; ++c) {
      if (c % spec.communities_per_street == 0) {
        street_id = fmt::format("{}_s{}", spec_district.id, c / spec.communities_per_street + 1);
        street = add_street(city, district, street_id);
      }
      const std::string community_id =
          fmt::format("{}_c{}", street_id, c % spec.communities_per_street + 1);
      const Point centre = sites[static_cast<std::size_t>(c)];
      const Index community = add_community(city, street, community_id, centre, community_area_km2);
      // The grids on a square lattice centred on the community, within a square of its area.
      const std::int64_t population = community_population[d][static_cast<std::size_t>(c)];
      const std::int64_t grids = grid_count[d][static_cast<std::size_t>(c)];
      const std::int64_t columns = ceil_sqrt(grids);
      const std::int64_t rows = (grids + columns - 1) / columns;
      const double spacing = cell_side / to_double(columns);
      std::int64_t g = 0;
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t in_row = even_part(grids, rows, r);
        const double y = centre.y + (to_double(r) - to_double(rows - 1) / 2) * spacing;
        for (std::int64_t j = 0; j < in_row; ++j, ++g) {
          const double x = centre.x + (to_double(j) - to_double(in_row - 1) / 2) * spacing;
          add_grid(city, community, fmt::format("{}_g{}", community_id, g + 1),
                   even_part(population, grids, g), {x, y});
        }
      }
    }
  }
  return city;
}

}  // namespace

City generate_city(const SyntheticCitySpec& spec) {
  return spec.districts.empty() ? lattice_city(spec) : census_city(spec);
}

std::vector<DistrictRegion> synthetic_district_regions(const SyntheticCitySpec& spec) {
  CIRCLESIM_REQUIRE(!spec.districts.empty(),
                    "synthetic city: district regions need the census form (districts given)");
  return plan_census(spec).regions;
}

}  // namespace circlesim::city
