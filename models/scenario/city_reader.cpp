// The city, population groups and facility-choice policy of a scenario (city_reader.hpp).
#include "models/scenario/city_reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "models/city/city_csv.hpp"
#include "models/city/synthetic_city.hpp"
#include "models/scenario/document_reader.hpp"
#include "sim/error.hpp"

namespace circlesim::scenario {

namespace {

// A count of people the schema has checked (an integer from 0 to its maximum). Anything else,
// such as 1e300, has been reported by the schema check and reads as `otherwise` rather than
// through a conversion that would overflow into nonsense (a "negative population").
std::int64_t count_or(const nlohmann::json& spec, const char* key, std::int64_t otherwise) {
  constexpr std::int64_t kSchemaMaximum = 100'000'000;  // a district's; smaller ones are reported
  const auto found = spec.find(key);
  if (found == spec.end() || !found->is_number_integer()) return otherwise;
  const auto count = found->get<std::int64_t>();
  return count >= 0 && count <= kSchemaMaximum ? count : otherwise;
}

class CityReader : DocumentReader {
 public:
  using DocumentReader::DocumentReader;

  // After the facilities: the travel times name them.
  void read_times(Scenario& scenario) {
    guarded([&] { read_travel_times(scenario); });
  }

  void read(Scenario& scenario) {
    guarded([&] { read_groups(scenario); });
    if (has("/city")) guarded([&] { read_city(scenario); });
    if (scenario.city) guarded([&] { check_area_shares(*scenario.city); });
    guarded([&] { read_choice_policy(scenario.facility_choice); });
  }

 private:
  double detour_factor() const {
    return has("/city/detour_factor") && at("/city/detour_factor").is_number()
               ? at("/city/detour_factor").get<double>()
               : 1.3;
  }

  std::optional<city::Point> location(const std::string& pointer) const {
    const auto x = quantity(pointer + "/x", QuantityKind::kDistance);
    const auto y = quantity(pointer + "/y", QuantityKind::kDistance);
    if (!x || !y) return std::nullopt;
    return city::Point{*x, *y};
  }

  void read_city(Scenario& scenario) {
    if (has("/city/districts")) {
      read_inline_city(scenario);
    } else if (has("/city/csv")) {
      read_csv_city(scenario);
    } else if (has("/city/synthetic")) {
      read_synthetic_city(scenario);
    }
    if (scenario.city) {
      for (const std::string& problem : city::check_city(*scenario.city)) error("/city", problem);
    }
  }

  void read_inline_city(Scenario& scenario) {
    city::City c;
    c.detour_factor = detour_factor();
    const json& districts = at("/city/districts");
    for (std::size_t d = 0; d < districts.size(); ++d) {
      const json& district = districts[d];
      c.districts.push_back({district.at("id").get<std::string>(),
                             district.value("name", district.at("id").get<std::string>()),
                             {}});
      const json& streets = district.at("streets");
      for (std::size_t s = 0; s < streets.size(); ++s) {
        const json& street = streets[s];
        const auto street_index = static_cast<city::Index>(c.streets.size());
        c.districts.back().streets.push_back(street_index);
        c.streets.push_back({street.at("id").get<std::string>(),
                             street.value("name", street.at("id").get<std::string>()),
                             static_cast<city::Index>(d),
                             {}});
        const json& communities = street.at("communities");
        for (std::size_t k = 0; k < communities.size(); ++k) {
          const std::string pointer =
              fmt::format("/city/districts/{}/streets/{}/communities/{}", d, s, k);
          read_inline_community(communities[k], pointer, street_index, static_cast<city::Index>(d),
                                c);
        }
      }
    }
    scenario.city = std::move(c);
  }

  void read_inline_community(const json& spec, const std::string& pointer, city::Index street,
                             city::Index district, city::City& c) {
    city::Community community;
    community.id = spec.at("id").get<std::string>();
    community.name = spec.value("name", community.id);
    community.street = street;
    community.district = district;
    community.population = count_or(spec, "population", 0);
    community.households = count_or(
        spec, "households",
        std::llround(static_cast<double>(community.population) / city::kPersonsPerHousehold));
    community.location = location(pointer + "/location").value_or(city::Point{});
    community.area_km2 = spec.value("area", 0.0);
    community.first_grid = static_cast<city::Index>(c.grids.size());
    const auto community_index = static_cast<city::Index>(c.communities.size());
    c.streets[street].communities.push_back(community_index);

    const json grids = spec.value("grids", json::array());
    if (grids.empty()) {
      c.grids.push_back({community.id, community_index, community.population, community.households,
                         community.location});
    } else {
      // Grids without a population share what the listed ones leave, evenly.
      std::int64_t listed = 0;
      std::int64_t unlisted = 0;
      for (const json& grid : grids) {
        if (grid.contains("population")) {
          listed += count_or(grid, "population", 0);
        } else {
          ++unlisted;
        }
      }
      const std::int64_t rest = std::max<std::int64_t>(0, community.population - listed);
      std::int64_t handed = 0;
      for (std::size_t g = 0; g < grids.size(); ++g) {
        const json& grid = grids[g];
        city::Grid made;
        made.id = grid.at("id").get<std::string>();
        made.community = community_index;
        if (grid.contains("population")) {
          made.population = count_or(grid, "population", 0);
        } else {
          made.population = rest / unlisted + (handed < rest % unlisted ? 1 : 0);
          ++handed;
        }
        made.households = count_or(
            grid, "households",
            std::llround(static_cast<double>(made.population) / city::kPersonsPerHousehold));
        made.location =
            location(fmt::format("{}/grids/{}/location", pointer, g)).value_or(community.location);
        c.grids.push_back(std::move(made));
      }
    }
    community.grid_count = static_cast<city::Index>(c.grids.size()) - community.first_grid;
    c.communities.push_back(std::move(community));
  }

