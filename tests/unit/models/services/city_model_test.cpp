// The city model on the small-town reference scenario: the city and its residents are built as
// written, every request is accounted for once (conservation by service, group, community,
// district, room and facility, and against the trace's own rows), runs repeat exactly, and the
// choice policies, travel limits, eligibility and escalation do what the scenario says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "models/services/service_network.hpp"
#include "tests/unit/models/memory_sink.hpp"
#include "tests/unit/models/services/flow_checks.hpp"

namespace circlesim {
namespace {

using services::CityMeasures;
using services::FlowCounts;

scenario::Scenario small_town(std::vector<std::string> overrides = {}) {
  const auto path = std::filesystem::path(__FILE__)
                        .parent_path()
                        .parent_path()
                        .parent_path()
                        .parent_path()
                        .parent_path() /
                    "scenarios/reference/small-town.yaml";
  overrides.insert(overrides.begin(), {"run.horizon=7d", "run.warmup=1d", "run.replications=1"});
  scenario::Diagnostics diagnostics;
  scenario::LoadOptions options;
  options.overrides = overrides;
  auto loaded = scenario::load_scenario(path.string(), options, diagnostics);
  EXPECT_TRUE(loaded) << diagnostics.to_string();
  return *loaded;
}

TEST(CityModel, SmallTownIsBuiltAsWritten) {
  const scenario::Scenario s = small_town();
  ASSERT_TRUE(s.city);
  EXPECT_EQ(s.city->population(), 60100);
  EXPECT_EQ(s.city->communities.size(), 6U);
  EXPECT_EQ(s.city->grids.size(), 48U);
  EXPECT_EQ(s.facilities.size(), 15U);  // 4 red stations among them
  EXPECT_EQ(s.groups.size(), 11U);
  EXPECT_EQ(s.member_teams.size(), 48U * 2 + 6);  // two teams a grid, staff in each community
  EXPECT_EQ(s.groups[0].id, "general");
  const CityMeasures m = services::run_city_replication(s, 0);
  EXPECT_EQ(m.residents, 60100);
}

TEST(CityModel, EveryRequestIsAccountedForOnce) {
  const scenario::Scenario s = small_town();
  MemorySink sink(trace::TraceLevel::kRequests);
  const CityMeasures m = services::run_city_replication(s, 0, {&sink});
  ASSERT_EQ(sink.finished, 1);

  double requests = 0;
  double in_system = 0;
  for (std::size_t k = 0; k < m.services.size(); ++k) {
    const FlowCounts& f = m.services[k].flow;
    EXPECT_EQ(f.requests, outcomes(f)) << s.services[k].id;
    // Every service with demand has requests (care_visit is asked for by no one: visits only).
    if (!s.services[k].demand.empty()) {
      EXPECT_GT(f.requests, 0) << s.services[k].id;
    }
    requests += f.requests;
    in_system += f.in_system;
  }
  for (std::size_t g = 0; g < m.groups.size(); ++g) {
    EXPECT_EQ(m.groups[g].flow.requests, outcomes(m.groups[g].flow)) << s.groups[g].id;
  }
  for (const FlowCounts& f : m.service_groups) EXPECT_EQ(f.requests, outcomes(f));
  double by_community = 0;
  for (const FlowCounts& f : m.communities) {
    EXPECT_EQ(f.requests, outcomes(f));
    by_community += f.requests;
  }
  double by_district = 0;
  for (const FlowCounts& f : m.districts) by_district += f.requests;
  EXPECT_EQ(by_community, requests);
  EXPECT_EQ(by_district, requests);
  // Rooms: every request that reached a room, under its first room; facilities: their rooms'.
  // Home services reach none: their members come to the home, and the desk counts them alike.
  double no_room = 0;
  for (std::size_t k = 0; k < m.services.size(); ++k) {
    if (s.services[k].channel != scenario::Channel::kHomeVisit) continue;
    const services::HomeCounts& h = m.home[k];
    EXPECT_EQ(h.requests, m.services[k].flow.requests) << s.services[k].id;
    EXPECT_EQ(h.requests, h.served + h.reneged + h.no_member + h.in_system) << s.services[k].id;
    no_room += h.requests;
  }
  for (const auto& service : m.services) {
    for (const services::UnmetReason reason :
         {services::UnmetReason::kNoFacility, services::UnmetReason::kTooFar,
          services::UnmetReason::kNotEligible}) {
      no_room += service.flow.unmet_by_reason[static_cast<int>(reason)];
    }
  }
  double by_room = 0;
  for (const auto& room : m.rooms) {
    EXPECT_EQ(room.flow.requests, outcomes(room.flow));
    EXPECT_EQ(room.flow.unmet,
              room.flow.unmet_by_reason[static_cast<int>(services::UnmetReason::kClosed)]);
    by_room += room.flow.requests;
  }
  EXPECT_EQ(by_room, requests - no_room);
  ASSERT_EQ(m.facilities.size(), s.facilities.size());
  double by_facility = 0;
  for (std::size_t f = 0; f < s.facilities.size(); ++f) {
    double rooms = 0;
    for (const std::size_t r : s.facilities[f].rooms) rooms += m.rooms[r].flow.requests;
    EXPECT_EQ(m.facilities[f].requests, rooms) << s.facilities[f].id;
    EXPECT_EQ(m.facilities[f].requests, outcomes(m.facilities[f])) << s.facilities[f].id;
    by_facility += m.facilities[f].requests;
  }
  EXPECT_EQ(by_facility, by_room);
  // `general` holds every resident: its requests are all requests, its waits all waits.
  EXPECT_EQ(m.groups[0].flow.requests, requests);
  std::uint64_t waits = 0;
  for (const auto& service : m.services) waits += service.wait_histogram.count();
  EXPECT_EQ(m.groups[0].wait_histogram.count(), waits);
  EXPECT_EQ(m.groups[0].wait_histogram.count(), m.groups[0].flow.wait.count());
  EXPECT_EQ(m.groups[0].sojourn_histogram.count(), waits);

  // Against the trace: each request's first row, made after the warm-up, plus those still in
  // the system at the end (which have no row).
  std::set<std::uint64_t> seen;
  double first_rows = 0;
  for (const trace::RequestRecord& row : sink.requests) {
    if (!seen.insert(row.request).second) continue;
    if (row.arrival >= s.run.warmup) first_rows += 1;
  }
  EXPECT_EQ(first_rows + in_system, requests);
  EXPECT_EQ(sink.lookups["services"].size(), s.services.size());
  EXPECT_EQ(sink.lookups["groups"].size(), s.groups.size());
}

TEST(CityModel, TraceHoldsTheMeasures) {
  const scenario::Scenario s = small_town({"run.horizon=3d"});
  MemorySink sink(trace::TraceLevel::kSummary);
  const CityMeasures m = services::run_city_replication(s, 0, {&sink});
  EXPECT_EQ(sink.status, trace::TraceStatus::kComplete);
  EXPECT_TRUE(sink.requests.empty());  // summary level
  std::map<std::string, double> scalar;
  for (const trace::ScalarRecord& r : sink.scalars) {
    scalar[r.entity + "/" + std::to_string(r.entity_id) + "/" + r.name] = r.value;
  }
  for (std::size_t k = 0; k < s.services.size(); ++k) {
    const std::string key = "service/" + std::to_string(k) + "/";
    EXPECT_EQ(scalar.at(key + "requests"), m.services[k].flow.requests);
    EXPECT_EQ(scalar.at(key + "unmet_too_far"), 0.0);
    const double p90 = m.services[k].wait_histogram.quantile(0.9);
    if (std::isnan(p90)) {
      EXPECT_TRUE(std::isnan(scalar.at(key + "p90_wait"))) << s.services[k].id;  // no requests
    } else {
      EXPECT_EQ(scalar.at(key + "p90_wait"), p90) << s.services[k].id;
    }
  }
  // Model II's measures under their prefixes (one_button_help is service 8).
  EXPECT_EQ(s.services[8].id, "one_button_help");
  EXPECT_EQ(scalar.at("service/8/home.requests"), m.home[8].requests);
  EXPECT_GT(m.home[8].requests, 0);
  EXPECT_EQ(scalar.at("visit_policy/0/visit.due"), m.visits[0].due);
  EXPECT_GT(m.visits[0].due, 0);
  EXPECT_EQ(scalar.at("member_kind/1/member.busy_minutes"), m.members[1].busy_minutes);
  EXPECT_EQ(scalar.at("station_offer/0/red_station.arrivals"), m.red_stations[0].arrivals);
  EXPECT_GT(m.red_stations[0].arrivals, 0);
  EXPECT_EQ(scalar.at("escalation_level/0/escalation.received"), m.escalations.levels[0].received);
  EXPECT_EQ(sink.lookups.at("station_offers"), m.red_station_offers);
  EXPECT_EQ(sink.lookups.at("escalation_levels").size(), 2U);
  EXPECT_EQ(scalar.at("group/0/requests"), m.groups[0].flow.requests);
  EXPECT_EQ(scalar.at("community/0/requests"), m.communities[0].requests);
  EXPECT_EQ(scalar.at("room/0/utilisation"), m.rooms[0].utilisation);
  EXPECT_EQ(scalar.at("offer/0/coverage.general"), m.access.coverage[0]);
  EXPECT_EQ(sink.lookups.at("offers"), m.access.offers);
  // Time series: every room, every 15 minutes of the run, handed over a day at a time.
  const trace::TimeSeries& busy = sink.series.at("busy_servers");
  EXPECT_EQ(busy.entities, s.rooms.size());
  EXPECT_EQ(busy.times.size(), static_cast<std::size_t>((s.run.warmup + s.run.horizon) / 15));
  EXPECT_EQ(busy.values.size(), busy.times.size() * busy.entities);
  // Integrated over the measured period, room 0's busy staff give its utilisation.
  double area = 0;
  for (std::size_t t = 0; t < busy.times.size(); ++t) {
    if (busy.times[t] >= s.run.warmup) area += busy.values[t * busy.entities] * 15;
  }
  EXPECT_NEAR(area / s.run.horizon / s.rooms[0].staff, m.rooms[0].utilisation, 1e-9);
  // Over the staff on duty (small-town's rooms keep opening hours): busy over capacity areas.
  const trace::TimeSeries& capacity = sink.series.at("capacity");
  double on_duty = 0;
  for (std::size_t t = 0; t < capacity.times.size(); ++t) {
    if (capacity.times[t] >= s.run.warmup) on_duty += capacity.values[t * capacity.entities] * 15;
  }
  ASSERT_GT(on_duty, 0);
  ASSERT_LT(on_duty, s.run.horizon * s.rooms[0].staff);  // closed part of the time
  EXPECT_NEAR(area / on_duty, m.rooms[0].utilisation_on_duty, 1e-9);
  EXPECT_GT(m.rooms[0].utilisation_on_duty, m.rooms[0].utilisation);
  EXPECT_EQ(scalar.at("room/0/utilisation_on_duty"), m.rooms[0].utilisation_on_duty);
}

TEST(CityModel, SameSeedSameResults) {
  const scenario::Scenario s = small_town();
  const CityMeasures a = services::run_city_replication(s, 3);
  const CityMeasures b = services::run_city_replication(s, 3);
  const CityMeasures other = services::run_city_replication(s, 4);
  ASSERT_EQ(a.services.size(), b.services.size());
  for (std::size_t k = 0; k < a.services.size(); ++k) {
    EXPECT_EQ(a.services[k].flow.requests, b.services[k].flow.requests);
    EXPECT_EQ(a.services[k].flow.wait.sum(), b.services[k].flow.wait.sum());
    EXPECT_EQ(a.services[k].flow.travel.sum(), b.services[k].flow.travel.sum());
  }
  EXPECT_NE(a.services[0].flow.wait.sum(), other.services[0].flow.wait.sum());
}

TEST(CityModel, ResultsDoNotDependOnTheNumberOfThreads) {
  scenario::Scenario s = small_town();
  s.run.replications = 3;
  const auto one = services::run_city_replications(s, 1);
  const auto two = services::run_city_replications(s, 2);
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t k = 0; k < one[r].services.size(); ++k) {
      EXPECT_EQ(one[r].services[k].flow.wait.sum(), two[r].services[k].flow.wait.sum());
    }
  }
}

