// Tests for models/city/city_csv: a good city with every CSV feature (BOM, CRLF, quoted fields
// with commas, doubled quotes and line breaks, columns in any order, defaults), and each kind of
// problem reported at its file:line:col with a message that says what was expected.
#include "models/city/city_csv.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace circlesim::city {
namespace {

using scenario::Diagnostics;
using scenario::format_diagnostic;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kDistricts = "id,name\nd1,East\nd2,West\n";
constexpr std::string_view kStreets = "id,name,district\ns1,River,d1\ns2,Hill,d1\ns3,Lake,d2\n";
constexpr std::string_view kCommunitiesHeader =
    "id,name,street,population,households,x_m,y_m,area_km2\n";

class CityCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("circlesim-city-csv-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string write(const std::string& name, std::string_view text) const {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes the four tables (grids only when given) and reads them.
  std::optional<City> read(std::string_view districts, std::string_view streets,
                           std::string_view communities, std::optional<std::string_view> grids,
                           Diagnostics& diagnostics, double detour_factor = 1.3) const {
    const CityCsvPaths paths{write("districts.csv", districts), write("streets.csv", streets),
                             write("communities.csv", communities),
                             grids ? write("grids.csv", *grids) : std::string()};
    return read_city_csv(paths, detour_factor, diagnostics);
  }

  // The formatted problems of tables that must fail.
  std::vector<std::string> problems(std::string_view districts, std::string_view streets,
                                    std::string_view communities,
                                    std::optional<std::string_view> grids) const {
    Diagnostics diagnostics;
    const std::optional<City> city = read(districts, streets, communities, grids, diagnostics);
    EXPECT_FALSE(city.has_value());
    std::vector<std::string> out;
    for (const scenario::Diagnostic& d : diagnostics.items()) out.push_back(format_diagnostic(d));
    return out;
  }

  std::string communities_with(std::string_view rows) const {
    return std::string(kCommunitiesHeader) + std::string(rows);
  }

  std::filesystem::path dir_;
};

TEST_F(CityCsvTest, ReadsAGoodCityWithQuotingBomCrlfAndDefaults) {
  // A BOM, CRLF line ends and an unknown column; a quoted name with a comma; an empty name.
  const std::string districts = "\xEF\xBB\xBFid,name,note\r\nd1,\"East, old town\",x\r\nd2,,\r\n";
  // Columns in another order; doubled quotes.
  const std::string streets =
      "district,id,name\nd1,s1,\"River \"\"Gan\"\" Road\"\nd1,s2,Hill\nd2,s3,\n";
  // A line break inside a quoted name; c2's population comes from its grids; no final newline.
  const std::string communities =
      "id,street,name,population,households,x_m,y_m,area_km2\n"
      "c1,s1,\"Multi\nline\",1001,,100,200,0.5\n"
      "c2,s1,C2,,,300,200,\n"
      "c3,s2,C3,500,200,100,600,1.25\n"
      "c4,s3,  C4  ,700,,900,900,";
  // Out of community order; c1's grid populations all empty (split evenly), c4's partly.
  const std::string grids =
      "id,community,population,households,x_m,y_m\n"
      "g6,c3,500,,,\n"
      "g1,c1,,,,\n"
      "g2,c1,,,110,210\n"
      "g3,c1,,,,\n"
      "g4,c2,400,150,300,210\n"
      "g5,c2,350,,310,190\n"
      "g7,c4,300,,,\n"
      "g8,c4,,,,\n";
  Diagnostics diagnostics;
  const std::optional<City> city = read(districts, streets, communities, grids, diagnostics, 1.25);
  ASSERT_TRUE(city.has_value()) << diagnostics.to_string();
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_THAT(check_city(*city), IsEmpty());
  EXPECT_EQ(city->detour_factor, 1.25);

  ASSERT_EQ(city->districts.size(), 2u);
  EXPECT_EQ(city->districts[0].id, "d1");
  EXPECT_EQ(city->districts[0].name, "East, old town");
  EXPECT_EQ(city->districts[1].name, "d2");
  ASSERT_EQ(city->streets.size(), 3u);
  EXPECT_EQ(city->streets[0].name, "River \"Gan\" Road");
  EXPECT_EQ(city->streets[2].name, "s3");
  EXPECT_EQ(city->streets[2].district, 1u);
  EXPECT_THAT(city->districts[0].streets, ElementsAre(0u, 1u));

  ASSERT_EQ(city->communities.size(), 4u);
  const Community& c1 = city->communities[0];
  EXPECT_EQ(c1.name, "Multi\nline");
  EXPECT_EQ(c1.population, 1001);
  EXPECT_EQ(c1.households, 356);  // round(1001 / 2.81)
  EXPECT_EQ(c1.location.x, 100);
  EXPECT_EQ(c1.location.y, 200);
  EXPECT_EQ(c1.area_km2, 0.5);
  EXPECT_EQ(city->communities[1].population, 750);  // 400 + 350 from its grids
  EXPECT_EQ(city->communities[1].households, 267);
  EXPECT_EQ(city->communities[1].area_km2, 0);  // unknown
  EXPECT_EQ(city->communities[2].households, 200);
  EXPECT_EQ(city->communities[2].district, 0u);
  EXPECT_EQ(city->communities[3].name, "C4");  // unquoted cells are trimmed
  EXPECT_EQ(city->communities[3].district, 1u);

  // Grids stored community by community, in file order within a community.
  ASSERT_EQ(city->grids.size(), 8u);
  std::vector<std::string> ids;
  std::vector<std::int64_t> populations;
  for (const Grid& grid : city->grids) {
    ids.push_back(grid.id);
    populations.push_back(grid.population);
  }
  EXPECT_THAT(ids, ElementsAre("g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8"));
  EXPECT_THAT(populations, ElementsAre(334, 334, 333, 400, 350, 500, 300, 400));
  EXPECT_EQ(c1.first_grid, 0u);
  EXPECT_EQ(c1.grid_count, 3u);
  EXPECT_EQ(city->grids[0].location.x, 100);  // the community's location
  EXPECT_EQ(city->grids[1].location.x, 110);
  EXPECT_EQ(city->grids[1].location.y, 210);
  EXPECT_EQ(city->grids[3].households, 150);
  EXPECT_EQ(city->grids[4].households, 125);  // round(350 / 2.81)
  EXPECT_EQ(city->grids[5].community, 2u);
  EXPECT_EQ(city->population(), 1001 + 750 + 500 + 700);
}

TEST_F(CityCsvTest, WithoutAGridsTableEveryCommunityIsOneGrid) {
  Diagnostics diagnostics;
  const std::optional<City> city =
      read(kDistricts, kStreets, communities_with("c1,,s1,1200,,10,20,\nc2,,s3,800,300,30,40,2\n"),
           std::nullopt, diagnostics);
  ASSERT_TRUE(city.has_value()) << diagnostics.to_string();
  ASSERT_EQ(city->grids.size(), 2u);
  EXPECT_EQ(city->grids[1].id, "c2");
  EXPECT_EQ(city->grids[1].community, 1u);
  EXPECT_EQ(city->grids[1].population, 800);
  EXPECT_EQ(city->grids[1].households, 300);
  EXPECT_EQ(city->grids[1].location.y, 40);
  EXPECT_EQ(city->grids[0].households, 427);  // round(1200 / 2.81)
  EXPECT_EQ(city->communities[0].name, "c1");
}

TEST_F(CityCsvTest, ReportsAMissingFileOnce) {
  Diagnostics diagnostics;
  const CityCsvPaths paths{write("districts.csv", kDistricts), path("nope.csv"),
                           write("communities.csv", communities_with("c1,,s1,1,,0,0,\n")), ""};
  EXPECT_FALSE(read_city_csv(paths, 1.3, diagnostics).has_value());
  // The communities' streets are not reported as unknown: their table is the problem.
  ASSERT_EQ(diagnostics.size(), 1u) << diagnostics.to_string();
  EXPECT_EQ(format_diagnostic(diagnostics.items()[0]),
            path("nope.csv") +
                ": city.csv.streets: cannot open the file (expected the streets table, a CSV "
                "file with columns id, name, district)");
}

TEST_F(CityCsvTest, ReportsATableWithoutAFileOrContents) {
  Diagnostics diagnostics;
  const CityCsvPaths paths{"", write("streets.csv", ""), write("communities.csv", "\n\n"), ""};
  EXPECT_FALSE(read_city_csv(paths, 1.3, diagnostics).has_value());
  const std::string all = diagnostics.to_string();
  EXPECT_THAT(all, HasSubstr("city.csv.districts: no file given for the districts table"));
  EXPECT_THAT(all, HasSubstr(path("streets.csv") +
                             ": city.csv.streets: the file is empty (expected a header row: id, "
                             "name, district)"));
  EXPECT_THAT(all,
              HasSubstr(path("communities.csv") + ": city.csv.communities: the file is empty"));
}

TEST_F(CityCsvTest, ReportsAMissingOrRepeatedColumnInTheHeader) {
  const auto found = problems(kDistricts, "id,name,name,district\ns1,A,B,d1\n",
                              "id,name,street,households,x_m,y_m\nc1,,s1,3,0,0\n", std::nullopt);
  EXPECT_THAT(found, Contains(path("communities.csv") +
                              ":1:1: city.csv.communities: missing column 'population' (expected a "
                              "header with id, name, street, population, households, x_m, y_m, "
                              "area_km2)"));
  EXPECT_THAT(found, Contains(path("streets.csv") +
                              ":1:9: city.csv.streets: column 'name' appears twice in the header"));
}

TEST_F(CityCsvTest, ReportsUnknownReferencesWithoutRepeatingThem) {
  const auto found =
      problems(kDistricts, "id,name,district\ns1,River,d1\ns2,Second,dx\n",
               communities_with("c1,,s2,10,,0,0,\nc2,,s9,10,,0,0,\n"), "id,community\ng1,c7\n");
  EXPECT_THAT(
      found,
      ElementsAre(path("streets.csv") + ":3:11: city.csv.streets: district: unknown district 'dx' "
                                        "(expected an id from districts.csv)",
                  path("communities.csv") +
                      ":3:5: city.csv.communities: street: unknown street 's9' "
                      "(expected an id from streets.csv)",
                  path("grids.csv") + ":2:4: city.csv.grids: community: unknown community 'c7' "
                                      "(expected an id from communities.csv)"));
}

TEST_F(CityCsvTest, ReportsDuplicateAndEmptyIds) {
  const auto found = problems("id,name\nd1,A\nd2,B\nd1,C\n,D\n", kStreets,
                              communities_with("c1,,s1,5,,0,0,\n"), std::nullopt);
  EXPECT_THAT(found, ElementsAre(path("districts.csv") +
                                     ":4:1: city.csv.districts: id: district id 'd1' is already "
                                     "used on line 2",
                                 path("districts.csv") +
                                     ":5:1: city.csv.districts: id: expected the id of the "
                                     "district, got ''"));
}

TEST_F(CityCsvTest, ReportsBadNumbersAtTheirCharacterColumn) {
  const auto found = problems(kDistricts, kStreets,
                              communities_with("c1,东湖,s1,abc,,0,0,\n"
                                               "c2,C2,s1,-5,,0,0,\n"
                                               "c3,C3,s1,5,,east,0,\n"
                                               "c4,C4,s1,5,,0,0,-1\n"
                                               "c5,\"Long, name\",s1,12,x,0,0,\n"
                                               "c6,C6,s1,7,,,0,\n"),
                              std::nullopt);
  const std::string file = path("communities.csv");
  EXPECT_THAT(found,
              ElementsAre(file + ":2:10: city.csv.communities: population: expected a "
                                 "non-negative integer of at most 1000000, got 'abc'",
                          file + ":3:10: city.csv.communities: population: expected a "
                                 "non-negative integer of at most 1000000, got '-5'",
                          file + ":4:13: city.csv.communities: x_m: expected a number, got "
                                 "'east'",
                          file + ":5:17: city.csv.communities: area_km2: expected a number >= "
                                 "0, got '-1'",
                          file + ":6:23: city.csv.communities: households: expected a "
                                 "non-negative integer of at most 1000000, got 'x'",
                          file + ":7:13: city.csv.communities: x_m: expected a number, got "
                                 "''"));
}

TEST_F(CityCsvTest, ReportsImplausiblyLargeNumbers) {
  // As the inline city's schema: at most a million residents or households in a community or
  // grid, and coordinates within 1000 km. Larger ones exhausted memory or overflowed travel.
  const auto found = problems(kDistricts, kStreets,
                              communities_with("c1,C1,s1,1000001,,0,0,\n"
                                               "c2,C2,s1,5,2000000,0,0,\n"
                                               "c3,C3,s1,5,,1e308,0,\n"
                                               "c4,C4,s1,5,,0,-1000001,\n"
                                               "c5,C5,s1,1000000,,1000000,-1000000,\n"),
                              std::nullopt);
  const std::string file = path("communities.csv");
  EXPECT_THAT(found, ElementsAre(file + ":2:10: city.csv.communities: population: expected a "
                                        "non-negative integer of at most 1000000, got '1000001'",
                                 file + ":3:12: city.csv.communities: households: expected a "
                                        "non-negative integer of at most 1000000, got '2000000'",
                                 file + ":4:13: city.csv.communities: x_m: expected metres from "
                                        "-1000000 to 1000000, got '1e308'",
                                 file + ":5:15: city.csv.communities: y_m: expected metres from "
                                        "-1000000 to 1000000, got '-1000001'"));
}

TEST_F(CityCsvTest, ReportsRowsWithTheWrongNumberOfFields) {
  const auto found =
      problems(kDistricts, kStreets,
               communities_with("c1,C1,s1,100,,0,0,,extra\nc2,C2,s1\r\nc3,C3,s1,5,,0,0,\n"),
               "id,community\ng1,c1\ng2,c2\ng3,c3\n");
  const std::string file = path("communities.csv");
  // The grids of the rows set aside are not reported again.
  EXPECT_THAT(found, ElementsAre(file + ":2:20: city.csv.communities: expected 8 fields as in the "
                                        "header, got 9",
                                 file + ":3:9: city.csv.communities: expected 8 fields as in the "
                                        "header, got 3"));
}

TEST_F(CityCsvTest, ReportsQuotingErrors) {
  // The rest of the file is lost, but the streets' districts are not reported as unknown.
  EXPECT_THAT(problems("id,name\nd1,\"East\nd2,West\n", kStreets,
                       communities_with("c1,,s1,1,,0,0,\n"), std::nullopt),
              ElementsAre(path("districts.csv") +
                          ":2:4: city.csv.districts: unterminated quoted field (expected a closing "
                          "'\"')"));
  EXPECT_THAT(problems("id,name\nd1,\"East\"x\nd2,West\n", kStreets,
                       communities_with("c1,,s1,1,,0,0,\n"), std::nullopt),
              ElementsAre(path("districts.csv") +
                          ":2:10: city.csv.districts: text after a closing quote (expected a "
                          "comma or the end of the line)"));
}

TEST_F(CityCsvTest, ReportsPopulationsThatDisagreeWithTheirGrids) {
  const auto found = problems(kDistricts, kStreets,
                              communities_with("c1,,s1,1000,,0,0,\n"
                                               "c2,,s1,100,,0,0,\n"
                                               "c3,,s1,,,0,0,\n"
                                               "c4,,s1,50,,0,0,\n"),
                              "id,community,population,x_m,y_m\n"
                              "g1,c1,400,,\n"
                              "g2,c1,500,,\n"
                              "g3,c2,150,,\n"
                              "g4,c2,,,\n"
                              "g5,c3,,,\n"
                              "g6,c4,20,5,\n");
  const std::string file = path("communities.csv");
  EXPECT_THAT(found,
              Contains(file + ":2:8: city.csv.communities: population: community 'c1' has 1000 "
                              "residents but its grids in grids.csv have 900"));
  EXPECT_THAT(found,
              Contains(file + ":3:8: city.csv.communities: population: community 'c2' has 100 "
                              "residents but the grids in grids.csv that give a population "
                              "already have 150"));
  EXPECT_THAT(found,
              Contains(file + ":4:8: city.csv.communities: population: expected a non-negative "
                              "integer, got '' (community 'c3' has grids without a population in "
                              "grids.csv)"));
  EXPECT_THAT(found, Contains(path("grids.csv") +
                              ":7:12: city.csv.grids: y_m: expected a number (x_m is given), got "
                              "''"));
  EXPECT_EQ(found.size(), 4u);
}

TEST_F(CityCsvTest, ReportsCommunitiesWithoutGridsOrPopulation) {
  EXPECT_THAT(problems(kDistricts, kStreets, communities_with("c1,,s1,10,,0,0,\nc2,,s1,10,,0,0,\n"),
                       "id,community\ng1,c1\n"),
              ElementsAre(path("communities.csv") +
                          ":3:1: city.csv.communities: community 'c2' has no grids in grids.csv "
                          "(expected at least one)"));
  EXPECT_THAT(problems(kDistricts, kStreets, communities_with("c1,,s1,,,0,0,\n"), std::nullopt),
              ElementsAre(path("communities.csv") +
                          ":2:8: city.csv.communities: population: expected a non-negative "
                          "integer, got '' (without a grids table every community needs its "
                          "population)"));
}

TEST_F(CityCsvTest, CollectsEveryProblemAcrossTables) {
  const auto found = problems("id,name\nd1,A\nd1,B\n", "id,name,district\ns1,A,d1\ns2,B,d5\n",
                              communities_with("c1,,s1,x,,0,0,\nc2,,s1,5,,0,y,\n"), std::nullopt);
  EXPECT_EQ(found.size(), 4u);
}

TEST_F(CityCsvTest, RunsTheCityCheckOnTheResult) {
  Diagnostics diagnostics;
  const std::optional<City> city = read(kDistricts, kStreets, communities_with("c1,,s1,10,,0,0,\n"),
                                        std::nullopt, diagnostics, 0.5);
  EXPECT_FALSE(city.has_value());
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(format_diagnostic(diagnostics.items()[0]),
            "city: the detour factor must be a finite number >= 1, got 0.5");
}

}  // namespace
}  // namespace circlesim::city
