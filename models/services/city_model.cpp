// One replication of the city model: build the residents and the service network, run the
// demand through the flow, and write what was measured (city_model.hpp).
#include "models/services/city_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "models/city/population.hpp"
#include "models/community/care_visits.hpp"
#include "models/community/community_report.hpp"
#include "models/community/home_service_desk.hpp"
#include "models/replications.hpp"
#include "models/rooms/room_trace.hpp"
#include "models/services/access.hpp"
#include "models/services/city_geography_trace.hpp"
#include "models/services/demand_source.hpp"
#include "models/services/red_station_report.hpp"
#include "models/services/request_flow.hpp"
#include "models/services/service_network.hpp"
#include "sim/error.hpp"

namespace circlesim::services {

namespace {

// The scenario's groups with their area shares resolved against the city.
city::PopulationSpec population_spec(const scenario::Scenario& scenario, const city::City& c) {
  const city::IdIndex districts(c.districts), communities(c.communities), grids(c.grids);
  city::PopulationSpec spec;
  for (const scenario::GroupConfig& g : scenario.groups) {
    city::GroupSpec group;
    group.id = g.id;
    group.name = g.name;
    group.share = g.share;
    if (g.subset_of) group.subset_of = static_cast<city::Index>(*g.subset_of);
    for (const auto& [other, joint] : g.overlaps) {
      group.overlaps.emplace_back(static_cast<city::Index>(other), joint);
    }
    auto resolve = [](const city::IdIndex& index, const auto& shares, auto& into) {
      for (const auto& [id, share] : shares) {
        if (const city::Index* i = index.find(id)) into[*i] = share;
      }
    };
    resolve(districts, g.share_by_district, group.share_by_district);
    resolve(communities, g.share_by_community, group.share_by_community);
    resolve(grids, g.share_by_grid, group.share_by_grid);
    spec.groups.push_back(std::move(group));
  }
  return spec;
}

// Busy staff by hour of the day, per room, from the pools' exact busy-time integrals.
class HourlyUtilisation final : public sim::EventHandler {
 public:
  HourlyUtilisation(sim::Simulation& sim, const CityFlow& flow, const scenario::Scenario& scenario,
                    CityMeasures& out, sim::Time first, sim::Time end)
      : flow_(flow), scenario_(scenario), out_(out), end_(end), handler_(sim.add_handler(*this)) {
    previous_.assign(scenario.rooms.size(), 0.0);
    samples_.assign(24, 0);
    if (first + 60.0 <= end_) sim.post_at(first + 60.0, handler_, 0, 0);
  }
  void start(sim::Time now) {
    for (std::size_t r = 0; r < previous_.size(); ++r) previous_[r] = busy_integral(r, now);
  }
  void handle_event(sim::Simulation& sim, std::uint16_t, std::uint32_t) override {
    const auto hour =
        (static_cast<std::size_t>(std::lround(sim::time_of_day(sim.now()) / 60.0)) + 23) % 24;
    for (std::size_t r = 0; r < previous_.size(); ++r) {
      const double now_integral = busy_integral(r, sim.now());
      out_.rooms[r].utilisation_by_hour[hour] +=
          (now_integral - previous_[r]) / (60.0 * scenario_.rooms[r].staff);
      previous_[r] = now_integral;
    }
    ++samples_[hour];
    if (sim.now() + 60.0 <= end_) sim.post_in(60.0, handler_, 0, 0);
  }
  void finish() {
    for (RoomCounts& room : out_.rooms) {
      for (std::size_t h = 0; h < 24; ++h) {
        if (samples_[h] > 0) room.utilisation_by_hour[h] /= static_cast<double>(samples_[h]);
      }
    }
  }

