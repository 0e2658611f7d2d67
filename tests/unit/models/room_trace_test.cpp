// What the room model hands to its trace sink, checked against its own measures: every request
// that left appears once, with consistent times; the per-interval time series integrate to the
// replication's utilisation; the wait histograms count the served; interrupted runs say so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "models/rooms/room_model.hpp"
#include "models/scenario/loader.hpp"
#include "tests/unit/models/memory_sink.hpp"

namespace circlesim {
namespace {

scenario::Scenario load(const std::string& name) {
  const auto path =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
      "scenarios" / name;
  scenario::Diagnostics diagnostics;
  scenario::LoadOptions options;
  options.overrides = {"run.horizon=3d", "run.replications=1"};
  auto loaded = scenario::load_scenario(path.string(), options, diagnostics);
  EXPECT_TRUE(loaded) << diagnostics.to_string();
  return *loaded;
}

TEST(RoomTrace, RequestsMatchTheMeasures) {
  const scenario::Scenario s = load("examples/community-centre.yaml");
  MemorySink sink(trace::TraceLevel::kRequests);
  const models::ReplicationMeasures m = models::run_room_replication(s, 0, {&sink});

  EXPECT_EQ(sink.finished, 1);
  EXPECT_EQ(sink.status, trace::TraceStatus::kComplete);
  EXPECT_EQ(sink.lookups["services"].size(), s.services.size());
  EXPECT_EQ(sink.lookups["rooms"].size(), s.rooms.size());
  ASSERT_FALSE(sink.requests.empty());

  std::set<std::uint64_t> ids;
  std::vector<double> measured(s.services.size(), 0.0), served(s.services.size(), 0.0);
  for (const trace::RequestRecord& r : sink.requests) {
    EXPECT_TRUE(ids.insert(r.request).second) << "request " << r.request << " twice";
    ASSERT_LT(r.service, s.services.size());
    EXPECT_EQ(r.room, s.services[r.service].room);
    EXPECT_LE(r.arrival, r.end);
    if (r.outcome == trace::RequestOutcome::kServed) {
      EXPECT_LE(r.arrival, r.start);
      EXPECT_LE(r.start, r.end);
    } else {
      EXPECT_TRUE(std::isnan(r.start));
    }
    if (r.arrival >= s.run.warmup) {
      measured[r.service] += 1;
      if (r.outcome == trace::RequestOutcome::kServed) served[r.service] += 1;
    }
  }
  for (std::size_t k = 0; k < s.services.size(); ++k) {
    EXPECT_EQ(measured[k], m.services[k].arrivals) << s.services[k].id;
    EXPECT_EQ(served[k], m.services[k].served) << s.services[k].id;
  }
}

TEST(RoomTrace, TimeSeriesIntegrateToUtilisation) {
  const scenario::Scenario s = load("examples/community-centre.yaml");
  MemorySink sink(trace::TraceLevel::kSummary);
  const models::ReplicationMeasures m = models::run_room_replication(s, 0, {&sink});
  EXPECT_TRUE(sink.requests.empty());  // summary level
  const trace::TimeSeries& busy = sink.series.at("busy_servers");
  const std::size_t rooms = s.rooms.size();
  ASSERT_EQ(busy.entities, rooms);
  ASSERT_EQ(busy.values.size(), busy.times.size() * rooms);
  EXPECT_DOUBLE_EQ(busy.interval, 15.0);
  // Intervals after the warm-up (a whole number of them here) average to the utilisation.
  ASSERT_EQ(std::fmod(s.run.warmup, busy.interval), 0.0);
  for (std::size_t r = 0; r < rooms; ++r) {
    double area = 0;
    for (std::size_t t = 0; t < busy.times.size(); ++t) {
      if (busy.times[t] >= s.run.warmup) area += busy.values[t * rooms + r] * busy.interval;
    }
    EXPECT_NEAR(area / s.run.horizon / s.rooms[r].staff, m.rooms[r].utilisation, 1e-9)
        << sink.lookups["rooms"][r];
  }
  const trace::TimeSeries& capacity = sink.series.at("capacity");
  for (std::size_t t = 0; t < capacity.times.size(); ++t) {
    for (std::size_t r = 0; r < rooms; ++r) {
      EXPECT_NEAR(capacity.values[t * rooms + r], s.rooms[r].staff, 1e-12);
    }
  }
  const trace::HistogramSet& waits = sink.histograms.at("wait");
  ASSERT_EQ(waits.zero_counts.size(), rooms);
  EXPECT_EQ(waits.counts.size(), rooms * (waits.edges.size() - 1));
  EXPECT_FALSE(sink.scalars.empty());
}

TEST(RoomTrace, TimeSeriesFollowTheInterval) {
  const scenario::Scenario s = load("examples/community-centre.yaml");
  MemorySink sink(trace::TraceLevel::kSummary);
  models::run_room_replication(s, 0, {&sink, nullptr, 60.0});
  const trace::TimeSeries& queue = sink.series.at("queue_length");
  EXPECT_DOUBLE_EQ(queue.interval, 60.0);
  ASSERT_EQ(queue.times.size(),
            static_cast<std::size_t>(std::ceil((s.run.warmup + s.run.horizon) / 60.0)));
  for (std::size_t t = 0; t < queue.times.size(); ++t) {
    EXPECT_DOUBLE_EQ(queue.times[t], 60.0 * static_cast<double>(t));
  }
}

TEST(RoomTrace, EventsLevelRecordsEveryEvent) {
  const scenario::Scenario s = load("examples/community-centre.yaml");
  MemorySink sink(trace::TraceLevel::kEvents);
  models::run_room_replication(s, 0, {&sink});
  ASSERT_FALSE(sink.events.empty());
  EXPECT_FALSE(sink.lookups["handlers"].empty());
  for (std::size_t i = 1; i < sink.events.size(); ++i) {
    ASSERT_LE(sink.events[i - 1].time, sink.events[i].time);
    ASSERT_LT(sink.events[i].handler, sink.lookups["handlers"].size());
  }
}

TEST(RoomTrace, StopRequestInterruptsTheRun) {
  const scenario::Scenario s = load("examples/community-centre.yaml");
  MemorySink sink(trace::TraceLevel::kRequests);
  const std::atomic<int> stop{2};
  const models::ReplicationMeasures m = models::run_room_replication(s, 0, {&sink, &stop});
  EXPECT_TRUE(m.interrupted);
  EXPECT_EQ(sink.finished, 1);
  EXPECT_EQ(sink.status, trace::TraceStatus::kInterrupted);
  EXPECT_LT(sink.stopped_at, s.run.warmup + s.run.horizon);
}

}  // namespace
}  // namespace circlesim
