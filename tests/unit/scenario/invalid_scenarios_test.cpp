// Malformed scenarios (tests/data/invalid/*.yaml, each with one mistake described in its first
// comment) are refused by load_scenario with a message at the right line that says what is
// wrong: the user-facing promise of the whole loading chain (YAML reader, schema check, semantic
// checks, model builder), checked end to end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"

namespace circlesim::scenario {
namespace {

const std::filesystem::path& invalid_dir() {
  static const std::filesystem::path dir =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data" /
      "invalid";
  return dir;
}

struct InvalidCase {
  const char* file;      // under tests/data/invalid
  int line;              // 1-based; 0 when the problem has no line (a file that cannot be read)
  const char* message;   // a substring of the expected message
  const char* key_path;  // the diagnostic's key path; "" to leave it unchecked
  // The file the problem is in, relative to tests/data/invalid, when it is not `file` itself
  // (a base reached through extends).
  const char* in_file = nullptr;
};

void PrintTo(const InvalidCase& c, std::ostream* out) { *out << c.file; }

// clang-format off
const InvalidCase kCases[] = {
    // YAML and the file itself.
    {"yaml-bad-indentation.yaml", 4, "YAML syntax error", ""},
    {"yaml-unclosed-quote.yaml", 6, "YAML syntax error", ""},
    {"yaml-tab-indentation.yaml", 3, "YAML syntax error", ""},
    {"yaml-mapping-for-list.yaml", 12, "(expected array)", "services"},
    {"yaml-two-documents.yaml", 18, "a second document starts here (expected one YAML document)", ""},
    {"yaml-merge-key.yaml", 5, "merge keys (<<) are not supported; use extends", "run"},
    {"yaml-custom-tag.yaml", 3, "unsupported tag '!custom'", "run.name"},
    {"yaml-duplicate-key.yaml", 5, "duplicate key 'horizon' (first at line 4)", "run.horizon"},
    {"empty-file.yaml", 1, "the file has no content", ""},
    {"nul-in-name.yaml", 2, "the string contains the control character U+0000", "run.name"},
    // Composition: extends cycles, and a base file with a problem (reported in the base).
    {"extends-cycle-a.yaml", 4, "extends forms a cycle: extends-cycle-a.yaml -> extends-cycle-b.yaml -> extends-cycle-a.yaml", "extends", "extends-cycle-b.yaml"},
    {"extends-cycle-b.yaml", 2, "extends forms a cycle: extends-cycle-b.yaml -> extends-cycle-a.yaml -> extends-cycle-b.yaml", "extends", "extends-cycle-a.yaml"},
    {"extends-base-invalid.yaml", 5, "unknown key 'replicatons'; did you mean 'replications'?", "run.replicatons", "../yaml/extends-base-with-typo.yaml"},
    {"non-utf8.yaml", 3, "invalid UTF-8 byte 0xFF (expected UTF-8 text)", ""},
    {"does-not-exist.yaml", 0, "cannot open: no such file", ""},
    {"directory.yaml", 0, "is a directory, expected a YAML file", ""},
    // Types and keys.
    {"wrong-type-staff-string.yaml", 10, "got \"two\" (expected integer, >= 0)",
     "facilities.community_centres.0.rooms.0.staff"},
    {"wrong-type-run-list.yaml", 2, "(expected object)", "run"},
    {"unknown-key.yaml", 15, "unknown key 'colour'", "services.0.colour"},
    {"misspelled-key.yaml", 5, "unknown key 'replicatoins'; did you mean 'replications'?",
     "run.replicatoins"},
    // Names of keys that the schema restricts (propertyNames): reported at the key.
    {"bad-variant-name.yaml", 12,
     "invalid variant name \"A B\" (expected a lower-case letter, then lower-case letters, "
     "digits or underscores: ^[a-z][a-z0-9_]*$)",
     "variants.\"A B\""},
    {"bad-variant-name-path.yaml", 11, "invalid variant name \"../evil\"", "variants.../evil"},
    {"bad-day-type-name.yaml", 12, "invalid day type \"Bad Day\"", "calendar.day_types.\"Bad Day\""},
    {"bad-sweep-key.yaml", 11, "invalid key path \"Run.seed\" (expected a dotted key path such as",
     "sweep.Run.seed"},
    // Values with several allowed forms, or repeated where each must be unique.
    {"negative-priority.yaml", 8, "got -5 (expected integer, >= 0, <= 255, or object)",
     "services.0.priority"},
    {"negative-waiting-room.yaml", 6, "got -1 (expected integer, >= 0, or unlimited)",
     "facilities.community_centres.0.rooms.0.waiting_room"},
    {"duplicate-holiday.yaml", 14,
     "duplicate value \"2026-01-06\" (first as item 0 at line 12; expected each value once)",
     "calendar.holidays.2"},
    {"huge-seed.yaml", 2,
     "integer out of range: 18446744073709551615 (expected an integer from 0 to "
     "9223372036854775807)",
     "run.seed"},
    {"tab-in-run-name.yaml", 2, "got \"a\\tb\" (expected string, matching", "run.name"},
    // Units.
    {"missing-unit-horizon.yaml", 4, "a duration needs a unit, got 30", "run.horizon"},
    {"missing-unit-duration-mean.yaml", 17, "a duration needs a unit, got 12",
     "services.0.duration.mean"},
    {"missing-unit-rate.yaml", 16, "a rate needs a unit, got 4", "services.0.demand.0.rate"},
    {"unknown-unit.yaml", 16, "unknown rate unit '/fortnight'", "services.0.demand.0.rate"},
    {"wrong-kind-unit.yaml", 4, "5km is a distance; expected a duration", "run.horizon"},
    {"negative-duration.yaml", 17, "a duration cannot be negative, got -5min", "services.0.duration.mean"},
    {"zero-replications.yaml", 5, "got 0 (expected integer, >= 1", "run.replications"},
    // References and ids.
    {"dangling-service-room.yaml", 14,
     "no community centre has a room 'helth'; did you mean 'health'?", "services.0.room"},
    {"dangling-demand-profile.yaml", 21,
     "unknown profile 'office_hour'; did you mean 'office_hours'?", "services.0.demand.0.profile"},
    {"dangling-facility-community.yaml", 20, "unknown community 'c_hill' (expected one of: c_river)",
     "facilities.community_centres.0.community"},
    {"dangling-facility-community-synthetic.yaml", 11,
     "community 'c_1' is not in the city (expected the id of one of its 48 communities, such as "
     "'d1_s1_c1')",
     "facilities.community_centres.0.community"},
    {"duplicate-service-id.yaml", 18,
     "duplicate id 'consultation' among services (first at line 12", "services.1.id"},
    {"duplicate-room-type.yaml", 11, "duplicate room type 'health' in community centre 'centre'",
     "facilities.community_centres.0.rooms.1.type"},
    {"duplicate-facility-id.yaml", 7,
     "duplicate id 'centre' among facilities (first at line 9, a community centre",
     "facilities.street_offices.0.id"},
    {"missing-room.yaml", 12, "missing required key 'room'", "services.0"},
    {"unknown-group.yaml", 24, "unknown group 'elderly_60plus'; did you mean 'elderly_60_plus'?",
     "services.0.demand.0.group"},
    {"unknown-grid.yaml", 32, "unknown grid 'g_river_3'", "grid_members.0.grid"},
    {"unknown-skill.yaml", 35, "unknown service 'home_cleaning'", "grid_members.0.skills.1"},
    {"care-visit-unknown-service.yaml", 5,
     "unknown service 'care_vist'; did you mean 'care_visit'? (expected one of: ",
     "policies.care_visits.0.service"},
    {"escalation-unknown-room.yaml", 22,
     "no street office has a room 'legal_aide'; did you mean 'legal_aid'?",
     "services.0.escalation.room"},
    {"sweep-unknown-key.yaml", 19, "unknown key 'seeds'; did you mean 'seed'?", "run.seeds"},
    {"empty-sweep-values.yaml", 19, "got [] (expected array, at least 1 item(s))", "sweep.run.seed"},
    // Shares.
    {"share-above-one.yaml", 8, "got 1.5 (expected number, >= 0, <= 1",
     "population.groups.0.share"},
    {"subset-share-above-parent.yaml", 10,
     "share 0.3 of group 'elderly_80_plus' is larger than the share 0.2 of 'elderly_60_plus'",
     "population.groups.1.share"},
    {"subset-cycle.yaml", 9, "subset_of forms a cycle", "population.groups.0.subset_of"},
    {"overlap-joint-share.yaml", 11, "joint share 0.04 of 'in_difficulty' and 'disabled' is larger",
     "population.groups.1.overlaps.disabled"},
    {"general-redefined.yaml", 7, "'general' is predefined", "population.groups.0.id"},
    {"district-population-sum.yaml", 8, "differs from the sum over its communities, 8000",
     "city.districts.0.population"},
    // Schedules and dates.
    {"overlapping-shifts.yaml", 12,
     "overlapping shifts: 12:00-17:00 overlaps 08:00-13:00 (at line 11) on weekday (expected "
     "shifts that do not overlap; to have more staff at once, raise staff)",
     "facilities.community_centres.0.rooms.0.staffing.1"},
    {"inverted-shift.yaml", 11, "the shift ends at 08:00, before it starts at 17:00",
     "facilities.community_centres.0.rooms.0.staffing.0.to"},
    {"inverted-opening-hours.yaml", 9, "the interval 17:30-08:30 ends before it starts",
     "facilities.community_centres.0.opening_hours.weekday.0"},
    {"overlapping-opening-hours.yaml", 9, "the interval 11:00-17:30 overlaps 08:30-12:00",
     "facilities.community_centres.0.opening_hours.weekday.1"},
    {"never-open.yaml", 6, "the facility is never open: no day has opening hours",
     "facilities.community_centres.0.opening_hours"},
    {"shifts-all-zero-staff.yaml", 8, "every shift has staff 0, so nobody is ever on duty",
     "facilities.community_centres.0.rooms.0.staffing"},
    {"shifts-outside-opening-hours.yaml", 9,
     "no shift with staff falls within the facility's opening hours",
     "facilities.community_centres.0.rooms.0.staffing"},
    {"unknown-day-type.yaml", 9, "unknown day type 'weekdays'; did you mean 'weekday'?",
     "facilities.community_centres.0.opening_hours.weekdays"},
    {"bad-clock-time.yaml", 9, "got \"08:30-25:00\"",
     "facilities.community_centres.0.opening_hours.weekday.0"},
    {"weekday-mismatch.yaml", 7, "2026-03-02 is a Monday, not a Tuesday", "run.start.weekday"},
    {"invalid-date.yaml", 6, "2026-02-30 is not a date: February 2026 has 28 days",
     "run.start.date"},
    {"workday-not-weekend.yaml", 6, "2026-01-07 is a Wednesday, already a working day",
     "calendar.workdays.0"},
    {"profile-all-zero.yaml", 7, "every hourly factor is 0", "profiles.0.daily"},
    {"shock-inverted.yaml", 8, "the shock ends on 2026-03-01, before it starts on 2026-03-10",
     "profiles.0.shocks.0.to"},
    // The catalogue, absurd numbers.
    {"empty-services.yaml", 11, "the service catalogue is empty", "services"},
    {"huge-staff-float.yaml", 10, "(expected integer, >= 0)",
     "facilities.community_centres.0.rooms.0.staff"},
    {"huge-staff-count.yaml", 10, "20000 staff in one room is implausibly many",
     "facilities.community_centres.0.rooms.0.staff"},
    {"huge-horizon.yaml", 4, "a horizon of 100000d is longer than 10 years", "run.horizon"},
    {"members-per-1000-above-1000.yaml", 6, "(expected number, >= 0, <= 1000)",
     "grid_members.0.per_1000_residents"},
    {"members-per-1000-team-too-large.yaml", 13,
     "600 per 1000 residents makes 12000 members in one team for the 20000 residents of "
     "community 'c1', implausibly many (expected at most 10000)",
     "grid_members.0.per_1000_residents"},
    {"huge-community-population.yaml", 9, "got 9223372036854775807 (expected integer, >= 0, <= 1000000)",
     "city.districts.0.streets.0.communities.0.population"},
    {"float-community-population.yaml", 9, "got 1e+300 (expected integer, >= 0, <= 1000000)",
     "city.districts.0.streets.0.communities.0.population"},
    {"far-location.yaml", 9, "a distance of 1e308m is more than 1000km",
     "city.districts.0.streets.0.communities.0.location.x"},
    {"huge-detour-factor.yaml", 4, "got 1e+308 (expected number, >= 1, <= 10)", "city.detour_factor"},
    {"negative-within-grid.yaml", 6, "a distance cannot be negative, got -5m",
     "policies.dispatch.parameters.within_grid"},
    {"care-visits-every-second.yaml", 5,
     "visiting each resident every 1s is more often than once a day (expected an interval of 1d "
     "or longer)",
     "policies.care_visits.0.every"},
    {"huge-rate.yaml", 16, "more than a million requests per minute", "services.0.demand.0.rate"},
    // Numbers that are not finite: refused where written, whatever the key.
    {"non-finite-share.yaml", 5, "'.nan' is not a finite number", "population.groups.0.share"},
    {"non-finite-travel-weight.yaml", 4, "'.nan' is not a finite number",
     "policies.facility_choice.parameters.travel_weight"},
    {"non-finite-shock-factor.yaml", 7, "'.inf' is not a finite number", "shocks.0.demand.factor"},
    {"non-finite-members-per-1000.yaml", 6, "'.nan' is not a finite number",
     "grid_members.0.per_1000_residents"},
    {"huge-shock-factor.yaml", 7, "(expected number, >= 0, <= 1000)", "shocks.0.demand.factor"},
    {"huge-profile-factor.yaml", 5, "got 100000.0 (expected number, >= 0, <= 1000)",
     "profiles.0.day_types.weekday"},
    {"shocked-rate-too-high.yaml", 11,
     "a factor of 1000 makes service 'consult' more than a million requests per minute (expected "
     "a factor of at most 500 for it)",
     "shocks.0.demand.factor"},
    // Distributions.
    {"distribution-missing-parameter.yaml", 17, "missing required key 'cv'", "services.0.duration"},
    {"distribution-extra-parameter.yaml", 17, "unknown key 'cv' (expected one of: dist, mean)",
     "services.0.duration.cv"},
    // The schema check reports a value outside an enum only as valijson words it (see the
    // report that came with this test): the line and the key are right, the text is not helpful.
    {"distribution-unknown-kind.yaml", 17, "got \"poisson\" (expected one of: deterministic, exponential", "services.0.duration.dist"},
    {"hyperexponential-low-cv.yaml", 17, "got 0.8 (expected > 1)",
     "services.0.duration.cv"},
    {"erlang-zero-phases.yaml", 17, "got 0 (expected integer, >= 1)", "services.0.duration.k"},
    // Parts of the language that the model does not simulate yet.
    {"not-simulated-staffing-policy.yaml", 7, "not simulated yet; remove it to run this scenario",
     "policies.staffing"},
};
// clang-format on

std::string describe(const Diagnostics& diagnostics) {
  return diagnostics.empty() ? std::string("(no diagnostics)") : diagnostics.to_string();
}

class InvalidScenario : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidScenario, IsRefusedWithTheExpectedMessageAtTheExpectedLine) {
  const InvalidCase& c = GetParam();
  const std::string path = (invalid_dir() / c.file).string();
  Diagnostics diagnostics;
  const auto scenario = load_scenario(path, {}, diagnostics);
  EXPECT_FALSE(scenario.has_value()) << c.file << " was accepted";
  ASSERT_FALSE(diagnostics.empty()) << c.file;

