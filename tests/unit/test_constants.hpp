// Constants the unit tests share. The unit tests are compiled in unity batches
// (tests/CMakeLists.txt), where two files' own constants of one name in one namespace would be
// redefinitions: such constants live here, once.
#pragma once

#include <limits>

namespace circlesim {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();
// Tolerance of statistical checks in standard errors: |z| > 4.5 has probability 7e-6 per check
// (the seeds are fixed, so the tests are deterministic anyway; the bound is there to make
// "within" mean something rather than to be hit by chance).
inline constexpr double kZ = 4.5;

}  // namespace circlesim
