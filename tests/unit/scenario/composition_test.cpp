// Tests for scenario composition: extends (deep merge across files, with locations that still
// point at the file a value came from), variants, sweeps and --set overrides.
#include "models/scenario/composition.hpp"
#include "models/scenario/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace circlesim::scenario {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// A scratch folder of scenario files, removed at the end of each test.
class CompositionTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("circlesim_composition_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  static YamlDocument parse(const std::string& text) {
    Diagnostics diagnostics;
    auto document = load_yaml_text(text, "inline.yaml", diagnostics);
    EXPECT_TRUE(document.has_value()) << diagnostics.to_string();
    return *document;
  }

  std::filesystem::path dir_;
};

TEST_F(CompositionTest, ExtendsMergesMappingsAndIdListsAndReplacesOtherLists) {
  write("base.yaml",
        "run: {name: base, horizon: 10h, seed: 1}\n"
        "services:\n"
        "  - {id: a, channel: centre_room, duration: {dist: exponential, mean: 1min}}\n"
        "  - {id: b, channel: centre_room, duration: {dist: exponential, mean: 2min}}\n"
        "calendar: {holidays: [2026-01-01, 2026-05-01]}\n");
  const std::string child = write("sub/child.yaml",
                                  "extends: ../base.yaml\n"
                                  "run: {name: child}\n"
                                  "services:\n"
                                  "  - {id: b, duration: {dist: exponential, mean: 3min}}\n"
                                  "  - {id: c, channel: home_visit}\n"
                                  "calendar: {holidays: [2026-10-01]}\n");
  Diagnostics diagnostics;
  const auto document = load_composed(child, diagnostics);
  ASSERT_TRUE(document.has_value()) << diagnostics.to_string();
  const json& v = document->value;
  EXPECT_FALSE(v.contains("extends"));
  EXPECT_EQ(v["run"]["name"], "child");
  EXPECT_EQ(v["run"]["horizon"], "10h");  // kept from the base
  ASSERT_EQ(v["services"].size(), 3U);
  EXPECT_EQ(v["services"][1]["id"], "b");
  EXPECT_EQ(v["services"][1]["duration"]["mean"], "3min");            // merged by id
  EXPECT_EQ(v["services"][1]["channel"], "centre_room");              // kept inside the item
  EXPECT_EQ(v["services"][2]["id"], "c");                             // appended
  EXPECT_EQ(v["calendar"]["holidays"], json::array({"2026-10-01"}));  // replaced

  // Locations follow the values: base values point at base.yaml, overrides at child.yaml.
  const SourceLocation horizon = document->locations.find("/run/horizon");
  EXPECT_THAT(horizon.file, HasSubstr("base.yaml"));
  EXPECT_EQ(horizon.line, 1);
  const SourceLocation mean = document->locations.find("/services/1/duration/mean");
  EXPECT_THAT(mean.file, HasSubstr("child.yaml"));
  EXPECT_EQ(mean.line, 4);
  const SourceLocation appended = document->locations.find("/services/2/channel");
  EXPECT_THAT(appended.file, HasSubstr("child.yaml"));
  EXPECT_EQ(appended.line, 5);
}

TEST_F(CompositionTest, ExtendsCycleIsReportedAtTheExtendsKey) {
  write("a.yaml", "extends: b.yaml\nrun: {name: a}\n");
  write("b.yaml", "run: {name: b}\nextends: a.yaml\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_composed((dir_ / "a.yaml").string(), diagnostics).has_value());
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text, HasSubstr("extends forms a cycle: a.yaml -> b.yaml -> a.yaml"));
  EXPECT_THAT(text, HasSubstr("b.yaml:2:10: extends"));
}

