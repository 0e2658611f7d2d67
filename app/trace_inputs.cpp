// Finding and reading the traces of summarize and compare (trace_inputs.hpp).
#include "app/trace_inputs.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <string_view>
#include <system_error>
#include <variant>

#include "app/command_failure.hpp"

namespace circlesim::app {

namespace {

namespace fs = std::filesystem;
using analysis::TraceReader;
using Json = nlohmann::ordered_json;

template <class DirectoryIterator>
TraceFiles collect_trace_files(const fs::path& directory, const NoteFunction& note) {
  TraceFiles found;
  std::error_code error;
  DirectoryIterator it(directory, error);
  for (; !error && it != DirectoryIterator(); it.increment(error)) {
    std::error_code type_error;
    if (!it->is_regular_file(type_error)) continue;
    const std::string file_name = it->path().filename().string();
    if (file_name.ends_with(".h5.part")) {
      note(fmt::format("{}: skipped: not complete (.part: a run still going or interrupted)",
                       it->path().string()));
      ++found.partial;
    } else if (it->path().extension() == ".h5" && file_name != "campaign.h5") {
      found.complete.push_back(it->path());
    }
  }
  if (error) {
    throw CommandFailure(kExitIoError, fmt::format("{}: cannot read directory: {}",
                                                   directory.string(), error.message()));
  }
  std::sort(found.complete.begin(), found.complete.end());
  return found;
}

}  // namespace

fs::file_status input_status(const fs::path& input) {
  std::error_code error;
  const fs::file_status status = fs::status(input, error);
  if (fs::exists(status)) return status;
  if (error && error != std::errc::no_such_file_or_directory) {
    throw CommandFailure(kExitIoError,
                         fmt::format("{}: cannot open: {}", input.string(), error.message()));
  }
  std::string message = fmt::format("{}: cannot open: no such file or directory", input.string());
  if (fs::exists(input.string() + ".part", error)) {
    message += fmt::format("\n{}.part: exists: that run is still going or was interrupted",
                           input.string());
  }
  throw CommandFailure(kExitNoInput, message);
}

TraceFiles find_trace_files(const fs::path& directory, bool recursive, const NoteFunction& note) {
  return recursive ? collect_trace_files<fs::recursive_directory_iterator>(directory, note)
                   : collect_trace_files<fs::directory_iterator>(directory, note);
}

int exit_code_of(const sim::trace::TraceIoError& e) {
  constexpr std::array<std::string_view, 3> kNotATrace{"not an HDF5 file", "not a circlesim trace",
                                                       "unsupported format_version"};
  const std::string_view message = e.what();
  for (const std::string_view phrase : kNotATrace) {
    if (message.find(phrase) != std::string_view::npos) return kExitDataError;
  }
  return kExitIoError;
}

std::string text_attribute(const TraceReader& reader, const std::string& name) {
  const auto value = reader.attribute(name);
  if (!value) return {};
  return std::visit([](const auto& v) { return fmt::format("{}", v); }, *value);
}

std::optional<std::int64_t> integer_attribute(const TraceReader& reader, const std::string& name) {
  const auto value = reader.attribute(name);
  if (!value) return std::nullopt;
  if (const auto* number = std::get_if<std::int64_t>(&*value)) return *number;
  return std::nullopt;
}

std::optional<double> stored_confidence(const TraceReader& reader) {
  std::optional<double> level;
  if (const auto attribute = reader.attribute("confidence")) {
    if (const auto* number = std::get_if<double>(&*attribute)) level = *number;
  }
  if (!level) {
    std::string resolved_text;
    try {
      resolved_text = reader.resolved_yaml();
    } catch (const sim::trace::TraceIoError&) {
      return std::nullopt;  // a trace without /scenario still has scalars worth reading
    }
    const Json resolved = Json::parse(resolved_text, nullptr, /*allow_exceptions=*/false);
    if (resolved.is_object() && resolved.contains("run") && resolved["run"].is_object()) {
      const Json& run = resolved["run"];
      if (run.contains("confidence") && run["confidence"].is_number()) {
        level = run["confidence"].get<double>();
      }
    }
  }
  if (level && !(*level > 0.0 && *level < 1.0)) return std::nullopt;
  return level;
}

}  // namespace circlesim::app
