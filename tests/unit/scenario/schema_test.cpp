// Tests for the scenario JSON Schema compiled into circlesim (scenarios/schema/
// circlesim.schema.json) and for the reference generated from it (docs/scenario-reference.md):
// the schema is well formed and fully described, it accepts and refuses what it should, and the
// committed reference is what the generator makes of it.

#include "models/scenario/schema_reference.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/scenario/embedded_schema.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/yaml_document.hpp"

#include "models/scenario/valijson.hpp"

namespace circlesim::scenario {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json& schema() {
  static const json parsed = json::parse(embedded_schema());
  return parsed;
}

// Objects whose keys the schema deliberately leaves open: a policy's parameters belong to its
// implementation, and a variant holds any part of a scenario (checked once merged).
const std::set<std::string>& free_objects() {
  static const std::set<std::string> pointers = {
      "/definitions/policy/properties/parameters",
      "/properties/variants/additionalProperties",
  };
  return pointers;
}

// An annotation (default or example) found in the schema, to be checked against its subschema.
struct Annotation {
  std::string pointer;  // of the subschema
  const json* subschema;
  const json* value;
};

// Walks every subschema that describes part of a scenario (properties, items, mapping values,
// definitions and the branches of combinators; not `if`, which only tests, nor propertyNames),
// collecting what is missing.
class SchemaWalker {
 public:
  void walk(const json& node, const std::string& pointer) {
    if (!node.is_object()) return;
    for (const char* key : {"default", "examples"}) {
      if (!node.contains(key)) continue;
      if (std::string(key) == "default") {
        annotations_.push_back({pointer, &node, &node[key]});
      } else if (!node[key].is_array()) {
        problems_.push_back(pointer + ": examples is not a list");
      } else {
        for (const json& example : node[key]) annotations_.push_back({pointer, &node, &example});
      }
    }
    const bool has_properties = node.contains("properties");
    const bool is_object_type = node.contains("type") && node["type"] == "object";
    if (has_properties) {
      if (!node.contains("additionalProperties") || node["additionalProperties"] != false) {
        problems_.push_back(pointer +
                            ": has properties but does not set additionalProperties "
                            "to false");
      }
      for (const auto& [key, child] : node["properties"].items()) {
        const std::string child_pointer = pointer + "/properties/" + escape_pointer_token(key);
        require_description(child, child_pointer);
        walk(child, child_pointer);
      }
    } else if (is_object_type) {
      const bool mapping =
          node.contains("additionalProperties") && node["additionalProperties"].is_object();
      if (!mapping && free_objects().count(pointer) == 0) {
        problems_.push_back(pointer +
                            ": an object with neither properties nor a schema for "
                            "its values, and not declared free");
      }
    }
    if (node.contains("items") && node["items"].is_object()) {
      require_description(node["items"], pointer + "/items");
      walk(node["items"], pointer + "/items");
    }
    if (node.contains("additionalProperties") && node["additionalProperties"].is_object()) {
      require_description(node["additionalProperties"], pointer + "/additionalProperties");
      walk(node["additionalProperties"], pointer + "/additionalProperties");
    }
    if (node.contains("definitions")) {
      for (const auto& [name, child] : node["definitions"].items()) {
        const std::string child_pointer = pointer + "/definitions/" + escape_pointer_token(name);
        require_description(child, child_pointer);
        walk(child, child_pointer);
      }
    }
    for (const char* combinator : {"oneOf", "anyOf", "allOf"}) {
      if (!node.contains(combinator)) continue;
      for (std::size_t i = 0; i < node[combinator].size(); ++i) {
        walk(node[combinator][i], pointer + "/" + combinator + "/" + std::to_string(i));
      }
    }
    for (const char* branch : {"then", "else"}) {
      if (node.contains(branch)) walk(node[branch], pointer + "/" + branch);
    }
  }

  [[nodiscard]] const std::vector<std::string>& problems() const { return problems_; }
  [[nodiscard]] const std::vector<Annotation>& annotations() const { return annotations_; }

