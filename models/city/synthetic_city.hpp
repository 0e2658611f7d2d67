// A generated city for scenarios without a real map: deterministic (a function of the spec and
// its seed), plausible (a dense core, sparser outer districts and counties), and sized either
// by a regular lattice or by each district's census population and area.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/city/geography.hpp"

namespace circlesim::city {

// One district of the census form: its residents and its area.
struct SyntheticDistrict {
  std::string id;
  std::string name;  // default: the id
  std::int64_t population = 0;
  double area_km2 = 0;
};

struct SyntheticCitySpec {
  std::uint64_t seed = 1;
  double detour_factor = 1.3;

  // Lattice form (used when `districts` is empty): district_count districts of
  // streets_per_district streets of communities_per_street communities of grids_per_community
  // grids, neighbouring grid centres `spacing_m` apart, residents_per_grid residents per grid
  // on average.
  int district_count = 1;
  int streets_per_district = 6;
  int grids_per_community = 6;
  double spacing_m = 300;

  // Census form (used when `districts` is given): each district's residents are split among
  // communities and grids. The city-wide totals `communities` and `grids`, when > 0, are met
  // exactly (shared among districts in proportion to population, at least one each); otherwise
  // they follow from residents_per_community and residents_per_grid.
  std::vector<SyntheticDistrict> districts;
  std::int64_t communities = 0;
  std::int64_t grids = 0;
  double residents_per_community = 8000;

  // Both forms.
  int communities_per_street = 8;
  double residents_per_grid = 1100;
};

// Ids name the path down the hierarchy, numbered from 1 within the parent: district "d1"
// (census form: the given district id), street "d1_s2", community "d1_s2_c3", grid
// "d1_s2_c3_g4". Names are the ids (census districts: their given name). Every grid's households
// are round(population / kPersonsPerHousehold); a community's households are its grids' sum.
//
// Lattice form: grids sit on a square lattice spacing_m apart; a community is a compact block of
// ceil(sqrt(grids_per_community)) columns, a street a row of communities, a district a stack of
// streets, and the districts are tiled in a near-square arrangement. Communities are located at
// the centroid of their grids and own the grids' cells as area.
//
// Census form: communities are shared among districts by population (largest remainder, at
// least one each) and each district's residents among its communities with a +-25% variation
// drawn from the seed (the only use of randomness); grids are shared among districts by
// population and then among a district's communities by population, at least one each, and
// split their community's residents evenly. A street is communities_per_street consecutive
// communities of one district. Districts are laid out as a dense core and rings around it (see
// DistrictRegion): the densest district is the central square, the others, in order of falling
// density, fill concentric square rings whose grouping keeps the pieces roughly square. Each
// district's communities sit on a lattice over its region, in rows of about equal area with one
// cell each (so their spacing follows the district's density); a community's area_km2 is the
// district's area / its communities, and its grids sit on a small square lattice inside a
// square of that area around its centre. Coordinates are metres, all >= 0.
//
// Throws sim::InvalidParameter naming the field when the spec cannot be laid out (no
// districts, a population or area <= 0, more communities than residents, ...).
City generate_city(const SyntheticCitySpec& spec);

// Where the census form puts one district: the part of the square ring between half-sides
// inner_m and outer_m around `centre` (Chebyshev distance from the centre) that lies between
// the perimeter fractions `begin` and `end`, measured counter-clockwise round the square from
// its south-west corner (0 and 1 are that corner). The core district is the whole square:
// inner_m = 0, begin = 0, end = 1. Its area is (end - begin) * 4 * (outer_m^2 - inner_m^2).
struct DistrictRegion {
  Point centre;
  double inner_m = 0;
  double outer_m = 0;
  double begin = 0;
  double end = 1;
};

// The regions generate_city uses for a census-form spec, one per spec.districts entry in the
// same order; they do not overlap and their areas are the districts' area_km2. Throws like
// generate_city.
std::vector<DistrictRegion> synthetic_district_regions(const SyntheticCitySpec& spec);

}  // namespace circlesim::city
