// FacilityReader: facilities listed one by one and laid out by rule (facility_reader.hpp).
#include "models/scenario/facility_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "models/scenario/document_reader.hpp"

namespace circlesim::scenario {

namespace {

// Facility kinds as the document names them, with the area they belong to.
struct FacilityPart {
  const char* key;
  FacilityKind kind;
  const char* area_key;  // community, street or district
};
constexpr FacilityPart kFacilityParts[] = {
    {"community_centres", FacilityKind::kCommunityCentre, "community"},
    {"neighbourhood_centres", FacilityKind::kNeighbourhoodCentre, "community"},
    {"street_offices", FacilityKind::kStreetOffice, "street"},
    {"district_departments", FacilityKind::kDistrictDepartment, "district"},
};

class FacilityReader : DocumentReader {
 public:
  using DocumentReader::DocumentReader;

  void read(Scenario& scenario) {
    guarded([&] { read_facilities(scenario); });
    if (has("/facilities/generate")) guarded([&] { generate(scenario); });
  }

 private:
  void read_facilities(Scenario& scenario) {
    for (const FacilityPart& part : kFacilityParts) {
      const std::string list = std::string("/facilities/") + part.key;
      if (!has(list)) continue;
      const json& facilities = at(list);
      for (std::size_t f = 0; f < facilities.size(); ++f) {
        read_facility(scenario, part, facilities[f], fmt::format("{}/{}", list, f));
      }
    }
  }

  void read_facility(Scenario& scenario, const FacilityPart& part, const json& spec,
                     const std::string& base) {
    Facility facility;
    facility.id = spec.value("id", "");
    facility.name = spec.value("name", facility.id);
    facility.kind = part.kind;
    if (spec.contains("opening_hours")) {
      error(base + "/opening_hours",
            "opening_hours is part of the scenario language but not simulated yet; remove it "
            "to run this scenario");
    }
    if (scenario.city) {
      resolve_place(*scenario.city, part, spec, base, facility);
    } else {
      // Without a city there is one implicit community: naming it is harmless, but a
      // location would mean travel, which needs the city.
      if (spec.contains("location")) {
        error(base + "/location",
              "a location needs the scenario's city (add a `city` section, or remove it)");
      }
    }
    const std::size_t facility_index = scenario.facilities.size();
    const json rooms = spec.value("rooms", json::array());
    for (std::size_t r = 0; r < rooms.size(); ++r) {
      facility.rooms.push_back(scenario.rooms.size());
      scenario.rooms.push_back(
          read_room(rooms[r], fmt::format("{}/rooms/{}", base, r), facility_index, facility.id));
    }
    scenario.facilities.push_back(std::move(facility));
  }

  // The facility's area (community, street or district) and its location: as given, or the
  // area's (a community's own location; a street's or district's population-weighted centre).
  void resolve_place(const city::City& c, const FacilityPart& part, const json& spec,
                     const std::string& base, Facility& facility) {
    if (!spec.contains(part.area_key)) {
      error(base, fmt::format("missing required key '{}' (expected the id of the {} it belongs "
                              "to: the scenario has a city)",
                              part.area_key, part.area_key));
      return;
    }
    const std::string area_id = spec.value(part.area_key, "");
    bool found = false;
    if (std::string(part.area_key) == "community") {
      for (city::Index k = 0; k < c.communities.size(); ++k) {
        if (c.communities[k].id == area_id) {
          facility.area = k;
          found = true;
        }
      }
    } else if (std::string(part.area_key) == "street") {
      for (city::Index k = 0; k < c.streets.size(); ++k) {
        if (c.streets[k].id == area_id) {
          facility.area = k;
          found = true;
        }
      }
    } else {
      for (city::Index d = 0; d < c.districts.size(); ++d) {
        if (c.districts[d].id != area_id) continue;
        facility.area = d;
        found = true;
      }
    }
    if (!found) {
      error(base + "/" + part.area_key,
            fmt::format("{} '{}' is not in the city (expected the id of one of its {} {}s)",
                        part.area_key, area_id,
                        std::string(part.area_key) == "community" ? c.communities.size()
                        : std::string(part.area_key) == "street"  ? c.streets.size()
                                                                  : c.districts.size(),
                        part.area_key));
      return;
    }
    if (spec.contains("location")) {
      const auto x = quantity(base + "/location/x", QuantityKind::kDistance);
      const auto y = quantity(base + "/location/y", QuantityKind::kDistance);
      if (x && y) facility.location = {*x, *y};
      return;
    }
    facility.location = default_location(c, part.kind, facility.area);
  }

