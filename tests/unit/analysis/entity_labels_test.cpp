// Tests for analysis/entity_labels: ids named from a real trace's /lookup tables, the plural and
// -ies forms of the kinds, numbers where there is no table or name, and names that outlive the
// reader.
#include "analysis/entity_labels.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/trace/hdf5_trace_writer.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::analysis {
namespace {

class EntityLabelsTest : public ScratchDirTest {
 protected:
  // A complete trace with lookup tables for services, facilities and staff.
  std::filesystem::path write_trace() {
    const std::filesystem::path path = dir_ / "rep-0000.h5";
    sim::trace::Hdf5TraceWriter writer(path, sim::trace::WriterOptions{});
    sim::trace::Provenance provenance;
    provenance.scenario_name = "labels";
    provenance.resolved_yaml = "run: {}\n";
    writer.begin(provenance);
    writer.write_lookup("services", {"gp", "dentist"});
    writer.write_lookup("facilities", {"north", "south", "east"});
    writer.write_lookup("staff", {"nurse"});
    writer.write_scalars(
        std::vector<sim::trace::ScalarRecord>{{"mean_wait", "service", 1, 2.5, "min"}});
    writer.finish(sim::trace::TraceStatus::kComplete, 0);
    return path;
  }
};

TEST_F(EntityLabelsTest, NamesIdsFromTheTableOfTheirKind) {
  const TraceReader reader(write_trace());
  EntityLabels labels(reader);
  EXPECT_EQ(labels.label("service", 0), "gp");
  EXPECT_EQ(labels.label("service", 1), "dentist");
  EXPECT_EQ(labels.label("facility", 2), "east");  // facility -> facilities
  EXPECT_EQ(labels.label("staff", 0), "nurse");    // the kind itself
  EXPECT_EQ(labels.label("service", 0), "gp");     // again, from the remembered table
}

TEST_F(EntityLabelsTest, ShowsTheNumberWithoutATableOrAName) {
  const TraceReader reader(write_trace());
  EntityLabels labels(reader);
  EXPECT_EQ(labels.label("run", 0), "0");
  EXPECT_EQ(labels.label("room", 7), "7");
  EXPECT_EQ(labels.label("service", 2), "2");  // past the end of "services"
  EXPECT_EQ(labels.label("", 3), "3");
}

TEST_F(EntityLabelsTest, OutlivesTheReaderAndCopies) {
  std::optional<EntityLabels> kept;
  {
    const TraceReader reader(write_trace());
    kept.emplace(reader);
    EXPECT_EQ(kept->label("facility", 0), "north");  // fills the remembered table
  }
  EntityLabels copy = *kept;
  kept.reset();
  EXPECT_EQ(copy.label("facility", 0), "north");
  EXPECT_EQ(copy.label("service", 1), "dentist");
}

TEST(EntityLabels, WithoutATraceEveryIdIsItsNumber) {
  EntityLabels labels;
  EXPECT_EQ(labels.label("service", 4), "4");
}

}  // namespace
}  // namespace circlesim::analysis
