// Grid members, home-service settings, dispatch and care-visit policies, escalation targets
// (community_reader.hpp).
#include "models/scenario/community_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "models/scenario/document_reader.hpp"
#include "models/scenario/plausibility.hpp"
#include "models/scenario/schema_check.hpp"

namespace circlesim::scenario {

const char* to_string(MemberKind kind) {
  switch (kind) {
    case MemberKind::kCommunityWorker:
      return "community_worker";
    case MemberKind::kPartyMemberVolunteer:
      return "party_member_volunteer";
    case MemberKind::kNewEconomyVolunteer:
      return "new_economy_volunteer";
  }
  return "unknown";
}

namespace {

// Minutes [from, to) of one day, by weekday (Monday first).
using DayWindows = std::array<std::vector<std::pair<double, double>>, 7>;

// `count` members inside the windows, 0 outside, as a weekly cycle from the scenario start
// (a `start_weekday`, 00:00). Windows do not overlap (the semantic checks say so).
sim::CapacitySchedule weekly_availability(DayWindows windows, int count, int start_weekday) {
  std::vector<sim::CapacityChange> changes;
  auto set = [&](double at, int servers) {
    if (!changes.empty() && changes.back().at == at) changes.pop_back();
    if (changes.empty() || changes.back().servers != servers) changes.push_back({at, servers});
  };
  for (int day = 0; day < 7; ++day) {
    auto& spans = windows[static_cast<std::size_t>((start_weekday + day) % 7)];
    std::sort(spans.begin(), spans.end());
    if (changes.empty()) changes.push_back({0.0, 0});
    for (const auto& [from, to] : spans) {
      set(day * sim::kDay + from, count);
      set(day * sim::kDay + to, 0);
    }
  }
  if (changes.size() == 1) return sim::CapacitySchedule::piecewise(std::move(changes));
  // Available around the clock every day: one change left after merging.
  return sim::CapacitySchedule::cyclic(std::move(changes), sim::kWeek);
}

class CommunityReader : DocumentReader {
 public:
  using DocumentReader::DocumentReader;

  void read(Scenario& scenario) {
    guarded([&] { read_home_settings(scenario); });
    guarded([&] { read_grid_members(scenario); });
    guarded([&] { read_dispatch(scenario); });
    guarded([&] { read_care_visits(scenario); });
    guarded([&] { read_escalation_targets(scenario); });
    guarded([&] { check_home_services_have_members(scenario); });
  }

 private:
  static bool at_home(const Service& s) { return s.channel == Channel::kHomeVisit; }

  std::optional<std::size_t> service_index(const Scenario& scenario, const std::string& id) const {
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
      if (scenario.services[s].id == id) return s;
    }
    return std::nullopt;
  }

  std::optional<std::size_t> group_index(const Scenario& scenario, const std::string& id) const {
    for (std::size_t g = 0; g < scenario.groups.size(); ++g) {
      if (scenario.groups[g].id == id) return g;
    }
    return std::nullopt;
  }

  // A home service by id, or a problem reported at `pointer`.
  std::optional<std::size_t> home_service(const Scenario& scenario, const std::string& pointer) {
    if (!has(pointer) || !at(pointer).is_string()) return std::nullopt;
    const std::string id = at(pointer).get<std::string>();
    const std::optional<std::size_t> s = service_index(scenario, id);
    if (!s) return std::nullopt;  // the semantic checks name unknown services
    if (!at_home(scenario.services[*s])) {
      error(pointer, fmt::format("service '{}' is not served at home (expected a service with "
                                 "channel home_visit)",
                                 id));
      return std::nullopt;
    }
    return s;
  }

  void read_home_settings(Scenario& scenario) {
    scenario.home_settings.assign(scenario.services.size(), HomeServiceSettings{});
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
      const std::string pointer = fmt::format("/services/{}/response_target", s);
      if (!has(pointer)) continue;
      if (!at_home(scenario.services[s])) {
        error(pointer,
              "a response target applies to services at home (expected channel home_visit, or "
              "no response_target)");
        continue;
      }
      if (const auto target = quantity(pointer, QuantityKind::kDuration)) {
        scenario.home_settings[s].response_target_minutes = *target;
      }
    }
  }