 private:
  double busy_integral(std::size_t room, sim::Time now) const {
    return flow_.pools()[room]->statistics().busy.integral(now);
  }
  const CityFlow& flow_;
  const scenario::Scenario& scenario_;
  CityMeasures& out_;
  std::vector<double> previous_;
  std::vector<std::uint64_t> samples_;
  sim::Time end_;
  sim::HandlerId handler_;
};

// The prefix of the flow scalars by room and facility (requests by their first place).
constexpr const char* kFirstPlace = "first.";

// Scalars of the summary, named <prefix><measure> per entity, for the trace.
void add_flow_scalars(std::vector<sim::trace::ScalarRecord>& scalars, const FlowCounts& f,
                      const std::string& entity, std::uint32_t id, const char* prefix = "");

// With quantiles of wait and sojourn (p50, p90, p95; NaN without observations).
void add_flow_scalars(std::vector<sim::trace::ScalarRecord>& scalars, const FlowWithQuantiles& q,
                      const std::string& entity, std::uint32_t id) {
  add_flow_scalars(scalars, q.flow, entity, id);
  for (const auto& [name, p] : {std::pair{"50", 0.5}, {"90", 0.9}, {"95", 0.95}}) {
    scalars.push_back(
        {std::string("p") + name + "_wait", entity, id, q.wait_histogram.quantile(p), "min"});
    scalars.push_back(
        {std::string("p") + name + "_sojourn", entity, id, q.sojourn_histogram.quantile(p), "min"});
  }
}

void add_flow_scalars(std::vector<sim::trace::ScalarRecord>& scalars, const FlowCounts& f,
                      const std::string& entity, std::uint32_t id, const char* prefix) {
  auto add = [&](const char* name, double value, const char* unit) {
    scalars.push_back({std::string(prefix) + name, entity, id, value, unit});
  };
  add("requests", f.requests, "requests");
  add("served", f.served, "requests");
  add("reneged", f.reneged, "requests");
  add("balked", f.balked, "requests");
  add("unmet", f.unmet, "requests");
  add("escalated", f.escalated, "requests");
  add("in_system", f.in_system, "requests");
  for (int reason = 0; reason < kUnmetReasons; ++reason) {
    scalars.push_back({std::string(prefix) + "unmet_" + to_string(static_cast<UnmetReason>(reason)),
                       entity, id, f.unmet_by_reason[reason], "requests"});
  }
  add("mean_wait", f.wait.mean(), "min");
  add("mean_sojourn", f.sojourn.mean(), "min");
  add("mean_travel", f.travel.mean(), "min");
  add("within_travel_target", f.within_travel_target, "requests");
  add("within_wait_target", f.within_wait_target, "requests");
}

void write_city_trace(sim::trace::TraceSink& sink, const scenario::Scenario& scenario,
                      const city::City& c, const CityMeasures& out, bool finished,
                      sim::Time stopped_at) {
  std::vector<std::string> names;
  auto lookup = [&](const char* kind, const auto& items, auto&& name_of) {
    names.clear();
    for (const auto& item : items) names.push_back(name_of(item));
    sink.write_lookup(kind, names);
  };
  lookup("services", scenario.services, [](const auto& s) { return s.id; });
  lookup("groups", scenario.groups, [](const auto& g) { return g.id; });
  lookup("facilities", scenario.facilities, [](const auto& f) { return f.id; });
  sink.write_lookup("rooms", models::room_names(scenario));
  lookup("communities", c.communities, [](const auto& k) { return k.id; });
  lookup("districts", c.districts, [](const auto& d) { return d.id; });
  sink.write_lookup("escalation_levels", {"street_office", "district_department"});
  lookup("visit_policies", scenario.care_visits, [](const auto& v) { return v.id; });
  names.clear();
  for (int k = 0; k < scenario::kMemberKinds; ++k) {
    names.emplace_back(scenario::to_string(static_cast<scenario::MemberKind>(k)));
  }
  sink.write_lookup("member_kinds", names);
  sink.write_lookup("station_offers", out.red_station_offers);
  names.clear();
  for (int o = 0; o < sim::trace::kRequestOutcomeCount; ++o) {
    names.emplace_back(sim::trace::to_string(static_cast<sim::trace::RequestOutcome>(o)));
  }
  sink.write_lookup("outcomes", names);
  sink.write_lookup("offers", out.access.offers);
  std::vector<sim::trace::ScalarRecord> scalars;
  for (std::size_t s = 0; s < out.services.size(); ++s) {
    add_flow_scalars(scalars, out.services[s], "service", static_cast<std::uint32_t>(s));
  }
  for (std::size_t g = 0; g < out.groups.size(); ++g) {
    add_flow_scalars(scalars, out.groups[g], "group", static_cast<std::uint32_t>(g));
  }
  for (std::size_t k = 0; k < out.communities.size(); ++k) {
    add_flow_scalars(scalars, out.communities[k], "community", static_cast<std::uint32_t>(k));
  }
  for (std::size_t d = 0; d < out.districts.size(); ++d) {
    add_flow_scalars(scalars, out.districts[d], "district", static_cast<std::uint32_t>(d));
  }
  for (std::size_t r = 0; r < out.rooms.size(); ++r) {
    const auto id = static_cast<std::uint32_t>(r);
    scalars.push_back({"utilisation", "room", id, out.rooms[r].utilisation, "1"});
    scalars.push_back({"utilisation_on_duty", "room", id, out.rooms[r].utilisation_on_duty, "1"});
    scalars.push_back({"arrivals", "room", id, out.rooms[r].arrivals, "requests"});
    scalars.push_back({"served", "room", id, out.rooms[r].served, "requests"});
    for (std::size_t h = 0; h < 24; ++h) {
      scalars.push_back({fmt::format("utilisation_{:02d}h", h), "room", id,
                         out.rooms[r].utilisation_by_hour[h], "1"});
    }
    // The requests whose first place was the room, as by community; prefixed, since the
    // room's `arrivals` and `served` above count every arrival, escalated matters included.
    add_flow_scalars(scalars, out.rooms[r].flow, "room", id, kFirstPlace);
  }
  for (std::size_t f = 0; f < out.facilities.size(); ++f) {
    add_flow_scalars(scalars, out.facilities[f], "facility", static_cast<std::uint32_t>(f),
                     kFirstPlace);
  }
  // Access by offer, one scalar per group: coverage.<group>, accessibility.<group>.
  const std::size_t groups = scenario.groups.size();
  for (std::size_t o = 0; o < out.access.offers.size(); ++o) {
    for (std::size_t g = 0; g < groups; ++g) {
      const auto id = static_cast<std::uint32_t>(o);
      const std::string& group = scenario.groups[g].id;
      scalars.push_back(
          {"coverage." + group, "offer", id, out.access.coverage[o * groups + g], "1"});
      scalars.push_back({"accessibility." + group, "offer", id,
                         out.access.accessibility[o * groups + g], "staff/resident"});
      scalars.push_back(
          {"no_access." + group, "offer", id, out.access.no_access[o * groups + g], "1"});
    }
  }
  scalars.push_back({"escalated", "run", 0, out.escalations.escalated, "requests"});
  scalars.push_back({"escalated_onward", "run", 0, out.escalations.onward, "requests"});
  scalars.push_back({"escalations_resolved", "run", 0, out.escalations.resolved, "requests"});
  scalars.push_back({"escalations_unresolved", "run", 0, out.escalations.unresolved, "requests"});
  scalars.push_back(
      {"mean_resolution_time", "run", 0, out.escalations.resolution_time.mean(), "min"});
  // Escalation by level (0 street office, 1 district department); `general` counts every request.
  const double requests = out.groups.empty() ? 0.0 : out.groups.front().flow.requests;
  for (std::uint32_t level = 0; level < 2; ++level) {
    const EscalationCounts::Level& l = out.escalations.levels[level];
    scalars.push_back({"escalation.received", "escalation_level", level, l.received, "requests"});
    scalars.push_back({"escalation.share_of_requests", "escalation_level", level,
                       requests > 0 ? l.received / requests : 0.0, "1"});
    scalars.push_back({"escalation.resolved", "escalation_level", level, l.resolved, "requests"});
    scalars.push_back({"escalation.mean_resolution_time", "escalation_level", level,
                       l.resolution_time.mean(), "min"});
    scalars.push_back(
        {"escalation.within_target", "escalation_level", level, l.within_target, "requests"});
  }
  community::add_community_scalars(scalars, scenario, out);
  add_red_station_scalars(scalars, scenario, out);
  scalars.push_back({"residents", "run", 0, out.residents, "people"});
  scalars.push_back({"requests_simulated", "run", 0, out.requests_simulated, "requests"});
  sink.write_scalars(scalars);
  sink.finish(finished ? sim::trace::TraceStatus::kComplete : sim::trace::TraceStatus::kInterrupted,
              stopped_at);
}

bool has_home_service(const scenario::Scenario& scenario) {
  return std::any_of(scenario.services.begin(), scenario.services.end(),
                     [](const auto& s) { return s.channel == scenario::Channel::kHomeVisit; });
}

}  // namespace

CityMeasures run_city_replication(const scenario::Scenario& scenario, std::uint64_t replication,
                                  const models::ReplicationOutput& output) {
  CIRCLESIM_REQUIRE(scenario.city.has_value(), "the city model needs a scenario with a city{}", "");
  const city::City& c = *scenario.city;
  const sim::RandomStreams streams(scenario.run.seed, replication);
  const sim::Time warmup = scenario.run.warmup;
  const sim::Time end = warmup + scenario.run.horizon;
  CityMeasures out;

  const auto build_started = std::chrono::steady_clock::now();
  const city::Residents residents =
      city::synthesize_residents(c, population_spec(scenario, c), streams);
  out.residents = static_cast<double>(residents.size());
  const ServiceNetwork network(scenario, c);
  out.access = measure_access(scenario, c, residents, network);
  out.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_started).count();

