// policies.red_station_overflow (red_station_reader.hpp).
#include "models/scenario/red_station_reader.hpp"

#include <cstdint>
#include <string>

#include "models/scenario/document_reader.hpp"

namespace circlesim::scenario {

namespace {

class OverflowReader : DocumentReader {
 public:
  using DocumentReader::DocumentReader;

  void read(RedStationOverflow& overflow) {
    const std::string base = "/policies/red_station_overflow";
    if (!has(base)) return;
    // Malformed values (not a distance, max_tries < 1) are the schema check's to report.
    if (const auto within = quantity(base + "/next_within", QuantityKind::kDistance)) {
      overflow.next_within_m = *within;
    }
    if (has(base + "/max_tries") && at(base + "/max_tries").is_number_integer()) {
      // The schema bounds it to 1..255 (the request's one-byte counter).
      const auto tries = at(base + "/max_tries").get<std::int64_t>();
      if (tries >= 1 && tries <= 255) overflow.max_tries = static_cast<int>(tries);
    }
  }
};

}  // namespace

void read_red_station_overflow(const YamlDocument& document, Diagnostics& diagnostics,
                               Scenario& scenario) {
  OverflowReader(document, diagnostics).read(scenario.red_station_overflow);
}

}  // namespace circlesim::scenario
