// Measured travel times (city.travel_times): the table is read (any column order, quoting, a
// BOM, extra columns), every kind of bad input is reported at its file:line:col with what was
// expected, the loader resolves the path next to the scenario, and a request's travel time in a
// run is the table's minutes for an adult (scaled for a slower group), as are coverage and 2SFCA.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/city/city_csv.hpp"
#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "tests/unit/models/memory_sink.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct Named {
  std::string id;
};

class TravelTimesCsvTest : public ScratchDirTest {
 protected:
  // Grids g1, g2, g3 and facilities f1, f2.
  std::optional<std::vector<city::TravelTime>> read(const std::string& text,
                                                    Diagnostics& diagnostics) {
    return read_path(write("travel.csv", text), diagnostics);
  }
  std::optional<std::vector<city::TravelTime>> read_path(const std::string& path,
                                                         Diagnostics& diagnostics) {
    const std::vector<Named> grids{{"g1"}, {"g2"}, {"g3"}};
    const std::vector<Named> facilities{{"f1"}, {"f2"}};
    return city::read_travel_times_csv(path, city::IdIndex(grids), city::IdIndex(facilities),
                                       "city.travel_times.file", diagnostics);
  }
  // The one problem of a table that must fail, formatted.
  std::vector<std::string> problems(const std::string& text) {
    Diagnostics diagnostics;
    EXPECT_FALSE(read(text, diagnostics).has_value());
    std::vector<std::string> out;
    for (const Diagnostic& d : diagnostics.items()) out.push_back(format_diagnostic(d));
    return out;
  }
  std::string at(int line, int column) const {
    return (dir_ / "travel.csv").string() + ":" + std::to_string(line) + ":" +
           std::to_string(column) + ": city.travel_times.file: ";
  }
};

TEST_F(TravelTimesCsvTest, ReadsATableSortedByGridThenFacility) {
  // A BOM, CRLF, columns in another order, an extra column, a quoted id, spaces, no final
  // newline, a blank line.
  Diagnostics diagnostics;
  const auto times = read(
      "\xEF\xBB\xBF"
      "minutes,note,facility,grid\r\n"
      "12.5,via bridge,f2,g3\r\n"
      "0,,f1,\"g1\"\r\n"
      "\r\n"
      " 7 ,,f2,g1\r\n"
      "3e1,,f1,g3",
      diagnostics);
  ASSERT_TRUE(times.has_value()) << diagnostics.to_string();
  EXPECT_TRUE(diagnostics.empty());
  std::vector<std::string> rows;
  for (const city::TravelTime& t : *times) {
    rows.push_back(std::to_string(t.grid) + "-" + std::to_string(t.facility) + ":" +
                   std::to_string(t.minutes));
  }
  EXPECT_THAT(rows, ElementsAre("0-0:0.000000", "0-1:7.000000", "2-0:30.000000", "2-1:12.500000"));
}

TEST_F(TravelTimesCsvTest, AHeaderAloneIsAnEmptyTable) {
  Diagnostics diagnostics;
  const auto times = read("grid,facility,minutes\n", diagnostics);
  ASSERT_TRUE(times.has_value()) << diagnostics.to_string();
  EXPECT_THAT(*times, IsEmpty());
}

TEST_F(TravelTimesCsvTest, UnknownGridsAndFacilitiesAreNamedAtTheirCell) {
  EXPECT_THAT(
      problems("grid,facility,minutes\ng1,f1,5\ng9,f1,5\n"),
      ElementsAre(at(3, 1) + "grid: unknown grid 'g9' (expected the id of a grid of the city)"));
  EXPECT_THAT(problems("grid,facility,minutes\ng1,centre,5\n"),
              ElementsAre(at(2, 4) +
                          "facility: unknown facility 'centre' (expected the id of a facility of "
                          "the scenario)"));
}

TEST_F(TravelTimesCsvTest, AnUnknownIdIsReportedAtItsFirstRowOnly) {
  const std::vector<std::string> found =
      problems("grid,facility,minutes\ng9,f1,5\ng9,f2,5\ng1,f7,5\ng2,f7,5\n");
  EXPECT_THAT(found, ElementsAre(at(2, 1) + "grid: unknown grid 'g9' (expected the id of a grid "
                                            "of the city)",
                                 at(4, 4) + "facility: unknown facility 'f7' (expected the id of "
                                            "a facility of the scenario)"));
}

