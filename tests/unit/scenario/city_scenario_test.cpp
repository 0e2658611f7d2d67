// Scenarios with a city through the loader: a generated census city with facilities laid out by
// rule, a city from CSV tables, facility places resolved from their areas, shares by area that
// name no area of the city, and the facility-choice policy's parameters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "models/scenario/loader.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::scenario {
namespace {

using ::testing::HasSubstr;

class CityScenarioTest : public ScratchDirTest {
 protected:
  std::optional<Scenario> load(const std::string& text, Diagnostics& diagnostics) {
    return load_scenario(write("scenario.yaml", text), {}, diagnostics);
  }
};

// A service every centre offers, appended to each scenario below.
constexpr const char* kService = R"(
services:
  - id: consultation
    channel: centre_room
    room: health
    demand:
      - rate: 500/year per 1000
    duration: {dist: exponential, mean: 12min}
)";

TEST_F(CityScenarioTest, GeneratedCityWithFacilitiesByRule) {
  Diagnostics diagnostics;
  const auto s = load(std::string(R"(
run: {name: generated, horizon: 1d}
city:
  synthetic:
    districts:
      - {id: core, population: 300000, area: 30}
      - {id: county, population: 100000, area: 900}
    communities: 40
    grids: 200
facilities:
  generate:
    - kind: community_centre
      id_prefix: centre
      rooms: [{type: health, staff: 2}]
    - kind: neighbourhood_centre
      count: 8
      rooms: [{type: elderly_care, staff: 3}]
    - kind: street_office
      rooms: [{type: governance, staff: 1}]
)") + kService,
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_TRUE(s->city);
  EXPECT_EQ(s->city->population(), 400000);
  EXPECT_EQ(s->city->communities.size(), 40U);
  EXPECT_EQ(s->city->grids.size(), 200U);
  std::map<FacilityKind, std::size_t> kinds;
  for (const Facility& f : s->facilities) ++kinds[f.kind];
  EXPECT_EQ(kinds[FacilityKind::kCommunityCentre], 40U);
  EXPECT_EQ(kinds[FacilityKind::kNeighbourhoodCentre], 8U);
  EXPECT_EQ(kinds[FacilityKind::kStreetOffice], s->city->streets.size());
  // Centres stand at their community, named after it; the 8 neighbourhood centres go 6 to the
  // core (3/4 of the residents) and 2 to the county, each to its most populous communities.
  std::map<std::size_t, std::size_t> neighbourhood_by_district;
  for (const Facility& f : s->facilities) {
    if (f.kind == FacilityKind::kCommunityCentre) {
      const city::Community& c = s->city->communities[f.area];
      EXPECT_EQ(f.id, "centre_" + c.id);
      EXPECT_EQ(f.location.x, c.location.x);
      EXPECT_EQ(f.location.y, c.location.y);
      ASSERT_EQ(f.rooms.size(), 1U);
      EXPECT_EQ(s->rooms[f.rooms[0]].type, "health");
      EXPECT_EQ(s->rooms[f.rooms[0]].staff, 2);
    }
    if (f.kind == FacilityKind::kNeighbourhoodCentre) {
      ++neighbourhood_by_district[s->city->communities[f.area].district];
    }
  }
  EXPECT_EQ(neighbourhood_by_district[0], 6U);
  EXPECT_EQ(neighbourhood_by_district[1], 2U);
}

TEST_F(CityScenarioTest, TooManyGeneratedCentresAreRefused) {
  Diagnostics diagnostics;
  const auto s = load(std::string(R"(
run: {name: generated, horizon: 1d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 2}
facilities:
  generate:
    - kind: community_centre
      count: 5
      rooms: [{type: health, staff: 2}]
)") + kService,
                      diagnostics);
  EXPECT_FALSE(s);
  EXPECT_THAT(diagnostics.to_string(),
              HasSubstr("5 community_centres do not fit in the city's 2 communities"));
}

TEST_F(CityScenarioTest, CityFromCsvTables) {
  write("districts.csv", "id,name\nd,Town\n");
  write("streets.csv", "id,name,district\ns,Main street,d\n");
  write("communities.csv",
        "id,name,street,population,households,x_m,y_m,area_km2\n"
        "a,,s,3000,,0,0,0.5\nb,,s,2000,,800,0,0.5\n");
  Diagnostics diagnostics;
  const auto s = load(std::string(R"(
run: {name: csv, horizon: 1d}
city:
  csv: {districts: districts.csv, streets: streets.csv, communities: communities.csv}
facilities:
  community_centres:
    - id: centre_a
      community: a
      rooms: [{type: health, staff: 1}]
)") + kService,
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  EXPECT_EQ(s->city->population(), 5000);
  EXPECT_EQ(s->city->grids.size(), 2U);  // one per community without a grids table
  EXPECT_EQ(s->facilities[0].location.x, 0.0);
}

TEST_F(CityScenarioTest, CsvProblemsNameTheirFileLineAndColumn) {
  write("districts.csv", "id,name\nd,Town\n");
  write("streets.csv", "id,name,district\ns,Main street,nowhere\n");
  write("communities.csv", "id,name,street,population,x_m,y_m\na,,s,many,0,0\n");
  Diagnostics diagnostics;
  const auto s = load(std::string(R"(
run: {name: csv, horizon: 1d}
city:
  csv: {districts: districts.csv, streets: streets.csv, communities: communities.csv}
)") + kService,
                      diagnostics);
  EXPECT_FALSE(s);
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text, HasSubstr("streets.csv:2:"));
  EXPECT_THAT(text, HasSubstr("nowhere"));
}

TEST_F(CityScenarioTest, SharesByAreaMustNameAreasOfTheCity) {
  Diagnostics diagnostics;
  const auto s = load(std::string(R"(
run: {name: shares, horizon: 1d}
city:
  synthetic: {districts: 2, streets_per_district: 1, communities_per_street: 1}
population:
  groups:
    - id: elderly_60_plus
      share: 0.15
      shares_by:
        district: {d1: 0.2, d9: 0.3}
facilities:
  generate:
    - kind: community_centre
      rooms: [{type: health, staff: 1}]
)") + kService,
                      diagnostics);
  EXPECT_FALSE(s);
  EXPECT_THAT(diagnostics.to_string(),
              HasSubstr("population.groups.0.shares_by.district.d9: district 'd9' is not in "
                        "the city"));
}

TEST_F(CityScenarioTest, ChoicePolicyParametersAreReadAndChecked) {
  const std::string base = std::string(R"(
run: {name: choice, horizon: 1d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 2}
facilities:
  generate:
    - kind: community_centre
      rooms: [{type: health, staff: 1}]
)") + kService;
  {
    Diagnostics diagnostics;
    const auto s = load(base + R"(
policies:
  facility_choice:
    name: logit
    parameters: {max_travel_time: 30min, travel_weight: 0.3, wait_weight: 0.05, candidates: 3}
)",
                        diagnostics);
    ASSERT_TRUE(s) << diagnostics.to_string();
    EXPECT_EQ(s->facility_choice.kind, ChoiceKind::kLogit);
    EXPECT_EQ(s->facility_choice.max_travel_minutes, 30.0);
    EXPECT_EQ(s->facility_choice.travel_weight, 0.3);
    EXPECT_EQ(s->facility_choice.wait_weight, 0.05);
    EXPECT_EQ(s->facility_choice.candidates, 3);
  }
  {
    Diagnostics diagnostics;
    const auto s = load(base + R"(
policies:
  facility_choice:
    name: gravity
    parameters: {candidates: 0, speed: 2}
)",
                        diagnostics);
    EXPECT_FALSE(s);
    const std::string text = diagnostics.to_string();
    EXPECT_THAT(text, HasSubstr("unknown facility-choice policy 'gravity' (expected own_centre, "
                                "nearest or logit)"));
  }
  {
    Diagnostics diagnostics;
    const auto s = load(base + R"(
policies:
  facility_choice:
    name: logit
    parameters: {candidates: 0, speed: 2}
)",
                        diagnostics);
    EXPECT_FALSE(s);
    const std::string text = diagnostics.to_string();
    EXPECT_THAT(text, HasSubstr("candidates: expected an integer from 1 to 50, got 0"));
    EXPECT_THAT(text, HasSubstr("unknown parameter 'speed' of facility_choice"));
  }
}

