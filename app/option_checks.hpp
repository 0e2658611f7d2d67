// Checks of the command line's numeric options, shared by every command. CLI11's CLI::Range lets
// NaN through (every comparison with it is false, so a NaN interval reached a loop timed by it),
// and its integer conversion reads "-5" as a huge unsigned number, clamps overflow silently and
// reads a leading 0 as octal: the options use these checks instead.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>

namespace circlesim::app {

// The largest seed accepted: a trace records its master seed as a signed 64-bit integer.
inline constexpr std::uint64_t kMaxSeed = 9223372036854775807ULL;

// A finite number in [low, high]; NaN and infinities are refused.
[[nodiscard]] CLI::Validator finite_range(double low, double high);

// A finite number in (low, high), both bounds excluded.
[[nodiscard]] CLI::Validator finite_open_range(double low, double high);

// A finite number > low.
[[nodiscard]] CLI::Validator finite_above(double low);

// A seed: a decimal integer from 0 to kMaxSeed (run.seed's schema minimum is 0). A transform:
// it rewrites the text without leading zeros, so that CLI11 reads it as the decimal it is.
[[nodiscard]] CLI::Validator seed_number();

}  // namespace circlesim::app
