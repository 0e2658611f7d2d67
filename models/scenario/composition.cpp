#include "models/scenario/composition.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <set>

namespace circlesim::scenario {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxExtendsDepth = 32;
constexpr std::size_t kMaxSweepRuns = 10'000;

// Copies the locations of `value` (at `from` in `source`) and of everything below it to `to`.
void copy_locations(const json& value, const SourceMap& source, const std::string& from,
                    SourceMap& target, const std::string& to) {
  target.set(to, source.find(from));
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      const std::string token = "/" + escape_pointer_token(key);
      target.set_key(to + token, source.find_key(from + token));
      copy_locations(child, source, from + token, target, to + token);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string token = "/" + std::to_string(i);
      copy_locations(value[i], source, from + token, target, to + token);
    }
  }
}

bool is_id_list(const json& value) {
  if (!value.is_array() || value.empty()) return false;
  for (const json& item : value) {
    if (!item.is_object() || !item.contains("id") || !item["id"].is_string()) return false;
  }
  return true;
}

void merge_value(json& target, SourceMap& target_map, const std::string& target_pointer,
                 const json& overlay, const SourceMap& overlay_map,
                 const std::string& overlay_pointer) {
  if (target.is_object() && overlay.is_object()) {
    for (const auto& [key, child] : overlay.items()) {
      const std::string token = "/" + escape_pointer_token(key);
      if (target.contains(key)) {
        merge_value(target[key], target_map, target_pointer + token, child, overlay_map,
                    overlay_pointer + token);
      } else {
        target[key] = child;
        target_map.set_key(target_pointer + token, overlay_map.find_key(overlay_pointer + token));
        copy_locations(child, overlay_map, overlay_pointer + token, target_map,
                       target_pointer + token);
      }
    }
    return;
  }
  if (is_id_list(target) && is_id_list(overlay)) {
    for (std::size_t i = 0; i < overlay.size(); ++i) {
      const std::string from = overlay_pointer + "/" + std::to_string(i);
      std::size_t index = target.size();
      for (std::size_t j = 0; j < target.size(); ++j) {
        if (target[j]["id"] == overlay[i]["id"]) index = j;
      }
      const std::string to = target_pointer + "/" + std::to_string(index);
      if (index < target.size()) {
        merge_value(target[index], target_map, to, overlay[i], overlay_map, from);
      } else {
        target.push_back(overlay[i]);
        copy_locations(overlay[i], overlay_map, from, target_map, to);
      }
    }
    return;
  }
  target = overlay;
  copy_locations(overlay, overlay_map, overlay_pointer, target_map, target_pointer);
}

std::optional<YamlDocument> load_chain(const std::filesystem::path& path,
                                       std::vector<std::string>& chain, Diagnostics& diagnostics) {
  std::optional<YamlDocument> document = load_yaml_file(path.string(), diagnostics);
  if (!document || !document->value.is_object() || !document->value.contains("extends")) {
    return document;
  }
  const json& extends = document->value["extends"];
  const SourceLocation where = document->locations.find("/extends");
  if (!extends.is_string()) return document;  // the schema check reports the type
  const std::filesystem::path base_path =
      (path.parent_path() / extends.get<std::string>()).lexically_normal();
  std::error_code ignored;
  const std::string key = std::filesystem::weakly_canonical(base_path, ignored).string();
  chain.push_back(std::filesystem::weakly_canonical(path, ignored).string());
  if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
    std::string cycle;
    for (const std::string& file : chain)
      cycle += std::filesystem::path(file).filename().string() + " -> ";
    diagnostics.add(where, "extends",
                    fmt::format("extends forms a cycle: {}{} (expected a chain of files that "
                                "ends in one without extends)",
                                cycle, base_path.filename().string()));
    return std::nullopt;
  }
  if (chain.size() > kMaxExtendsDepth) {
    diagnostics.add(where, "extends",
                    fmt::format("extends is nested more than {} files deep", kMaxExtendsDepth));
    return std::nullopt;
  }
  Diagnostics base_problems;
  std::optional<YamlDocument> base = load_chain(base_path, chain, base_problems);
  chain.pop_back();
  if (!base) {
    // Say which extends line led to the base's problems, then the problems themselves.
    diagnostics.add(where, "extends",
                    fmt::format("cannot use the base scenario '{}'", extends.get<std::string>()));
    diagnostics.append(base_problems);
    return std::nullopt;
  }
  diagnostics.append(base_problems);
  json overlay = document->value;
  overlay.erase("extends");
  base->value.erase("extends");
  merge_into(*base, overlay, document->locations);
  base->locations.set_file(document->locations.file());
  return base;
}

