// What the readers of a scenario's parts share: access to the resolved document by JSON
// pointer, and reporting a problem at the place in the file where the value was written.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/units.hpp"
#include "models/scenario/yaml_document.hpp"
#include "sim/distribution.hpp"

namespace circlesim::scenario {

class DocumentReader {
 public:
  DocumentReader(const YamlDocument& document, Diagnostics& diagnostics)
      : doc_(document), diagnostics_(diagnostics) {}

 protected:
  using json = nlohmann::json;

  // Runs one part's reader. A value of the wrong type (already reported by the schema check)
  // ends the reading of that part only, so that every problem of the file is reported at once.
  template <class Read>
  void guarded(Read&& read) {
    try {
      read();
    } catch (const json::exception&) {
      if (diagnostics_.empty()) throw;  // not explained by the schema check: a bug here
    }
  }

  // Whether a problem has been reported at `pointer` or below it.
  [[nodiscard]] bool reported_under(const std::string& pointer) const;
  void error(const std::string& pointer, const std::string& message);
  [[nodiscard]] bool has(const std::string& pointer) const {
    return doc_.value.contains(json::json_pointer(pointer));
  }
  [[nodiscard]] const json& at(const std::string& pointer) const {
    return doc_.value.at(json::json_pointer(pointer));
  }

  // The quantity at `pointer`, or nothing when it is missing or malformed: the schema check
  // reports those, and checks that depend on the value are skipped rather than repeated.
  [[nodiscard]] std::optional<double> quantity(const std::string& pointer, QuantityKind kind) const;
  // The distribution at `pointer`; nothing (and a problem reported) when it is invalid.
  std::optional<sim::Distribution> distribution(const std::string& pointer);

  const YamlDocument& doc_;
  Diagnostics& diagnostics_;
};

// The plural of a kind of place for messages: "community" -> "communities", "grid" -> "grids".
[[nodiscard]] std::string plural_of(const std::string& kind);

}  // namespace circlesim::scenario