TEST_F(TravelTimesCsvTest, MinutesMustBeANumberAtLeastZero) {
  for (const std::string bad : {"-1", "nan", "NaN", "inf", "five", "5min", "1,5"}) {
    SCOPED_TRACE(bad);
    const std::string quoted = bad == "1,5" ? "\"1,5\"" : bad;
    EXPECT_THAT(problems("grid,facility,minutes\ng1,f1," + quoted + "\n"),
                ElementsAre(at(2, 7) + "minutes: expected a number >= 0, got '" + bad + "'"));
  }
  EXPECT_THAT(problems("grid,facility,minutes\ng1,f1,\n"),
              ElementsAre(at(2, 7) + "minutes: expected a number >= 0, got ''"));
}

TEST_F(TravelTimesCsvTest, APairGivenTwiceNamesTheFirstLine) {
  EXPECT_THAT(problems("grid,facility,minutes\ng1,f1,5\ng2,f1,6\ng1,f1,5\ng1,f1,7\n"),
              ElementsAre(at(4, 1) + "grid 'g1' to facility 'f1' is already given on line 2 "
                                     "(expected each pair once)",
                          at(5, 1) + "grid 'g1' to facility 'f1' is already given on line 2 "
                                     "(expected each pair once)"));
  // Named at the grid's cell wherever its column is.
  EXPECT_THAT(problems("facility,grid,minutes\nf1,g1,5\nf1,g1,5\n"),
              ElementsAre(at(3, 4) + "grid 'g1' to facility 'f1' is already given on line 2 "
                                     "(expected each pair once)"));
}

TEST_F(TravelTimesCsvTest, AMissingOrWrongHeaderSaysWhatIsExpected) {
  EXPECT_THAT(problems("grid,facility,time\ng1,f1,5\n"),
              ElementsAre(at(1, 1) + "missing column 'minutes' (expected a header with grid, "
                                     "facility, minutes)"));
  // A table without a header: its first row is taken for one.
  const std::vector<std::string> headless = problems("g1,f1,5\ng2,f1,6\n");
  ASSERT_EQ(headless.size(), 3U);
  EXPECT_EQ(headless[0], at(1, 1) +
                             "missing column 'grid' (expected a header with grid, "
                             "facility, minutes)");
  EXPECT_THAT(problems("grid,facility,minutes,grid\n"),
              ElementsAre(at(1, 23) + "column 'grid' appears twice in the header"));
  EXPECT_THAT(problems(""),
              ElementsAre((dir_ / "travel.csv").string() +
                          ": city.travel_times.file: the file is empty (expected a header row: "
                          "grid, facility, minutes)"));
}

TEST_F(TravelTimesCsvTest, RowsOfTheWrongWidthAndBadQuotingAreReported) {
  EXPECT_THAT(problems("grid,facility,minutes\ng1,f1\n"),
              ElementsAre(at(2, 6) + "expected 3 fields as in the header, got 2"));
  EXPECT_THAT(problems("grid,facility,minutes\ng1,f1,5,9\n"),
              ElementsAre(at(2, 9) + "expected 3 fields as in the header, got 4"));
  EXPECT_THAT(problems("grid,facility,minutes\ng1,\"f1,5\n"),
              ElementsAre(at(2, 4) + "unterminated quoted field (expected a closing '\"')"));
}

TEST_F(TravelTimesCsvTest, AMissingFileSaysWhatWasExpected) {
  Diagnostics diagnostics;
  const std::string path = (dir_ / "nope.csv").string();
  EXPECT_FALSE(read_path(path, diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 1U);
  EXPECT_EQ(format_diagnostic(diagnostics.items()[0]),
            path +
                ": city.travel_times.file: cannot open the file (expected the travel_times "
                "table, a CSV file with columns grid, facility, minutes)");
}

// A town of two communities on a line: a (two grids, at 0 and 1000 m) and b (one grid, at
// 3000 m), each with a community centre at its centre. With the detour factor 1.3, grid a2 is
// 1300 m (21.7 min) from centre_a and 2600 m from centre_b; the table makes centre_b 10 min.
constexpr const char* kTown = R"(
run: {name: travel, horizon: 2d, seed: 7, replications: 1, trace: {level: requests}}
targets: {travel: 15min}
city:
  detour_factor: 1.3
  districts:
    - id: d
      streets:
        - id: s
          communities:
            - id: a
              population: 2000
              location: {x: 0m, y: 0m}
              grids:
                - {id: a1, location: {x: 0m, y: 0m}}
                - {id: a2, location: {x: 1000m, y: 0m}}
            - id: b
              population: 1000
              location: {x: 3000m, y: 0m}
facilities:
  community_centres:
    - {id: centre_a, community: a, rooms: [{type: health, staff: 20}]}
    - {id: centre_b, community: b, rooms: [{type: health, staff: 20}]}
services:
  - id: consultation
    channel: centre_room
    room: health
    demand:
      - rate: 20000/year per 1000
    duration: {dist: exponential, mean: 5min}
)";

