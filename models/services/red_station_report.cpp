// Red-station scalars and summary (red_station_report.hpp).
#include "models/services/red_station_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "models/services/summary_interval.hpp"

namespace circlesim::services {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(double part, double whole) { return whole > 0 ? part / whole : kNaN; }

}  // namespace

void add_red_station_scalars(std::vector<sim::trace::ScalarRecord>& scalars,
                             const scenario::Scenario& scenario, const CityMeasures& measures) {
  for (std::size_t o = 0; o < measures.red_stations.size(); ++o) {
    const RedStationCounts& c = measures.red_stations[o];
    const auto id = static_cast<std::uint32_t>(o);
    auto add = [&](const std::string& name, double value, const char* unit) {
      scalars.push_back({"red_station." + name, "station_offer", id, value, unit});
    };
    add("arrivals", c.arrivals, "workers");
    add("served_first", c.served_first, "workers");
    add("served_later", c.served_later, "workers");
    add("blocked", c.blocked, "workers");
    add("reneged", c.reneged, "workers");
    add("in_system", c.in_system, "workers");
    add("tries", c.tries, "visits");
    add("blocking", ratio(c.blocked, c.arrivals), "1");
    add("share_served_first", ratio(c.served_first, c.arrivals), "1");
    add("share_served_later", ratio(c.served_later, c.arrivals), "1");
    add("mean_tries", ratio(c.tries, c.arrivals), "visits");
    add("moved_on", static_cast<double>(c.extra_distance_m.count()), "workers");
    add("mean_extra_distance", c.extra_distance_m.mean(), "m");
    for (std::size_t h = 0; h < c.arrivals_by_hour.size(); ++h) {
      add(fmt::format("arrivals_{:02d}h", h), c.arrivals_by_hour[h], "workers");
    }
  }
  const AccessMeasures& access = measures.access;
  const std::size_t groups = scenario.groups.size();
  if (access.nearest_m.size() != access.offers.size() * groups) return;
  for (std::size_t o = 0; o < access.offers.size(); ++o) {
    for (std::size_t g = 0; g < groups; ++g) {
      scalars.push_back({"nearest_m." + scenario.groups[g].id, "offer",
                         static_cast<std::uint32_t>(o), access.nearest_m[o * groups + g], "m"});
    }
  }
}

std::string red_station_summary(const scenario::Scenario& scenario,
                                const std::vector<CityMeasures>& replications, double confidence) {
  if (replications.empty() || replications.front().red_stations.empty()) return {};
  const std::vector<std::string>& offers = replications.front().red_station_offers;
  const scenario::RedStationOverflow& overflow = scenario.red_station_overflow;
  auto ci = [&](auto&& get) { return interval_text(replications, confidence, get); };
  std::string out = fmt::format(
      "\nred stations, by what workers came for (a worker who finds no free place walks on to "
      "the nearest other station within {:g} m of the first, up to {} stations in all; "
      "blocked: found none; extra walk: of those who moved on)\n"
      "{:<20} {:>16} {:>16} {:>16} {:>16} {:>16} {:>18}\n",
      overflow.next_within_m, overflow.max_tries, "offer", "arrivals", "blocking", "served first",
      "served later", "stations tried", "extra walk (m)");
  for (std::size_t o = 0; o < offers.size(); ++o) {
    auto get = [o](const CityMeasures& m) -> const RedStationCounts& { return m.red_stations[o]; };
    out += fmt::format(
        "{:<20} {:>16} {:>16} {:>16} {:>16} {:>16} {:>18}\n", offers[o],
        ci([&](const CityMeasures& m) { return get(m).arrivals; }),
        ci([&](const CityMeasures& m) { return ratio(get(m).blocked, get(m).arrivals); }),
        ci([&](const CityMeasures& m) { return ratio(get(m).served_first, get(m).arrivals); }),
        ci([&](const CityMeasures& m) { return ratio(get(m).served_later, get(m).arrivals); }),
        ci([&](const CityMeasures& m) { return ratio(get(m).tries, get(m).arrivals); }),
        ci([&](const CityMeasures& m) { return get(m).extra_distance_m.mean(); }));
  }
  // Use by hour: the busiest hours over all offers (mean arrivals), in the order of the day.
  constexpr std::size_t kHoursShown = 6;
  std::vector<std::pair<double, std::size_t>> hours;
  for (std::size_t h = 0; h < 24; ++h) {
    double arrivals = 0;
    for (const CityMeasures& m : replications) {
      for (const RedStationCounts& c : m.red_stations) arrivals += c.arrivals_by_hour[h];
    }
    hours.emplace_back(arrivals, h);
  }
  std::stable_sort(hours.begin(), hours.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  hours.resize(kHoursShown);
  std::sort(hours.begin(), hours.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  out += fmt::format(
      "\nred-station arrivals in the busiest {} hours of the day (workers over the "
      "measured period)\n{:<20}",
      kHoursShown, "offer \\ hour");
  for (const auto& [arrivals, h] : hours) out += fmt::format(" {:>16}", fmt::format("{:02d}h", h));
  out += "\n";
  for (std::size_t o = 0; o < offers.size(); ++o) {
    out += fmt::format("{:<20}", offers[o]);
    for (const auto& [arrivals, h] : hours) {
      out += fmt::format(" {:>16}", ci([&, h = h](const CityMeasures& m) {
                           return m.red_stations[o].arrivals_by_hour[h];
                         }));
    }
    out += "\n";
  }
  // Distance to the nearest station: a property of residents and places (one value per
  // replication, varying only with the residents drawn).
  const AccessMeasures& access = replications.front().access;
  const std::size_t groups = scenario.groups.size();
  std::string rows;
  for (std::size_t o = 0; o < access.offers.size(); ++o) {
    if (access.offers[o].rfind("red_station/", 0) != 0) continue;
    rows += fmt::format("{:<28}", access.offers[o]);
    for (std::size_t g = 0; g < groups; ++g) {
      rows += fmt::format(" {:>18}", ci([&](const CityMeasures& m) {
                            return m.access.nearest_m.size() > o * groups + g
                                       ? m.access.nearest_m[o * groups + g]
                                       : kNaN;
                          }));
    }
    rows += "\n";
  }
  if (!rows.empty()) {
    out += fmt::format(
        "\nmean distance to the nearest station (m of travel, detour included), by "
        "group\n{:<28}",
        "offer \\ group");
    for (const scenario::GroupConfig& g : scenario.groups) out += fmt::format(" {:>18}", g.id);
    out += "\n" + rows;
  }
  return out;
}

}  // namespace circlesim::services