  const std::string expected_file =
      c.in_file == nullptr ? path : (invalid_dir() / c.in_file).lexically_normal().string();
  const auto matches = [&](const Diagnostic& d) {
    return d.where.line == c.line && d.message.find(c.message) != std::string::npos &&
           (std::string_view(c.key_path).empty() || d.key_path == c.key_path) &&
           std::filesystem::path(d.where.file).lexically_normal().string() == expected_file;
  };
  const auto& items = diagnostics.items();
  EXPECT_TRUE(std::any_of(items.begin(), items.end(), matches))
      << "expected at line " << c.line << (*c.key_path != '\0' ? " key " : "") << c.key_path << ": "
      << c.message << "\ngot:\n"
      << describe(diagnostics);
  // No message is the validator's own text, which says nothing to a planner.
  for (const Diagnostic& d : items) {
    for (const char* raw : {"Failed to", "constraint", "Value type not permitted"}) {
      EXPECT_THAT(d.message, testing::Not(testing::HasSubstr(raw))) << format_diagnostic(d);
    }
  }
  // Every problem names the file it is in, first, as editors and compilers do: this file, or
  // for a problem in a base it extends, the base.
  for (const Diagnostic& d : items) {
    const std::string named = c.in_file == nullptr ? path : d.where.file;
    EXPECT_THAT(format_diagnostic(d), testing::StartsWith(named + (d.where.line > 0 ? ":" : ": ")))
        << describe(diagnostics);
    if (c.in_file != nullptr) {
      EXPECT_TRUE(std::filesystem::exists(d.where.file)) << d.where.file;
    }
  }
}

std::string case_name(const testing::TestParamInfo<InvalidCase>& info) {
  std::string name = info.param.file;
  name = name.substr(0, name.find('.'));
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, InvalidScenario, testing::ValuesIn(kCases), case_name);

TEST(InvalidScenarios, SeveralProblemsInOneFileAreAllReported) {
  const std::string path = (invalid_dir() / "several-problems.yaml").string();
  Diagnostics diagnostics;
  EXPECT_FALSE(load_scenario(path, {}, diagnostics).has_value());
  std::vector<int> lines;
  for (const Diagnostic& d : diagnostics.items()) lines.push_back(d.where.line);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<int>{5, 6, 13, 20})) << describe(diagnostics);
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text, testing::HasSubstr(path + ":5:12: run.horizon: a duration needs a unit"));
  EXPECT_THAT(text, testing::HasSubstr(path + ":6:17: run.replications: invalid value, got 0"));
  EXPECT_THAT(text, testing::HasSubstr("rooms.0.colour: unknown key 'colour'"));
  EXPECT_THAT(text, testing::HasSubstr(path + ":20:41: services.0.duration.mean: a duration "
                                              "needs a unit, got 12"));
}

