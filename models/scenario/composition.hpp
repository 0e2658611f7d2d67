// How scenario files combine: `extends` (a file builds on another), `variants` (named sets of
// overrides), `sweep` (a cartesian product of values) and `--set key.path=value`. All of it works
// on documents (JSON trees with their source locations) before anything is typed, so that every
// later check still points at the file and line a value came from.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// Reads `path` and, through `extends`, every file it builds on (paths relative to the file that
// names them), merged base first. A cycle, or a file that cannot be read, is a diagnostic.
std::optional<YamlDocument> load_composed(const std::string& path, Diagnostics& diagnostics);

// Deep merge, the rule of extends and variants: mappings merge key by key; lists whose items all
// have an `id` merge item by item (same id: merged, new id: appended); anything else in
// `overlay` replaces what `base` had. Source locations follow the values.
void merge_into(YamlDocument& base, const nlohmann::json& overlay, const SourceMap& overlay_map,
                const std::string& overlay_pointer = "");

// Sets the value at a dotted key path ("run.horizon", "services.counter.duration.mean": list
// items by id, by index, or for rooms by type), creating mappings on the way. Returns false, with a
// diagnostic at `where`, when the path crosses a value that is not a mapping or names a missing
// list item.
bool set_key_path(YamlDocument& document, const std::string& key_path, const nlohmann::json& value,
                  const SourceLocation& where, Diagnostics& diagnostics);

// Applies one --set "key.path=value"; the value is read as a YAML scalar or flow collection, so
// `30d` stays a string and `7` is an integer. A problem is reported at `option`, the command-line
// option the override came from.
void apply_override(YamlDocument& document, const std::string& text, Diagnostics& diagnostics,
                    const std::string& option = "--set");

// One concrete scenario a file stands for.
struct ComposedRun {
  std::string label;  // "base", "variant night_shift", "sweep run.seed=2, ..."
  YamlDocument document;
  std::string variant = "baseline";  // the variant's name, or "baseline"
  int sweep_point = -1;              // index of the sweep point; -1 without a sweep
};

// The runs of a composed document: the base (or the named variant; every variant too when
// `all_variants`), each multiplied by the sweep's points. `variants` and `sweep` are removed from
// each run's document. An unknown variant name is a diagnostic.
std::vector<ComposedRun> expand_runs(const YamlDocument& document, const std::string& variant,
                                     bool all_variants, Diagnostics& diagnostics);

}  // namespace circlesim::scenario
