// The scenario JSON Schema (scenarios/schema/circlesim.schema.json), compiled into the binary so
// that validating a scenario never depends on where the source tree is. The definition is
// generated at build time by cmake/EmbedText.cmake (see models/CMakeLists.txt).
#pragma once

#include <string>

namespace circlesim::scenario {

// The schema's text, exactly as in the source file.
const std::string& embedded_schema();

}  // namespace circlesim::scenario
