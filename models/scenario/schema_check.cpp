#include "models/scenario/schema_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <unordered_map>

#include "models/scenario/embedded_schema.hpp"
#include "models/scenario/plausibility.hpp"
#include "models/scenario/units.hpp"

#include "models/scenario/valijson.hpp"

namespace circlesim::scenario {

namespace {

using nlohmann::json;

const json& schema_json() {
  static const json schema = json::parse(embedded_schema());
  return schema;
}

const valijson::Schema& compiled_schema() {
  // valijson's Schema can be neither copied nor moved: build it in place, once.
  static const std::unique_ptr<valijson::Schema> schema = [] {
    auto compiled = std::make_unique<valijson::Schema>();
    valijson::SchemaParser parser;
    const valijson::adapters::NlohmannJsonAdapter adapter(schema_json());
    parser.populateSchema(adapter, *compiled);
    return compiled;
  }();
  return *schema;
}

using RegexCache = std::unordered_map<std::string, std::regex>;

// Every "pattern" of the schema, compiled: std::regex takes about as long to build one as
// valijson takes to check a whole small scenario, so they are built once per process, not once
// per check.
const RegexCache& schema_patterns() {
  static const RegexCache patterns = [] {
    RegexCache compiled;
    std::vector<const json*> pending{&schema_json()};
    while (!pending.empty()) {
      const json* node = pending.back();
      pending.pop_back();
      if (node->is_object() && node->contains("pattern") && (*node)["pattern"].is_string()) {
        const std::string& pattern = (*node)["pattern"].get_ref<const std::string&>();
        if (!compiled.contains(pattern)) compiled.emplace(pattern, std::regex(pattern));
      }
      if (node->is_structured()) {
        for (const json& child : *node) pending.push_back(&child);
      }
    }
    return compiled;
  }();
  return patterns;
}

// Follows a local "$ref" ("#/definitions/duration") to its target.
const json& resolve(const json& node) {
  const json* current = &node;
  for (int depth = 0; depth < 16 && current->is_object() && current->contains("$ref"); ++depth) {
    const std::string ref = (*current)["$ref"].get<std::string>();
    if (ref.rfind("#", 0) != 0) break;
    current = &schema_json().at(json::json_pointer(ref.substr(1)));
  }
  return *current;
}

// The quantity kind a schema node stands for, when it is one of the unit definitions.
std::optional<QuantityKind> quantity_kind_of(const json& node) {
  if (!node.is_object() || !node.contains("$ref")) return std::nullopt;
  static const std::map<std::string, QuantityKind> kinds = {
      {"#/definitions/duration", QuantityKind::kDuration},
      {"#/definitions/rate", QuantityKind::kRate},
      {"#/definitions/distance", QuantityKind::kDistance},
      {"#/definitions/speed", QuantityKind::kSpeed}};
  const auto found = kinds.find(node["$ref"].get<std::string>());
  if (found == kinds.end()) return std::nullopt;
  return found->second;
}

// Whether `value` satisfies a draft-07 "if" of the simple kind the schema uses: required keys
// and properties fixed by const or enum (the distribution's `dist`, for example).
bool matches_condition(const json& condition, const json& value) {
  if (!value.is_object()) return false;
  if (condition.contains("required")) {
    for (const json& key : condition["required"]) {
      if (!value.contains(key.get<std::string>())) return false;
    }
  }
  if (condition.contains("properties")) {
    for (const auto& [key, rule] : condition["properties"].items()) {
      if (!value.contains(key)) continue;
      const json& actual = value[key];
      if (rule.contains("const") && actual != rule["const"]) return false;
      if (rule.contains("enum") &&
          std::find(rule["enum"].begin(), rule["enum"].end(), actual) == rule["enum"].end()) {
        return false;
      }
    }
  }
  return true;
}

// The schema nodes that describe `value` at this point, with references resolved. `all` holds
// those the value must satisfy together (the node, allOf branches, the if-then-else branch that
// applies); `any` holds anyOf / oneOf branches, of which one is enough.
struct Alternatives {
  std::vector<const json*> all;
  std::vector<const json*> any;
};

void collect_alternatives(const json& node, const json& value, Alternatives& out,
                          bool required = true, int depth = 0) {
  const json& resolved = resolve(node);
  if (depth > 8 || !resolved.is_object()) return;
  (required ? out.all : out.any).push_back(&resolved);
  if (resolved.contains("allOf")) {
    for (const json& branch : resolved["allOf"]) {
      collect_alternatives(branch, value, out, required, depth + 1);
    }
  }
  for (const char* combinator : {"anyOf", "oneOf"}) {
    if (resolved.contains(combinator)) {
      for (const json& branch : resolved[combinator]) {
        collect_alternatives(branch, value, out, false, depth + 1);
      }
    }
  }
  if (resolved.contains("if")) {
    const char* branch = matches_condition(resolved["if"], value) ? "then" : "else";
    if (resolved.contains(branch)) {
      collect_alternatives(resolved[branch], value, out, required, depth + 1);
    }
  }
}

// Whether a schema says anything about a value beyond documenting it (the branches of an
// if-then often only re-describe a property the base schema defines).
bool constrains(const json& schema) {
  for (const auto& [key, unused] : schema.items()) {
    if (key != "description" && key != "default" && key != "examples" && key != "title") {
      return true;
    }
  }
  return false;
}

class SchemaWalker {
 public:
  SchemaWalker(const YamlDocument& document, Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics) {}