  // Members of each group that has per-member demand (general needs no list).
  std::map<std::size_t, std::vector<std::uint32_t>> members;
  for (const scenario::Service& s : scenario.services) {
    for (const scenario::DemandStream& d : s.demand) {
      if (d.per_member && d.group != 0) members.emplace(d.group, std::vector<std::uint32_t>{});
    }
  }
  for (auto& [group, list] : members) {
    for (std::size_t r = 0; r < residents.size(); ++r) {
      if (residents.in_group(r, static_cast<city::Index>(group))) {
        list.push_back(static_cast<std::uint32_t>(r));
      }
    }
  }

  sim::Simulation sim;
  CityFlow flow(sim, scenario, c, residents, network, streams, warmup, out);
  // Grid members and their desk, and the care visits they make (model II), when there are any.
  std::optional<community::HomeServiceDesk> desk;
  std::optional<community::CareVisitScheduler> visits;
  if (!scenario.member_teams.empty() || has_home_service(scenario)) {
    desk.emplace(sim, scenario, c, streams, warmup, out);
    desk->set_observer(&flow);
    flow.set_home_desk(&*desk);
    if (!scenario.care_visits.empty()) {
      visits.emplace(sim, scenario, residents, streams, warmup, *desk, out, end);
    }
  }
  std::vector<sim::trace::RequestRecord> rows;
  sim::trace::TraceSink* sink = output.sink;
  const bool trace_requests = sink != nullptr && sink->level() >= sim::trace::TraceLevel::kRequests;
  if (trace_requests) flow.set_request_rows(&rows);
  std::vector<std::unique_ptr<DemandSource>> sources;
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    for (std::size_t i = 0; i < scenario.services[s].demand.size(); ++i) {
      const scenario::DemandStream& d = scenario.services[s].demand[i];
      const auto found = members.find(d.group);
      sources.push_back(std::make_unique<DemandSource>(
          sim, flow, scenario, c, residents, found == members.end() ? nullptr : &found->second, s,
          i, streams, end));
    }
  }
  HourlyUtilisation hourly(sim, flow, scenario, out, std::ceil(warmup / 60.0) * 60.0, end);
  models::IntervalSampler sampler(sim, flow.pools(), output.interval, end, output.sink);

  // Runs to `until` an hour at a time, so that a stop request is seen promptly; request rows
  // go to the sink in blocks.
  auto run_to = [&](sim::Time until) {
    while (sim.now() < until) {
      if (output.stop != nullptr && output.stop->load() != 0) return false;
      if (output.simulated != nullptr)
        output.simulated->store(sim.now(), std::memory_order_relaxed);
      sim.run_until(std::min(until, sim.now() + 60.0));
      if (trace_requests && rows.size() >= 4096) {
        sink->append_requests(rows);
        rows.clear();
      }
    }
    return true;
  };
  bool finished = run_to(warmup);
  if (finished) {
    sampler.before_reset(sim.now());
    flow.reset_statistics();
    hourly.start(sim.now());
    finished = run_to(end);
  }
  const sim::Time stopped_at = sim.now();
  out.interrupted = !finished;
  out.stopped_at = stopped_at;
  if (desk) desk->finish(stopped_at);  // reports what is in the system to the flow first
  flow.finish(stopped_at);
  hourly.finish();
  sampler.finish(stopped_at);
  if (sink != nullptr) {
    if (trace_requests && !rows.empty()) sink->append_requests(rows);
    write_city_geography(*sink, scenario, c, out.access);
    write_city_trace(*sink, scenario, c, out, finished, stopped_at);
  }
  return out;
}

std::vector<CityMeasures> run_city_replications(const scenario::Scenario& scenario, int jobs,
                                                const models::SinkFactory& sinks,
                                                const std::atomic<int>* stop, double interval) {
  return models::run_replications_in_parallel<CityMeasures>(
      static_cast<std::size_t>(scenario.run.replications), jobs, stop, [&](std::size_t i) {
        std::unique_ptr<sim::trace::TraceSink> sink = sinks ? sinks(i) : nullptr;
        return run_city_replication(scenario, i, {sink.get(), stop, interval});
      });
}

}  // namespace circlesim::services
