// The city model with opening hours: a community centre open 08:30-12:00 on weekdays, asked for
// around the clock. With when_closed `leave` requests that find it closed are unmet (reason
// closed); with `wait` nobody starts service while it is closed; with `return` requests made
// at night are served when it next opens. Every request is accounted for once in each case.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "models/scenario/loader.hpp"
#include "models/services/city_model.hpp"
#include "sim/time.hpp"
#include "tests/unit/models/memory_sink.hpp"
#include "tests/unit/models/services/flow_checks.hpp"

namespace circlesim {
namespace {

using services::CityMeasures;
using services::FlowCounts;
using sim::kDay;
using trace::RequestOutcome;
using trace::RequestRecord;

constexpr double kOpens = 8 * 60 + 30;  // 08:30
constexpr double kCloses = 12 * 60;     // 12:00

// The run starts on a Monday: Monday to Friday 08:30-12:00 the centre is open.
bool open_at(double t) {
  const auto day = static_cast<long long>(std::floor(t / kDay));
  const double minute = t - static_cast<double>(day) * kDay;
  return day % 7 < 5 && minute >= kOpens && minute < kCloses;
}

// The next opening after t, a time when the centre is closed.
double next_opening(double t) {
  for (auto day = static_cast<long long>(std::floor(t / kDay));; ++day) {
    const double opens = static_cast<double>(day) * kDay + kOpens;
    if (day % 7 < 5 && opens > t) return opens;
  }
}

// One community of 2,000 residents, 600 m from its centre (about 13 minutes' walk), asking
// for one service at any hour: 16 requests a day.
scenario::Scenario tiny_town(const std::string& when_closed, const std::string& on_close,
                             const std::string& patience = "") {
  // A name of its own per process and test: ctest runs tests side by side, and two of them
  // build a "wait" town (with and without patience), which once read each other's file.
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("circlesim_closed_" + when_closed + "_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
  std::ofstream(path) << R"(run:
  name: tiny-town
  horizon: 21d
  warmup: 1d
  start: {date: 2026-01-05}
  seed: 7
  replications: 1
city:
  districts:
    - id: d
      streets:
        - id: s
          communities:
            - id: c
              population: 2000
              location: {x: 0m, y: 0m}
              grids:
                - {id: g, location: {x: 600m, y: 0m}}
facilities:
  community_centres:
    - id: centre
      community: c
      location: {x: 0m, y: 0m}
      opening_hours: {weekday: ["08:30-12:00"]}
      rooms: [{type: health, staff: 3, on_close: )"
                      << on_close << R"(}]
services:
  - id: check
    channel: centre_room
    room: health
    demand: [{rate: 3000/year per 1000}]
    duration: {dist: exponential, mean: 8min}
    when_closed: )" << when_closed
                      << "\n"
                      << patience;
  scenario::Diagnostics diagnostics;
  auto loaded = scenario::load_scenario(path.string(), {}, diagnostics);
  std::filesystem::remove(path);
  EXPECT_TRUE(loaded) << diagnostics.to_string();
  return loaded ? std::move(*loaded) : scenario::Scenario{};
}

void expect_conservation(const CityMeasures& m) {
  for (const auto& service : m.services) {
    EXPECT_EQ(service.flow.requests, outcomes(service.flow));
    EXPECT_GT(service.flow.requests, 200);
  }
  for (const auto& group : m.groups) EXPECT_EQ(group.flow.requests, outcomes(group.flow));
  for (const FlowCounts& f : m.communities) EXPECT_EQ(f.requests, outcomes(f));
  for (const FlowCounts& f : m.districts) EXPECT_EQ(f.requests, outcomes(f));
  for (const FlowCounts& f : m.service_groups) EXPECT_EQ(f.requests, outcomes(f));
  // One room, one facility: every request reaches it (found closed, it is unmet there).
  ASSERT_EQ(m.rooms.size(), 1U);
  ASSERT_EQ(m.facilities.size(), 1U);
  const FlowCounts& service = m.services[0].flow;
  const FlowCounts& room = m.rooms[0].flow;
  EXPECT_EQ(room.requests, outcomes(room));
  EXPECT_EQ(room.requests, service.requests);
  EXPECT_EQ(room.served, service.served);
  EXPECT_EQ(room.unmet, service.unmet);
  EXPECT_EQ(room.in_system, service.in_system);
  EXPECT_EQ(room.unmet_by_reason[static_cast<int>(services::UnmetReason::kClosed)],
            service.unmet_by_reason[static_cast<int>(services::UnmetReason::kClosed)]);
  EXPECT_EQ(room.wait.sum(), service.wait.sum());
  EXPECT_EQ(m.facilities[0].requests, room.requests);
  EXPECT_EQ(m.facilities[0].unmet, room.unmet);
}

TEST(CityOpeningHours, LeaveMakesRequestsThatFindItClosedUnmet) {
  const scenario::Scenario s = tiny_town("leave", "send_away");
  MemorySink sink(trace::TraceLevel::kRequests);
  const CityMeasures m = services::run_city_replication(s, 0, {&sink});
  expect_conservation(m);
  const FlowCounts& f = m.services[0].flow;
  // Open 17.5 of 168 hours: most requests find it closed.
  EXPECT_GT(f.unmet, 0.7 * f.requests);
  EXPECT_EQ(f.unmet_by_reason[kClosed], f.unmet);
  EXPECT_GT(f.served, 0);
  int closed_rows = 0;
  for (const RequestRecord& row : sink.requests) {
    if (row.outcome == RequestOutcome::kUnmet) {
      // Unmet where it went: at the centre, on arriving while it was closed.
      EXPECT_FALSE(open_at(row.arrival + row.travel)) << row.arrival;
      EXPECT_EQ(row.end, row.arrival + row.travel);
      EXPECT_EQ(row.room, 0U);
      EXPECT_GT(row.travel, 10);
      ++closed_rows;
    } else if (row.outcome == RequestOutcome::kServed) {
      EXPECT_TRUE(open_at(row.arrival + row.travel)) << row.arrival;
      EXPECT_TRUE(open_at(row.start)) << row.start;
    }
  }
  EXPECT_GT(closed_rows, 200);
  // Those who found it closed never joined the room's queue.
  EXPECT_EQ(m.rooms[0].arrivals, f.served + f.balked + f.reneged);
}

TEST(CityOpeningHours, WaitServesNobodyWhileClosed) {
  const scenario::Scenario s = tiny_town("wait", "send_away");
  MemorySink sink(trace::TraceLevel::kRequests);
  const CityMeasures m = services::run_city_replication(s, 0, {&sink});
  expect_conservation(m);
  const FlowCounts& f = m.services[0].flow;
  EXPECT_EQ(f.unmet, 0);
  int served_after_waiting_overnight = 0;
  int served = 0;
  for (const RequestRecord& row : sink.requests) {
    if (std::isnan(row.start)) continue;
    ++served;
    EXPECT_TRUE(open_at(row.start)) << "service started while closed, at " << row.start;
    if (!open_at(row.arrival + row.travel)) ++served_after_waiting_overnight;
  }
  EXPECT_GT(served, 100);
  // Those who came while it was closed queued for the opening.
  EXPECT_GT(served_after_waiting_overnight, 50);
  EXPECT_GT(f.wait.max(), 12 * 60.0);
}

TEST(CityOpeningHours, WaitWithPatienceGivesUpOvernight) {
  const scenario::Scenario s =
      tiny_town("wait", "send_away", "    patience: {dist: exponential, mean: 30min}\n");
  const CityMeasures m = services::run_city_replication(s, 0);
  expect_conservation(m);
  const FlowCounts& f = m.services[0].flow;
  EXPECT_GT(f.reneged, 0.5 * f.requests);
  EXPECT_EQ(f.unmet, 0);
}

TEST(CityOpeningHours, ReturnServesNightRequestsAtTheNextOpening) {
  const scenario::Scenario s = tiny_town("return", "serve_waiting");
  MemorySink sink(trace::TraceLevel::kRequests);
  const CityMeasures m = services::run_city_replication(s, 0, {&sink});
  expect_conservation(m);
  const FlowCounts& f = m.services[0].flow;
  EXPECT_EQ(f.unmet, 0);
  EXPECT_EQ(f.reneged, 0);
  int night_requests_served = 0;
  for (const RequestRecord& row : sink.requests) {
    ASSERT_FALSE(std::isnan(row.start)) << row.request;
    const double first_arrival = row.arrival + row.travel;
    if (open_at(first_arrival)) continue;
    // Back at the next opening plus the walk, and served that same morning (or in the
    // overtime right after it, for those queueing at noon).
    const double back = next_opening(first_arrival) + row.travel;
    EXPECT_GE(row.start, back) << row.request;
    EXPECT_EQ(std::floor(row.start / kDay), std::floor(back / kDay)) << row.request;
    ++night_requests_served;
  }
  EXPECT_GT(night_requests_served, 200);
  // The wait counts from the arrival on the day of service, the sojourn from the request.
  EXPECT_LT(f.wait.max(), 6 * 60.0);
  EXPECT_GT(f.sojourn.max(), 2 * kDay);  // a Friday-afternoon request served on Monday
}

TEST(CityOpeningHours, ClosedReasonIsTraced) {
  const scenario::Scenario s = tiny_town("leave", "send_away");
  MemorySink sink(trace::TraceLevel::kSummary);
  const CityMeasures m = services::run_city_replication(s, 0, {&sink});
  bool found = false;
  for (const trace::ScalarRecord& r : sink.scalars) {
    if (r.entity == "service" && r.entity_id == 0 && r.name == "unmet_closed") {
      EXPECT_EQ(r.value, m.services[0].flow.unmet_by_reason[kClosed]);
      EXPECT_GT(r.value, 0);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace circlesim
