// What the commands that read a run's traces (summarize, compare) share: checking the input path,
// finding the complete traces of a directory, exit codes for TraceReader's errors, and the
// provenance attributes they read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/trace_reader.hpp"

namespace circlesim::app {

// Prints a note on stderr; each command puts its own name before the text.
using NoteFunction = std::function<void(const std::string&)>;

// The status of the path a command was given. Throws CommandFailure: 66 when it does not exist
// (also naming `input`.part when that exists: a run still going or interrupted), 74 when it
// cannot be examined.
[[nodiscard]] std::filesystem::file_status input_status(const std::filesystem::path& input);

struct TraceFiles {
  std::vector<std::filesystem::path> complete;  // sorted
  std::size_t partial = 0;                      // .h5.part files skipped
};

// The complete traces (*.h5) in `directory`, or with `recursive` anywhere below it; campaign.h5,
// which links a batch's replications (DESIGN.md section 5), is not one of them. Each .h5.part file
// is passed to `note` as skipped. Throws CommandFailure 74 when a directory cannot be read.
[[nodiscard]] TraceFiles find_trace_files(const std::filesystem::path& directory, bool recursive,
                                          const NoteFunction& note);

// TraceReader reports every problem as one error type; its wording tells a file that is not a
// trace at all (65, bad input data) from one that cannot be read (74).
[[nodiscard]] int exit_code_of(const sim::trace::TraceIoError& e);

// A root attribute as text (numbers formatted), empty when absent.
[[nodiscard]] std::string text_attribute(const analysis::TraceReader& reader,
                                         const std::string& name);
// A root attribute stored as an integer; nullopt when absent or of another type.
[[nodiscard]] std::optional<std::int64_t> integer_attribute(const analysis::TraceReader& reader,
                                                            const std::string& name);

// The run's confidence level as the trace stores it: a root attribute `confidence` if a later
// writer adds one, else `run.confidence` of the resolved scenario (JSON); nullopt when neither
// gives a level in (0, 1).
[[nodiscard]] std::optional<double> stored_confidence(const analysis::TraceReader& reader);

}  // namespace circlesim::app
