// Tests for the checks that need the whole scenario (models/scenario/semantic_checks.cpp): valid
// scenarios, small and full, pass untouched; each check finds its problem at the right place;
// problems the schema already reports are not reported twice; malformed documents never make
// the checks throw.
#include "models/scenario/semantic_checks.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/composition.hpp"
#include "models/scenario/schema_check.hpp"

namespace circlesim::scenario {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::filesystem::path& scenarios_dir() {
  static const std::filesystem::path dir =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
      "scenarios";
  return dir;
}

YamlDocument parse(std::string_view text) {
  Diagnostics diagnostics;
  std::optional<YamlDocument> document = load_yaml_text(text, "test.yaml", diagnostics);
  EXPECT_TRUE(document.has_value()) << diagnostics.to_string();
  return document ? std::move(*document) : YamlDocument{};
}

Diagnostics semantic(std::string_view text) {
  Diagnostics diagnostics;
  check_semantics(parse(text), diagnostics);
  return diagnostics;
}

// Whether some diagnostic is at `line` with `key_path` and says `message` (a substring).
bool reports(const Diagnostics& diagnostics, int line, const std::string& key_path,
             const std::string& message) {
  const auto& items = diagnostics.items();
  return std::any_of(items.begin(), items.end(), [&](const Diagnostic& d) {
    return d.where.line == line && d.key_path == key_path &&
           d.message.find(message) != std::string::npos;
  });
}

#define EXPECT_REPORTS(diagnostics, line, key_path, message)                           \
  EXPECT_TRUE(reports(diagnostics, line, key_path, message))                           \
      << "expected " << (line) << " " << (key_path) << ": " << (message) << "\ngot:\n" \
      << (diagnostics).to_string()

// A scenario that uses every part of the language the checks look at, correctly.
constexpr std::string_view kFullScenario = R"(run:
  name: full
  horizon: 30d
  warmup: 1d
  start: {date: 2026-01-07, weekday: wednesday}
calendar:
  holidays: [2026-01-01, 2026-02-17]
  workdays: [2026-02-14]
  day_types:
    school_holiday: {dates: [2026-07-13, 2026-07-14], like: weekday}
city:
  detour_factor: 1.3
  districts:
    - id: d_east
      population: 15000
      streets:
        - id: s_river
          communities:
            - id: c_river
              population: 8000
              location: {x: 1km, y: 2km}
              grids:
                - id: g_river_1
                  population: 4000
                - id: g_river_2
            - id: c_hill
              population: 7000
              location: {x: 2km, y: 2km}
    - id: d_west
      streets:
        - id: s_lake
          communities:
            - id: c_lake
              population: 5000
              location: {x: 5km, y: 1km}
population:
  groups:
    - id: elderly_60_plus
      share: 0.2
      shares_by:
        community: {c_river: 0.25}
    - id: elderly_80_plus
      share: 0.04
      subset_of: elderly_60_plus
      shares_by:
        community: {c_river: 0.05}
      overlaps: {elderly_60_plus: 0.04}
    - id: disabled
      share: 0.06
      overlaps: {elderly_60_plus: 0.03}
    - id: riders
      share: 0.02
profiles:
  - id: office_hours
    daily:
      - {from: "08:00", to: "12:00", factor: 1.5}
      - {from: "14:00", to: "18:00", factor: 1.5}
    day_types: {saturday: 0.5, sunday: 0.2, holiday: 0.2, school_holiday: 0.8}
    shocks:
      - {from: 2026-03-01, to: 2026-03-10, factor: 1.5, services: [consultation]}
  - id: flat
    daily: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
facilities:
  community_centres:
    - id: cc_river
      community: c_river
      opening_hours:
        weekday: ["08:30-12:00", "14:30-17:30"]
        saturday: ["09:00-12:00"]
        school_holiday: []
      rooms:
        - type: health
          staff: 2
        - type: convenience_services
          staffing:
            - {days: [weekday], from: "08:30", to: "12:00", staff: 3}
            - {days: [weekday], from: "12:00", to: "17:30", staff: 2}
            - {days: [saturday], from: "09:00", to: "12:00", staff: 1}
  neighbourhood_centres:
    - id: nc_hill
      community: c_hill
      rooms:
        - type: elderly_care
          staff: 2
  red_stations:
    - id: rs_river
      street: s_river
      seats: 8
  street_offices:
    - id: so_river
      street: s_river
      rooms:
        - type: legal_aid
          staff: 1
        - type: health
          staff: 1
  district_departments:
    - id: dd_east
      district: d_east
      rooms:
        - type: legal_aid
services:
  - id: consultation
    channel: centre_room
    room: health
    eligible: [general]
    demand:
      - rate: 4/h
        profile: office_hours
      - group: elderly_60_plus
        rate: 40/year per 1000 residents
        profile: {daily: [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 1, 1, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0], day_types: {sunday: 0.5}}
    duration: {dist: lognormal, mean: 15min, cv: 0.6}
    priority: {elderly_80_plus: 0, general: 1}
    escalation: {probability: 0.05, to: street_office, room: legal_aid}
  - id: day_care
    channel: neighbourhood_centre
    room: elderly_care
    eligible: [elderly_60_plus, disabled]
    demand:
      - group: elderly_60_plus
        rate: 2/day
    duration: {dist: deterministic, value: 2h}
  - id: rest
    channel: red_station
    eligible: [riders]
    demand:
      - group: riders
        rate: 6/h
    duration: {dist: uniform, min: 5min, max: 20min}
  - id: home_care
    channel: home_visit
    demand:
      - group: elderly_80_plus
        rate: 1/day
    duration: {dist: gamma, mean: 45min, cv: 0.5}
    travel: {mode: bike}
  - id: certificates
    channel: street_office
    room: legal_aid
    demand:
      - rate: 1/h
    duration: {dist: exponential, mean: 20min}
    escalation: {probability: 0.1, to: district_department}
grid_members:
  - grid: g_river_1
    kind: community_worker
    count: 2
    skills: [home_care]
    availability:
      - {days: [weekday], from: "08:30", to: "12:00"}
      - {days: [weekday], from: "14:00", to: "17:30"}
  - community: c_hill
    kind: party_member_volunteer
    availability:
      - {days: [saturday, sunday], from: "09:00", to: "11:00"}
policies:
  facility_choice: {name: nearest, parameters: {max_distance: 1km}}
variants:
  busier:
    services:
      - id: consultation
        demand:
          - rate: 8/h
sweep:
  facilities.community_centres.cc_river.rooms.health.staff: [2, 3]
  run.seed: [1, 2]
  policies.facility_choice.parameters.max_distance: [500m, 1km]
  services.0.priority.riders: [0, 1]
)";