TEST(CityModel, OwnCentrePolicySendsResidentsToTheirCommunitysCentre) {
  const scenario::Scenario s = small_town({"policies.facility_choice.name=own_centre"});
  MemorySink sink(trace::TraceLevel::kRequests);
  services::run_city_replication(s, 0, {&sink});
  const city::City& c = *s.city;
  std::size_t checked = 0;
  for (const trace::RequestRecord& row : sink.requests) {
    const scenario::Service& service = s.services[row.service];
    if (service.channel != scenario::Channel::kCentreRoom || row.facility == services::kNone) {
      continue;
    }
    if (row.arrival != row.arrival) continue;
    const scenario::Facility& f = s.facilities[row.facility];
    if (f.kind != scenario::FacilityKind::kCommunityCentre) continue;  // escalation stage
    ASSERT_LT(row.resident, 60100U);
    ++checked;
    EXPECT_EQ(c.communities[f.area].id, f.id.substr(std::string("centre_").size()));
  }
  EXPECT_GT(checked, 100U);
}

// Residents of one grid: with `nearest` they all go to one centre; with the logit some go to
// the next ones, fewer the farther away, and more when travel weighs less.
TEST(CityModel, LogitChoiceSpreadsRequestsByTravelTime) {
  auto centres_of_first_grid = [](const scenario::Scenario& s) {
    MemorySink sink(trace::TraceLevel::kRequests);
    services::run_city_replication(s, 0, {&sink});
    std::map<std::uint32_t, int> visits;
    for (const trace::RequestRecord& row : sink.requests) {
      if (row.resident < 1400 && s.services[row.service].id == "social_insurance") {
        ++visits[row.facility];  // residents 0.. live in the first grid (about 1,400 of them)
      }
    }
    return visits;
  };
  const auto nearest = centres_of_first_grid(small_town());
  EXPECT_EQ(nearest.size(), 1U);
  const auto logit =
      centres_of_first_grid(small_town({"policies.facility_choice.name=logit",
                                        "policies.facility_choice.parameters.travel_weight=0.1"}));
  ASSERT_GE(logit.size(), 2U);
  const std::uint32_t own = nearest.begin()->first;
  for (const auto& [facility, count] : logit) {
    if (facility != own) {
      EXPECT_LT(count, logit.at(own)) << facility;
    }
  }
  const auto flat =
      centres_of_first_grid(small_town({"policies.facility_choice.name=logit",
                                        "policies.facility_choice.parameters.travel_weight=0.01"}));
  auto share_elsewhere = [own](const std::map<std::uint32_t, int>& visits) {
    double total = 0, away = 0;
    for (const auto& [facility, count] : visits) {
      total += count;
      if (facility != own) away += count;
    }
    return away / total;
  };
  EXPECT_GT(share_elsewhere(flat), share_elsewhere(logit));
}