class TravelTimesScenarioTest : public ScratchDirTest {
 protected:
  std::optional<Scenario> load(const std::string& text, Diagnostics& diagnostics) {
    return load_scenario(write("scenario.yaml", text), {}, diagnostics);
  }
  std::string town(const std::string& extra_city_keys, const std::string& rest = "") {
    std::string text = kTown;
    const std::string anchor = "  detour_factor: 1.3\n";
    text.replace(text.find(anchor), anchor.size(), anchor + extra_city_keys);
    return text + rest;
  }
  static std::uint32_t facility_index(const Scenario& s, const std::string& id) {
    for (std::size_t f = 0; f < s.facilities.size(); ++f) {
      if (s.facilities[f].id == id) return static_cast<std::uint32_t>(f);
    }
    ADD_FAILURE() << "no facility " << id;
    return 0;
  }
};

TEST_F(TravelTimesScenarioTest, TheLoaderReadsTheTableNextToTheScenario) {
  std::filesystem::create_directories(dir_ / "tables");
  write("tables/travel.csv", "grid,facility,minutes\na2,centre_b,10\nb,centre_a,40\n");
  Diagnostics diagnostics;
  const auto s = load(town("  travel_times: {file: tables/travel.csv}\n"), diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->travel_times.size(), 2U);
  EXPECT_EQ(s->city->grids[s->travel_times[0].grid].id, "a2");
  EXPECT_EQ(s->facilities[s->travel_times[0].facility].id, "centre_b");
  EXPECT_EQ(s->travel_times[0].minutes, 10.0);
  EXPECT_EQ(s->city->grids[s->travel_times[1].grid].id, "b");

  Diagnostics without;
  const auto plain = load(town(""), without);
  ASSERT_TRUE(plain) << without.to_string();
  EXPECT_THAT(plain->travel_times, IsEmpty());
}