// A small valid scenario to add one mistake to.
constexpr std::string_view kSmallScenario = R"(run: {name: small, horizon: 30d}
facilities:
  community_centres:
    - id: centre
      rooms:
        - {type: health, staff: 2}
services:
  - id: consultation
    channel: centre_room
    room: health
    demand:
      - rate: 4/h
    duration: {dist: exponential, mean: 12min}
)";

TEST(SemanticChecks, FullScenarioPassesTheSchemaAndTheseChecks) {
  const YamlDocument document = parse(kFullScenario);
  Diagnostics schema;
  check_against_schema(document, schema);
  EXPECT_TRUE(schema.empty()) << schema.to_string();
  Diagnostics diagnostics;
  check_semantics(document, diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.to_string();
}

TEST(SemanticChecks, ShippedScenariosHaveNoSemanticProblems) {
  std::size_t checked = 0;
  for (const char* folder : {"validation", "examples"}) {
    for (const auto& entry : std::filesystem::directory_iterator(scenarios_dir() / folder)) {
      if (entry.path().extension() != ".yaml") continue;
      Diagnostics diagnostics;
      // As written (sweep and variants included), then each run composition makes of it.
      const std::optional<YamlDocument> composed =
          load_composed(entry.path().string(), diagnostics);
      ASSERT_TRUE(composed.has_value()) << diagnostics.to_string();
      check_semantics(*composed, diagnostics);
      for (const ComposedRun& run : expand_runs(*composed, "", true, diagnostics)) {
        check_semantics(run.document, diagnostics);
      }
      EXPECT_TRUE(diagnostics.empty()) << entry.path() << "\n" << diagnostics.to_string();
      ++checked;
    }
  }
  EXPECT_GE(checked, 17U) << "the shipped scenarios were not found";
}

TEST(SemanticChecks, AMalformedDocumentNeverMakesTheChecksThrow) {
  // Replace every value of the full scenario, one at a time, by values of every other type: the
  // checks must skip what the schema check reports, not trip over it.
  const YamlDocument full = parse(kFullScenario);
  const json flat = full.value.flatten();
  std::vector<std::string> pointers;
  for (const auto& [pointer, unused] : flat.items()) {
    // Every ancestor too, so that whole lists and mappings get replaced as well.
    for (std::size_t slash = pointer.size(); slash != std::string::npos && slash > 0;
         slash = pointer.rfind('/', slash - 1)) {
      pointers.push_back(pointer.substr(0, slash));
    }
  }
  std::sort(pointers.begin(), pointers.end());
  pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
  ASSERT_GT(pointers.size(), 300U);
  const std::vector<json> replacements = {
      nullptr, 7, -1.5, "x", "08:00-07:00", json::array(), {1}, json::object(), {{"a", 1}}};
  for (const std::string& pointer : pointers) {
    for (const json& replacement : replacements) {
      YamlDocument document = full;
      document.value[json::json_pointer(pointer)] = replacement;
      Diagnostics diagnostics;
      EXPECT_NO_THROW(check_semantics(document, diagnostics)) << pointer;
      EXPECT_THAT(diagnostics.to_string(), testing::Not(HasSubstr("internal error")))
          << pointer << " = " << replacement.dump();
    }
  }
  for (const json& root : {json(nullptr), json::array(), json("text"), json(3)}) {
    YamlDocument document;
    document.value = root;
    Diagnostics diagnostics;
    EXPECT_NO_THROW(check_semantics(document, diagnostics));
    EXPECT_TRUE(diagnostics.empty()) << diagnostics.to_string();
  }
}

TEST(SemanticChecks, AShareAboveOneIsLeftToTheSchema) {
  const YamlDocument document = parse(
      "run: {name: x, horizon: 1d}\n"
      "population:\n"
      "  groups:\n"
      "    - {id: elderly_60_plus, share: 1.5}\n"
      "    - {id: elderly_80_plus, share: 0.9, subset_of: elderly_60_plus,\n"
      "       shares_by: {district: {d_1: 2}}}\n");
  Diagnostics schema;
  check_against_schema(document, schema);
  EXPECT_REPORTS(schema, 4, "population.groups.0.share", "got 1.5 (expected number, >= 0, <= 1");
  Diagnostics diagnostics;
  check_semantics(document, diagnostics);
  // Not "0.9 is larger than 1.5" nor anything else about the shares: only the missing city.
  for (const Diagnostic& d : diagnostics.items()) {
    EXPECT_THAT(d.message, testing::Not(HasSubstr("share "))) << diagnostics.to_string();
  }
}

TEST(SemanticChecks, ValuesTheSchemaPatternRefusesAreLeftToTheSchema) {
  // 25:00 and 2026-13-01 fail the schema's patterns; the schema check reports them.
  const Diagnostics diagnostics = semantic(
      "run: {name: x, horizon: 1d, start: {date: 2026-13-01, weekday: friday}}\n"
      "facilities:\n"
      "  community_centres:\n"
      "    - id: c\n"
      "      opening_hours: {weekday: [\"08:00-25:00\", \"7:00-8:00\"]}\n");
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.to_string();
}

TEST(SemanticChecks, DuplicateIdsInEveryList) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
city:
  districts:
    - id: d_1
      streets:
        - id: s_1
          communities:
            - id: c_1
              population: 10
              location: {x: 0m, y: 0m}
              grids: [{id: g_1}]
            - id: c_2
              population: 10
              location: {x: 0m, y: 0m}
              grids: [{id: g_1}]
    - id: d_1
      streets:
        - id: s_1
          communities:
            - id: c_1
              population: 10
              location: {x: 0m, y: 0m}
population:
  groups:
    - {id: riders, share: 0.1}
    - {id: riders, share: 0.2}
profiles:
  - {id: p, daily: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}
  - {id: p}
)");
  EXPECT_REPORTS(diagnostics, 15, "city.districts.0.streets.0.communities.1.grids.0.id",
                 "duplicate id 'g_1' among grids (first at line 11");
  EXPECT_REPORTS(diagnostics, 16, "city.districts.1.id",
                 "duplicate id 'd_1' among districts (first at line 4");
  EXPECT_REPORTS(diagnostics, 18, "city.districts.1.streets.0.id",
                 "duplicate id 's_1' among streets (first at line 6; expected each id once in "
                 "the city)");
  EXPECT_REPORTS(diagnostics, 20, "city.districts.1.streets.0.communities.0.id",
                 "duplicate id 'c_1' among communities (first at line 8");
  EXPECT_REPORTS(diagnostics, 26, "population.groups.1.id",
                 "duplicate id 'riders' among population groups (first at line 25");
  EXPECT_REPORTS(diagnostics, 29, "profiles.1.id",
                 "duplicate id 'p' among profiles (first at "
                 "line 28");
  EXPECT_EQ(diagnostics.size(), 6U) << diagnostics.to_string();
}