// Elderly residents walk at 0.8 m/s by default; at a given 0.5 m/s every trip of theirs takes
// 1.6 times as long (the same requests to the same places: only the speed changed).
TEST(CityModel, GroupWalkingSpeedSetsTravelTime) {
  // No trip too long to make (slower walkers would otherwise give up some of them).
  const scenario::Scenario base =
      small_town({"policies.facility_choice.parameters.max_travel_time=10h"});
  const scenario::Scenario slow =
      small_town({"policies.facility_choice.parameters.max_travel_time=10h",
                  "population.groups.2.walking_speed=0.5m/s"});
  ASSERT_EQ(slow.groups[3].id, "elderly_60_plus");
  EXPECT_EQ(base.groups[3].walking_speed_m_per_min, 48.0);
  EXPECT_EQ(slow.groups[3].walking_speed_m_per_min, 30.0);
  auto travel_by_request = [](const scenario::Scenario& s) {
    MemorySink sink(trace::TraceLevel::kRequests);
    services::run_city_replication(s, 0, {&sink});
    std::map<std::uint64_t, std::pair<std::uint16_t, double>> travel;
    for (const trace::RequestRecord& row : sink.requests) {
      travel.emplace(row.request, std::pair{row.group, row.travel});
    }
    return travel;
  };
  const auto before = travel_by_request(base);
  const auto after = travel_by_request(slow);
  std::size_t elderly = 0, others = 0;
  for (const auto& [request, made] : before) {
    const auto found = after.find(request);
    if (found == after.end() || made.second == 0) continue;
    if (made.first == 3) {  // the elderly's own health-check and day-care streams
      EXPECT_NEAR(found->second.second / made.second, 1.6, 1e-12) << request;
      ++elderly;
    } else if (made.first == 1) {  // children's after-school care: no elderly among them
      EXPECT_EQ(found->second.second, made.second) << request;
      ++others;
    }
  }
  EXPECT_GT(elderly, 500U);
  EXPECT_GT(others, 100U);
}