  void walk(const json& value, const json& schema_node, const std::string& pointer) {
    if (const auto kind = quantity_kind_of(schema_node)) {
      check_quantity(value, *kind, pointer);
      return;
    }
    Alternatives alternatives;
    collect_alternatives(schema_node, value, alternatives);
    if (value.is_object()) {
      walk_object(value, alternatives, pointer);
    } else if (value.is_array()) {
      for (const json* alternative : concat(alternatives)) {
        if (!alternative->contains("items")) continue;
        const json& items = (*alternative)["items"];
        for (std::size_t i = 0; i < value.size(); ++i) {
          walk(value[i], items, pointer + "/" + std::to_string(i));
        }
        break;
      }
    }
  }

  [[nodiscard]] const std::set<std::string>& reported() const { return reported_; }

 private:
  static std::vector<const json*> concat(const Alternatives& alternatives) {
    std::vector<const json*> all = alternatives.all;
    all.insert(all.end(), alternatives.any.begin(), alternatives.any.end());
    return all;
  }

  static bool lists(const json& schema, const std::string& key) {
    return schema.contains("properties") && schema["properties"].contains(key);
  }
  static bool closed(const json& schema) {
    return schema.contains("additionalProperties") && schema["additionalProperties"].is_boolean() &&
           !schema["additionalProperties"].get<bool>() && !schema.contains("patternProperties");
  }

  void walk_object(const json& value, const Alternatives& alternatives,
                   const std::string& pointer) {
    const std::vector<const json*> every = concat(alternatives);
    for (const auto& [key, child] : value.items()) {
      const std::string child_pointer = pointer + "/" + escape_pointer_token(key);
      // A key is unknown when a closed schema the value must satisfy does not list it; the
      // most specific such schema (the last one) says what is expected instead.
      const json* refusing = nullptr;
      for (const json* alternative : alternatives.all) {
        if (closed(*alternative) && !lists(*alternative, key)) refusing = alternative;
      }
      if (refusing != nullptr) {
        std::vector<std::string> known;
        for (const auto& [name, sub] : (*refusing)["properties"].items()) known.push_back(name);
        report_unknown_key(key, known, child_pointer);
        continue;
      }
      const json* child_schema = nullptr;
      for (const json* alternative : every) {
        if (lists(*alternative, key) && constrains((*alternative)["properties"][key])) {
          child_schema = &(*alternative)["properties"][key];
          break;
        }
      }
      if (child_schema == nullptr) {
        for (const json* alternative : every) {
          if (alternative->contains("additionalProperties") &&
              (*alternative)["additionalProperties"].is_object()) {
            child_schema = &(*alternative)["additionalProperties"];
            break;
          }
        }
      }
      if (child_schema != nullptr) walk(child, *child_schema, child_pointer);
    }
  }