TEST(SemanticChecks, RoomsByChannel) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
facilities:
  community_centres:
    - id: centre
      rooms: [{type: health}]
  red_stations:
    - id: station
services:
  - {id: a, channel: red_station, room: chargers}
  - {id: b, channel: red_station, room: charger}
  - {id: c, channel: home_visit, room: health}
  - {id: d, channel: neighbourhood_centre, room: elderly_care}
  - {id: e, channel: street_office}
  - {id: f, channel: centre_room, room: canteen}
)");
  EXPECT_REPORTS(diagnostics, 10, "services.1.room",
                 "no red station has a room 'charger'; did you mean 'chargers'? (expected a room "
                 "type of the red stations: seats, chargers)");
  EXPECT_REPORTS(diagnostics, 11, "services.2.room", "a home_visit service is served at home");
  EXPECT_REPORTS(diagnostics, 12, "services.3.room",
                 "channel neighbourhood_centre is served in neighbourhood centres, but the "
                 "scenario has none (expected facilities.neighbourhood_centres with a room "
                 "'elderly_care')");
  EXPECT_REPORTS(diagnostics, 13, "services.4",
                 "channel street_office is served in street "
                 "offices, but the scenario has none");
  EXPECT_REPORTS(diagnostics, 14, "services.5.room",
                 "no community centre has a room 'canteen' (expected a room type of the "
                 "community centres: health)");
  EXPECT_EQ(diagnostics.size(), 5U) << diagnostics.to_string();
}