// A dated shock (an epidemic week for health checks) multiplies that service's demand on its
// days only; the other services using the profile keep theirs.
TEST(CityModel, DemandShocksRaiseTheirServicesOnTheirDays) {
  // The run starts on 2026-01-05 (a Monday); the shock covers the 3rd to 5th day.
  const scenario::Scenario s =
      small_town({"run.warmup=0d", "run.horizon=7d",
                  "profiles.0.shocks=[{from: 2026-01-07, to: 2026-01-09, factor: 3, "
                  "services: [health_check]}]"});
  MemorySink sink(trace::TraceLevel::kRequests);
  services::run_city_replication(s, 0, {&sink});
  std::map<std::string, std::array<double, 7>> per_day;
  std::set<std::uint64_t> seen;
  for (const trace::RequestRecord& row : sink.requests) {
    if (!seen.insert(row.request).second) continue;
    per_day[s.services[row.service].id][static_cast<std::size_t>(row.arrival / 1440)] += 1;
  }
  const auto& health = per_day["health_check"];
  const auto& insurance = per_day["social_insurance"];
  // Wednesday to Friday against Monday and Tuesday (all weekdays: same day-type factor).
  const double health_normal = (health[0] + health[1]) / 2;
  const double health_shock = (health[2] + health[3] + health[4]) / 3;
  EXPECT_NEAR(health_shock / health_normal, 3.0, 0.6);
  const double insurance_normal = (insurance[0] + insurance[1]) / 2;
  const double insurance_shock = (insurance[2] + insurance[3] + insurance[4]) / 3;
  EXPECT_NEAR(insurance_shock / insurance_normal, 1.0, 0.25);
}

