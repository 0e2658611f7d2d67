#include "models/rooms/room_trace.hpp"

namespace circlesim::models {

std::vector<std::string> room_names(const scenario::Scenario& scenario) {
  std::vector<std::string> names;
  for (const scenario::Room& room : scenario.rooms)
    names.push_back(room.facility_id + "/" + room.type);
  return names;
}

void write_summary_trace(sim::trace::TraceSink& sink, const scenario::Scenario& scenario,
                         const std::vector<std::unique_ptr<sim::ServerPool>>& pools,
                         const ReplicationMeasures& out) {
  sim::trace::HistogramSet waits;
  waits.metric = "wait";
  waits.unit = "min";
  waits.entity = "rooms";
  const sim::Histogram& first = pools.front()->statistics().wait_histogram;
  waits.relative_error = first.relative_error();
  waits.edges = first.bucket_edges();
  for (const auto& pool : pools) {
    const sim::Histogram& h = pool->statistics().wait_histogram;
    waits.counts.insert(waits.counts.end(), h.bucket_counts().begin(), h.bucket_counts().end());
    waits.zero_counts.push_back(h.zero_count());
    waits.overflow_counts.push_back(h.overflow_count());
  }
  sink.write_histograms(waits);

  std::vector<sim::trace::ScalarRecord> scalars;
  for (std::uint32_t s = 0; s < out.services.size(); ++s) {
    const ServiceMeasures& m = out.services[s];
    const std::pair<const char*, std::pair<double, const char*>> measures[] = {
        {"arrivals", {m.arrivals, "count"}},   {"served", {m.served, "count"}},
        {"abandoned", {m.abandoned, "count"}}, {"turned_away", {m.turned_away, "count"}},
        {"mean_wait", {m.mean_wait, "min"}},   {"mean_sojourn", {m.mean_sojourn, "min"}},
        {"mean_delay", {m.mean_delay, "min"}}, {"p_delayed", {m.p_delayed, "share"}},
        {"p_abandon", {m.p_abandon, "share"}}, {"p_turned_away", {m.p_turned_away, "share"}}};
    for (const auto& [name, value] : measures) {
      scalars.push_back({name, "service", s, value.first, value.second});
    }
  }
  for (std::uint32_t r = 0; r < out.rooms.size(); ++r) {
    scalars.push_back({"utilisation", "room", r, out.rooms[r].utilisation, "share"});
    scalars.push_back({"mean_in_queue", "room", r, out.rooms[r].mean_in_queue, "people"});
  }
  sink.write_scalars(scalars);
  (void)scenario;
}

}  // namespace circlesim::models
