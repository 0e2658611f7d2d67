// Validating a city-sized scenario: 5,000 grids and 1,300 facilities listed inline (the size of
// the reference city: 757 community centres with their 8 rooms, 264 neighbourhood centres, 274
// red stations, street offices and district departments). The target: under 2 s.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/schema_check.hpp"
#include "models/scenario/yaml_document.hpp"

namespace {

constexpr int kDistricts = 9;
constexpr int kCommunities = 757;
constexpr int kGrids = 5000;
constexpr int kNeighbourhoodCentres = 264;
constexpr int kRedStations = 274;
constexpr int kStreetOffices = 5;

const char* const kRequiredRooms[] = {"convenience_services",
                                      "governance",
                                      "civilisation_practice",
                                      "veterans",
                                      "party_activity",
                                      "residents_council",
                                      "health",
                                      "police"};

std::string location(int i) {
  return fmt::format("{{x: {:.1f}km, y: {:.1f}km}}", (i % 97) * 0.4, (i / 97) * 0.4);
}

// The scenario text, generated once: a city of districts, streets (8 communities each),
// communities and grids, and its facilities.
std::string city_scenario() {
  std::string out =
      "run: {name: city, horizon: 7d, warmup: 1d, seed: 1, replications: 10}\n"
      "city:\n  districts:\n";
  int community = 0;
  int grid = 0;
  const int streets = (kCommunities + 7) / 8;
  for (int d = 0; d < kDistricts; ++d) {
    out += fmt::format("    - id: d{}\n      name: District {}\n      streets:\n", d, d);
    for (int s = d; s < streets; s += kDistricts) {
      out += fmt::format("        - id: s{}\n          communities:\n", s);
      for (int c = 0; c < 8 && community < kCommunities; ++c, ++community) {
        out += fmt::format(
            "            - id: c{}\n              population: 8600\n              location: {}\n"
            "              grids:\n",
            community, location(community));
        // Spread the grids evenly: community k gets grids [k*G/C, (k+1)*G/C).
        const int last = (community + 1) * kGrids / kCommunities;
        for (; grid < last; ++grid) {
          out += fmt::format("                - {{id: g{}, population: 1300, location: {}}}\n",
                             grid, location(grid));
        }
      }
    }
  }
  out += "facilities:\n  community_centres:\n";
  for (int c = 0; c < kCommunities; ++c) {
    out += fmt::format("    - id: cc{}\n      community: c{}\n      location: {}\n      rooms:\n",
                       c, c, location(c));
    for (const char* room : kRequiredRooms) {
      out += fmt::format("        - {{type: {}, staff: 2}}\n", room);
    }
  }
  out += "  neighbourhood_centres:\n";
  for (int n = 0; n < kNeighbourhoodCentres; ++n) {
    out += fmt::format(
        "    - id: nc{}\n      community: c{}\n      location: {}\n      rooms:\n"
        "        - {{type: elderly_care, staff: 3}}\n        - {{type: medical, staff: 1}}\n",
        n, n * 2, location(n * 2));
  }
  out += "  red_stations:\n";
  for (int r = 0; r < kRedStations; ++r) {
    out += fmt::format("    - {{id: rs{}, street: s{}, location: {}, seats: 6, chargers: 4}}\n", r,
                       r % streets, location(r * 3));
  }
  out += "  street_offices:\n";
  for (int s = 0; s < kStreetOffices; ++s) {
    out += fmt::format("    - {{id: so{}, street: s{}, location: {}}}\n", s, s, location(s));
  }
  out += "  district_departments:\n";
  for (int d = 0; d < kDistricts; ++d) {
    out += fmt::format("    - {{id: dd{}, district: d{}, location: {}}}\n", d, d, location(d));
  }
  out +=
      "services:\n"
      "  - id: social_insurance\n    channel: centre_room\n    room: convenience_services\n"
      "    demand: [{rate: 40/year per 1000 residents}]\n"
      "    duration: {dist: lognormal, mean: 18min, cv: 0.6}\n";
  return out;
}

// What `circlesim validate city.yaml` does: read, schema check, semantic checks, model checks.
// (The model then refuses the parts it does not simulate yet, which costs nothing extra.)
void BM_ValidateCityScenario(benchmark::State& state) {
  const std::string text = city_scenario();
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "circlesim_bench_city.yaml";
  std::ofstream(path) << text;
  {
    // The generated file must be a valid scenario, or the timing means nothing.
    circlesim::scenario::Diagnostics diagnostics;
    const auto document = circlesim::scenario::load_yaml_text(text, "city.yaml", diagnostics);
    if (document) circlesim::scenario::check_against_schema(*document, diagnostics);
    if (!diagnostics.empty()) {
      state.SkipWithError(("generated scenario is invalid: " + diagnostics.to_string()).c_str());
      return;
    }
  }
  circlesim::scenario::LoadOptions options;
  options.all_variants = true;
  for (auto _ : state) {
    circlesim::scenario::Diagnostics diagnostics;
    const auto runs = circlesim::scenario::load_scenario_runs(path.string(), options, diagnostics);
    benchmark::DoNotOptimize(runs);
  }
  std::filesystem::remove(path);
  state.counters["bytes"] = static_cast<double>(text.size());
  state.counters["grids"] = kGrids;
  state.counters["facilities"] =
      kCommunities + kNeighbourhoodCentres + kRedStations + kStreetOffices + kDistricts;
}

BENCHMARK(BM_ValidateCityScenario)->Unit(benchmark::kMillisecond);

}  // namespace
