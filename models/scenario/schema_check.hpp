// Checks a scenario document against the JSON Schema compiled into circlesim, reporting every
// problem with its place in the file and in words a planner understands.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/yaml_document.hpp"

namespace circlesim::scenario {

// Adds one diagnostic per problem: unknown keys (with a "did you mean" when a known key is
// close), quantities without or with the wrong unit, wrong types, values out of range or not
// among the allowed ones, missing required keys.
void check_against_schema(const YamlDocument& document, Diagnostics& diagnostics);

// Whether `value` holds an integer above 2^63-1. The YAML reader keeps those, for the schema check
// to report with the range of their key; nothing after the check may read such a document, as
// the model's signed integers would wrap around (and say something absurd about the value).
bool holds_integer_beyond_int64(const nlohmann::json& value);

// Builds, once per process, what every check needs: the schema parsed and compiled, and its
// patterns' regular expressions. check_against_schema calls it when needed; a loader calls it
// on another thread while the file is being parsed. Thread-safe.
void prepare_schema_check();

// The known name closest to `word` by edit distance, if close enough to be a likely typo;
// empty otherwise.
std::string closest_name(std::string_view word, const std::vector<std::string>& known);

// The problem with a distance above kMaxDistanceMetres, as written (`distance`: "1e308m").
std::string too_far_message(std::string_view distance);

}  // namespace circlesim::scenario