 private:
  void require_description(const json& node, const std::string& pointer) {
    if (!node.is_object() || !node.contains("description") || !node["description"].is_string() ||
        node["description"].get<std::string>().empty()) {
      problems_.push_back(pointer + ": no description");
    }
  }

  std::vector<std::string> problems_;
  std::vector<Annotation> annotations_;
};

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += "  " + line + "\n";
  return out;
}

// Compiles `document` (a schema) with valijson. Empty on success, else why it failed. Note
// that valijson reports a schema it cannot use by exception only when built with
// VALIJSON_USE_EXCEPTIONS; otherwise it prints the reason and aborts, which fails the run too.
std::string compile(const json& document, valijson::Schema& compiled) {
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    const valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, compiled);
  } catch (const std::exception& error) {
    return error.what();
  }
  return {};
}

// The errors valijson finds in `target`, one per line with its place; empty when valid.
std::string validate(const valijson::Schema& compiled, const json& target) {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  const valijson::adapters::NlohmannJsonAdapter adapter(target);
  if (validator.validate(compiled, adapter, &results)) return {};
  std::string out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string place;
    for (const std::string& part : error.context) place += part;
    out += place + ": " + error.description + "\n";
  }
  return out.empty() ? "invalid (no message)" : out;
}

const valijson::Schema& compiled_schema() {
  // Compiled once for all tests (valijson's Schema cannot be copied or moved).
  static valijson::Schema compiled;
  static const std::string error = compile(schema(), compiled);
  EXPECT_EQ(error, "") << "valijson cannot compile the schema";
  return compiled;
}

std::filesystem::path repo_root() {
  // This file is tests/unit/scenario/schema_test.cpp; the build gives __FILE__ as an absolute
  // path, so the sources are found wherever the build directory is.
  return (std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "..").lexically_normal();
}

json minimal_scenario() { return json::parse(R"({"run": {"name": "t", "horizon": "30d"}})"); }

// A scenario touching most of the queueing-relevant keys.
json rich_scenario() {
  return json::parse(R"({
    "run": {"name": "rich", "horizon": " 2 h ", "warmup": "1.5days", "replications": 3,
            "start": {"date": "2026-01-05", "weekday": "monday"},
            "trace": {"level": "requests", "compression": 0}},
    "calendar": {"holidays": ["2026-02-17"], "day_types": {"exam": {"dates": ["2026-06-07"]}}},
    "city": {"synthetic": {"districts": 2, "spacing": "250m"}},
    "population": {"groups": [
      {"id": "elderly_60_plus", "share": 0.15},
      {"id": "elderly_80_plus", "share": 0.03, "subset_of": "elderly_60_plus",
       "shares_by": {"district": {"d_1": 0.05}}}]},
    "profiles": [{"id": "office", "daily": [{"from": "8:30", "to": "17:30", "factor": 1.2}],
                  "day_types": {"sunday": 0.2}}],
    "services": [{
      "id": "consultation", "list": "public", "channel": "centre_room", "room": "health",
      "eligible": ["elderly_60_plus"],
      "demand": [{"group": "elderly_60_plus", "rate": "4/year per 1000 residents",
                  "profile": "office"},
                 {"rate": "12 / day", "profile": {"daily": [0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2,
                                                            1, 1, 2, 2, 2, 1, 0, 0, 0, 0, 0, 0]}}],
      "duration": {"dist": "erlang", "k": 3, "mean": "10min"},
      "patience": {"dist": "hyperexponential", "mean": "30min", "cv": 1.5},
      "priority": {"elderly_80_plus": 0, "general": 2},
      "escalation": {"probability": 0.1, "to": "street_office",
                     "delay": {"dist": "deterministic", "value": "1d"}},
      "travel": {"mode": "walk", "speed": "1.0m/s"}}],
    "facilities": {"community_centres": [{
      "id": "cc_1", "community": "c_1", "location": {"x": "1.2km", "y": "300m"},
      "opening_hours": {"weekday": ["08:30-12:00", "14:30-17:30"], "saturday": []},
      "rooms": [{"type": "health", "staff": 2, "waiting_room": 10, "preemptive": true,
                 "on_close": "send_away"},
                {"type": "convenience_services", "waiting_room": "unlimited",
                 "staffing": [{"days": ["weekday"], "from": "08:30", "to": "17:30",
                               "staff": 3}]}]}],
      "red_stations": [{"id": "rs_1", "street": "s_1", "seats": 8, "water": false}]},
    "grid_members": [{"community": "c_1", "kind": "party_member_volunteer", "count": 4,
                      "availability": [{"days": ["saturday", "sunday"], "from": "09:00",
                                        "to": "18:00"}],
                      "speed": "5km/h"}],
    "policies": {"dispatch": {"name": "nearest_available", "parameters": {"radius": "1km"}}},
    "variants": {"more_staff": {"run": {"replications": 20}}},
    "sweep": {"run.seed": [1, 2, 3]}
  })");
}

