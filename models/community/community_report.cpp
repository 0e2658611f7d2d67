// Trace scalars and summary tables of home services, care visits and grid members
// (community_report.hpp).
#include "models/community/community_report.hpp"

#include <fmt/format.h>

#include <functional>
#include <limits>

#include "models/services/summary_interval.hpp"

namespace circlesim::community {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double share(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

bool is_home(const scenario::Service& s) { return s.channel == scenario::Channel::kHomeVisit; }

double quantile_or_nan(const sim::Histogram& h, double p) {
  return h.count() > 0 ? h.quantile(p) : kNaN;
}

}  // namespace

void add_community_scalars(std::vector<sim::trace::ScalarRecord>& scalars,
                           const scenario::Scenario& scenario,
                           const services::CityMeasures& measures) {
  for (std::size_t s = 0; s < measures.home.size() && s < scenario.services.size(); ++s) {
    if (!is_home(scenario.services[s])) continue;
    const services::HomeCounts& h = measures.home[s];
    const auto id = static_cast<std::uint32_t>(s);
    auto add = [&](const char* name, double value, const char* unit) {
      scalars.push_back({std::string("home.") + name, "service", id, value, unit});
    };
    add("requests", h.requests, "requests");
    add("served", h.served, "requests");
    add("reneged", h.reneged, "requests");
    add("no_member", h.no_member, "requests");
    add("in_system", h.in_system, "requests");
    add("own_grid", h.own_grid, "requests");
    add("neighbour_grid", h.neighbour_grid, "requests");
    add("community_staff", h.community_staff, "requests");
    add("queued", h.queued, "requests");
    add("mean_response", h.response.mean(), "min");
    add("p50_response", quantile_or_nan(h.response_histogram, 0.5), "min");
    add("p90_response", quantile_or_nan(h.response_histogram, 0.9), "min");
    add("within_response_target", h.within_response_target, "requests");
    add("mean_member_travel", h.member_travel.mean(), "min");
  }
  for (std::size_t p = 0; p < measures.visits.size(); ++p) {
    const services::VisitCounts& v = measures.visits[p];
    const auto id = static_cast<std::uint32_t>(p);
    auto add = [&](const char* name, double value, const char* unit) {
      scalars.push_back({std::string("visit.") + name, "visit_policy", id, value, unit});
    };
    add("due", v.due, "visits");
    add("done", v.done, "visits");
    add("on_time", v.on_time, "visits");
    add("overdue", v.overdue, "visits");
    add("no_member", v.no_member, "visits");
    add("mean_backlog", v.backlog.mean(), "visits");
    add("max_backlog", v.backlog.max(), "visits");
    add("residents", v.residents, "people");
    add("never_visited", v.never_visited, "people");
  }
  for (int k = 0; k < scenario::kMemberKinds; ++k) {
    const services::MemberCounts& m = measures.members[k];
    if (m.members <= 0) continue;
    const auto id = static_cast<std::uint32_t>(k);
    auto add = [&](const char* name, double value, const char* unit) {
      scalars.push_back({std::string("member.") + name, "member_kind", id, value, unit});
    };
    add("members", m.members, "people");
    add("available_minutes", m.available_minutes, "min");
    add("busy_minutes", m.busy_minutes, "min");
    add("utilisation", m.available_minutes > 0 ? m.busy_minutes / m.available_minutes : kNaN, "1");
    add("home_requests", m.home_requests, "requests");
    add("visits", m.visits, "visits");
    add("busy_hours_mean", m.busy_hours_mean, "h");
    add("busy_hours_cv", m.busy_hours_cv, "1");
    add("busy_hours_p90", m.busy_hours_p90, "h");
  }
}

std::string community_summary(const scenario::Scenario& scenario,
                              const std::vector<services::CityMeasures>& replications,
                              double confidence) {
  bool any_home = false;
  for (const scenario::Service& s : scenario.services) any_home = any_home || is_home(s);
  if ((!any_home && scenario.care_visits.empty() && scenario.member_teams.empty()) ||
      replications.empty()) {
    return {};
  }
  auto ci = [&](const std::function<double(const services::CityMeasures&)>& get) {
    return services::interval_text(replications, confidence, get);
  };
  std::string out;
  if (any_home) {
    out += fmt::format(
        "\nhome services (\"residents order, the community dispatches, members take the "
        "order\"); response = request to the member at the door; tiers are shares of requests\n"
        "{:<22} {:>14} {:>14} {:>14} {:>14} {:>16} {:>16} {:>14} {:>14} {:>14} {:>14}\n",
        "service", "requests", "served", "reneged", "no member", "mean resp. (min)",
        "p90 resp. (min)", "within target", "own grid", "other grid", "staff / queued");
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
      // A service nobody asks for (one that only care visits use) has nothing to show here.
      if (!is_home(scenario.services[s]) || scenario.services[s].demand.empty()) continue;
      auto h = [s](const services::CityMeasures& m) -> const services::HomeCounts& {
        return m.home[s];
      };
      out += fmt::format(
          "{:<22} {:>14} {:>14} {:>14} {:>14} {:>16} {:>16} {:>14} {:>14} {:>14} {:>14}\n",
          scenario.services[s].id, ci([&](const auto& m) { return h(m).requests; }),
          ci([&](const auto& m) { return share(h(m).served, h(m).requests); }),
          ci([&](const auto& m) { return share(h(m).reneged, h(m).requests); }),
          ci([&](const auto& m) { return share(h(m).no_member, h(m).requests); }),
          ci([&](const auto& m) { return h(m).response.count() > 0 ? h(m).response.mean() : 0.0; }),
          ci([&](const auto& m) {
            return h(m).response_histogram.count() > 0 ? h(m).response_histogram.quantile(0.9)
                                                       : 0.0;
          }),
          ci([&](const auto& m) { return share(h(m).within_response_target, h(m).served); }),
          ci([&](const auto& m) { return share(h(m).own_grid, h(m).requests); }),
          ci([&](const auto& m) { return share(h(m).neighbour_grid, h(m).requests); }),
          fmt::format("{} / {}",
                      ci([&](const auto& m) { return share(h(m).community_staff, h(m).requests); }),
                      ci([&](const auto& m) { return share(h(m).queued, h(m).requests); })));
    }
  }
  if (!scenario.care_visits.empty()) {
    out += fmt::format(
        "\ncare visits (proactive); on time = done within one interval of falling due\n"
        "{:<22} {:>12} {:>14} {:>14} {:>14} {:>16} {:>16}\n",
        "policy", "interval (d)", "visits due", "on time", "overdue", "backlog (mean)",
        "never visited");
    for (std::size_t p = 0; p < scenario.care_visits.size(); ++p) {
      auto v = [p](const services::CityMeasures& m) -> const services::VisitCounts& {
        return m.visits[p];
      };
      out += fmt::format(
          "{:<22} {:>12.4g} {:>14} {:>14} {:>14} {:>16} {:>16}\n", scenario.care_visits[p].id,
          scenario.care_visits[p].interval_minutes / 1440.0,
          ci([&](const auto& m) { return v(m).due; }),
          ci([&](const auto& m) { return share(v(m).on_time, v(m).due); }),
          ci([&](const auto& m) { return share(v(m).overdue, v(m).due); }),
          ci([&](const auto& m) { return v(m).backlog.count() > 0 ? v(m).backlog.mean() : 0.0; }),
          ci([&](const auto& m) { return share(v(m).never_visited, v(m).residents); }));
    }
  }
  if (!scenario.member_teams.empty()) {
    out += fmt::format(
        "\ngrid members by kind; utilisation = busy / on-duty member time; busy hours per member "
        "over the measured period, across teams\n"
        "{:<26} {:>10} {:>14} {:>14} {:>16} {:>14} {:>16}\n",
        "kind", "members", "utilisation", "served", "busy h (mean)", "busy h cv", "busy h p90");
    for (int k = 0; k < scenario::kMemberKinds; ++k) {
      auto get = [k](const services::CityMeasures& m) -> const services::MemberCounts& {
        return m.members[k];
      };
      if (get(replications.front()).members <= 0) continue;
      out += fmt::format("{:<26} {:>10} {:>14} {:>14} {:>16} {:>14} {:>16}\n",
                         scenario::to_string(static_cast<scenario::MemberKind>(k)),
                         get(replications.front()).members, ci([&](const auto& m) {
                           return share(get(m).busy_minutes, get(m).available_minutes);
                         }),
                         ci([&](const auto& m) { return get(m).home_requests; }),
                         ci([&](const auto& m) { return get(m).busy_hours_mean; }),
                         ci([&](const auto& m) { return get(m).busy_hours_cv; }),
                         ci([&](const auto& m) { return get(m).busy_hours_p90; }));
    }
  }
  return out;
}

}  // namespace circlesim::community