TEST(CityModel, BeyondTheMaximumTravelTimeDemandIsUnmetAndSaysWhy) {
  const scenario::Scenario s =
      small_town({"policies.facility_choice.parameters.max_travel_time=1min"});
  const CityMeasures m = services::run_city_replication(s, 0);
  const FlowCounts& f = m.services[0].flow;
  EXPECT_GT(f.unmet, 0.9 * f.requests);
  EXPECT_EQ(f.unmet, f.unmet_by_reason[static_cast<int>(services::UnmetReason::kTooFar)]);
}

TEST(CityModel, IneligibleResidentsAreRefused) {
  // Certificates only for veterans: everyone else's requests are unmet as not eligible.
  const scenario::Scenario s = small_town({"services.1.eligible=[veterans]"});
  const CityMeasures m = services::run_city_replication(s, 0);
  const FlowCounts& f = m.services[1].flow;
  const double refused = f.unmet_by_reason[static_cast<int>(services::UnmetReason::kNotEligible)];
  EXPECT_GT(refused, 0.95 * f.requests);
  EXPECT_LT(refused, f.requests);  // veterans still get served
}

TEST(CityModel, EscalationsReachTheStreetOffice) {
  const scenario::Scenario s = small_town({"run.horizon=30d"});
  const CityMeasures m = services::run_city_replication(s, 0);
  std::size_t mediation = 0;
  for (; mediation < s.services.size(); ++mediation) {
    if (s.services[mediation].id == "dispute_mediation") break;
  }
  const FlowCounts& f = m.services[mediation].flow;
  ASSERT_GT(f.served + f.escalated, 50);
  const double share = f.escalated / (f.served + f.escalated);
  EXPECT_NEAR(share, 0.3, 0.12);
  EXPECT_EQ(m.escalations.escalated, f.escalated);
  EXPECT_GT(m.escalations.resolved, 0);
  // A fifth go on from the street office to the district department.
  EXPECT_GT(m.escalations.onward, 0);
  EXPECT_NEAR(m.escalations.onward / m.escalations.escalated, 0.2, 0.12);
  EXPECT_LE(m.escalations.resolved + m.escalations.unresolved, m.escalations.escalated);
  EXPECT_GT(m.escalations.resolution_time.mean(), 24 * 60 * 0.5);  // a day's delay on average
}

TEST(CityModel, CoverageFollowsDistance) {
  const scenario::Scenario s = small_town();
  const CityMeasures m = services::run_city_replication(s, 0);
  ASSERT_FALSE(m.access.offers.empty());
  const std::size_t groups = s.groups.size();
  for (std::size_t o = 0; o < m.access.offers.size(); ++o) {
    for (std::size_t g = 0; g < groups; ++g) {
      const double share = m.access.coverage[o * groups + g];
      EXPECT_GE(share, 0.0);
      EXPECT_LE(share, 1.0);
    }
  }
  // Every grid is within ~700 m (13 min at 1 m/s with the detour) of its own centre.
  EXPECT_EQ(m.access.coverage[0], 1.0) << m.access.offers[0];
  const scenario::Scenario far = small_town({"targets.travel=2min"});
  const CityMeasures n = services::run_city_replication(far, 0);
  EXPECT_LT(n.access.coverage[0], 0.5);
}

}  // namespace
}  // namespace circlesim
