#include "models/scenario/schema_reference.hpp"

#include <fmt/format.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace circlesim::scenario {

namespace {

using nlohmann::json;

constexpr std::string_view kDefinitionPrefix = "#/definitions/";

// Far deeper than any scenario shape; it only stops a schema whose definitions refer to
// themselves from recursing forever.
constexpr int kMaxDepth = 32;

struct Row {
  std::string path;
  std::string type;
  std::string default_value;
  std::string allowed;
  std::string description;
};

struct Example {
  std::string path;
  std::string text;
};

// One table cell: on one line, with pipes escaped, since GitHub ends a cell at a bare pipe even
// inside backticks (descriptions of units such as `s|sec` contain them).
std::string cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string code(std::string_view text) {
  // A value containing a backtick needs a longer fence, padded so it may start with one.
  if (text.find('`') != std::string_view::npos) return fmt::format("`` {} ``", text);
  return fmt::format("`{}`", text);
}

// A value as a scenario author writes it: strings without quotes (YAML needs none for these),
// everything else as compact JSON (also valid YAML).
std::string value_text(const json& value) {
  if (!value.is_string()) return value.dump();
  const std::string& text = value.get_ref<const std::string&>();
  return text.empty() ? "\"\"" : text;  // an empty code span would not show at all
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

void add_unique(std::vector<std::string>& list, std::string item) {
  for (const std::string& existing : list) {
    if (existing == item) return;
  }
  list.push_back(std::move(item));
}

bool is_scalar(const json& value) { return !value.is_object() && !value.is_array(); }

// The first sentence, for the table of contents.
std::string first_sentence(const std::string& text) {
  const std::size_t end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

class ReferenceWriter {
 public:
  explicit ReferenceWriter(const json& schema) : schema_(schema) {}

  std::string write() const {
    std::string out;
    write_introduction(out);
    if (schema_.contains("properties")) {
      const json& properties = schema_["properties"];
      for (const auto& [key, node] : properties.items()) {
        write_section(key, node, is_required(schema_, key), out);
      }
    }
    write_definitions(out);
    return out;
  }

 private:
  // "duration" for {"$ref": "#/definitions/duration"}; empty for anything else.
  static std::string ref_name(const json& node) {
    if (!node.is_object() || !node.contains("$ref") || !node["$ref"].is_string()) return {};
    const std::string& ref = node["$ref"].get_ref<const std::string&>();
    if (ref.rfind(kDefinitionPrefix, 0) != 0) return {};
    return ref.substr(kDefinitionPrefix.size());
  }

  const json* definition(const std::string& name) const {
    if (!schema_.contains("definitions") || !schema_["definitions"].contains(name)) return nullptr;
    return &schema_["definitions"][name];
  }

  // The node a reference stands for (the node itself when it is not a reference, or refers
  // outside the definitions).
  const json& resolve(const json& node) const {
    const json* current = &node;
    for (int depth = 0; depth < kMaxDepth; ++depth) {
      const std::string name = ref_name(*current);
      const json* target = name.empty() ? nullptr : definition(name);
      if (target == nullptr) break;
      current = target;
    }
    return *current;
  }

  // An annotation of the node itself, else of the definition it refers to: a reference's
  // siblings (description, default) say what the value means in this place.
  const json* annotation(const json& node, const char* key) const {
    if (node.is_object() && node.contains(key)) return &node[key];
    const json& target = resolve(node);
    if (target.is_object() && target.contains(key)) return &target[key];
    return nullptr;
  }

  static bool is_required(const json& parent, const std::string& key) {
    if (!parent.contains("required") || !parent["required"].is_array()) return false;
    for (const json& name : parent["required"]) {
      if (name.is_string() && name.get<std::string>() == key) return true;
    }
    return false;
  }

  // A shape whose keys depend on one of its values (if/then on `dist`) cannot be listed as one
  // set of key paths; it is described once, under Definitions, and linked from the tables.
  static bool is_conditional(const json& node) {
    if (!node.is_object() || !node.contains("allOf")) return false;
    for (const json& branch : node["allOf"]) {
      if (branch.is_object() && branch.contains("if")) return true;
    }
    return false;
  }

  // The placeholder for the keys of a mapping: `<id>` when its keys are ids, and so on.
  static std::string key_placeholder(const json& node) {
    std::string name = node.contains("propertyNames") ? ref_name(node["propertyNames"]) : "";
    if (name.empty()) name = "key";
    return "<" + name + ">";
  }

  std::string type_text(const json& node, int depth) const {
    if (depth > kMaxDepth) return "...";
    if (node.is_boolean()) return node.get<bool>() ? "any" : "nothing";
    if (!node.is_object()) return "any";
    if (const std::string name = ref_name(node); !name.empty()) {
      return fmt::format("[{}](#{})", name, name);
    }
    if (node.contains("type")) {
      const json& type = node["type"];
      if (type.is_string()) return type_name(type.get<std::string>(), node, depth);
      std::vector<std::string> names;
      for (const json& t : type) add_unique(names, type_name(t.get<std::string>(), node, depth));
      return join(names, " or ");
    }
    if (node.contains("const")) return code(value_text(node["const"]));
    if (node.contains("enum") && !node["enum"].empty()) return json_type(node["enum"].front());
    for (const char* combinator : {"oneOf", "anyOf"}) {
      if (!node.contains(combinator)) continue;
      std::vector<std::string> names;
      for (const json& branch : node[combinator]) add_unique(names, type_text(branch, depth + 1));
      return join(names, " or ");
    }
    if (node.contains("allOf")) {
      for (const json& branch : node["allOf"]) {
        std::string text = type_text(branch, depth + 1);
        if (text != "any") return text;
      }
    }
    return "any";
  }

  std::string type_name(const std::string& name, const json& node, int depth) const {
    if (name == "array" && node.contains("items") && node["items"].is_object()) {
      return "array of " + type_text(node["items"], depth + 1);
    }
    if (name == "object" && node.contains("additionalProperties") &&
        node["additionalProperties"].is_object()) {
      return fmt::format("mapping of {} to {}", code(key_placeholder(node)),
                         type_text(node["additionalProperties"], depth + 1));
    }
    return name;
  }

  static std::string json_type(const json& value) {
    if (value.is_string()) return "string";
    if (value.is_boolean()) return "boolean";
    if (value.is_number_integer()) return "integer";
    if (value.is_number()) return "number";
    return value.is_array() ? "array" : "object";
  }

  static std::string range_text(const json& node) {
    const bool has_min = node.contains("minimum");
    const bool has_max = node.contains("maximum");
    if (has_min && has_max) {
      return fmt::format("{} to {}", node["minimum"].dump(), node["maximum"].dump());
    }
    std::vector<std::string> parts;
    if (has_min) parts.push_back(">= " + node["minimum"].dump());
    if (node.contains("exclusiveMinimum")) parts.push_back("> " + node["exclusiveMinimum"].dump());
    if (has_max) parts.push_back("<= " + node["maximum"].dump());
    if (node.contains("exclusiveMaximum")) parts.push_back("< " + node["exclusiveMaximum"].dump());
    return join(parts, ", ");
  }

  static std::string count_text(const json& node) {
    const auto count = [](const json& n) { return n.get<long long>(); };
    const auto items = [](long long n) { return fmt::format("{} item{}", n, n == 1 ? "" : "s"); };
    const bool has_min = node.contains("minItems");
    const bool has_max = node.contains("maxItems");
    std::string text;
    if (has_min && has_max && node["minItems"] == node["maxItems"]) {
      text = "exactly " + items(count(node["minItems"]));
    } else {
      std::vector<std::string> parts;
      if (has_min && count(node["minItems"]) > 0) {
        parts.push_back("at least " + items(count(node["minItems"])));
      }
      if (has_max) parts.push_back("at most " + items(count(node["maxItems"])));
      text = join(parts, ", ");
    }
    if (node.value("uniqueItems", false)) text = join({text, "no repeats"}, ", ");
    return text;
  }

  static std::string examples_text(const json& examples) {
    std::vector<std::string> parts;
    for (const json& example : examples) {
      if (is_scalar(example)) parts.push_back(code(value_text(example)));
    }
    return parts.empty() ? "" : "e.g. " + join(parts, ", ");
  }

  // Constraints on the value, in words. Patterns are long and cryptic: tables show examples
  // instead when there are any, and never a definition's pattern (the type links to it).
  std::string allowed_text(const json& node, int depth) const {
    if (depth > kMaxDepth || !node.is_object()) return {};
    const json& target = resolve(node);
    std::vector<std::string> parts;
    if (target.contains("enum")) {
      std::vector<std::string> values;
      for (const json& value : target["enum"]) values.push_back(code(value_text(value)));
      parts.push_back("one of " + join(values, ", "));
    }
    if (target.contains("const")) parts.push_back(code(value_text(target["const"])));
    parts.push_back(range_text(target));
    parts.push_back(count_text(target));
    if (target.contains("items") && target["items"].is_object()) {
      const std::string items = allowed_text(target["items"], depth + 1);
      if (!items.empty()) parts.push_back("items: " + items);
    }
    for (const char* combinator : {"oneOf", "anyOf"}) {
      if (!target.contains(combinator)) continue;
      std::vector<std::string> branches;
      for (const json& branch : target[combinator]) {
        add_unique(branches, allowed_text(branch, depth + 1));
      }
      parts.push_back(join(branches, " or "));
    }
    const json* examples = annotation(node, "examples");
    const std::string example_text = examples == nullptr ? "" : examples_text(*examples);
    const bool own_pattern = ref_name(node).empty();
    if (target.contains("pattern") && own_pattern && example_text.empty()) {
      parts.push_back("pattern " + code(value_text(target["pattern"])));
    }
    parts.push_back(example_text);
    return join(parts, "; ");
  }

  Row make_row(const json& node, std::string path, bool required) const {
    Row row;
    row.path = std::move(path);
    row.type = type_text(node, 0);
    if (required) {
      row.default_value = "*required*";
    } else if (const json* value = annotation(node, "default")) {
      row.default_value = code(value_text(*value));
    }
    row.allowed = allowed_text(node, 0);
    if (const json* text = annotation(node, "description"); text != nullptr && text->is_string()) {
      row.description = text->get<std::string>();
    }
    return row;
  }

  struct Collected {
    std::vector<Row> rows;
    std::vector<Example> examples;
    std::set<std::string> paths;  // a key reached through several branches is listed once
  };

  void add_row(const json& node, const std::string& path, bool required, Collected& out) const {
    if (!out.paths.insert(path).second) return;
    out.rows.push_back(make_row(node, path, required));
    // Structured examples do not fit a table cell; they follow the table.
    if (node.is_object() && node.contains("examples")) {
      for (const json& example : node["examples"]) {
        if (!is_scalar(example)) out.examples.push_back({path, example.dump()});
      }
    }
  }

  // The rows below `node` (not `node` itself), references followed. `also_required` holds keys
  // that a sibling branch of an allOf requires ({"allOf": [{"$ref": ...}, {"required": [...]}]}
  // makes a key optional elsewhere required here).
  void expand(const json& node, const std::string& path, Collected& out, int depth,
              const std::set<std::string>& also_required = {}) const {
    if (depth > kMaxDepth || !node.is_object()) return;
    const json& target = resolve(node);
    if (!ref_name(node).empty() && is_conditional(target)) return;
    if (!target.is_object()) return;
    if (target.contains("properties")) {
      for (const auto& [key, child] : target["properties"].items()) {
        const std::string child_path = path.empty() ? key : path + "." + key;
        add_row(child, child_path, is_required(target, key) || also_required.count(key) > 0, out);
        expand(child, child_path, out, depth + 1);
      }
    }
    if (target.contains("items") && target["items"].is_object()) {
      expand(target["items"], path + "[]", out, depth + 1);
    }
    if (target.contains("additionalProperties") && target["additionalProperties"].is_object()) {
      const std::string child_path = path + "." + key_placeholder(target);
      add_row(target["additionalProperties"], child_path, false, out);
      expand(target["additionalProperties"], child_path, out, depth + 1);
    }
    if (target.contains("allOf")) {
      std::set<std::string> required = also_required;
      for (const json& branch : target["allOf"]) {
        if (!branch.is_object() || !branch.contains("required")) continue;
        for (const json& key : branch["required"]) required.insert(key.get<std::string>());
      }
      for (const json& branch : target["allOf"]) expand(branch, path, out, depth + 1, required);
    }
    for (const char* combinator : {"anyOf", "oneOf"}) {
      if (!target.contains(combinator)) continue;
      for (const json& branch : target[combinator]) expand(branch, path, out, depth + 1);
    }
  }

  static void write_table(const Collected& collected, std::string& out) {
    if (collected.rows.empty()) return;
    out += "| key | type | default | allowed | description |\n";
    out += "|---|---|---|---|---|\n";
    for (const Row& row : collected.rows) {
      out += fmt::format("| {} | {} | {} | {} | {} |\n", cell(code(row.path)), cell(row.type),
                         cell(row.default_value), cell(row.allowed), cell(row.description));
    }
    out += "\n";
    if (collected.examples.empty()) return;
    out += "Examples:\n\n";
    for (const Example& example : collected.examples) {
      out += fmt::format("- {}: {}\n", code(example.path), code(example.text));
    }
    out += "\n";
  }

  void write_introduction(std::string& out) const {
    out += "# Scenario file reference\n\n";
    out +=
        "<!-- Generated from scenarios/schema/circlesim.schema.json by "
        "circlesim::scenario::schema_reference_markdown (models/scenario/schema_reference.cpp). "
        "Do not edit by hand: the unit test ScenarioSchema.ReferenceIsUpToDate fails when this "
        "file is out of date and says how to regenerate it. -->\n\n";
    if (const json* text = annotation(schema_, "description")) out += value_text(*text) + "\n\n";
    out += "## How to read this page\n\n";
    out +=
        "A scenario is one YAML document (JSON, a subset of YAML, works too). Start it with "
        "`# yaml-language-server: $schema=../schema/circlesim.schema.json` and editors complete "
        "and check it as you type. Keys not listed here are errors, so a misspelled key is "
        "caught rather than ignored.\n\n";
    out +=
        "Each section below covers one top-level key, with a row for every key path beneath "
        "it: `run.trace.level` is the key `level` inside `trace` inside `run`; `[]` stands for "
        "each item of a list (`services[].duration`), and `<id>` or `<day_type>` for a key you "
        "choose in a mapping (`calendar.day_types.<id>.dates`). A type written as a link is a "
        "shape described under [Definitions](#definitions). The default is what a key left "
        "out means; *required* keys have none. Several descriptions also state a default that "
        "depends on other keys.\n\n";
    out +=
        "Quantities carry their unit and are written as strings; a bare number is refused "
        "where a unit is needed, since a missing unit is an easy factor-of-60 mistake. "
        "Durations: `90s`, `15min`, `2h`, `3d`, `1w`. Rates: `162/h`, `12/day`, "
        "`4/year per 1000 residents`. Distances: `500m`, `1.2km`. Speeds: `1.2m/s`, `5km/h`, "
        "`80m/min`. Clock times are `HH:MM`, dates `YYYY-MM-DD`.\n\n";
    out +=
        "Scenarios compose. `extends` names a base scenario that this one is deep-merged onto "
        "(mappings merge, lists of objects with an `id` merge by `id`, other values replace). "
        "`variants` are named sets of overrides, `sweep` runs every combination of the values "
        "listed for some key paths, and on the command line `--set key.path=value` applies one "
        "override with the same key paths, list items named by index or by `id` (`--set "
        "run.replications=20`, `--set services.counselling.duration.mean=20min`).\n\n";
    if (schema_.contains("examples")) {
      out += "A small complete scenario (as JSON, which is also YAML):\n\n";
      for (const json& example : schema_["examples"]) {
        out += "```json\n" + example.dump(2) + "\n```\n\n";
      }
    }
    out += "## Contents\n\n";
    if (schema_.contains("properties")) {
      for (const auto& [key, node] : schema_["properties"].items()) {
        const json* text = annotation(node, "description");
        out += fmt::format("- [{}](#{}){}\n", code(key), key,
                           text == nullptr ? "" : ": " + first_sentence(value_text(*text)));
      }
    }
    out += "- [Definitions](#definitions): shapes used in several places.\n\n";
  }

  void write_section(const std::string& key, const json& node, bool required,
                     std::string& out) const {
    out += fmt::format("## {}\n\n", code(key));
    if (const json* text = annotation(node, "description")) out += value_text(*text) + "\n\n";
    Collected collected;
    add_row(node, key, required, collected);
    expand(node, key, collected, 0);
    write_table(collected, out);
  }

  void write_definitions(std::string& out) const {
    out += "## Definitions\n\n";
    out += "Shapes used in several places; the tables above link to them.\n\n";
    if (!schema_.contains("definitions")) return;
    for (const auto& [name, node] : schema_["definitions"].items()) {
      out += fmt::format("### {}\n\n", code(name));
      if (const json* text = annotation(node, "description")) out += value_text(*text) + "\n\n";
      out += fmt::format("- Type: {}\n", type_text(node, 0));
      // The definition's own pattern and examples are listed in full here, once.
      std::vector<std::string> constraints;
      if (node.contains("enum")) {
        std::vector<std::string> values;
        for (const json& value : node["enum"]) values.push_back(code(value_text(value)));
        constraints.push_back("one of " + join(values, ", "));
      }
      constraints.push_back(range_text(node));
      constraints.push_back(count_text(node));
      if (const std::string allowed = join(constraints, "; "); !allowed.empty()) {
        out += fmt::format("- Allowed: {}\n", allowed);
      }
      if (node.contains("pattern")) {
        out += fmt::format("- Pattern: {}\n", code(value_text(node["pattern"])));
      }
      if (node.contains("examples")) {
        std::vector<std::string> examples;
        for (const json& example : node["examples"]) {
          examples.push_back(code(is_scalar(example) ? value_text(example) : example.dump()));
        }
        out += fmt::format("- Examples: {}\n", join(examples, ", "));
      }
      out += "\n";
      Collected collected;
      expand_definition(node, name, collected);
      write_table(collected, out);
      write_conditionals(node, out);
    }
  }

  // Like expand, but a conditional definition's own common keys are listed too.
  void expand_definition(const json& node, const std::string& name, Collected& out) const {
    if (!is_conditional(node)) {
      expand(node, name, out, 0);
      return;
    }
    json common = node;
    common.erase("allOf");
    expand(common, name, out, 0);
  }

  // For if/then branches keyed on one value: which keys each value requires.
  static void write_conditionals(const json& node, std::string& out) {
    if (!is_conditional(node)) return;
    std::vector<std::string> lines;
    std::string selector;
    for (const json& branch : node["allOf"]) {
      if (!branch.contains("if") || !branch.contains("then")) continue;
      const json& condition = branch["if"];
      const json& then = branch["then"];
      if (!condition.contains("properties")) continue;
      for (const auto& [key, test] : condition["properties"].items()) {
        if (!test.contains("const")) continue;
        selector = key;
        std::vector<std::string> needed;
        if (then.contains("required")) {
          for (const json& required : then["required"]) {
            if (required.get<std::string>() != key) needed.push_back(code(value_text(required)));
          }
        }
        std::string description;
        if (then.contains("properties") && then["properties"].contains(key)) {
          description = then["properties"][key].value("description", "");
        }
        lines.push_back(fmt::format("| {} | {} | {} |\n", cell(code(value_text(test["const"]))),
                                    cell(join(needed, ", ")), cell(description)));
      }
    }
    if (lines.empty()) return;
    out += fmt::format(
        "Keys by {}: each value requires exactly the keys listed (any other key is an "
        "error).\n\n",
        code(selector));
    out += fmt::format("| {} | keys | meaning |\n|---|---|---|\n", code(selector));
    for (const std::string& line : lines) out += line;
    out += "\n";
  }

  const json& schema_;
};

}  // namespace

std::string schema_reference_markdown(const nlohmann::json& schema) {
  return ReferenceWriter(schema).write();
}

}  // namespace circlesim::scenario
