// The scenario reference (docs/scenario-reference.md), generated from the JSON Schema so that the
// two cannot drift apart: the schema is the single place where keys, defaults and allowed values
// are written down.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace circlesim::scenario {

// Markdown describing every key path of scenarios that `schema` (a draft-07 JSON Schema of the
// circlesim shape: local "#/definitions/..." references only) accepts: an introduction, one
// section per top-level key with a table of every key path below it, and a section per
// definition. The output depends only on `schema` (no dates, no paths), so it can be committed
// and compared.
std::string schema_reference_markdown(const nlohmann::json& schema);

}  // namespace circlesim::scenario