TEST(SemanticChecks, EscalationNeedsItsTarget) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
facilities:
  community_centres:
    - id: centre
      rooms: [{type: health}]
services:
  - id: a
    channel: centre_room
    room: health
    escalation: {probability: 0.2, to: district_department}
  - id: b
    channel: centre_room
    room: health
    escalation: {probability: 0, to: district_department, room: legal_aid}
)");
  EXPECT_REPORTS(diagnostics, 10, "services.0.escalation.to",
                 "requests are escalated to a district department, but the scenario has none");
  EXPECT_EQ(diagnostics.size(), 1U) << diagnostics.to_string();
}

TEST(SemanticChecks, GroupsNamedWithoutAPopulation) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
facilities:
  community_centres:
    - id: centre
      rooms: [{type: health}]
services:
  - id: a
    channel: centre_room
    room: health
    eligible: [general, elderly_60_plus]
    priority: {general: 1, veterans: 0}
    demand:
      - {group: children, rate: 1/h}
)");
  EXPECT_REPORTS(diagnostics, 10, "services.0.eligible.1",
                 "unknown group 'elderly_60_plus' (expected general: other groups must be "
                 "defined with their share in population.groups, and this scenario defines none)");
  EXPECT_REPORTS(diagnostics, 11, "services.0.priority.veterans", "unknown group 'veterans'");
  EXPECT_REPORTS(diagnostics, 13, "services.0.demand.0.group", "unknown group 'children'");
  EXPECT_EQ(diagnostics.size(), 3U) << diagnostics.to_string();
}

