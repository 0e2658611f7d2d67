// Tests for app/output_table: the number formats of summarize and compare (terminal, CSV, JSON)
// and the per-entity table, whose columns line up over every section and whose note column
// appears only when some row has a note.
#include "app/output_table.hpp"
#include "tests/unit/test_constants.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <string>

namespace circlesim::app {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

TEST(OutputTable, NumbersForTheTerminal) {
  EXPECT_EQ(table_number(1.0 / 3.0), "0.333333");
  EXPECT_EQ(table_number(1234567.0), "1.23457e+06");
  EXPECT_EQ(table_number(kNaN), "-");
  EXPECT_EQ(percent(0.95), "95%");
  EXPECT_EQ(percent(0.999), "99.9%");
}

TEST(OutputTable, CsvQuotesOnlyWhatItMust) {
  EXPECT_EQ(csv_field("gp"), "gp");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_number(0.1), "0.1");  // shortest round trip, not 0.10000000000000001
  EXPECT_EQ(csv_number(kNaN), "");
}

TEST(OutputTable, JsonHasNoNaNOrInfinity) {
  EXPECT_TRUE(json_number(kNaN).is_null());
  EXPECT_TRUE(json_number(-kInfinity).is_null());
  EXPECT_EQ(json_number(2.5).dump(), "2.5");
}

std::string printed(const EntityTable& table) {
  testing::internal::CaptureStdout();
  table.print();
  std::fflush(stdout);
  return testing::internal::GetCapturedStdout();
}

TEST(OutputTable, SectionsPerEntityAlignedOverAll) {
  EntityTable table({"kpi", "n", "note"}, {false, true, false});
  table.add_row("service", {"mean_wait", "10", ""});
  table.add_row("room", {"utilisation", "9", ""});
  table.add_row("service", {"p90_wait", "1000", ""});
  EXPECT_EQ(printed(table),
            "\nservice\n"
            "  kpi            n\n"
            "  mean_wait     10\n"
            "  p90_wait    1000\n"
            "\nroom\n"
            "  kpi            n\n"
            "  utilisation    9\n");
}

TEST(OutputTable, NoteColumnWhenSomeRowHasANote) {
  EntityTable table({"kpi", "n", "note"}, {false, true, false});
  table.add_row("run", {"served", "5", ""});
  table.add_row("run", {"wait", "4", "1 NaN left out"});
  EXPECT_EQ(printed(table),
            "\nrun\n"
            "  kpi    n note\n"
            "  served 5\n"
            "  wait   4 1 NaN left out\n");
}

}  // namespace
}  // namespace circlesim::app
