// Tests for app/trace_inputs: the exit codes for a missing or unreadable input and for
// TraceReader's errors, which files count as complete traces, and the provenance read from a
// real trace.
#include "app/trace_inputs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/command_failure.hpp"
#include "sim/trace/hdf5_trace_writer.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::app {
namespace {

namespace fs = std::filesystem;

class TraceInputsTest : public ScratchDirTest {
 protected:
  // A complete trace at `path` whose resolved scenario is `resolved` (JSON, as the loader stores
  // it).
  void write_trace(const fs::path& path, const std::string& resolved) {
    sim::trace::Hdf5TraceWriter writer(path, sim::trace::WriterOptions{});
    sim::trace::Provenance provenance;
    provenance.scenario_name = "inputs";
    provenance.variant = "baseline";
    provenance.replication = 4;
    provenance.master_seed = 17;
    provenance.resolved_yaml = resolved;
    writer.begin(provenance);
    writer.finish(sim::trace::TraceStatus::kComplete, 0);
  }

  void touch(const fs::path& path) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "x";
  }

  // The exit code CommandFailure carries out of `f`; 0 when nothing is thrown.
  template <class F>
  int failure_code(F f) {
    try {
      f();
    } catch (const CommandFailure& e) {
      last_message_ = e.what();
      return e.code();
    }
    return 0;
  }

  std::string last_message_;
};

TEST_F(TraceInputsTest, MissingInputIs66AndNamesAPartFile) {
  const fs::path missing = dir_ / "rep-0000.h5";
  EXPECT_EQ(failure_code([&] { (void)input_status(missing); }), kExitNoInput);
  EXPECT_EQ(last_message_, missing.string() + ": cannot open: no such file or directory");
  touch(dir_ / "rep-0000.h5.part");
  EXPECT_EQ(failure_code([&] { (void)input_status(missing); }), kExitNoInput);
  EXPECT_NE(last_message_.find("rep-0000.h5.part: exists: that run is still going"),
            std::string::npos);
  EXPECT_TRUE(fs::is_directory(input_status(dir_)));
}

TEST_F(TraceInputsTest, FindsCompleteTracesAndSkipsPartFiles) {
  touch(dir_ / "campaign.h5");
  touch(dir_ / "a" / "rep-0001.h5");
  touch(dir_ / "a" / "rep-0000.h5");
  touch(dir_ / "a" / "rep-0002.h5.part");
  touch(dir_ / "a" / "notes.txt");
  touch(dir_ / "b" / "rep-0000.h5");
  std::vector<std::string> notes;
  const auto note = [&](const std::string& text) { notes.push_back(text); };

  const TraceFiles below = find_trace_files(dir_, /*recursive=*/true, note);
  EXPECT_EQ(below.complete,
            (std::vector<fs::path>{dir_ / "a" / "rep-0000.h5", dir_ / "a" / "rep-0001.h5",
                                   dir_ / "b" / "rep-0000.h5"}));
  EXPECT_EQ(below.partial, 1u);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], (dir_ / "a" / "rep-0002.h5.part").string() +
                          ": skipped: not complete (.part: a run still going or interrupted)");

  // Directly in the directory only; campaign.h5 links replications and is none of them.
  EXPECT_TRUE(find_trace_files(dir_, /*recursive=*/false, note).complete.empty());
  EXPECT_EQ(find_trace_files(dir_ / "b", /*recursive=*/false, note).complete,
            (std::vector<fs::path>{dir_ / "b" / "rep-0000.h5"}));
}

TEST_F(TraceInputsTest, UnreadableDirectoryIs74) {
  const auto ignore = [](const std::string&) {};
  EXPECT_EQ(failure_code([&] { (void)find_trace_files(dir_ / "none", false, ignore); }),
            kExitIoError);
  EXPECT_NE(last_message_.find("cannot read directory"), std::string::npos);
}

TEST_F(TraceInputsTest, NotATraceIs65AndUnreadableIs74) {
  EXPECT_EQ(exit_code_of(sim::trace::TraceIoError("x.h5: not an HDF5 file")), kExitDataError);
  EXPECT_EQ(exit_code_of(sim::trace::TraceIoError("x.h5: not a circlesim trace")), kExitDataError);
  EXPECT_EQ(exit_code_of(sim::trace::TraceIoError("x.h5: unsupported format_version 9")),
            kExitDataError);
  EXPECT_EQ(exit_code_of(sim::trace::TraceIoError("x.h5: cannot open: permission denied")),
            kExitIoError);
  // And from a real file that is not HDF5.
  touch(dir_ / "text.h5");
  try {
    const analysis::TraceReader reader(dir_ / "text.h5");
    ADD_FAILURE() << "opened a text file as a trace";
  } catch (const sim::trace::TraceIoError& e) {
    EXPECT_EQ(exit_code_of(e), kExitDataError) << e.what();
  }
}

TEST_F(TraceInputsTest, ReadsProvenanceAndTheRunsConfidence) {
  write_trace(dir_ / "rep-0004.h5", R"({"run": {"name": "inputs", "confidence": 0.9}})");
  const analysis::TraceReader reader(dir_ / "rep-0004.h5");
  EXPECT_EQ(text_attribute(reader, "scenario_name"), "inputs");
  EXPECT_EQ(text_attribute(reader, "replication"), "4");
  EXPECT_EQ(text_attribute(reader, "no_such_attribute"), "");
  EXPECT_EQ(integer_attribute(reader, "master_seed"), 17);
  EXPECT_EQ(integer_attribute(reader, "scenario_name"), std::nullopt);  // text, not a number
  EXPECT_EQ(stored_confidence(reader), 0.9);
}

TEST_F(TraceInputsTest, NoConfidenceOutsideTheOpenUnitInterval) {
  write_trace(dir_ / "one.h5", R"({"run": {"confidence": 1.0}})");
  write_trace(dir_ / "none.h5", R"({"run": {"name": "x"}})");
  write_trace(dir_ / "yaml.h5", "run:\n  confidence: 0.9\n");  // not JSON: not read
  EXPECT_EQ(stored_confidence(analysis::TraceReader(dir_ / "one.h5")), std::nullopt);
  EXPECT_EQ(stored_confidence(analysis::TraceReader(dir_ / "none.h5")), std::nullopt);
  EXPECT_EQ(stored_confidence(analysis::TraceReader(dir_ / "yaml.h5")), std::nullopt);
}

}  // namespace
}  // namespace circlesim::app
