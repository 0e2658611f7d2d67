// The printed KPI summary of the city model (city_model.hpp): each measure with its confidence
// interval across replications.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "models/community/community_report.hpp"
#include "models/services/city_model.hpp"
#include "models/services/red_station_report.hpp"
#include "models/services/summary_interval.hpp"

namespace circlesim::services {

namespace {

using Measure = std::function<double(const CityMeasures&)>;

class Table {
 public:
  Table(const std::vector<CityMeasures>& replications, double level)
      : replications_(replications), level_(level) {}

  std::string interval(const Measure& get) const {
    return interval_text(replications_, level_, get);
  }

 private:
  const std::vector<CityMeasures>& replications_;
  double level_;
};

double share(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

// The columns of one flow breakdown (a service, a group, a district).
std::string flow_row(const Table& t, const std::string& name,
                     const std::function<const FlowCounts&(const CityMeasures&)>& flow,
                     const std::function<const FlowWithQuantiles*(const CityMeasures&)>& q) {
  auto f = [&](auto&& get) {
    return t.interval([&](const CityMeasures& m) { return get(flow(m)); });
  };
  std::string row = fmt::format(
      "{:<26} {:>16} {:>14} {:>14} {:>14} {:>14} {:>16} {:>14} {:>14}", name,
      f([](const FlowCounts& c) { return c.requests; }),
      f([](const FlowCounts& c) { return share(c.served + c.escalated, c.requests); }),
      f([](const FlowCounts& c) { return share(c.unmet, c.requests); }),
      f([](const FlowCounts& c) { return share(c.reneged + c.balked, c.requests); }),
      f([](const FlowCounts& c) { return share(c.escalated, c.requests); }),
      f([](const FlowCounts& c) { return c.wait.count() > 0 ? c.wait.mean() : 0.0; }),
      f([](const FlowCounts& c) { return c.travel.count() > 0 ? c.travel.mean() : 0.0; }),
      f([](const FlowCounts& c) {
        return share(c.within_travel_target, static_cast<double>(c.travel.count()));
      }));
  if (q) {
    // Quantiles of the wait and the sojourn (the sojourn runs from the request, travel included).
    for (const auto& [histogram, p] : {std::pair{&FlowWithQuantiles::wait_histogram, 0.5},
                                       {&FlowWithQuantiles::wait_histogram, 0.9},
                                       {&FlowWithQuantiles::wait_histogram, 0.95},
                                       {&FlowWithQuantiles::sojourn_histogram, 0.9}}) {
      row += fmt::format(" {:>14}",
                         t.interval([&, histogram = histogram, p = p](const CityMeasures& m) {
                           const sim::Histogram& h = q(m)->*histogram;
                           return h.count() > 0 ? h.quantile(p) : 0.0;
                         }));
    }
  }
  return row + "\n";
}

// A table of offers x groups of one access measure.
std::string access_table(const scenario::Scenario& scenario, const Table& t,
                         const std::vector<std::string>& offers, const std::string& title,
                         double (*value)(const AccessMeasures&, std::size_t)) {
  if (offers.empty()) return {};
  const std::size_t groups = scenario.groups.size();
  std::string out = fmt::format("\n{}\n{:<40}", title, "offer \\ group");
  for (const scenario::GroupConfig& g : scenario.groups) out += fmt::format(" {:>18}", g.id);
  out += "\n";
  for (std::size_t o = 0; o < offers.size(); ++o) {
    out += fmt::format("{:<40}", offers[o]);
    for (std::size_t g = 0; g < groups; ++g) {
      out += fmt::format(" {:>18}", t.interval([&](const CityMeasures& m) {
        return value(m.access, o * groups + g);
      }));
    }
    out += "\n";
  }
  return out;
}

std::string flow_header(const char* what, bool quantiles) {
  std::string header = fmt::format("{:<26} {:>16} {:>14} {:>14} {:>14} {:>14} {:>16} {:>14} {:>14}",
                                   what, "requests", "served", "unmet", "gave up", "escalated",
                                   "mean wait (min)", "travel (min)", "travel<=target");
  if (quantiles) {
    header += fmt::format(" {:>14} {:>14} {:>14} {:>14}", "p50 wait", "p90 wait", "p95 wait",
                          "p90 sojourn");
  }
  return header + "\n";
}

// Facilities by the requests whose first place they were: the `shown` with the longest mean
// wait (averaged over the replications), among those that had requests; not all of a city's.
std::string facility_table(const scenario::Scenario& scenario, const Table& t,
                           const std::vector<CityMeasures>& replications, std::size_t shown) {
  auto mean_wait = [](const FlowCounts& f) { return f.wait.count() > 0 ? f.wait.mean() : 0.0; };
  std::vector<std::pair<double, std::size_t>> longest;
  for (std::size_t f = 0; f < scenario.facilities.size(); ++f) {
    double wait = 0, requests = 0;
    for (const CityMeasures& m : replications) {
      wait += mean_wait(m.facilities[f]);
      requests += m.facilities[f].requests;
    }
    if (requests > 0) longest.emplace_back(wait / static_cast<double>(replications.size()), f);
  }
  if (longest.empty()) return {};
  // Longest wait first; ties in the scenario's order.
  std::stable_sort(longest.begin(), longest.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string out = fmt::format(
      "\nfacilities with the longest mean wait: the {} of {} with requests, ranked by the mean "
      "over the replications\n(requests by their first place; served includes escalated; "
      "wait<=target: the share of those served who waited at most {:g} min)\n"
      "{:<32} {:>16} {:>14} {:>14} {:>16} {:>14}\n",
      std::min(shown, longest.size()), longest.size(), scenario.wait_target_minutes, "facility",
      "requests", "served", "gave up", "mean wait (min)", "wait<=target");
  for (std::size_t k = 0; k < std::min(shown, longest.size()); ++k) {
    const std::size_t f = longest[k].second;
    auto interval = [&](auto&& get) {
      return t.interval([&](const CityMeasures& m) { return get(m.facilities[f]); });
    };
    out += fmt::format(
        "{:<32} {:>16} {:>14} {:>14} {:>16} {:>14}\n", scenario.facilities[f].id,
        interval([](const FlowCounts& c) { return c.requests; }),
        interval([](const FlowCounts& c) { return share(c.served + c.escalated, c.requests); }),
        interval([](const FlowCounts& c) { return share(c.reneged + c.balked, c.requests); }),
        interval(mean_wait), interval([](const FlowCounts& c) {
          return share(c.within_wait_target, static_cast<double>(c.wait.count()));
        }));
  }
  return out;
}

// Escalated matters by the level that received them: what share of all requests reached it,
// how many it resolved, how long from the request, and within the level's target.
std::string escalation_table(const scenario::Scenario& scenario, const Table& t) {
  std::string out = fmt::format(
      "\nescalations (\"whistle and report\"), by the level that received them; resolution time "
      "from the resident's request\n{:<22} {:>16} {:>16} {:>16} {:>18} {:>16}\n",
      "level", "received", "share of req.", "resolved there", "resolution (min)", "within target");
  const double targets[2] = {scenario.escalation_targets.street_office_minutes,
                             scenario.escalation_targets.district_department_minutes};
  const char* names[2] = {"street office", "district department"};
  for (int level = 0; level < 2; ++level) {
    auto get = [level](const CityMeasures& m) -> const EscalationCounts::Level& {
      return m.escalations.levels[level];
    };
    out += fmt::format("{:<22} {:>16} {:>16} {:>16} {:>18} {:>16}\n",
                       fmt::format("{} ({:g} d)", names[level], targets[level] / 1440.0),
                       t.interval([&](const CityMeasures& m) { return get(m).received; }),
                       t.interval([&](const CityMeasures& m) {
                         return share(get(m).received, m.groups.front().flow.requests);
                       }),
                       t.interval([&](const CityMeasures& m) { return get(m).resolved; }),
                       t.interval([&](const CityMeasures& m) {
                         return get(m).resolution_time.count() > 0 ? get(m).resolution_time.mean()
                                                                   : 0.0;
                       }),
                       t.interval([&](const CityMeasures& m) {
                         return share(get(m).within_target, get(m).resolved);
                       }));
  }
  out += fmt::format("unresolved (gave up or no target): {}\n",
                     t.interval([](const CityMeasures& m) { return m.escalations.unresolved; }));
  return out;
}

}  // namespace

std::string city_summary_table(const scenario::Scenario& scenario,
                               const std::vector<CityMeasures>& replications) {
  const Table t(replications, scenario.run.confidence);
  const city::City& c = *scenario.city;
  std::string out = fmt::format(
      "{}: {} replications, horizon {} min after a {} min warm-up; {} residents in {} grids, "
      "{} communities, {} districts; means ± {:g}% half-widths. Shares are of requests; "
      "served includes escalated; gave up = reneged or found the room full.\n\n",
      scenario.run.name, replications.size(), scenario.run.horizon, scenario.run.warmup,
      c.population(), c.grids.size(), c.communities.size(), c.districts.size(),
      100 * scenario.run.confidence);
  out += flow_header("service", true);
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    out += flow_row(
        t, scenario.services[s].id,
        [s](const CityMeasures& m) -> const FlowCounts& { return m.services[s].flow; },
        [s](const CityMeasures& m) { return &m.services[s]; });
  }
  out += "\n" + flow_header("group", true);
  for (std::size_t g = 0; g < scenario.groups.size(); ++g) {
    out += flow_row(
        t, scenario.groups[g].id,
        [g](const CityMeasures& m) -> const FlowCounts& { return m.groups[g].flow; },
        [g](const CityMeasures& m) { return &m.groups[g]; });
  }
  out += "\n" + flow_header("district", false);
  for (std::size_t d = 0; d < c.districts.size(); ++d) {
    out += flow_row(t, c.districts[d].id,
                    [d](const CityMeasures& m) -> const FlowCounts& { return m.districts[d]; }, {});
  }
  if (!replications.empty() && replications.front().escalations.escalated > 0) {
    out += escalation_table(scenario, t);
  }
  out += community::community_summary(scenario, replications, scenario.run.confidence);
  out += red_station_summary(scenario, replications, scenario.run.confidence);
  out += facility_table(scenario, t, replications, 10);
  // Rooms: the busiest ten by mean utilisation over the staff on duty (around the clock, a
  // room's opening hours would decide the ranking); rooms never on duty (NaN) come last.
  std::vector<std::pair<double, std::size_t>> busiest;
  for (std::size_t r = 0; r < scenario.rooms.size(); ++r) {
    double sum = 0;
    for (const CityMeasures& m : replications) sum += m.rooms[r].utilisation_on_duty;
    const double mean = sum / static_cast<double>(replications.size());
    busiest.emplace_back(std::isnan(mean) ? -1.0 : mean, r);
  }
  std::sort(busiest.begin(), busiest.end(), std::greater<>());
  out += fmt::format("\n{:<44} {:>6} {:>18} {:>18} {:>18}\n", "busiest rooms", "staff",
                     "utilisation", "on duty", "arrivals");
  for (std::size_t k = 0; k < std::min<std::size_t>(10, busiest.size()); ++k) {
    const std::size_t r = busiest[k].second;
    out += fmt::format(
        "{:<44} {:>6} {:>18} {:>18} {:>18}\n",
        scenario.rooms[r].facility_id + "/" + scenario.rooms[r].type, scenario.rooms[r].staff,
        t.interval([r](const CityMeasures& m) { return m.rooms[r].utilisation; }),
        t.interval([r](const CityMeasures& m) { return m.rooms[r].utilisation_on_duty; }),
        t.interval([r](const CityMeasures& m) { return m.rooms[r].arrivals; }));
  }
  // Access is a property of the residents and the places: one value per replication.
  const AccessMeasures& access = replications.front().access;
  out += access_table(
      scenario, t, access.offers,
      fmt::format("15-minute coverage (share of the group's residents whose nearest place is "
                  "within {:g} min walk)",
                  scenario.travel_target_minutes),
      [](const AccessMeasures& a, std::size_t k) { return a.coverage[k]; });
  out += access_table(
      scenario, t, access.offers,
      fmt::format("2SFCA accessibility (staff per 1,000 residents competing for them, within "
                  "{:g} min)",
                  scenario.travel_target_minutes),
      [](const AccessMeasures& a, std::size_t k) { return 1000 * a.accessibility[k]; });
  return out;
}

}  // namespace circlesim::services