TEST_F(TravelTimesScenarioTest, TheLoaderReportsTheTablesProblemsAtTheirPlace) {
  write("travel.csv", "grid,facility,minutes\na2,centre_b,10\na9,centre_b,-2\na2,centre_b,11\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load(town("  travel_times: {file: travel.csv}\n"), diagnostics));
  const std::string text = diagnostics.to_string();
  const std::string file = (dir_ / "travel.csv").string();
  EXPECT_THAT(text, HasSubstr(file + ":3:1: city.travel_times.file: grid: unknown grid 'a9'"));
  EXPECT_THAT(text, HasSubstr(file + ":3:13: city.travel_times.file: minutes: expected a number "
                                     ">= 0, got '-2'"));
  EXPECT_THAT(text, HasSubstr(file + ":4:1: city.travel_times.file: grid 'a2' to facility "
                                     "'centre_b' is already given on line 2"));

  Diagnostics missing;
  EXPECT_FALSE(load(town("  travel_times: {file: elsewhere.csv}\n"), missing));
  EXPECT_THAT(missing.to_string(),
              HasSubstr((dir_ / "elsewhere.csv").string() +
                        ": city.travel_times.file: cannot open the file (expected the "
                        "travel_times table, a CSV file with columns grid, facility, minutes)"));

  Diagnostics no_file;
  EXPECT_FALSE(load(town("  travel_times: {path: travel.csv}\n"), no_file));
  EXPECT_THAT(no_file.to_string(), HasSubstr("city.travel_times: missing required key 'file'"));
}

TEST_F(TravelTimesScenarioTest, ARequestTravelsTheTablesMinutes) {
  write("travel.csv", "grid,facility,minutes\na2,centre_b,10\n");
  Diagnostics diagnostics;
  const auto s = load(town("  travel_times: {file: travel.csv}\n"), diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  MemorySink sink(sim::trace::TraceLevel::kRequests);
  const services::CityMeasures m = services::run_city_replication(*s, 0, {&sink});
  const std::uint32_t a = facility_index(*s, "centre_a");
  const std::uint32_t b = facility_index(*s, "centre_b");
  // a1 walks 0 min to centre_a; a2 now goes to centre_b, 10 min by the table (an adult: no
  // groups); b walks 0 min to centre_b. Nobody walks the 21.7 min from a2 to centre_a.
  std::set<double> to_a;
  std::set<double> to_b;
  for (const sim::trace::RequestRecord& row : sink.requests) {
    ASSERT_TRUE(row.facility == a || row.facility == b);
    (row.facility == a ? to_a : to_b).insert(row.travel);
  }
  EXPECT_THAT(to_a, ElementsAre(0.0));
  EXPECT_THAT(to_b, ElementsAre(0.0, 10.0));
  // Every resident is within 15 min of a centre now (a2 was not: 21.7 min); 2SFCA agrees.
  ASSERT_EQ(m.access.coverage.size(), 1U);
  EXPECT_DOUBLE_EQ(m.access.coverage[0], 1.0);
  EXPECT_DOUBLE_EQ(m.access.no_access[0], 0.0);

  Diagnostics plain_diagnostics;
  const auto plain = load(town(""), plain_diagnostics);
  ASSERT_TRUE(plain) << plain_diagnostics.to_string();
  const services::CityMeasures straight = services::run_city_replication(*plain, 0);
  EXPECT_NEAR(straight.access.coverage[0], 2.0 / 3.0, 0.02);  // a2 holds about a third
  EXPECT_NEAR(straight.access.no_access[0], 1.0 / 3.0, 0.02);
}

TEST_F(TravelTimesScenarioTest, ASlowerGroupScalesTheTablesMinutes) {
  // The elderly walk at 0.8 m/s: 10 min of an adult take them 12.5 min, beyond a 12 min target.
  write("travel.csv", "grid,facility,minutes\na2,centre_b,10\n");
  Diagnostics diagnostics;
  std::string text = town("  travel_times: {file: travel.csv}\n",
                          "population:\n  groups:\n    - {id: elderly_60_plus, share: 0.5}\n");
  text.replace(text.find("travel: 15min"), 13, "travel: 12min");
  const auto s = load(text, diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->groups.size(), 2U);
  MemorySink sink(sim::trace::TraceLevel::kRequests);
  const services::CityMeasures m = services::run_city_replication(*s, 0, {&sink});
  std::set<double> travels;
  for (const sim::trace::RequestRecord& row : sink.requests) travels.insert(row.travel);
  EXPECT_THAT(travels, ElementsAre(0.0, 10.0, 12.5));
  // Coverage of the elderly misses those of a2 (12.5 > 12 min); everyone else is covered.
  ASSERT_EQ(m.access.coverage.size(), 2U);
  EXPECT_LT(m.access.coverage[1], 0.8);
  EXPECT_GT(m.access.coverage[1], 0.55);
  EXPECT_GT(m.access.coverage[0], m.access.coverage[1]);
}

TEST_F(TravelTimesScenarioTest, ATableOfTheEstimatesLeavesCoverageAnd2sfcaAsTheyWere) {
  // The table's path through coverage and 2SFCA (matrices by walking speed) against the
  // geometric path: listing pairs at their straight-line estimates changes nothing. With a
  // 25 min target an adult of a2 reaches centre_a (21.7 min), the elderly (27.1 min) do not.
  write("travel.csv",
        "grid,facility,minutes\na2,centre_a,21.666666666666668\nb,centre_a,65\na1,centre_b,65\n");
  const std::string groups = "population:\n  groups:\n    - {id: elderly_60_plus, share: 0.3}\n";
  std::string with_table = town("  travel_times: {file: travel.csv}\n", groups);
  std::string without = town("", groups);
  for (std::string* text : {&with_table, &without}) {
    text->replace(text->find("travel: 15min"), 13, "travel: 25min");
  }
  Diagnostics diagnostics;
  const auto s = load(with_table, diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->travel_times.size(), 3U);
  const auto plain = load(without, diagnostics);
  ASSERT_TRUE(plain) << diagnostics.to_string();
  const services::AccessMeasures table = services::run_city_replication(*s, 0).access;
  const services::AccessMeasures geometry = services::run_city_replication(*plain, 0).access;
  ASSERT_EQ(table.coverage.size(), 2U);
  EXPECT_LT(geometry.coverage[1], geometry.coverage[0]);  // the speeds do differ here
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_NEAR(table.coverage[k], geometry.coverage[k], 1e-12) << k;
    EXPECT_NEAR(table.no_access[k], geometry.no_access[k], 1e-12) << k;
    EXPECT_NEAR(table.accessibility[k], geometry.accessibility[k], 1e-9 * geometry.accessibility[k])
        << k;
  }
}

}  // namespace
}  // namespace circlesim::scenario