TEST_F(CompositionTest, SelfExtendsIsACycle) {
  const std::string path = write("self.yaml", "extends: self.yaml\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_composed(path, diagnostics).has_value());
  EXPECT_THAT(diagnostics.to_string(), HasSubstr("cycle: self.yaml -> self.yaml"));
}

TEST_F(CompositionTest, MissingBaseNamesTheExtendsLineAndTheFile) {
  const std::string path = write("child.yaml", "run: {name: x}\nextends: nowhere.yaml\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_composed(path, diagnostics).has_value());
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text, HasSubstr("child.yaml:2:10: extends: cannot use the base scenario"));
  EXPECT_THAT(text, HasSubstr("nowhere.yaml"));
}

TEST_F(CompositionTest, SetKeyPathAddressesListItemsByIdIndexOrRoomType) {
  YamlDocument document = parse(
      "services: [{id: a, priority: 1}, {id: b, priority: 1}]\n"
      "facilities: {community_centres: [{id: c1, rooms: [{type: health, staff: 1}]}]}\n");
  Diagnostics diagnostics;
  const SourceLocation where{"--set", 0, 0};
  EXPECT_TRUE(set_key_path(document, "services.b.priority", 0, where, diagnostics));
  EXPECT_TRUE(set_key_path(document, "services.0.priority", 2, where, diagnostics));
  EXPECT_TRUE(set_key_path(document, "facilities.community_centres.c1.rooms.health.staff", 4, where,
                           diagnostics));
  EXPECT_TRUE(set_key_path(document, "run.trace.level", "events", where, diagnostics));
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.to_string();
  EXPECT_EQ(document.value["services"][1]["priority"], 0);
  EXPECT_EQ(document.value["services"][0]["priority"], 2);
  EXPECT_EQ(document.value["facilities"]["community_centres"][0]["rooms"][0]["staff"], 4);
  EXPECT_EQ(document.value["run"]["trace"]["level"], "events");
  EXPECT_EQ(document.locations.find("/run/trace/level").file, "--set");

  EXPECT_FALSE(set_key_path(document, "services.zz.priority", 0, where, diagnostics));
  EXPECT_FALSE(set_key_path(document, "services.a.priority.x", 0, where, diagnostics));
  EXPECT_FALSE(set_key_path(document, "run..horizon", "1h", where, diagnostics));
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text, HasSubstr("no list item 'zz'"));
  EXPECT_THAT(text, HasSubstr("its parent is a single value"));
  EXPECT_THAT(text, HasSubstr("empty step"));
}