TEST(ScenarioSchema, IsDraft07Json) {
  const json parsed = json::parse(embedded_schema());  // throws, failing the test, if malformed
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed.value("$schema", ""), "http://json-schema.org/draft-07/schema#");
  EXPECT_FALSE(parsed.value("title", "").empty());
  EXPECT_FALSE(parsed.value("description", "").empty());
  EXPECT_EQ(parsed.value("required", json::array()), json::array({"run"}));
}

TEST(ScenarioSchema, EveryKeyIsDescribedAndEveryObjectClosed) {
  SchemaWalker walker;
  walker.walk(schema(), "");
  EXPECT_TRUE(walker.problems().empty()) << join_lines(walker.problems());
  // The walk really went everywhere: deep keys and definitions were visited.
  EXPECT_GT(walker.annotations().size(), 50u);
}

// The walker itself: it must notice what the test above relies on it to notice.
TEST(ScenarioSchema, WalkerReportsUndescribedKeysAndOpenObjects) {
  const json broken = json::parse(R"({
    "type": "object",
    "properties": {
      "a": {"type": "string"},
      "b": {"description": "open", "type": "object", "properties": {
        "c": {"description": "fine", "type": "integer"}}},
      "d": {"description": "free but not declared", "type": "object"}
    },
    "additionalProperties": false,
    "definitions": {"e": {"type": "string"}}
  })");
  SchemaWalker walker;
  walker.walk(broken, "");
  EXPECT_THAT(walker.problems(),
              ::testing::UnorderedElementsAre(HasSubstr("/properties/a: no description"),
                                              HasSubstr("/properties/b: has properties"),
                                              HasSubstr("/properties/d: an object"),
                                              HasSubstr("/definitions/e: no description")));
}

TEST(ScenarioSchema, DefinesTheSharedShapes) {
  for (const char* name : {"duration", "rate", "distance", "speed", "distribution", "rate_profile",
                           "opening_hours", "staffing", "location", "id", "share"}) {
    EXPECT_TRUE(schema()["definitions"].contains(name)) << name;
  }
}

TEST(ScenarioSchema, CompilesAsDraft07WithValijson) {
  valijson::Schema compiled;
  const std::string error = compile(schema(), compiled);
  EXPECT_EQ(error, "") << "valijson cannot compile the schema";
}

TEST(ScenarioSchema, DefaultsAndExamplesSatisfyTheirOwnSchema) {
  SchemaWalker walker;
  walker.walk(schema(), "");
  std::vector<std::string> problems;
  for (const Annotation& annotation : walker.annotations()) {
    if (annotation.pointer.empty()) continue;  // the root examples are scenarios: checked below
    // The subschema on its own, with the definitions its references point into.
    json document = *annotation.subschema;
    document["definitions"] = schema()["definitions"];
    valijson::Schema compiled;
    if (const std::string error = compile(document, compiled); !error.empty()) {
      problems.push_back(annotation.pointer + ": " + error);
      continue;
    }
    if (const std::string errors = validate(compiled, *annotation.value); !errors.empty()) {
      problems.push_back(annotation.pointer + ": " + annotation.value->dump() + ": " + errors);
    }
  }
  EXPECT_TRUE(problems.empty()) << join_lines(problems);
}

