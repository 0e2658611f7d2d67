// Typed errors for invalid input, and the CIRCLESIM_REQUIRE check that raises them.
//
// Input is always checked (these throw in every build type); internal invariants use assert.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace circlesim::sim {

// A parameter given to the engine is out of its domain. The message names the parameter and the
// offending value, e.g. "arrival rate must be > 0, got -1".
class InvalidParameter : public std::invalid_argument {
 public:
  explicit InvalidParameter(const std::string& message) : std::invalid_argument(message) {}
};

}  // namespace circlesim::sim

// Throws circlesim::sim::InvalidParameter with a formatted message when `condition` is false.
#define CIRCLESIM_REQUIRE(condition, ...)                                   \
  do {                                                                      \
    if (!(condition)) {                                                     \
      throw ::circlesim::sim::InvalidParameter(::fmt::format(__VA_ARGS__)); \
    }                                                                       \
  } while (false)