  void report_unknown_key(const std::string& key, std::vector<std::string> known,
                          const std::string& pointer) {
    std::sort(known.begin(), known.end());
    known.erase(std::unique(known.begin(), known.end()), known.end());
    const std::string suggestion = closest_name(key, known);
    std::string message = fmt::format("unknown key '{}'", key);
    if (!suggestion.empty()) message += fmt::format("; did you mean '{}'?", suggestion);
    message += fmt::format(" (expected one of: {})", fmt::join(known, ", "));
    add(document_.locations.find_key(pointer), pointer, message);
    reported_.insert(pointer);
  }

  void check_quantity(const json& value, QuantityKind kind, const std::string& pointer) {
    std::string error;
    if (value.is_string()) {
      const QuantityResult result = parse_quantity(value.get<std::string>(), kind);
      if (!result.quantity) {
        error = result.error;
      } else if (result.quantity->value < 0) {
        error = fmt::format("a {} cannot be negative, got {}", quantity_kind_name(kind),
                            value.get<std::string>());
      } else if (kind == QuantityKind::kDistance && result.quantity->value > kMaxDistanceMetres) {
        error = too_far_message(value.get<std::string>());
      } else {
        return;
      }
    } else if (value.is_number()) {
      error = fmt::format("a {} needs a unit, got {} (expected e.g. {})", quantity_kind_name(kind),
                          value.dump(), quantity_example(kind));
    } else {
      error = fmt::format("expected a {} such as {}, got {}", quantity_kind_name(kind),
                          quantity_example(kind), value.is_null() ? "nothing" : value.dump());
    }
    add(document_.locations.find(pointer), pointer, error);
    reported_.insert(pointer);
  }

  void add(SourceLocation where, const std::string& pointer, std::string message) {
    diagnostics_.add(std::move(where), pointer_to_key_path(pointer), std::move(message));
  }

  const YamlDocument& document_;
  Diagnostics& diagnostics_;
  std::set<std::string> reported_;  // pointers already explained: valijson's errors there are noise
};

// valijson's context ["<root>", "[run]", "[horizon]"] as a JSON pointer "/run/horizon".
std::string context_to_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      pointer += "/" + escape_pointer_token(part.substr(1, part.size() - 2));
    }
  }
  return pointer;
}

bool is_wrapper_message(const std::string& description) {
  // Messages that only say "something below failed": the deeper error says what.
  static const char* const kWrappers[] = {
      "Failed to validate against schema associated with property",
      "Failed to validate item",
      "Failed to validate against child schema",
      "Failed to match against any child schemas",
      "Failed to validate against additional properties",
      "Failed to validate against additional items",
      "Failed to validate against \"then\"",
      "Failed to validate against \"else\""};
  return std::any_of(std::begin(kWrappers), std::end(kWrappers),
                     [&](const char* prefix) { return description.rfind(prefix, 0) == 0; });
}