TEST_F(CompositionTest, OverrideValuesAreTypedLikeYaml) {
  YamlDocument document = parse("run: {name: x}\n");
  Diagnostics diagnostics;
  apply_override(document, "run.horizon=30d", diagnostics);
  apply_override(document, "run.replications=7", diagnostics);
  apply_override(document, "run.confidence=0.9", diagnostics);
  apply_override(document, "run.description=yes", diagnostics);
  apply_override(document, "run.start={date: 2026-03-02, weekday: monday}", diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.to_string();
  EXPECT_EQ(document.value["run"]["horizon"], "30d");
  EXPECT_EQ(document.value["run"]["replications"], 7);
  EXPECT_EQ(document.value["run"]["confidence"], 0.9);
  EXPECT_EQ(document.value["run"]["description"], "yes");  // YAML 1.2: not a boolean
  EXPECT_EQ(document.value["run"]["start"]["weekday"], "monday");
  apply_override(document, "no_equals_sign", diagnostics);
  apply_override(document, "=5", diagnostics);
  EXPECT_EQ(diagnostics.size(), 2U);
  EXPECT_THAT(diagnostics.to_string(), HasSubstr("expected key.path=value"));
}

TEST_F(CompositionTest, SweepIsACartesianProductInWrittenOrder) {
  const YamlDocument document = parse(
      "run: {name: x, seed: 1}\n"
      "services: [{id: a, priority: 1}]\n"
      "variants: {urgent: {services: [{id: a, priority: 0}]}}\n"
      "sweep: {run.seed: [1, 2, 3], services.a.priority: [0, 5]}\n");
  Diagnostics diagnostics;
  const auto base = expand_runs(document, "", false, diagnostics);
  ASSERT_EQ(base.size(), 6U) << diagnostics.to_string();
  EXPECT_EQ(base[0].label, "base, sweep run.seed=1, services.a.priority=0");
  EXPECT_EQ(base[1].label, "base, sweep run.seed=1, services.a.priority=5");
  EXPECT_EQ(base[5].label, "base, sweep run.seed=3, services.a.priority=5");
  EXPECT_EQ(base[5].document.value["run"]["seed"], 3);
  EXPECT_FALSE(base[0].document.value.contains("sweep"));
  EXPECT_FALSE(base[0].document.value.contains("variants"));
  // The value's location is the sweep entry it came from.
  EXPECT_EQ(base[1].document.locations.find("/services/0/priority").line, 4);

  const auto all = expand_runs(document, "", true, diagnostics);
  EXPECT_EQ(all.size(), 12U);
  const auto urgent = expand_runs(document, "urgent", false, diagnostics);
  ASSERT_EQ(urgent.size(), 6U);
  EXPECT_EQ(urgent[0].label, "variant urgent, sweep run.seed=1, services.a.priority=0");
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.to_string();
}

TEST_F(CompositionTest, VariantOverridesMergeAndUnknownVariantIsReported) {
  const YamlDocument document = parse(
      "run: {name: x, horizon: 1h}\n"
      "services: [{id: a, priority: 1}, {id: b, priority: 1}]\n"
      "variants:\n"
      "  night: {run: {horizon: 8h}, services: [{id: b, priority: 0}]}\n");
  Diagnostics diagnostics;
  const auto night = expand_runs(document, "night", false, diagnostics);
  ASSERT_EQ(night.size(), 1U);
  EXPECT_EQ(night[0].document.value["run"]["horizon"], "8h");
  EXPECT_EQ(night[0].document.value["run"]["name"], "x");
  EXPECT_EQ(night[0].document.value["services"][0]["priority"], 1);
  EXPECT_EQ(night[0].document.value["services"][1]["priority"], 0);
  EXPECT_EQ(night[0].document.locations.find("/run/horizon").line, 4);

  EXPECT_TRUE(expand_runs(document, "day", false, diagnostics).empty());
  EXPECT_THAT(diagnostics.to_string(), HasSubstr("no variant 'day' (expected one of: night)"));
}

// An override or a variant that does not exist must not hide a mistake in the file as written:
// the file is checked before the overrides are applied, and before the variant is looked up.
TEST_F(CompositionTest, OverridesAndUnknownVariantsDoNotHideMistakesInTheFile) {
  const std::string path = write("plain.yaml",
                                 "run: {name: x, horizon: banana, seed: 1}\n"
                                 "facilities:\n"
                                 "  community_centres:\n"
                                 "    - {id: c, name: C, rooms: [{type: health, staff: 1}]}\n"
                                 "services:\n"
                                 "  - {id: s, name: S, list: public, channel: centre_room,\n"
                                 "     room: health, demand: [{rate: 1/h}],\n"
                                 "     duration: {dist: exponential, mean: 10min}}\n");
  for (const LoadOptions& options :
       {LoadOptions{{}, "", false, {}}, LoadOptions{{"run.horizon=1h"}, "", false, {}},
        LoadOptions{{"run.replications=3", "run.seed=7"}, "", false, {}},
        LoadOptions{{}, "nope", false, {}}}) {
    Diagnostics diagnostics;
    EXPECT_FALSE(load_scenario_runs(path, options, diagnostics).has_value());
    EXPECT_THAT(diagnostics.to_string(), HasSubstr("plain.yaml:1:25: run.horizon: 'banana'"))
        << "overrides: " << options.overrides.size() << ", variant: '" << options.variant << "'";
  }
  // The same file corrected loads, with the override applied.
  const std::string fixed = write("fixed.yaml", "extends: plain.yaml\nrun: {horizon: 2h}\n");
  Diagnostics diagnostics;
  const auto runs =
      load_scenario_runs(fixed, LoadOptions{{"run.horizon=1h"}, "", false, {}}, diagnostics);
  ASSERT_TRUE(runs.has_value()) << diagnostics.to_string();
  EXPECT_DOUBLE_EQ(runs->front().scenario.run.horizon, 60.0);
}

// A file checked again because an override changes it must say about its mistakes what it says
// when checked once: the same messages, and none of valijson's own ("Failed to validate ...").
TEST_F(CompositionTest, AnOverrideDoesNotAddValidatorTextToTheFilesMistakes) {
  const std::string path = write("staff.yaml",
                                 "run: {name: x, horizon: 1h, seed: 1}\n"
                                 "facilities:\n"
                                 "  community_centres:\n"
                                 "    - {id: c, rooms: [{type: health, staff: three}]}\n"
                                 "services:\n"
                                 "  - {id: s, list: public, channel: centre_room, room: health,\n"
                                 "     demand: [{rate: 1/h}], duration: {dist: exponential, mean: "
                                 "10min}}\n");
  Diagnostics plain;
  EXPECT_FALSE(load_scenario_runs(path, {}, plain).has_value());
  LoadOptions with_options;
  with_options.option_overrides = {{"--replications", "run.replications=1"}};
  Diagnostics overridden;
  EXPECT_FALSE(load_scenario_runs(path, with_options, overridden).has_value());
  EXPECT_EQ(overridden.to_string(), plain.to_string());
  EXPECT_THAT(overridden.to_string(), Not(HasSubstr("Failed to")));
}

// --replications stands for run.replications=N: a problem applying it names --replications,
// which the user typed, not --set, which they did not.
TEST_F(CompositionTest, AnOptionsOverrideProblemNamesTheOption) {
  const std::string path = write("run-five.yaml",
                                 "run: 5\n"
                                 "facilities:\n"
                                 "  community_centres:\n"
                                 "    - {id: c, rooms: [{type: health, staff: 1}]}\n"
                                 "services:\n"
                                 "  - {id: s, list: public, channel: centre_room, room: health,\n"
                                 "     demand: [{rate: 1/h}], duration: {dist: exponential, mean: "
                                 "10min}}\n");
  LoadOptions options;
  options.option_overrides = {{"--replications", "run.replications=1"}};
  Diagnostics diagnostics;
  EXPECT_FALSE(load_scenario_runs(path, options, diagnostics).has_value());
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text, HasSubstr("run-five.yaml:1:6: run: invalid value, got 5 (expected object)"));
  EXPECT_THAT(text, HasSubstr("--replications: run.replications: 'replications' cannot be set"));
  EXPECT_THAT(text, Not(HasSubstr("--set")));
}

}  // namespace
}  // namespace circlesim::scenario
