// Tests for analysis/campaign: a replication trace digested in one reading, and a run summarised
// the same whatever order its replications were digested in (workers and ranks finish in any
// order), labelled by its first replication.
#include "analysis/campaign.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/trace/hdf5_handle.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::analysis {
namespace {

class CampaignTest : public ScratchDirTest {
 protected:
  // A complete trace of replication `replication`: its services named after it, one mean wait.
  std::filesystem::path write_trace(std::int64_t replication, double mean_wait) {
    const std::filesystem::path path = dir_ / fmt::format("rep-{:04d}.h5", replication);
    sim::trace::Hdf5TraceWriter writer(path, sim::trace::WriterOptions{});
    sim::trace::Provenance provenance;
    provenance.scenario_name = "campaign";
    provenance.resolved_yaml = "run: {}\n";
    provenance.replication = replication;
    writer.begin(provenance);
    writer.write_lookup("services", {fmt::format("gp-of-{}", replication)});
    writer.write_scalars(
        std::vector<sim::trace::ScalarRecord>{{"mean_wait", "service", 0, mean_wait, "min"}});
    writer.finish(sim::trace::TraceStatus::kComplete, 0);
    return path;
  }

  CampaignRun run_of(const std::vector<std::int64_t>& order) {
    CampaignRun run{"baseline", "baseline", -1, {}};
    for (const std::int64_t replication : order) {
      run.replications.push_back(digest_replication(
          write_trace(replication, 1.0 + 0.37 * static_cast<double>(replication * replication)),
          0));
    }
    return run;
  }
};

TEST_F(CampaignTest, DigestReadsTheReplicationItsScalarsAndItsLabels) {
  ReplicationDigest digest = digest_replication(write_trace(3, 4.5), 0);
  EXPECT_EQ(digest.replication, 3);
  ASSERT_EQ(digest.scalars.size(), 1U);
  EXPECT_EQ(digest.scalars[0].name, "mean_wait");
  EXPECT_EQ(digest.scalars[0].value, 4.5);
  EXPECT_EQ(digest.labels.label("service", 0), "gp-of-3");
  EXPECT_FALSE(digest.warmup.has_value());  // no queue-length series
}

TEST_F(CampaignTest, WarmupSeriesEndsWithTheRunNotWithAWholeLastInterval) {
  // 50 rows of 7 min from time 0, and a run of 345 min: the last row covers 2 min, not 7, so
  // the series holds 49 whole intervals (9 batches of 5), not 50 (10 batches).
  const std::filesystem::path path = dir_ / "rep-0000.h5";
  sim::trace::Hdf5TraceWriter writer(path, sim::trace::WriterOptions{});
  sim::trace::Provenance provenance;
  provenance.scenario_name = "campaign";
  provenance.resolved_yaml = "run: {}\n";
  provenance.horizon = 345.0;
  writer.begin(provenance);
  writer.write_lookup("rooms", {"desk"});
  sim::trace::TimeSeries series{"queue_length", "people", "rooms", "time_average", 7.0, {}, 1, {}};
  for (int row = 0; row < 50; ++row) {
    series.times.push_back(7.0 * row);
    series.values.push_back(row < 10 ? 10.0 - row : 1.0);
  }
  writer.write_timeseries(series);
  writer.finish(sim::trace::TraceStatus::kComplete, 345.0);
  const ReplicationDigest digest = digest_replication(path, 7.0);
  ASSERT_TRUE(digest.warmup.has_value());
  EXPECT_EQ(digest.warmup->averaging, 7.0);
  EXPECT_EQ(digest.warmup->batches, 9U);
}

TEST_F(CampaignTest, DigestOfAFileThatIsNoTraceNamesIt) {
  const std::filesystem::path missing = dir_ / "rep-0009.h5";
  try {
    (void)digest_replication(missing, 0);
    FAIL() << "expected TraceIoError";
  } catch (const sim::trace::TraceIoError& e) {
    EXPECT_NE(std::string(e.what()).find("rep-0009.h5"), std::string::npos) << e.what();
  }
}

TEST_F(CampaignTest, SummaryDoesNotDependOnTheOrderOfDigests) {
  const auto in_order = summarize_campaign({run_of({0, 1, 2, 3})}, 0.95);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  const auto shuffled = summarize_campaign({run_of({2, 0, 3, 1})}, 0.95);
  ASSERT_EQ(in_order.size(), 1U);
  ASSERT_EQ(shuffled.size(), 1U);
  EXPECT_EQ(shuffled[0].replications, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(shuffled[0].traces, in_order[0].traces);
  EXPECT_TRUE(std::is_sorted(shuffled[0].traces.begin(), shuffled[0].traces.end()));
  ASSERT_EQ(shuffled[0].measures.size(), 1U);
  const auto& a = in_order[0].measures[0].stats;
  const auto& b = shuffled[0].measures[0].stats;
  // Bit for bit: the same values added in the same order.
  EXPECT_EQ(a.n, 4U);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.sd, b.sd);
  EXPECT_EQ(a.ci_low, b.ci_low);
  EXPECT_EQ(a.ci_high, b.ci_high);
  EXPECT_EQ(shuffled[0].labels, (std::vector<std::string>{"gp-of-0"}));  // the first replication
}

TEST_F(CampaignTest, ARunWithoutReplicationsHasNoMeasures) {
  const auto summaries = summarize_campaign({CampaignRun{"empty", "empty", -1, {}}}, 0.95);
  ASSERT_EQ(summaries.size(), 1U);
  EXPECT_TRUE(summaries[0].measures.empty());
  EXPECT_TRUE(summaries[0].replications.empty());
  EXPECT_TRUE(summaries[0].labels.empty());
}

// The campaign's string columns: fixed-length UTF-8, as wide as the longest value in bytes,
// zero-padded; every value reads back whole (multi-byte characters included).
TEST_F(CampaignTest, FixedStringColumnsReadBackWithTheirWidthAndEncoding) {
  const std::filesystem::path path = dir_ / "strings.h5";
  const std::vector<std::string> values = {"baseline", "", "café-über", "x"};
  {
    const sim::trace::Hid file = sim::trace::make_file(
        H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "creating");
    sim::trace::write_fixed_string_list(file.get(), "names", values);
    sim::trace::write_fixed_string_list(file.get(), "none", {});
  }
  const sim::trace::Hid file =
      sim::trace::make_file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening");
  const sim::trace::Hid dataset =
      sim::trace::make_dataset(H5Dopen2(file.get(), "names", H5P_DEFAULT), "names");
  const sim::trace::Hid type = sim::trace::make_type(H5Dget_type(dataset.get()), "type");
  EXPECT_FALSE(H5Tis_variable_str(type.get()));
  EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8);
  const std::size_t width = H5Tget_size(type.get());
  EXPECT_EQ(width, std::string("café-über").size());  // bytes, not characters
  std::vector<char> raw(values.size() * width);
  ASSERT_GE(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string read(raw.data() + i * width, width);
    read.erase(read.find_last_not_of('\0') + 1);
    EXPECT_EQ(read, values[i]) << "row " << i;
  }
  const sim::trace::Hid none =
      sim::trace::make_dataset(H5Dopen2(file.get(), "none", H5P_DEFAULT), "none");
  const sim::trace::Hid space = sim::trace::make_space(H5Dget_space(none.get()), "space");
  EXPECT_EQ(H5Sget_simple_extent_npoints(space.get()), 0);
}

}  // namespace
}  // namespace circlesim::analysis
