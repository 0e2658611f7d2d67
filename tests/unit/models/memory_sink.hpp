// A trace sink that keeps everything in memory, for tests of what models write into traces.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "sim/trace/trace_sink.hpp"

namespace circlesim {

namespace trace = sim::trace;

// Keeps everything in memory.
class MemorySink final : public trace::TraceSink {
 public:
  explicit MemorySink(trace::TraceLevel level) : level_(level) {}
  [[nodiscard]] trace::TraceLevel level() const override { return level_; }
  void begin(const trace::Provenance&) override {}
  void write_lookup(const std::string& kind, const std::vector<std::string>& names) override {
    lookups[kind] = names;
  }
  void append_requests(std::span<const trace::RequestRecord> rows) override {
    requests.insert(requests.end(), rows.begin(), rows.end());
  }
  void append_events(std::span<const trace::EventRecord> rows) override {
    events.insert(events.end(), rows.begin(), rows.end());
  }
  // Blocks of one metric append, as in the HDF5 writer.
  void write_timeseries(const trace::TimeSeries& s) override {
    auto [it, fresh] = series.emplace(s.metric, s);
    if (fresh) return;
    it->second.times.insert(it->second.times.end(), s.times.begin(), s.times.end());
    it->second.values.insert(it->second.values.end(), s.values.begin(), s.values.end());
  }
  void write_scalars(std::span<const trace::ScalarRecord> s) override {
    scalars.assign(s.begin(), s.end());
  }
  void write_histograms(const trace::HistogramSet& h) override { histograms[h.metric] = h; }
  void write_table(const std::string& name, const trace::Table& t) override { tables[name] = t; }
  void finish(trace::TraceStatus s, double at) override {
    status = s;
    stopped_at = at;
    ++finished;
  }

  trace::TraceLevel level_;
  std::map<std::string, std::vector<std::string>> lookups;
  std::vector<trace::RequestRecord> requests;
  std::vector<trace::EventRecord> events;
  std::map<std::string, trace::TimeSeries> series;
  std::vector<trace::ScalarRecord> scalars;
  std::map<std::string, trace::HistogramSet> histograms;
  std::map<std::string, trace::Table> tables;
  trace::TraceStatus status = trace::TraceStatus::kInterrupted;
  double stopped_at = 0;
  int finished = 0;
};

}  // namespace circlesim
