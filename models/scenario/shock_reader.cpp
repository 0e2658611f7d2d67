// Dated shocks: reading and applying them (shock_reader.hpp).
#include "models/scenario/shock_reader.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/scenario/document_reader.hpp"
#include "models/scenario/plausibility.hpp"
#include "models/scenario/schema_check.hpp"
#include "models/scenario/semantic_checks.hpp"

namespace circlesim::scenario {

namespace {

template <class T>
bool listed(const std::vector<T>& list, T value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

class ShockReader : DocumentReader {
 public:
  using DocumentReader::DocumentReader;

  void read(Scenario& scenario) {
    if (!has("/shocks") || at("/shocks").empty()) return;
    if (!scenario.city) {
      error("/shocks",
            "shocks change a city's demand, staff and facilities (expected a `city` "
            "section, or no shocks)");
      return;
    }
    const json& shocks = at("/shocks");
    for (std::size_t k = 0; k < shocks.size(); ++k) {
      guarded([&] { read_shock(scenario, shocks[k], fmt::format("/shocks/{}", k)); });
    }
  }

 private:
  void read_shock(Scenario& scenario, const json& spec, const std::string& base) {
    Shock shock;
    shock.id = spec.value("id", "");
    // From 00:00 of `from` to the end of `to`, as the profiles' shocks.
    const auto from = days_between(scenario.run.start_date, spec.value("from", ""));
    const auto to = days_between(scenario.run.start_date, spec.value("to", ""));
    if (!from || !to) return;  // not dates: the schema and semantic checks say so
    if (*to < *from) {
      error(base + "/to", "a shock ends before it starts (expected `to` on or after `from`)");
      return;
    }
    if (*to < 0) {
      error(base + "/to", fmt::format("the shock ends before the run starts on {} (expected a "
                                      "date on or after it)",
                                      scenario.run.start_date));
      return;
    }
    shock.from = static_cast<double>(std::max(*from, 0L)) * 1440.0;
    shock.to = static_cast<double>(*to + 1) * 1440.0;
    const city::City& c = *scenario.city;
    if (spec.contains("demand")) {
      const json& demand = spec["demand"];
      const std::string pointer = base + "/demand";
      shock.demand_factor = demand.value("factor", 1.0);
      names(demand, pointer, "services", scenario.services, "service", shock.services);
      names(demand, pointer, "groups", scenario.groups, "population group", shock.groups);
      names(demand, pointer, "districts", c.districts, "district", shock.demand_districts);
      check_shocked_rates(scenario, shock, pointer + "/factor");
    }
    if (spec.contains("absence")) {
      const json& absence = spec["absence"];
      const std::string pointer = base + "/absence";
      shock.staff_absent = absence.value("staff", 0.0);
      shock.members_absent = absence.value("members", 0.0);
      for (const json& kind : absence.value("member_kinds", json::array())) {
        const std::string name = kind.get<std::string>();
        for (int m = 0; m < kMemberKinds; ++m) {
          if (name == to_string(static_cast<MemberKind>(m))) {
            shock.member_kinds.push_back(static_cast<MemberKind>(m));
          }
        }
      }
      names(absence, pointer, "districts", c.districts, "district", shock.absence_districts);
    }
    if (spec.contains("closure")) {
      names(spec["closure"], base + "/closure", "facilities", scenario.facilities, "facility",
            shock.closed_facilities);
    }
    scenario.shocks.push_back(std::move(shock));
  }

  // A factor must not lift a rate past the cap on written rates: the shock would otherwise make
  // the billions of requests that the cap keeps a typo in a rate from making.
  void check_shocked_rates(const Scenario& scenario, const Shock& shock,
                           const std::string& pointer) {
    if (reported_under(pointer)) return;  // beyond the schema's bound already
    for (std::size_t s = 0; s < scenario.services.size(); ++s) {
      if (!listed(shock.services, s)) continue;
      for (const DemandStream& stream : scenario.services[s].demand) {
        if (!listed(shock.groups, stream.group)) continue;
        // As written: per 1000 residents for a rate per member.
        const double written = stream.rate_per_minute * (stream.per_member ? 1000.0 : 1.0);
        if (!(written * shock.demand_factor <= kMaxRatePerMinute)) {
          error(pointer, fmt::format("a factor of {} makes service '{}' more than a million "
                                     "requests per minute (expected a factor of at most {:.6g} "
                                     "for it)",
                                     shock.demand_factor, scenario.services[s].id,
                                     kMaxRatePerMinute / written));
          return;
        }
      }
    }
  }

  // The indices of the ids listed under spec[key], each unknown id reported at its place.
  template <class Items, class Index>
  void names(const json& spec, const std::string& pointer, const char* key, const Items& items,
             const char* what, std::vector<Index>& into) {
    if (!spec.contains(key) || !spec[key].is_array()) return;
    std::vector<std::string> known;
    for (const auto& item : items) known.push_back(item.id);
    const json& list = spec[key];
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) continue;  // the schema says so
      const std::string id = list[i].get<std::string>();
      const auto found = std::find(known.begin(), known.end(), id);
      if (found != known.end()) {
        into.push_back(static_cast<Index>(found - known.begin()));
        continue;
      }
      const std::string suggestion = closest_name(id, known);
      error(fmt::format("{}/{}/{}", pointer, key, i),
            fmt::format("no {} '{}'{} (expected a {} of the scenario)", what, id,
                        suggestion.empty() ? std::string()
                                           : fmt::format("; did you mean '{}'?", suggestion),
                        what));
    }
  }
};

// The district of a facility, from its area (community, street or district by its kind).
city::Index district_of(const city::City& c, const Facility& f) {
  switch (f.kind) {
    case FacilityKind::kCommunityCentre:
    case FacilityKind::kNeighbourhoodCentre:
      return c.communities[f.area].district;
    case FacilityKind::kStreetOffice:
    case FacilityKind::kRedStation:
      return c.streets[f.area].district;
    case FacilityKind::kDistrictDepartment:
      break;
  }
  return f.area;
}

// round(servers x (1 - share)), halves up: who is left when a share is absent.
std::function<int(int)> remaining(double share) {
  return
      [share](int servers) { return static_cast<int>(std::floor(servers * (1.0 - share) + 0.5)); };
}

void apply_demand(Scenario& scenario, const Shock& shock) {
  if (shock.demand_factor == 1.0) return;
  const std::size_t districts = scenario.city->districts.size();
  for (std::size_t s = 0; s < scenario.services.size(); ++s) {
    if (!listed(shock.services, s)) continue;
    for (DemandStream& stream : scenario.services[s].demand) {
      if (!listed(shock.groups, stream.group)) continue;
      if (!stream.profile) stream.profile = Profile{};  // flat: the rate as given
      const double carried =
          shock.demand_districts.empty() ? shock.demand_factor : std::max(shock.demand_factor, 1.0);
      stream.profile->shocks.push_back({shock.from, shock.to, carried, {}});
      if (shock.demand_districts.empty()) continue;
      DemandStream::DistrictSurge surge{shock.from, shock.to, shock.demand_factor,
                                        std::vector<bool>(districts, false)};
      for (const city::Index d : shock.demand_districts) surge.in_district[d] = true;
      stream.district_surges.push_back(std::move(surge));
    }
  }
}

void apply_absences_and_closures(Scenario& scenario, const Shock& shock) {
  const city::City& c = *scenario.city;
  std::vector<bool> closed(scenario.facilities.size(), false);
  for (const std::size_t f : shock.closed_facilities) closed[f] = true;
  for (Room& room : scenario.rooms) {
    const Facility& facility = scenario.facilities[room.facility];
    if (shock.staff_absent > 0 && listed(shock.absence_districts, district_of(c, facility))) {
      room.capacity =
          room.capacity.with_window(shock.from, shock.to, remaining(shock.staff_absent));
    }
    if (closed[room.facility]) {
      room.capacity = room.capacity.with_window(shock.from, shock.to, [](int) { return 0; });
    }
  }
  if (shock.members_absent <= 0) return;
  for (MemberTeam& team : scenario.member_teams) {
    if (!listed(shock.member_kinds, team.kind)) continue;
    if (!listed(shock.absence_districts, c.communities[team.community].district)) continue;
    team.available =
        team.available.with_window(shock.from, shock.to, remaining(shock.members_absent));
  }
}

}  // namespace

void read_shocks(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario) {
  ShockReader(document, diagnostics).read(scenario);
}

void apply_shocks(Scenario& scenario) {
  for (const Shock& shock : scenario.shocks) {
    apply_demand(scenario, shock);
    apply_absences_and_closures(scenario, shock);
  }
}

}  // namespace circlesim::scenario