TEST(ScenarioSchema, AcceptsValidScenarios) {
  EXPECT_EQ(validate(compiled_schema(), minimal_scenario()), "");
  EXPECT_EQ(validate(compiled_schema(), rich_scenario()), "");
  for (const json& example : schema()["examples"]) {
    EXPECT_EQ(validate(compiled_schema(), example), "") << example.dump();
  }
}

// The reference shows the root examples as complete scenarios, so each must also load: matching
// the schema is not enough (a community the synthetic city does not have is the loader's to find).
TEST(ScenarioSchema, RootExamplesLoad) {
  int index = 0;
  for (const json& example : schema()["examples"]) {
    const std::filesystem::path path =
        std::filesystem::path(::testing::TempDir()) /
        ("circlesim-root-example-" + std::to_string(index++) + ".yaml");
    std::ofstream(path) << example.dump(2);
    Diagnostics diagnostics;
    EXPECT_TRUE(load_scenario(path.string(), LoadOptions{}, diagnostics).has_value())
        << diagnostics.to_string();
    std::filesystem::remove(path);
  }
  EXPECT_GE(index, 1) << "the schema has no root example";
}

// Each case: what is changed in the minimal scenario, and a fragment of valijson's complaint.
struct SchemaViolation {
  const char* name;
  const char* pointer;
  const char* value;  // JSON
  const char* complaint;
};

class ScenarioSchemaRefuses : public ::testing::TestWithParam<SchemaViolation> {};

TEST_P(ScenarioSchemaRefuses, InvalidScenario) {
  const SchemaViolation& c = GetParam();
  json scenario = minimal_scenario();
  scenario[json::json_pointer(c.pointer)] = json::parse(c.value);
  const std::string errors = validate(compiled_schema(), scenario);
  EXPECT_THAT(errors, HasSubstr(c.complaint)) << scenario.dump();
}

std::string service_with(const char* duration) {
  return std::string(R"([{"id": "s", "channel": "home_visit", "duration": )") + duration + "}]";
}

const std::string kExponentialWithoutMean = service_with(R"({"dist": "exponential"})");
const std::string kExponentialWithSd =
    service_with(R"({"dist": "exponential", "mean": "5min", "sd": "1min"})");
const std::string kHyperexponentialLowCv =
    service_with(R"({"dist": "hyperexponential", "mean": "5min", "cv": 0.5})");
const std::string kUnknownDist = service_with(R"({"dist": "poisson", "mean": "5min"})");