  void read_csv_city(Scenario& scenario) {
    const std::filesystem::path base = std::filesystem::path(doc_.locations.file()).parent_path();
    auto path_of = [&](const char* key) -> std::string {
      const std::string pointer = std::string("/city/csv/") + key;
      if (!has(pointer)) return {};
      return (base / at(pointer).get<std::string>()).string();
    };
    const city::CityCsvPaths paths{path_of("districts"), path_of("streets"), path_of("communities"),
                                   path_of("grids")};
    scenario.city = city::read_city_csv(paths, detour_factor(), diagnostics_);
  }

  void read_travel_times(Scenario& scenario) {
    const std::string pointer = "/city/travel_times/file";
    if (!scenario.city || !has(pointer) || !at(pointer).is_string()) return;
    const std::filesystem::path base = std::filesystem::path(doc_.locations.file()).parent_path();
    const std::string path = (base / at(pointer).get<std::string>()).string();
    const city::IdIndex grids(scenario.city->grids);
    const city::IdIndex facilities(scenario.facilities);
    if (auto times = city::read_travel_times_csv(path, grids, facilities, "city.travel_times.file",
                                                 diagnostics_)) {
      scenario.travel_times = std::move(*times);
    }
  }

  void read_synthetic_city(Scenario& scenario) {
    const json& spec = at("/city/synthetic");
    city::SyntheticCitySpec made;
    made.seed = spec.value("seed", scenario.run.seed);
    made.detour_factor = detour_factor();
    if (spec.contains("districts") && spec["districts"].is_array()) {
      for (const json& district : spec["districts"]) {
        made.districts.push_back({district.at("id").get<std::string>(),
                                  district.value("name", district.at("id").get<std::string>()),
                                  count_or(district, "population", 1),
                                  district.at("area").get<double>()});
      }
    } else {
      made.district_count = spec.value("districts", 1);
    }
    made.streets_per_district = spec.value("streets_per_district", made.streets_per_district);
    made.communities_per_street = spec.value("communities_per_street", made.communities_per_street);
    made.grids_per_community = spec.value("grids_per_community", made.grids_per_community);
    made.residents_per_grid = spec.value("residents_per_grid", made.residents_per_grid);
    made.residents_per_community =
        spec.value("residents_per_community", made.residents_per_community);
    made.communities = spec.value("communities", std::int64_t{0});
    made.grids = spec.value("grids", std::int64_t{0});
    if (const auto spacing = quantity("/city/synthetic/spacing", QuantityKind::kDistance)) {
      made.spacing_m = *spacing;
    }
    try {
      scenario.city = city::generate_city(made);
    } catch (const sim::InvalidParameter& e) {
      error("/city/synthetic", e.what());
    }
  }