  Room read_room(const json& spec, const std::string& pointer, std::size_t facility,
                 const std::string& facility_id) {
    Room room;
    room.facility = facility;
    room.facility_id = facility_id;
    room.type = spec.value("type", "");
    if (spec.contains("staffing")) {
      error(pointer + "/staffing",
            "staffing schedules are part of the scenario language but not simulated yet; "
            "give a constant 'staff' count");
    }
    // A staff count of the wrong type has been reported by the schema check.
    if (spec.contains("staff") && spec["staff"].is_number_integer()) {
      room.staff = spec["staff"].get<int>();
      if (room.staff < 1) {
        error(pointer + "/staff", "a room needs at least one staff member to run");
      }
    }
    if (spec.contains("waiting_room") && spec["waiting_room"].is_number_integer()) {
      room.waiting_room = spec["waiting_room"].get<std::size_t>();
    }
    room.preemptive = spec.value("preemptive", false);
    room.on_close = spec.value("on_close", std::string("serve_waiting")) == "send_away"
                        ? sim::ClosingPolicy::kSendAway
                        : sim::ClosingPolicy::kServeWaiting;
    return room;
  }

  // facilities.generate: one facility per area, or `count` in the most populous communities.
  void generate(Scenario& scenario) {
    const json& rules = at("/facilities/generate");
    if (!scenario.city) {
      error("/facilities/generate",
            "generated facilities need the scenario's city (add a `city` section)");
      return;
    }
    const city::City& c = *scenario.city;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const std::string base = fmt::format("/facilities/generate/{}", i);
      const json& rule = rules[i];
      const std::string kind_name = rule.at("kind").get<std::string>();
      const FacilityPart* part = nullptr;
      for (const FacilityPart& p : kFacilityParts) {
        if (kind_name + "s" == p.key) part = &p;
      }
      if (part == nullptr) continue;  // the schema check reports it
      const std::string prefix = rule.value("id_prefix", kind_name);
      std::vector<city::Index> areas;
      if (rule.contains("count")) {
        if (std::string(part->area_key) != "community") {
          error(base + "/count", fmt::format("a count places {}s only one per {}: leave it out "
                                             "(expected no count for {})",
                                             kind_name, part->area_key, kind_name));
          continue;
        }
        const auto count = rule["count"].get<std::int64_t>();
        if (count > static_cast<std::int64_t>(c.communities.size())) {
          error(base + "/count", fmt::format("{} {}s do not fit in the city's {} communities "
                                             "(expected at most one per community)",
                                             count, kind_name, c.communities.size()));
          continue;
        }
        areas = most_populous_communities(c, static_cast<std::size_t>(count));
      } else {
        const std::size_t n = std::string(part->area_key) == "community" ? c.communities.size()
                              : std::string(part->area_key) == "street"  ? c.streets.size()
                                                                         : c.districts.size();
        areas.resize(n);
        std::iota(areas.begin(), areas.end(), city::Index{0});
      }
      for (const city::Index area : areas) {
        Facility facility;
        const std::string& area_id =
            std::string(part->area_key) == "community" ? c.communities[area].id
            : std::string(part->area_key) == "street"  ? c.streets[area].id
                                                       : c.districts[area].id;
        facility.id = prefix + "_" + area_id;
        facility.name = facility.id;
        facility.kind = part->kind;
        facility.area = area;
        facility.location = default_location(c, part->kind, area);
        const std::size_t index = scenario.facilities.size();
        for (std::size_t r = 0; r < rule.at("rooms").size(); ++r) {
          facility.rooms.push_back(scenario.rooms.size());
          scenario.rooms.push_back(
              read_room(rule["rooms"][r], fmt::format("{}/rooms/{}", base, r), index, facility.id));
        }
        scenario.facilities.push_back(std::move(facility));
      }
    }
  }