TEST(SemanticChecks, SubsetsAndOverlaps) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
population:
  groups:
    - {id: a, share: 0.7, subset_of: a}
    - {id: b, share: 0.6, overlaps: {a: 0.2, b: 0.6}}
    - {id: c, share: 0.1, subset_of: d}
    - {id: e, share: 0.1, subset_of: b, overlaps: {b: 0.05}}
    - {id: f, share: 0.3, overlaps: {b: 0.1}}
    - {id: g, share: 0.3, overlaps: {f: 0.1}}
    - {id: h, share: 0.4, overlaps: {g: 0.2}}
    - {id: i, share: 0.5, overlaps: {j: 0.2}}
    - {id: j, share: 0.5, overlaps: {i: 0.25}}
)");
  EXPECT_REPORTS(diagnostics, 4, "population.groups.0.subset_of",
                 "group 'a' cannot be a subset of itself");
  EXPECT_REPORTS(diagnostics, 5, "population.groups.1.overlaps.a",
                 "joint share 0.2 of 'b' and 'a' is smaller than 0.6 + 0.7 - 1 = 0.3 (expected "
                 "at least 0.3");
  EXPECT_REPORTS(diagnostics, 5, "population.groups.1.overlaps.b",
                 "a group's joint share with itself is its own share");
  EXPECT_REPORTS(diagnostics, 6, "population.groups.2.subset_of", "unknown group 'd'");
  EXPECT_REPORTS(diagnostics, 7, "population.groups.3.overlaps.b",
                 "one lies within the other, so their joint share is the smaller group's share "
                 "(expected 0.1");
  EXPECT_REPORTS(diagnostics, 12, "population.groups.8.overlaps.i",
                 "joint share 0.25 of 'j' and 'i' differs from the 0.2 given at line 11");
  EXPECT_EQ(diagnostics.size(), 6U) << diagnostics.to_string();
}

TEST(SemanticChecks, SharesByAreaFollowTheCityAndTheSuperset) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
city:
  districts:
    - id: d_1
      streets:
        - id: s_1
          communities:
            - {id: c_1, population: 10, location: {x: 0m, y: 0m}}
population:
  groups:
    - id: a
      share: 0.2
      shares_by: {community: {c_1: 0.3}, district: {d_2: 0.1}}
    - id: b
      share: 0.1
      subset_of: a
      shares_by: {community: {c_1: 0.4}}
)");
  EXPECT_REPORTS(diagnostics, 13, "population.groups.0.shares_by.district.d_2",
                 "unknown district 'd_2'; did you mean 'd_1'?");
  EXPECT_REPORTS(diagnostics, 17, "population.groups.1.shares_by.community.c_1",
                 "share 0.4 in community 'c_1' is larger than the share 0.3 there of 'a'");
  EXPECT_EQ(diagnostics.size(), 2U) << diagnostics.to_string();
}

TEST(SemanticChecks, PlacesNeedACity) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
facilities:
  street_offices:
    - {id: office, street: s_1}
grid_members:
  - {community: c_1, kind: community_worker}
population:
  groups:
    - {id: a, share: 0.2, shares_by: {grid: {g_1: 0.3}}}
)");
  EXPECT_REPORTS(diagnostics, 4, "facilities.street_offices.0.street",
                 "street 's_1' cannot be found: the scenario has no city");
  EXPECT_REPORTS(diagnostics, 6, "grid_members.0.community",
                 "community 'c_1' cannot be found: the scenario has no city");
  EXPECT_REPORTS(diagnostics, 9, "population.groups.0.shares_by.grid.g_1",
                 "grid 'g_1' cannot be found: the scenario has no city");
  EXPECT_EQ(diagnostics.size(), 3U) << diagnostics.to_string();
}

TEST(SemanticChecks, DayTypesAndTheCalendar) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
calendar:
  holidays: [2026-02-29]
  workdays: [2026-01-10]
  day_types:
    saturday: {dates: [2026-03-07]}
    exam_day: {dates: [2026-06-07]}
    fair_day: {dates: [2026-06-07]}
facilities:
  community_centres:
    - id: centre
      opening_hours: {exam_day: ["08:00-12:00"], fair_day: ["09:00-10:00"]}
      rooms:
        - type: health
          staffing:
            - {days: [exam_day, holidays], from: "08:00", to: "12:00", staff: 1}
)");
  EXPECT_REPORTS(diagnostics, 3, "calendar.holidays.0",
                 "2026-02-29 is not a date: February 2026 has 28 days");
  EXPECT_REPORTS(diagnostics, 6, "calendar.day_types.saturday",
                 "'saturday' is a built-in day type (expected a new name");
  EXPECT_REPORTS(diagnostics, 8, "calendar.day_types.fair_day.dates.0",
                 "2026-06-07 is already of day type 'exam_day' (first at line 7");
  EXPECT_REPORTS(diagnostics, 16, "facilities.community_centres.0.rooms.0.staffing.0.days.1",
                 "unknown day type 'holidays'; did you mean 'holiday'? (expected one of: "
                 "weekday, saturday, sunday, holiday, exam_day, fair_day)");
  // 2026-01-10 is a Saturday: a proper workday, not reported.
  EXPECT_EQ(diagnostics.size(), 4U) << diagnostics.to_string();
}