INSTANTIATE_TEST_SUITE_P(
    Cases, ScenarioSchemaRefuses,
    ::testing::Values(
        SchemaViolation{"bare_number_horizon", "/run/horizon", "30", "'type' constraint"},
        SchemaViolation{"horizon_without_unit", "/run/horizon", R"("30")", "'pattern' constraint"},
        SchemaViolation{"horizon_unknown_unit", "/run/horizon", R"("30 months")",
                        "'pattern' constraint"},
        SchemaViolation{"misspelled_key", "/run/horizn", R"("30d")", "'horizn'"},
        SchemaViolation{"unknown_top_level_key", "/servics", "[]", "'servics'"},
        SchemaViolation{"trace_level_not_in_enum", "/run/trace", R"({"level": "verbose"})",
                        "enum values"},
        SchemaViolation{"replications_zero", "/run/replications", "0", "greater than"},
        SchemaViolation{"confidence_one", "/run/confidence", "1", "less than"},
        SchemaViolation{"seed_not_integer", "/run/seed", "1.5", "'type' constraint"},
        SchemaViolation{"bad_date", "/run/start", R"({"date": "2026-13-01"})",
                        "'pattern' constraint"},
        SchemaViolation{"bad_weekday", "/run/start", R"({"weekday": "mon"})", "enum values"},
        SchemaViolation{"exponential_without_mean", "/services", kExponentialWithoutMean.c_str(),
                        "'mean'"},
        SchemaViolation{"exponential_with_extra_parameter", "/services", kExponentialWithSd.c_str(),
                        "'sd'"},
        SchemaViolation{"hyperexponential_cv_not_above_one", "/services",
                        kHyperexponentialLowCv.c_str(), "greater than"},
        SchemaViolation{"unknown_distribution", "/services", kUnknownDist.c_str(), "enum values"},
        SchemaViolation{"rate_without_unit", "/services",
                        R"([{"id": "s", "channel": "home_visit", "demand": [{"rate": "5"}],
                        "duration": {"dist": "deterministic", "value": "5min"}}])",
                        "'pattern' constraint"},
        SchemaViolation{"upper_case_id", "/services",
                        R"([{"id": "Health", "channel": "home_visit",
                        "duration": {"dist": "deterministic", "value": "5min"}}])",
                        "'pattern' constraint"},
        SchemaViolation{"two_kinds_of_city", "/city",
                        R"({"synthetic": {}, "csv": {"districts": "d.csv", "streets": "s.csv",
                                                 "communities": "c.csv"}})",
                        "exactly one"},
        SchemaViolation{"staff_and_staffing", "/facilities",
                        R"({"community_centres": [{"id": "cc", "community": "c", "rooms": [
                        {"type": "health", "staff": 1, "staffing": []}]}]})",
                        "'not' constraint"},
        SchemaViolation{"bad_waiting_room", "/facilities",
                        R"({"community_centres": [{"id": "cc", "community": "c", "rooms": [
                        {"type": "health", "waiting_room": "infinite"}]}]})",
                        "oneOf"},
        SchemaViolation{"distance_without_unit", "/facilities",
                        R"({"red_stations": [{"id": "r", "street": "s",
                                          "location": {"x": 100, "y": "1km"}}]})",
                        "'type' constraint"},
        SchemaViolation{"opening_hours_bad_interval", "/facilities",
                        R"({"red_stations": [{"id": "r", "street": "s",
                                          "opening_hours": {"weekday": ["8-17"]}}]})",
                        "'pattern' constraint"}),
    [](const ::testing::TestParamInfo<SchemaViolation>& param_info) {
      return param_info.param.name;
    });

TEST(ScenarioSchemaReference, ListsEveryKeyPath) {
  const std::string markdown = schema_reference_markdown(schema());
  for (const char* path :
       {"`run.trace.level`", "`run.horizon`", "`services[].duration`", "`services[].priority`",
        "`services[].demand[].rate`", "`facilities.community_centres[].rooms[].waiting_room`",
        "`calendar.day_types.<id>.dates`", "`sweep.<key_path>`", "### `distribution`"}) {
    EXPECT_THAT(markdown, HasSubstr(path));
  }
  EXPECT_EQ(markdown, schema_reference_markdown(schema())) << "output is not deterministic";
}

TEST(ScenarioSchema, ReferenceIsUpToDate) {
  const std::filesystem::path path = repo_root() / "docs" / "scenario-reference.md";
  const std::string expected = schema_reference_markdown(schema());
  const char* update = std::getenv("CIRCLESIM_UPDATE_REFERENCE");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << expected;
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::ostringstream actual;
  actual << in.rdbuf();
  if (actual.str() == expected) return;
  // Point at the first difference: the whole file in a failure message helps nobody.
  std::istringstream a(actual.str());
  std::istringstream e(expected);
  std::string line_a;
  std::string line_e;
  int line = 0;
  while (true) {
    ++line;
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_e = static_cast<bool>(std::getline(e, line_e));
    if (!more_a && !more_e) break;  // differ only in the final newline
    if (!more_a || !more_e || line_a != line_e) break;
  }
  ADD_FAILURE() << path << " is not what the schema generates (first difference at line " << line
                << ").\n  file:      " << line_a << "\n  generated: " << line_e
                << "\nRegenerate it with\n  CIRCLESIM_UPDATE_REFERENCE=1 "
                   "./build/release/tests/circlesim_unit_tests "
                   "--gtest_filter='ScenarioSchema.ReferenceIsUpToDate'\nand commit the result.";
}

}  // namespace
}  // namespace circlesim::scenario