// The schema node describing the value at `pointer` (first match through combinators).
const json* schema_at(const std::string& pointer, const json& document) {
  static const json kNothing;
  const json* node = &resolve(schema_json());
  const json* value = &document;  // the value at the current step, or kNothing past the end
  std::size_t position = 0;
  while (position < pointer.size()) {
    const std::size_t next = pointer.find('/', position + 1);
    const std::string token = pointer.substr(
        position + 1, next == std::string::npos ? std::string::npos : next - position - 1);
    position = next == std::string::npos ? pointer.size() : next;
    // The value decides which if-then branch applies (a distribution's `dist`).
    Alternatives found;
    collect_alternatives(*node, *value, found);
    std::vector<const json*> alternatives = found.all;
    alternatives.insert(alternatives.end(), found.any.begin(), found.any.end());
    // The most specific schema that constrains the child: a branch comes after its base.
    const json* child = nullptr;
    for (auto it = alternatives.rbegin(); it != alternatives.rend() && child == nullptr; ++it) {
      const json& alternative = **it;
      if (alternative.contains("properties") && alternative["properties"].contains(token) &&
          constrains(alternative["properties"][token])) {
        child = &alternative["properties"][token];
      }
    }
    for (const json* alternative : alternatives) {
      if (child != nullptr) break;
      if (alternative->contains("items")) {
        child = &(*alternative)["items"];
      } else if (alternative->contains("additionalProperties") &&
                 (*alternative)["additionalProperties"].is_object()) {
        child = &(*alternative)["additionalProperties"];
      }
    }
    if (child == nullptr) return nullptr;
    node = &resolve(*child);
    if (value->is_object() && value->contains(token)) {
      value = &(*value)[token];
    } else if (value->is_array() && token.find_first_not_of("0123456789") == std::string::npos &&
               !token.empty() && std::stoul(token) < value->size()) {
      value = &(*value)[std::stoul(token)];
    } else {
      value = &kNothing;
    }
  }
  return node;
}

std::string describe_expected(const json& schema) {
  if (schema.contains("enum")) {
    std::vector<std::string> values;
    for (const json& v : schema["enum"])
      values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    return fmt::format("one of: {}", fmt::join(values, ", "));
  }
  std::vector<std::string> parts;
  if (schema.contains("type")) {
    parts.push_back(schema["type"].is_string() ? schema["type"].get<std::string>()
                                               : schema["type"].dump());
  }
  if (schema.contains("minimum")) parts.push_back(fmt::format(">= {}", schema["minimum"].dump()));
  if (schema.contains("exclusiveMinimum")) {
    parts.push_back(fmt::format("> {}", schema["exclusiveMinimum"].dump()));
  }
  if (schema.contains("maximum")) parts.push_back(fmt::format("<= {}", schema["maximum"].dump()));
  if (schema.contains("exclusiveMaximum")) {
    parts.push_back(fmt::format("< {}", schema["exclusiveMaximum"].dump()));
  }
  if (schema.contains("minItems")) {
    parts.push_back(fmt::format("at least {} item(s)", schema["minItems"].dump()));
  }
  // A pattern is for machines; its examples say the same to people.
  if (schema.contains("examples") && schema["examples"].is_array()) {
    std::vector<std::string> examples;
    for (const json& example : schema["examples"]) {
      examples.push_back(example.is_string() ? example.get<std::string>() : example.dump());
    }
    parts.push_back(fmt::format("such as {}", fmt::join(examples, ", ")));
  } else if (schema.contains("pattern")) {
    parts.push_back(fmt::format("matching {}", schema["pattern"].get<std::string>()));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string friendly_message(const std::string& description, const json* schema,
                             const json* value) {
  std::string message;
  if (description.find("'required'") != std::string::npos ||
      description.find("Missing required property") != std::string::npos) {
    const auto quote = description.find('\'', description.find("property"));
    const auto end = quote == std::string::npos ? quote : description.find('\'', quote + 1);
    if (quote != std::string::npos && end != std::string::npos) {
      return fmt::format("missing required key '{}'",
                         description.substr(quote + 1, end - quote - 1));
    }
    return "a required key is missing";
  }
  const std::string got = value == nullptr ? "" : fmt::format(", got {}", value->dump());
  if (schema != nullptr) {
    const std::string expected = describe_expected(*schema);
    if (!expected.empty()) return fmt::format("invalid value{} (expected {})", got, expected);
  }
  return description + got;
}

}  // namespace

std::string too_far_message(std::string_view distance) {
  return fmt::format(
      "a distance of {} is more than {}km (expected a distance within a city; check the number "
      "and the unit)",
      distance, kMaxDistanceMetres / 1000.0);
}

std::string closest_name(std::string_view word, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const std::string& candidate : known) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t above = row[j];
        const std::size_t cost = word[i - 1] == candidate[j - 1] ? 0 : 1;
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
        diagonal = above;
      }
    }
    if (row.back() < best_distance) {
      best_distance = row.back();
      best = candidate;
    }
  }
  // A typo changes a few characters: at most a third of the word, and at most 3.
  const std::size_t allowed = std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 3));
  return best_distance <= allowed ? best : std::string();
}