std::string describe(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::optional<YamlDocument> load_composed(const std::string& path, Diagnostics& diagnostics) {
  std::vector<std::string> chain;
  return load_chain(path, chain, diagnostics);
}

void merge_into(YamlDocument& base, const json& overlay, const SourceMap& overlay_map,
                const std::string& overlay_pointer) {
  merge_value(base.value, base.locations, "", overlay, overlay_map, overlay_pointer);
}

bool set_key_path(YamlDocument& document, const std::string& key_path, const json& value,
                  const SourceLocation& where, Diagnostics& diagnostics) {
  json* node = &document.value;
  std::string pointer;
  for (const std::string& token : split_key_path(key_path)) {
    if (token.empty()) {
      diagnostics.add(where, key_path, "empty step in the key path (expected e.g. run.horizon)");
      return false;
    }
    if (node->is_array()) {
      std::size_t index = node->size();
      for (std::size_t i = 0; i < node->size(); ++i) {
        // Items are named by id; rooms, which have none, by their type.
        const json& item = (*node)[i];
        if (item.is_object() && (item.value("id", "") == token ||
                                 (!item.contains("id") && item.value("type", "") == token))) {
          index = i;
        }
      }
      if (index == node->size() && token.find_first_not_of("0123456789") == std::string::npos &&
          token.size() < 10) {
        index = std::stoul(token);
      }
      if (index >= node->size()) {
        diagnostics.add(where, key_path,
                        fmt::format("no list item '{}' (expected an id or an index below {})",
                                    token, node->size()));
        return false;
      }
      node = &(*node)[index];
      pointer += "/" + std::to_string(index);
    } else if (node->is_object() || node->is_null()) {
      if (node->is_null()) *node = json::object();
      const bool created = !node->contains(token);
      node = &(*node)[token];
      pointer += "/" + escape_pointer_token(token);
      // A key the path creates is written where the path is: a problem with it (an unknown
      // key) points there, not at the top of the file.
      if (created) document.locations.set_key(pointer, where);
    } else {
      diagnostics.add(where, key_path,
                      fmt::format("'{}' cannot be set: its parent is a single value, not a "
                                  "mapping or list",
                                  token));
      return false;
    }
  }
  *node = value;
  SourceMap detached;  // the value came from the command line or a sweep: its own place
  detached.set("", where);
  copy_locations(value, detached, "", document.locations, pointer);
  return true;
}

void apply_override(YamlDocument& document, const std::string& text, Diagnostics& diagnostics,
                    const std::string& option) {
  const SourceLocation where{option, 0, 0};
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    diagnostics.add(where, "", fmt::format("expected key.path=value, got '{}'", text));
    return;
  }
  const std::string key_path = text.substr(0, equals);
  Diagnostics value_problems;
  const auto parsed = load_yaml_text(fmt::format("value: {}", text.substr(equals + 1)),
                                     option + " " + key_path, value_problems);
  if (!parsed) {
    diagnostics.add(where, key_path,
                    fmt::format("cannot read the value '{}'", text.substr(equals + 1)));
    return;
  }
  set_key_path(document, key_path, parsed->value["value"], where, diagnostics);
}

std::vector<ComposedRun> expand_runs(const YamlDocument& document, const std::string& variant,
                                     bool all_variants, Diagnostics& diagnostics) {
  YamlDocument base = document;
  json variants = json::object();
  json sweep = json::object();
  if (base.value.is_object()) {
    if (base.value.contains("variants") && base.value["variants"].is_object()) {
      variants = base.value["variants"];
    }
    if (base.value.contains("sweep") && base.value["sweep"].is_object()) {
      sweep = base.value["sweep"];
    }
    base.value.erase("variants");
    base.value.erase("sweep");
  }

  std::vector<ComposedRun> chosen;
  if (!variant.empty()) {
    if (!variants.contains(variant)) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : variants.items()) names.push_back(name);
      diagnostics.add(
          document.locations.find(names.empty() ? "" : "/variants"), "variants",
          fmt::format("no variant '{}' (expected one of: {})", variant,
                      names.empty() ? "none defined" : fmt::format("{}", fmt::join(names, ", "))));
      return {};
    }
  } else {
    chosen.push_back({"base", base});
  }
  for (const auto& [name, overrides] : variants.items()) {
    if (!all_variants && name != variant) continue;
    ComposedRun run{"variant " + name, base, name};
    merge_into(run.document, overrides, document.locations,
               "/variants/" + escape_pointer_token(name));
    chosen.push_back(std::move(run));
  }

  // The sweep's points, in the order the keys and values are written.
  std::vector<std::pair<std::string, const json*>> axes;
  std::size_t points = 1;
  for (const auto& [key_path, values] : sweep.items()) {
    if (!values.is_array() || values.empty()) continue;  // reported by the schema check
    axes.emplace_back(key_path, &values);
    points *= values.size();
    if (points > kMaxSweepRuns) {
      diagnostics.add(document.locations.find("/sweep"), "sweep",
                      fmt::format("the sweep makes more than {} runs", kMaxSweepRuns));
      return {};
    }
  }
  if (axes.empty()) return chosen;
  std::vector<ComposedRun> runs;
  for (const ComposedRun& start : chosen) {
    for (std::size_t point = 0; point < points; ++point) {
      ComposedRun run = start;
      std::size_t rest = point;
      std::vector<std::string> parts;
      // The last key varies fastest, like nested loops written in order.
      std::vector<std::size_t> indices(axes.size());
      for (std::size_t a = axes.size(); a-- > 0;) {
        indices[a] = rest % axes[a].second->size();
        rest /= axes[a].second->size();
      }
      bool ok = true;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const json& value = (*axes[a].second)[indices[a]];
        const std::string pointer =
            "/sweep/" + escape_pointer_token(axes[a].first) + "/" + std::to_string(indices[a]);
        ok = set_key_path(run.document, axes[a].first, value, document.locations.find(pointer),
                          diagnostics) &&
             ok;
        parts.push_back(fmt::format("{}={}", axes[a].first, describe(value)));
      }
      if (!ok) return {};
      run.label = fmt::format("{}, sweep {}", start.label, fmt::join(parts, ", "));
      run.sweep_point = static_cast<int>(point);
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

}  // namespace circlesim::scenario
