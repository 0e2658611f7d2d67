// Tests for TraceSink::write_table in the HDF5 writer and TraceReader::table: a table makes a
// round trip through a real file unchanged (column order, names, values bit for bit, attributes),
// with and without compression, empty or nested; bad tables are refused with their name; traces
// without a table (every trace before tables existed) still read.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "analysis/trace_reader.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"
#include "tests/unit/test_constants.hpp"

namespace circlesim::analysis {
namespace {

namespace fs = std::filesystem;
using sim::trace::Hdf5TraceWriter;
using sim::trace::Provenance;
using sim::trace::Table;
using sim::trace::TableAttribute;
using sim::trace::TraceIoError;
using sim::trace::TraceLevel;
using sim::trace::TraceStatus;
using sim::trace::WriterOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TableTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("circlesim-table-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  [[nodiscard]] WriterOptions options() const {
    WriterOptions o;
    o.level = TraceLevel::kSummary;
    o.compression = GetParam();
    return o;
  }
  static Provenance provenance() {
    Provenance p;
    p.scenario_name = "tables";
    p.variant = "baseline";
    return p;
  }
  fs::path dir_;
};

// Many rows (so that a compressed table is chunked), values that a lossy path would change, and
// column names in no particular order with '.', '/' and '-' in them.
Table make_grids(std::size_t rows) {
  Table t;
  t.columns = {{"y_m", {}}, {"x_m", {}}, {"reach.community_centre/health.elderly-60", {}}};
  for (std::size_t r = 0; r < rows; ++r) {
    const auto k = static_cast<double>(r);
    t.columns[0].values.push_back(1.0 / (k + 3.0));
    t.columns[1].values.push_back(-1000.5 * k);
    t.columns[2].values.push_back(static_cast<double>(r % 2));
  }
  t.columns[0].values[1] = kNaN;
  t.columns[0].values[2] = -0.0;
  t.columns[1].values[3] = 5e-324;            // smallest subnormal
  t.columns[1].values[4] = 9007199254740992;  // 2^53: ids stay exact
  t.attributes["unit"] = std::string("m");
  t.attributes["travel_target"] = 15.0;
  t.attributes["note"] = std::string("Zürich, café");
  return t;
}

void expect_same(const Table& read, const Table& written) {
  ASSERT_EQ(read.columns.size(), written.columns.size());
  for (std::size_t c = 0; c < written.columns.size(); ++c) {
    EXPECT_EQ(read.columns[c].name, written.columns[c].name);
    ASSERT_EQ(read.columns[c].values.size(), written.columns[c].values.size());
    for (std::size_t r = 0; r < written.columns[c].values.size(); ++r) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(read.columns[c].values[r]),
                std::bit_cast<std::uint64_t>(written.columns[c].values[r]))
          << written.columns[c].name << " row " << r;
    }
  }
  EXPECT_EQ(read.attributes, written.attributes);
}

TEST_P(TableTest, RoundTripKeepsOrderValuesAndAttributes) {
  const fs::path path = dir_ / "rep-0000.h5";
  const Table grids = make_grids(1000);  // 24 kB: chunked and deflated when compressing
  Table places;
  places.columns = {{"kind", {0, 2, 4}}, {"capacity", {3, 6, 1}}};
  {
    Hdf5TraceWriter writer(path, options());
    writer.begin(provenance());
    writer.write_table("geography/grids", grids);
    writer.write_table("geography/facilities", places);
    writer.write_table("extra", places);  // a table at the top level
    writer.finish(TraceStatus::kComplete, 0);
  }
  const TraceReader reader(path);
  ASSERT_TRUE(reader.has_table("geography/grids"));
  expect_same(reader.table("geography/grids"), grids);
  expect_same(reader.table("geography/facilities"), places);
  expect_same(reader.table("extra"), places);
  EXPECT_EQ(reader.table("geography/grids").column("x_m")->values[4], 9007199254740992.0);
  EXPECT_EQ(reader.table("geography/grids").column("nope"), nullptr);
  // A table is a dataset like any other: inspect lists it with its size.
  bool listed = false;
  for (const DatasetInfo& info : reader.datasets()) {
    if (info.path == "/geography/grids") {
      listed = true;
      EXPECT_EQ(info.rows, 1000U);
      EXPECT_EQ(info.element_bytes, 3 * sizeof(double));
      if (GetParam() > 0) {
        EXPECT_LT(info.storage_bytes, info.logical_bytes);
      }
    }
  }
  EXPECT_TRUE(listed);
}

