// Summaries of scalar measures across replications.
#include "analysis/trace_summary.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "analysis/confidence_interval.hpp"
#include "sim/error.hpp"

namespace circlesim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::size_t ScalarKeyHash::operator()(const ScalarKey& key) const noexcept {
  // boost::hash_combine's mixing, without pulling Boost into the header.
  std::size_t seed = std::hash<std::string>{}(key.name);
  auto combine = [&seed](std::size_t h) {
    seed ^= h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  };
  combine(std::hash<std::string>{}(key.entity));
  combine(std::hash<std::uint32_t>{}(key.entity_id));
  return seed;
}

SampleSummary summarize_sample(std::span<const double> values, double level) {
  CIRCLESIM_REQUIRE(level > 0.0 && level < 1.0, "confidence level must be in (0, 1), got {}",
                    level);
  std::vector<double> finite;
  finite.reserve(values.size());
  for (const double x : values) {
    if (std::isfinite(x)) finite.push_back(x);
  }
  SampleSummary summary{.n = finite.size(),
                        .undefined = values.size() - finite.size(),
                        .mean = kNaN,
                        .sd = kNaN,
                        .ci_low = kNaN,
                        .ci_high = kNaN};
  if (finite.empty()) return summary;
  if (finite.size() == 1) {
    summary.mean = finite.front();
    return summary;
  }
  const ConfidenceInterval ci = t_confidence_interval(finite, level);
  double squared_deviations = 0.0;
  for (const double x : finite) squared_deviations += (x - ci.mean) * (x - ci.mean);
  summary.mean = ci.mean;
  summary.sd = std::sqrt(squared_deviations / static_cast<double>(finite.size() - 1));
  summary.ci_low = ci.lower;
  summary.ci_high = ci.upper;
  return summary;
}

std::size_t ScalarSummarizer::series_index(const sim::trace::ScalarRecord& record,
                                           std::size_t position) {
  // Replications of one run list their measures in the same order: try the same position first
  // and hash only when that fails (a city trace has hundreds of thousands of measures).
  if (position < series_.size()) {
    const ScalarKey& key = series_[position].key;
    if (key.entity_id == record.entity_id && key.name == record.name &&
        key.entity == record.entity) {
      return position;
    }
  }
  ScalarKey key{record.name, record.entity, record.entity_id};
  const auto [found, inserted] = index_.try_emplace(std::move(key), series_.size());
  if (inserted) series_.push_back(Series{found->first, record.unit, {}, 0});
  return found->second;
}

void ScalarSummarizer::add_replication(std::span<const sim::trace::ScalarRecord> records) {
  ++replications_;
  for (std::size_t i = 0; i < records.size(); ++i) {
    Series& series = series_[series_index(records[i], i)];
    if (series.last_replication == replications_) {
      ++duplicates_;
      continue;
    }
    series.last_replication = replications_;
    series.values.push_back(records[i].value);
  }
}

std::vector<ScalarSummary> ScalarSummarizer::summarize(double level) const {
  std::vector<ScalarSummary> summaries;
  summaries.reserve(series_.size());
  for (const Series& series : series_) {
    summaries.push_back(ScalarSummary{.key = series.key,
                                      .unit = series.unit,
                                      .missing = replications_ - series.values.size(),
                                      .stats = summarize_sample(series.values, level)});
  }
  return summaries;
}

bool ScalarFilter::accepts(const ScalarKey& key) const {
  const bool entity_ok =
      entities.empty() || std::find(entities.begin(), entities.end(), key.entity) != entities.end();
  const bool name_ok = name_prefixes.empty() ||
                       std::any_of(name_prefixes.begin(), name_prefixes.end(),
                                   [&](const std::string& p) { return key.name.starts_with(p); });
  return entity_ok && name_ok;
}

std::optional<std::string> lookup_kind_for(std::string_view entity,
                                           std::span<const std::string> kinds) {
  if (entity.empty()) return std::nullopt;
  std::vector<std::string> candidates{std::string(entity), std::string(entity) + "s"};
  // English plurals of the entities traces use: facility -> facilities, community -> communities.
  if (entity.size() > 1 && entity.back() == 'y') {
    candidates.push_back(std::string(entity.substr(0, entity.size() - 1)) + "ies");
  }
  for (const std::string& candidate : candidates) {
    if (std::find(kinds.begin(), kinds.end(), candidate) != kinds.end()) return candidate;
  }
  return std::nullopt;
}

std::string entity_label(std::uint32_t id, std::span<const std::string> names) {
  if (id < names.size()) return names[id];
  return std::to_string(id);
}

}  // namespace circlesim::analysis
