// /geography of the city model's trace (models/services/city_geography_trace): on small-town,
// the grids' table holds the city's grids as written, and its reach columns agree with the
// coverage the model reports (the share of the general population in reach); slower groups
// never reach more; the facilities' table holds every facility with its kind and capacity.
#include "models/services/city_geography_trace.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "tests/unit/models/memory_sink.hpp"

namespace circlesim {
namespace {

scenario::Scenario one_day_small_town(std::vector<std::string> overrides = {}) {
  // tests/unit/models/services/ -> the source tree.
  const std::filesystem::path root = std::filesystem::path(__FILE__)
                                         .parent_path()
                                         .parent_path()
                                         .parent_path()
                                         .parent_path()
                                         .parent_path();
  const std::filesystem::path path = root / "scenarios/reference/small-town.yaml";
  overrides.insert(overrides.begin(), {"run.horizon=1d", "run.warmup=0d", "run.replications=1"});
  scenario::Diagnostics diagnostics;
  scenario::LoadOptions options;
  options.overrides = overrides;
  auto loaded = scenario::load_scenario(path.string(), options, diagnostics);
  EXPECT_TRUE(loaded) << diagnostics.to_string();
  return *loaded;
}

const std::vector<double>& column(const trace::Table& table, const std::string& name) {
  const trace::TableColumn* found = table.column(name);
  if (found == nullptr) throw std::runtime_error("no column " + name);
  return found->values;
}

TEST(CityGeographyTrace, GridsAreTheCitysAndReachAgreesWithCoverage) {
  const scenario::Scenario s = one_day_small_town();
  MemorySink sink(trace::TraceLevel::kSummary);
  const services::CityMeasures m = services::run_city_replication(s, 0, {&sink});
  const city::City& c = *s.city;
  ASSERT_EQ(sink.tables.count("geography/grids"), 1U);
  const trace::Table& grids = sink.tables.at("geography/grids");
  ASSERT_EQ(grids.rows(), c.grids.size());
  const std::size_t offers = m.access.offers.size();
  const std::size_t groups = s.groups.size();
  EXPECT_EQ(grids.columns.size(), 5 + offers * groups);
  EXPECT_EQ(std::get<double>(grids.attributes.at("travel_target")), 15.0);
  double people = 0;
  for (std::size_t g = 0; g < c.grids.size(); ++g) {
    EXPECT_EQ(column(grids, "x_m")[g], c.grids[g].location.x);
    EXPECT_EQ(column(grids, "y_m")[g], c.grids[g].location.y);
    EXPECT_EQ(column(grids, "community")[g], c.grids[g].community);
    EXPECT_EQ(column(grids, "district")[g], 0);  // one district
    people += column(grids, "residents")[g];
  }
  EXPECT_EQ(people, 60100);
  EXPECT_EQ(column(grids, "community")[47], 5);  // c6, the last community

  // Each offer's coverage of the general population is the residents' share in reach.
  std::size_t unreached = 0;
  for (std::size_t o = 0; o < offers; ++o) {
    const std::string& offer = m.access.offers[o];
    const std::vector<double>& general = column(grids, services::reach_column(offer, "general"));
    double within = 0;
    for (std::size_t g = 0; g < c.grids.size(); ++g) {
      EXPECT_TRUE(general[g] == 0 || general[g] == 1);
      within += general[g] * column(grids, "residents")[g];
      unreached += general[g] == 0 ? 1 : 0;
    }
    EXPECT_DOUBLE_EQ(within / people, m.access.coverage[o * groups]) << offer;
    // A slower group never reaches a place that the general pace does not.
    for (std::size_t k = 1; k < groups; ++k) {
      if (s.groups[k].walking_speed_m_per_min > s.groups[0].walking_speed_m_per_min) continue;
      const std::vector<double>& slower =
          column(grids, services::reach_column(offer, s.groups[k].id));
      for (std::size_t g = 0; g < c.grids.size(); ++g) {
        EXPECT_LE(slower[g], general[g]) << offer << " " << s.groups[k].id << " grid " << g;
      }
    }
    // Offer names start with a facility kind of /lookup/facility_kinds.
    const std::string kind = offer.substr(0, offer.find('/'));
    EXPECT_THAT(sink.lookups.at("facility_kinds"), ::testing::Contains(kind)) << offer;
  }
  EXPECT_GT(unreached, 0U);  // the single district department is far from most grids

  // A tighter target leaves more grids out of reach.
  const scenario::Scenario tight = one_day_small_town({"targets.travel=5min"});
  MemorySink tight_sink(trace::TraceLevel::kSummary);
  (void)services::run_city_replication(tight, 0, {&tight_sink});
  const trace::Table& tight_grids = tight_sink.tables.at("geography/grids");
  const std::string health = services::reach_column("community_centre/health", "general");
  double reached = 0;
  double tight_reached = 0;
  for (std::size_t g = 0; g < c.grids.size(); ++g) {
    reached += column(grids, health)[g];
    tight_reached += column(tight_grids, health)[g];
  }
  EXPECT_EQ(reached, 48);
  EXPECT_LT(tight_reached, reached);
  EXPECT_EQ(std::get<double>(tight_grids.attributes.at("travel_target")), 5.0);
}

TEST(CityGeographyTrace, FacilitiesHaveTheirPlaceKindAndCapacity) {
  const scenario::Scenario s = one_day_small_town();
  MemorySink sink(trace::TraceLevel::kSummary);
  (void)services::run_city_replication(s, 0, {&sink});
  const trace::Table& places = sink.tables.at("geography/facilities");
  ASSERT_EQ(places.rows(), s.facilities.size());
  EXPECT_EQ(std::get<std::string>(places.attributes.at("kind_lookup")), "facility_kinds");
  const std::vector<std::string>& kinds = sink.lookups.at("facility_kinds");
  ASSERT_EQ(kinds, services::facility_kind_names());
  for (std::size_t f = 0; f < s.facilities.size(); ++f) {
    EXPECT_EQ(column(places, "x_m")[f], s.facilities[f].location.x);
    EXPECT_EQ(column(places, "y_m")[f], s.facilities[f].location.y);
    EXPECT_EQ(column(places, "kind")[f], static_cast<double>(s.facilities[f].kind));
  }
  // centre_c1: 3 + 1 + 1 + 1 + 1 staff; station_xinhua_1: 6 seats and 4 chargers.
  EXPECT_EQ(s.facilities[0].id, "centre_c1");
  EXPECT_EQ(column(places, "capacity")[0], 7);
  EXPECT_EQ(kinds.at(static_cast<std::size_t>(column(places, "kind")[0])), "community_centre");
  for (std::size_t f = 0; f < s.facilities.size(); ++f) {
    if (s.facilities[f].id != "station_xinhua_1") continue;
    EXPECT_EQ(kinds.at(static_cast<std::size_t>(column(places, "kind")[f])), "red_station");
    EXPECT_EQ(column(places, "capacity")[f], 10);
  }
}

}  // namespace
}  // namespace circlesim
