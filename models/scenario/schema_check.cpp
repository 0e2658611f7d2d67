#include "models/scenario/schema_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
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

// Whether `name` is allowed by a "propertyNames" schema (a type, a pattern, an enum).
bool name_fits(const std::string& name, const json& rule) {
  if (rule.contains("pattern") && rule["pattern"].is_string()) {
    const auto found = schema_patterns().find(rule["pattern"].get<std::string>());
    if (found != schema_patterns().end() && !std::regex_search(name, found->second)) return false;
  }
  if (rule.contains("enum") &&
      std::find(rule["enum"].begin(), rule["enum"].end(), json(name)) == rule["enum"].end()) {
    return false;
  }
  return true;
}

// What the keys of a mapping name, by the mapping's own key: says what a bad key was meant to be.
std::string name_noun(const std::string& parent_pointer) {
  static const std::map<std::string, std::string> kNouns = {
      {"variants", "variant name"},  {"sweep", "key path"},         {"day_types", "day type"},
      {"opening_hours", "day type"}, {"priority", "group id"},      {"overlaps", "group id"},
      {"district", "district id"},   {"community", "community id"}, {"grid", "grid id"}};
  const std::string last = parent_pointer.substr(parent_pointer.rfind('/') + 1);
  const auto found = kNouns.find(last);
  return found == kNouns.end() ? "name" : found->second;
}

// The rule for names in words; the pattern too, for those who know regular expressions.
std::string describe_name_rule(const json& names) {
  const std::string ref = names.value("$ref", "");
  const json& rule = resolve(names);
  const std::string pattern = rule.value("pattern", "");
  if (ref == "#/definitions/id") {
    return fmt::format("a lower-case letter, then lower-case letters, digits or underscores: {}",
                       pattern);
  }
  if (ref == "#/definitions/day_type") {
    return fmt::format("weekday, saturday, sunday, holiday or a day type of the calendar: {}",
                       pattern);
  }
  if (ref == "#/definitions/key_path") {
    return fmt::format(
        "a dotted key path such as run.replications or "
        "services.counselling.duration.mean: {}",
        pattern);
  }
  return pattern.empty() ? "a different name" : fmt::format("a name matching {}", pattern);
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

  // A problem found outside the walk, at `pointer`: valijson's errors there are noise.
  void explain(const std::string& pointer, std::string message) {
    add(document_.locations.find(pointer), pointer, std::move(message));
    reported_.insert(pointer);
  }

  [[nodiscard]] const std::set<std::string>& reported() const { return reported_; }
  // Objects with a badly named key: valijson's errors at them (not below) are noise.
  [[nodiscard]] const std::set<std::string>& reported_names() const { return reported_names_; }
  [[nodiscard]] std::size_t messages() const { return messages_; }

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

  static bool accepts_objects(const json& schema) {
    return !schema.contains("type") || schema["type"] == "object";
  }

  // valijson checks "propertyNames" without saying which key failed, or where: each key is
  // checked here, and reported at its own line.
  void check_key_names(const json& value, const std::vector<const json*>& every,
                       const std::string& pointer) {
    for (const json* alternative : every) {
      if (!alternative->contains("propertyNames") || !accepts_objects(*alternative)) continue;
      const json& names = (*alternative)["propertyNames"];
      for (const auto& [key, unused] : value.items()) {
        if (name_fits(key, resolve(names))) continue;
        const std::string key_pointer = pointer + "/" + escape_pointer_token(key);
        add(document_.locations.find_key(key_pointer), key_pointer,
            fmt::format("invalid {} {} (expected {})", name_noun(pointer), json(key).dump(),
                        describe_name_rule(names)));
        reported_names_.insert(pointer);
      }
    }
  }

  void walk_object(const json& value, const Alternatives& alternatives,
                   const std::string& pointer) {
    const std::vector<const json*> every = concat(alternatives);
    check_key_names(value, every, pointer);
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
    ++messages_;
  }

  const YamlDocument& document_;
  Diagnostics& diagnostics_;
  std::set<std::string> reported_;  // pointers already explained: valijson's errors there are noise
  std::set<std::string> reported_names_;
  // Messages given, whether or not Diagnostics already had them (the same file is checked again
  // for each run that differs from it, by a variant or an override).
  std::size_t messages_ = 0;
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

// The YAML reader keeps an integer above 2^63-1 that fits 64 bits unsigned, so that its key's
// own range is given here: no key takes one (the model reads signed integers), and a seed, for
// one, is from 0 to 2^63-1, not from -2^63.
void report_large_integers(const json& value, const std::string& pointer, const json& root,
                           SchemaWalker& walker) {
  // Values of variants and sweeps are checked where they are applied, with the range of the key
  // they set.
  if (pointer == "/variants" || pointer == "/sweep") return;
  if (value.is_structured()) {
    for (const auto& [key, child] : value.items()) {
      const std::string token = value.is_array() ? key : escape_pointer_token(key);
      report_large_integers(child, pointer + "/" + token, root, walker);
    }
    return;
  }
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() <= std::uint64_t{kMax}) return;
  std::int64_t low = std::numeric_limits<std::int64_t>::min();
  std::int64_t high = kMax;
  if (const json* schema = schema_at(pointer, root)) {
    if (schema->contains("minimum") && (*schema)["minimum"].is_number_integer()) {
      low = (*schema)["minimum"].get<std::int64_t>();
    }
    if (schema->contains("maximum") && (*schema)["maximum"].is_number_integer()) {
      high = std::min(high, (*schema)["maximum"].get<std::int64_t>());
    }
  }
  walker.explain(pointer,
                 fmt::format("integer out of range: {} (expected an integer from {} to {})",
                             value.dump(), low, high));
}

