// Every scenario shipped under scenarios/ validates, with all its variants and sweep points: an
// example that does not load is a broken promise to the people who copy it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"

namespace circlesim::scenario {
namespace {

std::vector<std::filesystem::path> shipped_scenarios() {
  const std::filesystem::path root =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
      "scenarios";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ShippedScenarios, EveryFileValidatesWithAllItsVariants) {
  const std::vector<std::filesystem::path> files = shipped_scenarios();
  ASSERT_GE(files.size(), 17U) << "the validation and example scenarios were not found";
  for (const std::filesystem::path& file : files) {
    Diagnostics diagnostics;
    LoadOptions options;
    options.all_variants = true;
    const auto runs = load_scenario_runs(file.string(), options, diagnostics);
    EXPECT_TRUE(runs.has_value()) << diagnostics.to_string();
    if (runs) {
      EXPECT_FALSE(runs->empty()) << file;
    }
  }
}

TEST(ShippedScenarios, EveryFileNamesTheSchemaForEditors) {
  for (const std::filesystem::path& file : shipped_scenarios()) {
    std::ifstream in(file);
    std::string first_line;
    std::getline(in, first_line);
    EXPECT_EQ(first_line, "# yaml-language-server: $schema=../schema/circlesim.schema.json")
        << file;
  }
}

}  // namespace
}  // namespace circlesim::scenario
