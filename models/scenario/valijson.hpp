// valijson, the JSON Schema validator, for the files that use it. It is written without our
// warning flags in mind, so its headers are included with those warnings off. (It needs
// VALIJSON_USE_EXCEPTIONS, set for every user by models/CMakeLists.txt.)
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validation_visitor.hpp>
#include <valijson/validator.hpp>
#pragma GCC diagnostic pop