TEST_F(CityScenarioTest, OnwardEscalationNeedsADistrictDepartment) {
  const std::string scenario = R"(
run: {name: onward, horizon: 1d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 2}
facilities:
  generate:
    - kind: community_centre
      rooms: [{type: governance, staff: 1}]
    - kind: street_office
      rooms: [{type: governance, staff: 1}]
services:
  - id: dispute
    channel: centre_room
    room: governance
    demand: [{rate: 50/year per 1000}]
    duration: {dist: exponential, mean: 30min}
    escalation:
      probability: 0.3
      onward: {probability: 0.2, delay: {dist: exponential, mean: 2d}}
)";
  Diagnostics refused;
  EXPECT_FALSE(load(scenario, refused));
  EXPECT_THAT(refused.to_string(),
              HasSubstr("services.0.escalation.onward: requests go onward to district "
                        "departments, but none has a room 'governance'"));
  // With a department rule under facilities.generate it loads.
  std::string with_department = scenario;
  with_department.insert(with_department.find("services:"),
                         "    - kind: district_department\n"
                         "      rooms: [{type: governance, staff: 1}]\n");
  Diagnostics accepted;
  const auto ok = load(with_department, accepted);
  ASSERT_TRUE(ok) << accepted.to_string();
  EXPECT_EQ(ok->services[0].escalation.onward_probability, 0.2);
  EXPECT_EQ(ok->services[0].escalation.onward_room_type, "governance");
  EXPECT_TRUE(ok->services[0].escalation.onward_delay.has_value());
}

}  // namespace
}  // namespace circlesim::scenario