// Compressed arrays are written chunk by chunk, already deflated (as HDF5's filters would store
// them): several chunks of about 1 MiB, the last one partial, must read back bit for bit.
TEST_P(TableTest, ATableOfSeveralChunksRoundTrips) {
  const fs::path path = dir_ / "rep-0000.h5";
  const Table grids = make_grids(100'001);  // 2.4 MB in chunks of 43,690 rows: 3, the last partial
  {
    Hdf5TraceWriter writer(path, options());
    writer.begin(provenance());
    writer.write_table("geography/grids", grids);
    writer.finish(TraceStatus::kComplete, 0);
  }
  const TraceReader reader(path);
  expect_same(reader.table("geography/grids"), grids);
}

TEST_P(TableTest, AnEmptyTableKeepsItsColumns) {
  const fs::path path = dir_ / "rep-0000.h5";
  Table empty;
  empty.columns = {{"b", {}}, {"a", {}}};
  {
    Hdf5TraceWriter writer(path, options());
    writer.begin(provenance());
    writer.write_table("geography/grids", empty);
    writer.finish(TraceStatus::kComplete, 0);
  }
  const Table read = TraceReader(path).table("geography/grids");
  ASSERT_EQ(read.columns.size(), 2U);
  EXPECT_EQ(read.columns[0].name, "b");
  EXPECT_EQ(read.columns[1].name, "a");
  EXPECT_EQ(read.rows(), 0U);
}

TEST_P(TableTest, BadTablesAreRefusedWithTheirNameAndTheTraceStillCompletes) {
  const fs::path path = dir_ / "rep-0000.h5";
  Table good;
  good.columns = {{"a", {1, 2}}};
  Table ragged;
  ragged.columns = {{"a", {1, 2}}, {"b", {1}}};
  Table twice;
  twice.columns = {{"a", {1}}, {"a", {2}}};
  Table unnamed;
  unnamed.columns = {{"", {1}}};
  Hdf5TraceWriter writer(path, options());
  writer.begin(provenance());
  auto refused = [&](const std::string& name, const Table& table, const std::string& why) {
    try {
      writer.write_table(name, table);
      ADD_FAILURE() << name << " was not refused";
    } catch (const TraceIoError& e) {
      EXPECT_THAT(e.what(), HasSubstr("table '" + name + "'"));
      EXPECT_THAT(e.what(), HasSubstr(why));
    }
  };
  refused("scalars/mine", good, "/scalars is reserved");
  refused("lookup", good, "/lookup is reserved");
  refused("geography//grids", good, "non-empty parts");
  refused("/geography", good, "non-empty parts");
  refused("geography/", good, "non-empty parts");
  refused("geo graphy", good, "' ' is not a letter");
  refused("geography/grids", Table{}, "no columns");
  refused("geography/grids", ragged, "column 'b' has 1 rows, column 'a' 2");
  refused("geography/grids", twice, "column 'a' appears twice");
  refused("geography/grids", unnamed, "a column without a name");
  Table wide;  // a row type beyond HDF5's 64 KiB header message
  for (int c = 0; c < 1200; ++c)
    wide.columns.push_back({"column_" + std::to_string(c) + std::string(40, 'x'), {1}});
  refused("geography/wide", wide, "1200 columns with");
  Table widest_allowed;  // just inside the limit: HDF5 takes it
  for (int c = 0; c < 600; ++c) {
    widest_allowed.columns.push_back(
        {fmt::format("reach.community_centre/convenience.group_{:03d}", c), {1}});
  }
  writer.write_table("geography/widest", widest_allowed);
  writer.write_table("geography/grids", good);
  writer.finish(TraceStatus::kComplete, 0);
  const TraceReader reader(path);
  EXPECT_THAT(reader.table("geography/grids").columns[0].values, ElementsAre(1, 2));
  EXPECT_EQ(reader.table("geography/widest").columns.size(), 600U);
  EXPECT_FALSE(reader.has_table("geography/wide"));
}

TEST_P(TableTest, TracesWithoutTablesStillRead) {
  const fs::path path = dir_ / "rep-0000.h5";
  {
    Hdf5TraceWriter writer(path, options());
    writer.begin(provenance());
    writer.write_lookup("services", {"gp"});
    writer.finish(TraceStatus::kComplete, 0);
  }
  const TraceReader reader(path);
  EXPECT_EQ(reader.format_version(), 1);  // adding tables did not change the version
  EXPECT_FALSE(reader.has_table("geography/grids"));
  EXPECT_FALSE(reader.has_table("geography"));
  try {
    (void)reader.table("geography/grids");
    ADD_FAILURE() << "reading a missing table did not throw";
  } catch (const TraceIoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no table /geography/grids"));
  }
  try {
    (void)reader.table("lookup/services");
    ADD_FAILURE() << "a string dataset was read as a table";
  } catch (const TraceIoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/lookup/services is not a table"));
  }
}

INSTANTIATE_TEST_SUITE_P(Compression, TableTest, ::testing::Values(0, 1),
                         [](const auto& param_info) {
                           return "level" + std::to_string(param_info.param);
                         });

}  // namespace
}  // namespace circlesim::analysis