  void read_groups(Scenario& scenario) {
    scenario.groups.clear();
    scenario.groups.push_back(
        {"general", "All residents", 1.0, {}, {}, {}, {}, {}, default_walking_speed("general")});
    if (!has("/population/groups")) return;
    const json& groups = at("/population/groups");
    std::map<std::string, std::size_t> index{{"general", 0}};
    for (const json& group : groups) {
      const std::string id = group.at("id").get<std::string>();
      if (id != "general") index.emplace(id, index.size());
    }
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const json& group = groups[g];
      const std::string id = group.at("id").get<std::string>();
      if (id == "general") continue;  // the semantic checks say what is wrong with that
      GroupConfig config;
      config.id = id;
      config.name = group.value("name", id);
      config.share = group.at("share").get<double>();
      config.walking_speed_m_per_min = default_walking_speed(id);
      const std::string speed_pointer = fmt::format("/population/groups/{}/walking_speed", g);
      if (const auto speed = quantity(speed_pointer, QuantityKind::kSpeed)) {
        if (*speed > 0) {
          config.walking_speed_m_per_min = *speed;
        } else {
          error(speed_pointer, "a walking speed must be > 0");
        }
      }
      if (group.contains("subset_of")) {
        const auto parent = index.find(group["subset_of"].get<std::string>());
        if (parent != index.end()) config.subset_of = parent->second;
      }
      // Named copies: iterating items() of a temporary would outlive it.
      const json overlaps = group.value("overlaps", json::object());
      for (const auto& [other, joint] : overlaps.items()) {
        const auto partner = index.find(other);
        if (partner != index.end()) {
          config.overlaps.emplace_back(partner->second, joint.get<double>());
        }
      }
      const json by = group.value("shares_by", json::object());
      auto read_shares = [&](const char* level, std::vector<std::pair<std::string, double>>& into) {
        const json shares = by.value(level, json::object());
        for (const auto& [area, share] : shares.items())
          into.emplace_back(area, share.get<double>());
      };
      read_shares("district", config.share_by_district);
      read_shares("community", config.share_by_community);
      read_shares("grid", config.share_by_grid);
      scenario.groups.push_back(std::move(config));
    }
  }

  // Shares by area name areas of the city, which a generated or CSV city only knows now.
  void check_area_shares(const city::City& c) {
    if (!has("/population/groups")) return;
    const json& groups = at("/population/groups");
    const city::IdIndex districts(c.districts), communities(c.communities), grids(c.grids);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const json by = groups[g].value("shares_by", json::object());
      for (const auto& [level, index] :
           {std::pair<const char*, const city::IdIndex*>{"district", &districts},
            {"community", &communities},
            {"grid", &grids}}) {
        const json shares = by.value(level, json::object());
        for (const auto& [id, share] : shares.items()) {
          if (index->find(id) == nullptr) {
            error(fmt::format("/population/groups/{}/shares_by/{}/{}", g, level, id),
                  fmt::format("{} '{}' is not in the city (expected the id of one of its {})",
                              level, id, plural_of(level)));
          }
        }
      }
    }
  }

  void read_choice_policy(ChoicePolicy& policy) {
    const std::string base = "/policies/facility_choice";
    if (!has(base)) return;
    const std::string name = at(base + "/name").get<std::string>();
    if (name == "own_centre") {
      policy.kind = ChoiceKind::kOwnCentre;
    } else if (name == "nearest") {
      policy.kind = ChoiceKind::kNearest;
    } else if (name == "logit") {
      policy.kind = ChoiceKind::kLogit;
    } else {
      error(base + "/name", fmt::format("unknown facility-choice policy '{}' (expected "
                                        "own_centre, nearest or logit)",
                                        name));
      return;
    }
    if (!has(base + "/parameters")) return;
    const json& parameters = at(base + "/parameters");
    for (const auto& [key, value] : parameters.items()) {
      const std::string pointer = base + "/parameters/" + key;
      if (key == "max_travel_time") {
        if (const auto t =
                value.is_string() ? quantity(pointer, QuantityKind::kDuration) : std::nullopt) {
          policy.max_travel_minutes = *t;
        } else {
          error(pointer, "expected a duration such as 30min");
        }
      } else if (key == "travel_weight" || key == "wait_weight") {
        // Written so that NaN fails too (the YAML reader refuses it, but not every document
        // comes from YAML text).
        if (!value.is_number() || !(value.get<double>() >= 0) ||
            !std::isfinite(value.get<double>())) {
          error(pointer,
                fmt::format("expected a number >= 0 (utility per minute), got {}", value.dump()));
        } else if (key == "travel_weight") {
          policy.travel_weight = value.get<double>();
        } else {
          policy.wait_weight = value.get<double>();
        }
      } else if (key == "candidates") {
        if (!value.is_number_integer() || value.get<int>() < 1 || value.get<int>() > 50) {
          error(pointer, fmt::format("expected an integer from 1 to 50, got {}", value.dump()));
        } else {
          policy.candidates = value.get<int>();
        }
      } else {
        error(pointer, fmt::format("unknown parameter '{}' of facility_choice (expected "
                                   "max_travel_time, travel_weight, wait_weight or candidates)",
                                   key));
      }
    }
  }
};

}  // namespace

double default_walking_speed(const std::string& group_id) {
  return group_id == "elderly_60_plus" || group_id == "elderly_80_plus" ||
                 group_id == "empty_nest_elderly"
             ? 48.0
             : 60.0;
}

void read_city_parts(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario) {
  CityReader(document, diagnostics).read(scenario);
}

void read_travel_times(const YamlDocument& document, Diagnostics& diagnostics, Scenario& scenario) {
  CityReader(document, diagnostics).read_times(scenario);
}

}  // namespace circlesim::scenario
