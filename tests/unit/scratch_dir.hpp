// A scratch folder per test (named after the test and the run's seed), removed when the test
// ends: for tests that write scenario files and tables to load them.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace circlesim {

class ScratchDirTest : public testing::Test {
 protected:
  void SetUp() override {
    const testing::UnitTest& unit = *testing::UnitTest::GetInstance();
    dir_ = std::filesystem::temp_directory_path() /
           ("circlesim_" + std::string(unit.current_test_info()->test_suite_name()) + "_" +
            std::to_string(unit.random_seed()) + "_" + unit.current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to `name` in the folder and returns its path.
  std::string write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

}  // namespace circlesim
