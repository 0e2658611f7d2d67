#include "sim/trace/trace_records.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <ctime>

namespace circlesim::sim::trace {

namespace {
constexpr std::array<std::string_view, 3> kLevelNames{"summary", "requests", "events"};
constexpr std::array<std::string_view, kRequestOutcomeCount> kOutcomeNames{
    "served", "reneged", "balked", "sent_away", "unmet", "escalated"};
}  // namespace

std::string_view to_string(TraceLevel level) {
  return kLevelNames[static_cast<std::size_t>(level)];
}

std::optional<TraceLevel> parse_trace_level(std::string_view text) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == text) return static_cast<TraceLevel>(i);
  }
  return std::nullopt;
}

std::string_view to_string(RequestOutcome outcome) {
  return kOutcomeNames[static_cast<std::size_t>(outcome)];
}

const TableColumn* Table::column(std::string_view name) const {
  for (const TableColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc);
}

}  // namespace circlesim::sim::trace