TEST(SemanticChecks, WeekdayAgainstTheDefaultDate) {
  const Diagnostics diagnostics =
      semantic("run:\n  name: x\n  horizon: 1d\n  start: {weekday: sunday}\n");
  EXPECT_REPORTS(diagnostics, 4, "run.start.weekday",
                 "2026-01-05 (the default date) is a Monday, not a Sunday (expected weekday: "
                 "monday");
  EXPECT_TRUE(semantic("run: {name: x, horizon: 1d, start: {date: 2028-02-29, weekday: tuesday}}\n")
                  .empty());
}

TEST(SemanticChecks, OpeningHoursInOrderAndNotEmpty) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
facilities:
  community_centres:
    - id: centre
      opening_hours:
        weekday:
          - "14:00-17:00"
          - "08:00-12:00"
          - "18:00-18:00"
          - "18:00-24:00"
        sunday: ["00:00-08:00", "08:00-24:00"]
)");
  EXPECT_REPORTS(diagnostics, 8, "facilities.community_centres.0.opening_hours.weekday.1",
                 "the interval 08:00-12:00 comes before 14:00-17:00 (at line 7) but is listed "
                 "after it (expected the intervals of a day in time order)");
  EXPECT_REPORTS(diagnostics, 9, "facilities.community_centres.0.opening_hours.weekday.2",
                 "the interval 18:00-18:00 is empty");
  EXPECT_EQ(diagnostics.size(), 2U) << diagnostics.to_string();
}

TEST(SemanticChecks, OpeningHoursOfAGenerateRuleAreCheckedInTheRule) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 2}
facilities:
  generate:
    - kind: community_centre
      opening_hours:
        weekday: ["14:00-17:00", "08:00-12:00", "16:00-18:00"]
        saturday: ["12:00-09:00"]
        funday: ["09:00-10:00"]
      rooms: [{type: health, staff: 1}]
    - kind: street_office
      opening_hours: {weekday: ["08:30-12:00", "14:30-17:30"], sunday: []}
      rooms: [{type: governance, staff: 1}]
)");
  EXPECT_REPORTS(diagnostics, 8, "facilities.generate.0.opening_hours.weekday.1",
                 "the interval 08:00-12:00 comes before 14:00-17:00 (at line 8) but is listed "
                 "after it");
  EXPECT_REPORTS(diagnostics, 8, "facilities.generate.0.opening_hours.weekday.2",
                 "the interval 16:00-18:00 overlaps 14:00-17:00 (at line 8)");
  EXPECT_REPORTS(diagnostics, 9, "facilities.generate.0.opening_hours.saturday.0",
                 "the interval 12:00-09:00 ends before it starts");
  EXPECT_REPORTS(diagnostics, 10, "facilities.generate.0.opening_hours.funday",
                 "unknown day type 'funday'; did you mean 'sunday'?");
  EXPECT_EQ(diagnostics.size(), 4U) << diagnostics.to_string();
}

TEST(SemanticChecks, ShiftsOverlapOnlyOnACommonDayType) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
facilities:
  community_centres:
    - id: centre
      rooms:
        - type: health
          staffing:
            - {days: [weekday], from: "08:00", to: "12:00", staff: 1}
            - {days: [saturday], from: "09:00", to: "11:00", staff: 1}
            - {from: "11:30", to: "13:00", staff: 2}
            - {days: [sunday], from: "12:00", to: "12:00", staff: 1}
)");
  EXPECT_REPORTS(diagnostics, 10, "facilities.community_centres.0.rooms.0.staffing.2",
                 "overlapping shifts: 11:30-13:00 overlaps 08:00-12:00 (at line 8) on weekday");
  EXPECT_REPORTS(diagnostics, 11, "facilities.community_centres.0.rooms.0.staffing.3.to",
                 "the shift starts and ends at 12:00 (expected to after from)");
  EXPECT_EQ(diagnostics.size(), 2U) << diagnostics.to_string();
}

TEST(SemanticChecks, ProfileWindowsAndShockServices) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
services:
  - {id: counselling, channel: home_visit}