void prepare_schema_check() {
  (void)compiled_schema();
  (void)schema_patterns();
}

void check_against_schema(const YamlDocument& document, Diagnostics& diagnostics) {
  const std::size_t before = diagnostics.size();
  SchemaWalker walker(document, diagnostics);
  walker.walk(document.value, schema_json(), "");

  valijson::ValidationResults results;
  const valijson::adapters::NlohmannJsonAdapter target(document.value);
  // valijson's Validator with strong types, but on a copy of the compiled patterns (a copy of a
  // std::regex shares its automaton) instead of an empty cache of its own.
  RegexCache patterns = schema_patterns();
  valijson::ValidationVisitor<valijson::adapters::NlohmannJsonAdapter> visitor(
      target, std::vector<std::string>(1, "<root>"), /*strictTypes=*/true, &results, patterns);
  const bool valid = visitor.validateSchema(compiled_schema());

  std::vector<std::pair<std::string, std::string>> errors;  // pointer, description
  std::vector<std::pair<std::string, std::string>> wrappers;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string pointer = context_to_pointer(error.context);
    std::string description = error.description;
    // "Object contains a property that could not be validated ...: 'key'." names the key.
    static const std::string kUnknown = "Object contains a property that could not be validated";
    if (description.rfind(kUnknown, 0) == 0) {
      const auto open = description.rfind(": '");
      const auto close = description.rfind('\'');
      if (open != std::string::npos && close > open + 3) {
        const std::string key = description.substr(open + 3, close - open - 3);
        pointer += "/" + escape_pointer_token(key);
        description = fmt::format("unknown key '{}' (not allowed here)", key);
      }
    }
    (is_wrapper_message(description) ? wrappers : errors).emplace_back(pointer, description);
  }
  // valijson's errors at or below a place the walker has explained only repeat it.
  auto explained = [&](const std::string& pointer) {
    return std::any_of(
        walker.reported().begin(), walker.reported().end(),
        [&](const std::string& p) { return pointer == p || pointer.rfind(p + "/", 0) == 0; });
  };
  std::set<std::string> seen;
  for (const auto& [pointer, description] : errors) {
    if (explained(pointer)) continue;
    // Keep the deepest error of each branch: an error above another one only repeats it.
    const bool required = description.find("required") != std::string::npos;
    const bool deeper_exists =
        !required && std::any_of(errors.begin(), errors.end(), [&](const auto& other) {
          return other.first.size() > pointer.size() && other.first.rfind(pointer + "/", 0) == 0;
        });
    if (deeper_exists) continue;
    const json* value = nullptr;
    if (document.value.contains(json::json_pointer(pointer))) {
      value = &document.value.at(json::json_pointer(pointer));
    }
    const std::string message =
        description.rfind("unknown key", 0) == 0
            ? description
            : friendly_message(description, schema_at(pointer, document.value),
                               required ? nullptr : value);
    if (!seen.insert(pointer + "\n" + message).second) continue;
    diagnostics.add(document.locations.find(pointer), pointer_to_key_path(pointer), message);
  }
  // Never let a failed validation pass silently because every message looked like a wrapper.
  if (!valid && diagnostics.size() == before) {
    for (const auto& [pointer, description] : wrappers) {
      diagnostics.add(document.locations.find(pointer), pointer_to_key_path(pointer), description);
    }
    if (diagnostics.size() == before) {
      diagnostics.add(document.locations.find(""), "", "the scenario does not match the schema");
    }
  }
}

}  // namespace circlesim::scenario