  void read_grid_members(Scenario& scenario) {
    if (!has("/grid_members") || at("/grid_members").empty()) return;
    if (!scenario.city) {
      error("/grid_members", "grid members serve the grids of a city (expected a `city` section)");
      return;
    }
    const city::City& c = *scenario.city;
    const city::IdIndex grids(c.grids), communities(c.communities), districts(c.districts);
    const json& members = at("/grid_members");
    for (std::size_t m = 0; m < members.size(); ++m) {
      const std::string base = fmt::format("/grid_members/{}", m);
      const json& spec = members[m];
      MemberTeam team;
      const std::string kind = spec.value("kind", "party_member_volunteer");
      team.kind = kind == "community_worker"        ? MemberKind::kCommunityWorker
                  : kind == "new_economy_volunteer" ? MemberKind::kNewEconomyVolunteer
                                                    : MemberKind::kPartyMemberVolunteer;
      team.count = spec.value("count", 1);
      const std::optional<double> per_1000 =
          spec.contains("per_1000_residents")
              ? std::optional<double>(spec["per_1000_residents"].get<double>())
              : std::nullopt;
      const std::size_t skills = spec.value("skills", json::array()).size();
      for (std::size_t i = 0; i < skills; ++i) {
        if (const auto s = home_service(scenario, fmt::format("{}/skills/{}", base, i))) {
          team.skills.push_back(*s);
        }
      }
      if (const auto speed = quantity(base + "/speed", QuantityKind::kSpeed)) {
        if (*speed <= 0) {
          error(base + "/speed", "a travel speed must be > 0");
        } else {
          team.speed_m_per_min = *speed;
        }
      }
      const std::optional<DayWindows> windows = read_availability(spec, base);
      bool too_many_reported = false;
      auto add_team = [&](std::optional<city::Index> grid, city::Index community) {
        MemberTeam t = team;
        t.grid = grid;
        t.community = community;
        if (per_1000) {
          const std::int64_t people =
              grid ? c.grids[*grid].population : c.communities[community].population;
          const double team_size = std::round(*per_1000 * static_cast<double>(people) / 1000.0);
          // The same cap as a count: checked before converting, which would overflow.
          if (!(team_size <= static_cast<double>(kMaxPeople))) {
            // Once per team, not once per grid; not at all past the schema's bound.
            if (too_many_reported || reported_under(base + "/per_1000_residents")) return;
            too_many_reported = true;
            error(base + "/per_1000_residents",
                  fmt::format("{} per 1000 residents makes {} members in one team for the {} "
                              "residents of {} '{}', implausibly many (expected at most {})",
                              *per_1000, team_size, people, grid ? "grid" : "community",
                              grid ? c.grids[*grid].id : c.communities[community].id, kMaxPeople));
            return;
          }
          t.count = std::max(spec.contains("count") ? team.count : 0, static_cast<int>(team_size));
        }
        if (t.count == 0) return;  // a grid too small for a member at this ratio
        t.available = windows ? weekly_availability(*windows, t.count, scenario.run.start_weekday)
                              : sim::CapacitySchedule::constant(t.count);
        scenario.member_teams.push_back(std::move(t));
      };
      if (spec.contains("grid")) {
        const std::string id = spec["grid"].get<std::string>();
        if (const city::Index* g = grids.find(id)) {
          add_team(*g, c.grids[*g].community);
        } else {
          unknown(base + "/grid", "grid", id, c.grids);
        }
      } else if (spec.contains("community")) {
        const std::string id = spec["community"].get<std::string>();
        if (const city::Index* k = communities.find(id)) {
          add_team(std::nullopt, *k);
        } else {
          unknown(base + "/community", "community", id, c.communities);
        }
      } else if (spec.contains("each")) {
        std::vector<bool> in_districts(c.districts.size(), !spec.contains("districts"));
        const json list = spec.value("districts", json::array());
        for (std::size_t i = 0; i < list.size(); ++i) {
          const std::string id = list[i].get<std::string>();
          if (const city::Index* d = districts.find(id)) {
            in_districts[*d] = true;
          } else {
            unknown(fmt::format("{}/districts/{}", base, i), "district", id, c.districts);
          }
        }
        const bool each_grid = spec["each"].get<std::string>() == "grid";
        for (city::Index k = 0; k < c.communities.size(); ++k) {
          if (!in_districts[c.communities[k].district]) continue;
          if (!each_grid) {
            add_team(std::nullopt, k);
            continue;
          }
          const city::Community& community = c.communities[k];
          for (city::Index g = community.first_grid;
               g < community.first_grid + community.grid_count; ++g) {
            add_team(g, k);
          }
        }
      }
    }
  }

