// Reads a YAML scenario file into a JSON tree (what the schema check and the model builder work
// on) and remembers where every value and key came from, so that later checks can point at the
// exact line and column. Scalars are typed by the YAML 1.2 core schema, not YAML 1.1: `yes`,
// `on` and `off` stay strings, so a room named `on` is not silently turned into `true`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/scenario/diagnostics.hpp"

namespace circlesim::scenario {

// Where each value of a document came from, by JSON pointer ("/services/2/duration/mean"; "" is
// the root). Each entry keeps its own file name, so maps of documents merged from several files
// (extends) still point at the right file.
class SourceMap {
 public:
  void set(const std::string& pointer, SourceLocation where);
  // The location of `pointer`, or of its nearest ancestor that has one (for keys the schema says
  // are missing), or {file,0,0}.
  [[nodiscard]] SourceLocation find(const std::string& pointer) const;
  // Location of the KEY of a mapping entry (for unknown-key messages), if recorded; else
  // find(pointer).
  [[nodiscard]] SourceLocation find_key(const std::string& pointer) const;
  void set_key(const std::string& pointer, SourceLocation where);
  [[nodiscard]] const std::string& file() const { return file_; }
  void set_file(std::string file) { file_ = std::move(file); }

 private:
  std::string file_;
  std::unordered_map<std::string, SourceLocation> values_;
  std::unordered_map<std::string, SourceLocation> keys_;
};

struct YamlDocument {
  nlohmann::json value;
  SourceMap locations;
};

// Reads `path`. On failure returns std::nullopt and adds diagnostics (never throws for bad
// input). Columns count characters (Unicode code points), not bytes, from 1.
std::optional<YamlDocument> load_yaml_file(const std::string& path, Diagnostics& diagnostics);
// Same for text already in memory; `file_name` is used in locations and messages.
std::optional<YamlDocument> load_yaml_text(std::string_view text, const std::string& file_name,
                                           Diagnostics& diagnostics);

// "/services/2/duration" -> "services.2.duration" (JSON-pointer unescaping of ~0 ~1 too).
std::string pointer_to_key_path(const std::string& pointer);
// One key as a JSON-pointer token: "~" -> "~0", "/" -> "~1".
std::string escape_pointer_token(std::string_view key);
// "run.trace.level" -> {"run", "trace", "level"} (empty steps are kept, for callers to report).
std::vector<std::string> split_key_path(const std::string& key_path);

}  // namespace circlesim::scenario