// The schema check reports a population of 1e300; the city reader must not then convert it to an
// integer, which overflowed into "community 'c1' has a negative population (-9223372036854775808)".
TEST(InvalidScenarios, AFloatPopulationIsReportedOnce) {
  const std::string path = (invalid_dir() / "float-community-population.yaml").string();
  Diagnostics diagnostics;
  EXPECT_FALSE(load_scenario(path, {}, diagnostics).has_value());
  EXPECT_EQ(diagnostics.size(), 1U) << describe(diagnostics);
}

// Every file in the folder is a case above (or the several-problems one), and each says in its
// first line what is wrong with it, so that the folder documents itself.
TEST(InvalidScenarios, EveryFileIsACaseAndStartsWithAComment) {
  std::set<std::string> listed = {"several-problems.yaml", "directory.yaml"};
  for (const InvalidCase& c : kCases) listed.insert(c.file);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(invalid_dir())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(listed.count(name) > 0) << name << " is not in the table of cases";
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string first_line;
    std::getline(in, first_line);
    EXPECT_TRUE(first_line.rfind("# ", 0) == 0 && first_line.size() > 10)
        << name << " does not start with a comment saying what is wrong";
  }
  EXPECT_GE(files, 45U);
}

}  // namespace
}  // namespace circlesim::scenario