  template <class Items>
  void unknown(const std::string& pointer, const char* what, const std::string& id,
               const Items& items) {
    std::vector<std::string> names;
    for (const auto& item : items) names.push_back(item.id);
    const std::string suggestion = closest_name(id, names);
    error(pointer, fmt::format("the city has no {} '{}'{} (expected a {} id of the city)", what, id,
                               suggestion.empty() ? std::string()
                                                  : fmt::format("; did you mean '{}'?", suggestion),
                               what));
  }

  // availability: each window on its day types (every day by default).
  std::optional<DayWindows> read_availability(const json& spec, const std::string& base) {
    if (!spec.contains("availability") || !spec["availability"].is_array()) return std::nullopt;
    DayWindows windows;
    const json& list = spec["availability"];
    for (std::size_t w = 0; w < list.size(); ++w) {
      const std::string pointer = fmt::format("{}/availability/{}", base, w);
      const json& window = list[w];
      if (!window.is_object() || !window.contains("from") || !window.contains("to")) continue;
      const auto from = parse_clock_time(window["from"].get<std::string>());
      const auto to = parse_clock_time(window["to"].get<std::string>());
      if (!from || !to) continue;  // the schema's pattern says so
      if (*to <= *from) {
        error(pointer + "/to",
              "the window must end after it starts (expected a later time, "
              "24:00 for midnight)");
        continue;
      }
      std::array<bool, 7> days{};
      days.fill(!window.contains("days"));
      const json day_types = window.value("days", json::array());
      for (std::size_t i = 0; i < day_types.size(); ++i) {
        const std::string day = day_types[i].get<std::string>();
        if (day == "weekday") {
          for (int d = 0; d < 5; ++d) days[static_cast<std::size_t>(d)] = true;
        } else if (day == "saturday") {
          days[5] = true;
        } else if (day == "sunday") {
          days[6] = true;
        } else {
          error(fmt::format("{}/days/{}", pointer, i),
                fmt::format("day type '{}' needs the calendar (holidays, named day types), which "
                            "is not simulated yet (expected weekday, saturday or sunday)",
                            day));
        }
      }
      for (std::size_t d = 0; d < 7; ++d) {
        if (days[d]) windows[d].emplace_back(*from, *to);
      }
    }
    return windows;
  }

  void read_dispatch(Scenario& scenario) {
    if (!has("/policies/dispatch")) return;
    static const std::map<std::string, DispatchKind> kPolicies = {
        {"nearest_available", DispatchKind::kNearestAvailable},
        {"least_busy", DispatchKind::kLeastBusy},
        {"skill_match", DispatchKind::kSkillMatch},
        {"priority_by_group", DispatchKind::kPriorityByGroup}};
    const std::string name = at("/policies/dispatch").value("name", "nearest_available");
    const auto found = kPolicies.find(name);
    if (found == kPolicies.end()) {
      error("/policies/dispatch/name",
            fmt::format("unknown dispatch policy '{}' (expected nearest_available, least_busy, "
                        "skill_match or priority_by_group)",
                        name));
      return;
    }
    DispatchPolicy& policy = scenario.dispatch;
    policy.kind = found->second;
    const std::string params = "/policies/dispatch/parameters";
    if (!has(params)) return;
    for (const auto& [key, value] : at(params).items()) {
      const std::string pointer = params + "/" + key;
      if (key == "within_grid") {
        if (const auto within = dispatch_distance(value, pointer)) policy.within_grid_m = *within;
      } else if (key == "groups" && policy.kind == DispatchKind::kPriorityByGroup) {
        read_group_order(scenario, value, pointer);
      } else {
        error(pointer,
              fmt::format("unknown parameter '{}' of dispatch policy {} (expected "
                          "within_grid{})",
                          key, name,
                          policy.kind == DispatchKind::kPriorityByGroup ? " or groups" : ""));
      }
    }
    if (policy.kind == DispatchKind::kPriorityByGroup && policy.group_order.empty()) {
      error(params,
            "priority_by_group needs the groups in order (expected parameter groups: a "
            "list of group ids, most urgent first)");
    }
  }

