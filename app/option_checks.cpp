// Numeric option checks (option_checks.hpp).
#include "app/option_checks.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <string>
#include <utility>

namespace circlesim::app {

namespace {

// `what` completes "must be a finite number ...", e.g. "in [1, 10080]".
CLI::Validator finite_number(const std::string& what, std::function<bool(double)> accepts) {
  return CLI::Validator(
      [what, accepts = std::move(accepts)](std::string& text) {
        double value = 0;
        // The same conversion CLI11 applies to the option afterwards.
        const bool number = CLI::detail::lexical_cast(text, value);
        if (number && std::isfinite(value) && accepts(value)) return std::string();
        return fmt::format("must be a finite number {}, got {}", what, text);
      },
      "FLOAT " + what);
}

}  // namespace

CLI::Validator finite_range(double low, double high) {
  return finite_number(fmt::format("in [{:g}, {:g}]", low, high),
                       [low, high](double value) { return value >= low && value <= high; });
}

CLI::Validator finite_open_range(double low, double high) {
  return finite_number(fmt::format("in ({:g}, {:g})", low, high),
                       [low, high](double value) { return value > low && value < high; });
}

CLI::Validator finite_above(double low) {
  return finite_number(fmt::format("> {:g}", low), [low](double value) { return value > low; });
}

CLI::Validator seed_number() {
  return CLI::Validator(
      [](std::string& text) {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        // from_chars takes no sign and no base prefix: "-5", "+5" and "0x5" stop at once.
        if (text.empty() || error != std::errc() || stop != end || value > kMaxSeed) {
          return fmt::format("must be an integer from 0 to {}, got {}", kMaxSeed, text);
        }
        text = std::to_string(value);
        return std::string();
      },
      fmt::format("UINT in [0, {}]", kMaxSeed));
}

}  // namespace circlesim::app