  // `count` communities: shared among districts in proportion to population (largest
  // remainder), each district's going to its most populous communities (ties: listed first).
  static std::vector<city::Index> most_populous_communities(const city::City& c,
                                                            std::size_t count) {
    const std::size_t districts = c.districts.size();
    std::vector<std::vector<city::Index>> by_district(districts);
    std::vector<double> population(districts, 0.0);
    for (city::Index k = 0; k < c.communities.size(); ++k) {
      by_district[c.communities[k].district].push_back(k);
      population[c.communities[k].district] += static_cast<double>(c.communities[k].population);
    }
    const double total = std::accumulate(population.begin(), population.end(), 0.0);
    std::vector<std::size_t> quota(districts, 0);
    std::vector<std::pair<double, std::size_t>> remainders;
    std::size_t given = 0;
    for (std::size_t d = 0; d < districts; ++d) {
      const double exact = total > 0 ? static_cast<double>(count) * population[d] / total : 0.0;
      quota[d] = std::min(by_district[d].size(), static_cast<std::size_t>(exact));
      given += quota[d];
      remainders.emplace_back(-(exact - static_cast<double>(quota[d])), d);
    }
    std::sort(remainders.begin(), remainders.end());
    // Hand out what is left by largest remainder, skipping districts that are full.
    while (given < count) {
      bool progressed = false;
      for (const auto& [remainder, d] : remainders) {
        if (given == count) break;
        if (quota[d] < by_district[d].size()) {
          ++quota[d];
          ++given;
          progressed = true;
        }
      }
      if (!progressed) break;
    }
    std::vector<city::Index> chosen;
    for (std::size_t d = 0; d < districts; ++d) {
      std::vector<city::Index>& list = by_district[d];
      std::stable_sort(list.begin(), list.end(), [&](city::Index a, city::Index b) {
        return c.communities[a].population > c.communities[b].population;
      });
      chosen.insert(chosen.end(), list.begin(),
                    list.begin() + static_cast<std::ptrdiff_t>(quota[d]));
    }
    std::sort(chosen.begin(), chosen.end());
    return chosen;
  }
};

}  // namespace

city::Point default_location(const city::City& c, FacilityKind kind, city::Index area) {
  std::vector<city::Index> communities;
  switch (kind) {
    case FacilityKind::kCommunityCentre:
    case FacilityKind::kNeighbourhoodCentre:
      return c.communities[area].location;
    case FacilityKind::kStreetOffice:
    case FacilityKind::kRedStation:
      communities = c.streets[area].communities;
      break;
    case FacilityKind::kDistrictDepartment:
      for (const city::Index street : c.districts[area].streets) {
        for (const city::Index k : c.streets[street].communities) communities.push_back(k);
      }
      break;
  }
  double weight = 0;
  city::Point sum;
  for (const city::Index k : communities) {
    const auto w = static_cast<double>(std::max<std::int64_t>(c.communities[k].population, 1));
    sum.x += w * c.communities[k].location.x;
    sum.y += w * c.communities[k].location.y;
    weight += w;
  }
  return weight > 0 ? city::Point{sum.x / weight, sum.y / weight} : city::Point{};
}

void read_facilities(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario) {
  FacilityReader(document, diagnostics).read(scenario);
}

}  // namespace circlesim::scenario
