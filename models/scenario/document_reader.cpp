// DocumentReader: reporting problems at their place, quantities and distributions.
#include "models/scenario/document_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/error.hpp"

namespace circlesim::scenario {

bool DocumentReader::reported_under(const std::string& pointer) const {
  const std::string path = pointer_to_key_path(pointer);
  return std::any_of(diagnostics_.items().begin(), diagnostics_.items().end(),
                     [&](const Diagnostic& d) {
                       return d.key_path == path || d.key_path.rfind(path + ".", 0) == 0;
                     });
}

void DocumentReader::error(const std::string& pointer, const std::string& message) {
  diagnostics_.add(doc_.locations.find(pointer), pointer_to_key_path(pointer), message);
}

std::optional<double> DocumentReader::quantity(const std::string& pointer,
                                               QuantityKind kind) const {
  if (!has(pointer) || !at(pointer).is_string()) return std::nullopt;
  const QuantityResult result = parse_quantity(at(pointer).get<std::string>(), kind);
  if (!result.quantity || result.quantity->value < 0) return std::nullopt;
  return result.quantity->value;
}

std::optional<sim::Distribution> DocumentReader::distribution(const std::string& pointer) {
  const json& spec = at(pointer);
  const std::string kind = spec.value("dist", "");
  // Every time-valued parameter the kind uses; a missing or malformed one has been reported.
  bool complete = true;
  auto d = [&](const std::string& key) {
    const auto value = quantity(pointer + "/" + key, QuantityKind::kDuration);
    complete = complete && value.has_value();
    return value.value_or(0.0);
  };
  auto n = [&](const char* key) {
    complete = complete && spec.contains(key) && spec[key].is_number();
    return spec.value(key, 0.0);
  };
  std::optional<sim::Distribution> made;
  try {
    if (kind == "deterministic") made = sim::Distribution::deterministic(d("value"));
    if (kind == "exponential") made = sim::Distribution::exponential(d("mean"));
    if (kind == "uniform") made = sim::Distribution::uniform(d("min"), d("max"));
    if (kind == "triangular") made = sim::Distribution::triangular(d("min"), d("mode"), d("max"));
    if (kind == "truncated_normal") made = sim::Distribution::truncated_normal(d("mean"), d("sd"));
    if (kind == "lognormal") made = sim::Distribution::lognormal(d("mean"), n("cv"));
    if (kind == "gamma") made = sim::Distribution::gamma(d("mean"), n("cv"));
    if (kind == "erlang") {
      complete = complete && spec.contains("k") && spec["k"].is_number_integer();
      made = sim::Distribution::erlang(spec.value("k", 1), d("mean"));
    }
    if (kind == "weibull") made = sim::Distribution::weibull(n("shape"), d("scale"));
    if (kind == "hyperexponential") made = sim::Distribution::hyperexponential(d("mean"), n("cv"));
    if (kind == "empirical") {
      std::vector<double> values;
      for (std::size_t i = 0; i < spec.value("values", json::array()).size(); ++i) {
        values.push_back(d(fmt::format("values/{}", i)));
      }
      complete = complete && spec.contains("weights") && spec["weights"].is_array();
      made = sim::Distribution::empirical(values, spec.value("weights", std::vector<double>{}));
    }
  } catch (const sim::InvalidParameter& e) {
    // A parameter's own problem (missing, malformed, or out of the schema's range) explains it.
    if (complete && !reported_under(pointer)) error(pointer, e.what());
  }
  return complete ? made : std::nullopt;
}

std::string plural_of(const std::string& kind) {
  if (kind.size() > 1 && kind.back() == 'y') return kind.substr(0, kind.size() - 1) + "ies";
  return kind + "s";
}

}  // namespace circlesim::scenario