std::string describe_expected(const json& schema);

// A value that may take one of several forms (an integer or "unlimited"): every form, in order.
std::string describe_forms(const json& forms) {
  std::vector<std::string> described;
  for (const json& form : forms) {
    const std::string text = describe_expected(resolve(form));
    if (!text.empty()) described.push_back(text);
  }
  return fmt::format("{}", fmt::join(described, ", or "));
}

std::string describe_expected(const json& schema) {
  if (schema.contains("const")) {
    const json& value = schema["const"];
    return value.is_string() ? value.get<std::string>() : value.dump();
  }
  if (!schema.contains("type") && !schema.contains("enum")) {
    for (const char* combinator : {"oneOf", "anyOf"}) {
      if (schema.contains(combinator)) return describe_forms(schema[combinator]);
    }
  }
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

const std::string kDuplicate = "duplicate value ";

// valijson's "Elements at indexes #0 and #1 violate uniqueness constraint." at a list, as the
// second item's pointer and a message that names the repeated value and the first one's line.
std::optional<std::pair<std::string, std::string>> duplicate_item(const std::string& description,
                                                                  const std::string& pointer,
                                                                  const YamlDocument& document) {
  static const std::regex kUniqueness(
      R"(^Elements at indexes #(\d+) and #(\d+) violate uniqueness)");
  std::smatch match;
  if (!std::regex_search(description, match, kUniqueness)) return std::nullopt;
  const std::string first = pointer + "/" + match[1].str();
  const std::string second = pointer + "/" + match[2].str();
  const json::json_pointer second_pointer(second);
  if (!document.value.contains(second_pointer)) return std::nullopt;
  const SourceLocation first_where = document.locations.find(first);
  return std::make_pair(
      second,
      fmt::format("{}{} (first as item {} at line {}; expected each value once)", kDuplicate,
                  document.value.at(second_pointer).dump(), match[1].str(), first_where.line));
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

bool holds_integer_beyond_int64(const json& value) {
  if (value.is_structured()) {
    return std::any_of(value.begin(), value.end(),
                       [](const json& child) { return holds_integer_beyond_int64(child); });
  }
  return value.is_number_unsigned() &&
         value.get<std::uint64_t>() > std::uint64_t{std::numeric_limits<std::int64_t>::max()};
}

void prepare_schema_check() {
  (void)compiled_schema();
  (void)schema_patterns();
}

void check_against_schema(const YamlDocument& document, Diagnostics& diagnostics) {
  const std::size_t before = diagnostics.size();
  SchemaWalker walker(document, diagnostics);
  walker.walk(document.value, schema_json(), "");
  report_large_integers(document.value, "", document.value, walker);

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
    if (const auto duplicate = duplicate_item(description, pointer, document)) {
      errors.push_back(*duplicate);
      continue;
    }
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
    if (walker.reported_names().contains(pointer)) return true;
    return std::any_of(
        walker.reported().begin(), walker.reported().end(),
        [&](const std::string& p) { return pointer == p || pointer.rfind(p + "/", 0) == 0; });
  };
  std::set<std::string> seen;
  std::size_t messages = walker.messages();
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
        description.rfind("unknown key", 0) == 0 || description.rfind(kDuplicate, 0) == 0
            ? description
            : friendly_message(description, schema_at(pointer, document.value),
                               required ? nullptr : value);
    if (!seen.insert(pointer + "\n" + message).second) continue;
    diagnostics.add(document.locations.find(pointer), pointer_to_key_path(pointer), message);
    ++messages;
  }
  // Never let a failed validation pass silently because every message looked like a wrapper.
  // (Counted here, not by the size of `diagnostics`: a message it already had, from the check
  // of the file as written, adds nothing to it, yet explains the failure.)
  if (!valid && messages == 0) {
    for (const auto& [pointer, description] : wrappers) {
      diagnostics.add(document.locations.find(pointer), pointer_to_key_path(pointer), description);
    }
    if (diagnostics.size() == before) {
      diagnostics.add(document.locations.find(""), "", "the scenario does not match the schema");
    }
  }
}

}  // namespace circlesim::scenario