  // A policy parameter is free-form in the schema, so its distance is checked here as the
  // schema check checks distances elsewhere.
  std::optional<double> dispatch_distance(const json& value, const std::string& pointer) {
    if (!value.is_string()) {
      error(pointer, "expected a distance, such as 200m");
      return std::nullopt;
    }
    const std::string text = value.get<std::string>();
    const QuantityResult d = parse_quantity(text, QuantityKind::kDistance);
    if (!d.quantity) {
      error(pointer, fmt::format("{} (expected a distance, such as 200m)", d.error));
    } else if (d.quantity->value < 0) {
      error(pointer, fmt::format("a distance cannot be negative, got {} (expected a distance, "
                                 "such as 200m)",
                                 text));
    } else if (d.quantity->value > kMaxDistanceMetres) {
      error(pointer, too_far_message(text));
    } else {
      return d.quantity->value;
    }
    return std::nullopt;
  }

  void read_group_order(Scenario& scenario, const json& value, const std::string& pointer) {
    if (!value.is_array()) {
      error(pointer, "expected a list of group ids, most urgent first");
      return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string item = fmt::format("{}/{}", pointer, i);
      const std::string id = value[i].is_string() ? value[i].get<std::string>() : "";
      if (const auto g = group_index(scenario, id)) {
        scenario.dispatch.group_order.push_back(*g);
      } else {
        std::vector<std::string> names;
        for (const GroupConfig& group : scenario.groups) names.push_back(group.id);
        error(item, fmt::format("no population group '{}' (expected one of: {})", id,
                                fmt::join(names, ", ")));
      }
    }
  }

  void read_care_visits(Scenario& scenario) {
    if (!has("/policies/care_visits")) return;
    const json& list = at("/policies/care_visits");
    for (std::size_t v = 0; v < list.size(); ++v) {
      const std::string base = fmt::format("/policies/care_visits/{}", v);
      CareVisitPolicy policy;
      policy.id = list[v].value("id", "");
      const std::optional<std::size_t> service = home_service(scenario, base + "/service");
      const std::string group = list[v].value("group", "");
      const std::optional<std::size_t> g = group_index(scenario, group);
      if (!g) {
        std::vector<std::string> names;
        for (const GroupConfig& config : scenario.groups) names.push_back(config.id);
        error(base + "/group", fmt::format("no population group '{}' (expected one of: {})", group,
                                           fmt::join(names, ", ")));
      }
      const std::optional<double> every = quantity(base + "/every", QuantityKind::kDuration);
      // Proactive visits are planned by the day; an interval of seconds, a likely unit
      // mistake, would make a visit per resident every few seconds and a run of hours.
      const bool plausible = every && *every >= sim::kDay;
      if (every && !plausible) {
        error(base + "/every",
              fmt::format("visiting each resident every {} is more often than once a day "
                          "(expected an interval of 1d or longer)",
                          at(base + "/every").get<std::string>()));
      }
      if (!service || !g || !plausible) continue;
      policy.group = *g;
      policy.service = *service;
      policy.interval_minutes = *every;
      scenario.care_visits.push_back(std::move(policy));
    }
  }

  void read_escalation_targets(Scenario& scenario) {
    if (const auto street =
            quantity("/targets/escalation/street_office", QuantityKind::kDuration)) {
      scenario.escalation_targets.street_office_minutes = *street;
    }
    if (const auto district =
            quantity("/targets/escalation/district_department", QuantityKind::kDuration)) {
      scenario.escalation_targets.district_department_minutes = *district;
    }
  }

  // A home service nobody could ever take is a scenario mistake, not a finding.
  void check_home_services_have_members(const Scenario& scenario) {
    if (!scenario.member_teams.empty() || has("/grid_members")) return;
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
      if (at_home(scenario.services[s]) && !scenario.services[s].demand.empty()) {
        error(fmt::format("/services/{}/channel", s),
              fmt::format("service '{}' is served at home by grid members, but the scenario has "
                          "none (expected grid_members)",
                          scenario.services[s].id));
      }
    }
  }
};

}  // namespace

void read_community_parts(const YamlDocument& document, Diagnostics& diagnostics,
                          Scenario& scenario) {
  CommunityReader(document, diagnostics).read(scenario);
}

}  // namespace circlesim::scenario