profiles:
  - id: p
    daily:
      - {from: "08:00", to: "12:00", factor: 1}
      - {from: "10:00", to: "14:00", factor: 1}
    day_types: {weekend: 0.5}
    shocks:
      - {from: 2026-03-01, to: 2026-03-01, factor: 2, services: [counseling]}
  - id: q
    daily:
      - {from: "08:00", to: "12:00", factor: 0}
)");
  EXPECT_REPORTS(diagnostics, 8, "profiles.0.daily.1",
                 "overlapping windows: 10:00-14:00 overlaps 08:00-12:00 (at line 7)");
  EXPECT_REPORTS(diagnostics, 9, "profiles.0.day_types.weekend", "unknown day type 'weekend'");
  EXPECT_REPORTS(diagnostics, 11, "profiles.0.shocks.0.services.0",
                 "unknown service 'counseling'; did you mean 'counselling'?");
  EXPECT_REPORTS(diagnostics, 14, "profiles.1.daily", "every window's factor is 0");
  EXPECT_EQ(diagnostics.size(), 4U) << diagnostics.to_string();
}

TEST(SemanticChecks, GridMemberAvailabilityAndTeamSize) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d, warmup: 4000d}
grid_members:
  - community: c_1
    kind: community_worker
    count: 50000
    availability:
      - {from: "18:00", to: "09:00"}
      - {days: [weekday], from: "08:00", to: "10:00"}
      - {days: [weekday, sunday], from: "09:00", to: "11:00"}
)");
  EXPECT_REPORTS(diagnostics, 1, "run.warmup", "a warm-up of 4000d is longer than 10 years");
  EXPECT_REPORTS(diagnostics, 5, "grid_members.0.count",
                 "50000 members in one team is implausibly many (expected at most 10000");
  EXPECT_REPORTS(diagnostics, 7, "grid_members.0.availability.0.to",
                 "the window ends at 09:00, before it starts at 18:00");
  EXPECT_REPORTS(diagnostics, 9, "grid_members.0.availability.2",
                 "overlapping availability windows: 09:00-11:00 overlaps 08:00-10:00 (at line 8) "
                 "on weekday (expected windows that do not overlap; to have more members at once, "
                 "raise count)");
  EXPECT_REPORTS(diagnostics, 3, "grid_members.0.community", "the scenario has no city");
  EXPECT_EQ(diagnostics.size(), 5U) << diagnostics.to_string();
}

TEST(SemanticChecks, SweepKeysMustNameSomethingInTheScenario) {
  const Diagnostics diagnostics = semantic(R"(run: {name: x, horizon: 1d}
sweep:
  run.seed: [1, 2]
  run.seeds: [1, 2]
  services.counter.duraton.mean: [1min]
  run.seed.value: [1]
  variants.quick.run.seed: [1]
  policies.dispatch.parameters.radius: [1km]
  calendar.day_types.exam.like: [weekday]
  facilities.community_centres.0.rooms.health.staffing.0.staff: [1, 2]
)");
  EXPECT_REPORTS(diagnostics, 4, "sweep.run.seeds",
                 "'run' has no key 'seeds'; did you mean 'seed'? (expected one of: confidence,");
  EXPECT_REPORTS(diagnostics, 5, "sweep.services.counter.duraton.mean",
                 "'services.counter' has no key 'duraton'; did you mean 'duration'?");
  EXPECT_REPORTS(diagnostics, 6, "sweep.run.seed.value",
                 "'run.seed' is a single value, it has no 'value'");
  EXPECT_REPORTS(diagnostics, 7, "sweep.variants.quick.run.seed",
                 "a sweep cannot change 'variants'");
  EXPECT_EQ(diagnostics.size(), 4U) << diagnostics.to_string();
}

TEST(SemanticChecks, FirstOccurrenceInAnotherFileIsNamedByFile) {
  // After extends, a document holds values from several files: a first occurrence in another
  // file than the duplicate is named by file and line.
  YamlDocument document = parse(kSmallScenario);
  document.value["services"].push_back(document.value["services"][0]);
  document.locations.set("/services/1/id", {"other.yaml", 3, 9});
  Diagnostics diagnostics;
  check_semantics(document, diagnostics);
  EXPECT_REPORTS(diagnostics, 3, "services.1.id",
                 "duplicate id 'consultation' among services (first at test.yaml:8; expected "
                 "each service id once)");
}

}  // namespace
}  // namespace circlesim::scenario
