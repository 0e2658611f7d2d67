// The room model with opening hours and shifts: its pools follow the rooms' weekly schedules, so
// no service starts while a room has nobody on duty, and the staff-on-duty series shows the
// schedule.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "models/rooms/room_model.hpp"
#include "models/scenario/loader.hpp"
#include "sim/time.hpp"
#include "tests/unit/models/memory_sink.hpp"

namespace circlesim {
namespace {

using sim::kDay;

// Monday to Friday 08:30-12:00 and 14:30-17:30 (the run starts on a Monday); the desk has 3
// staff in the morning and 1 in the afternoon.
scenario::Scenario centre_with_hours() {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("circlesim_room_hours_" + std::to_string(::getpid()) + "_" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
  std::ofstream(path) << R"(run:
  name: room-hours
  horizon: 14d
  warmup: 1d
  start: {date: 2026-01-05}
  seed: 11
  replications: 1
facilities:
  community_centres:
    - id: centre
      opening_hours: {weekday: ["08:30-12:00", "14:30-17:30"]}
      rooms:
        - type: convenience_services
          on_close: send_away
          staffing:
            - {days: [weekday], from: "08:00", to: "12:00", staff: 3}
            - {days: [weekday], from: "14:00", to: "18:00", staff: 1}
services:
  - id: certificates
    channel: centre_room
    room: convenience_services
    demand: [{rate: 3/h}]
    duration: {dist: exponential, mean: 10min}
)";
  scenario::Diagnostics diagnostics;
  auto loaded = scenario::load_scenario(path.string(), {}, diagnostics);
  std::filesystem::remove(path);
  EXPECT_TRUE(loaded) << diagnostics.to_string();
  return loaded ? std::move(*loaded) : scenario::Scenario{};
}

// Staff on duty by the schedule above.
int on_duty(double t) {
  const auto day = static_cast<long long>(std::floor(t / kDay));
  const double minute = t - static_cast<double>(day) * kDay;
  if (day % 7 >= 5) return 0;
  if (minute >= 8.5 * 60 && minute < 12 * 60) return 3;
  if (minute >= 14.5 * 60 && minute < 17.5 * 60) return 1;
  return 0;
}

TEST(RoomOpeningHours, NoServiceStartsWhileNobodyIsOnDuty) {
  const scenario::Scenario s = centre_with_hours();
  MemorySink sink(trace::TraceLevel::kRequests);
  const models::ReplicationMeasures m = models::run_room_replication(s, 0, {&sink});
  int served = 0;
  int waited_for_opening = 0;
  for (const trace::RequestRecord& r : sink.requests) {
    if (std::isnan(r.start)) continue;
    ++served;
    EXPECT_GT(on_duty(r.start), 0) << "service started while closed, at " << r.start;
    if (on_duty(r.arrival) == 0) ++waited_for_opening;
  }
  EXPECT_GT(served, 100);
  EXPECT_GT(waited_for_opening, 50);  // arrivals while closed queue for the opening
  // At closing the queue is sent away (on_close: send_away).
  EXPECT_GT(m.services[0].turned_away, 0);
}

TEST(RoomOpeningHours, StaffOnDutySeriesFollowsTheSchedule) {
  const scenario::Scenario s = centre_with_hours();
  MemorySink sink(trace::TraceLevel::kSummary);
  models::run_room_replication(s, 0, {&sink, nullptr, 30.0});
  const trace::TimeSeries& capacity = sink.series.at("capacity");
  ASSERT_EQ(capacity.entities, 1U);
  ASSERT_EQ(capacity.times.size(), static_cast<std::size_t>(15 * kDay / 30));
  for (std::size_t k = 0; k < capacity.times.size(); ++k) {
    // Each 30-minute interval lies within one level of the schedule: its mean is that level.
    const double start = capacity.times[k];  // intervals are stamped with their start
    EXPECT_DOUBLE_EQ(capacity.values[k], on_duty(start)) << start;
  }
}

}  // namespace
}  // namespace circlesim
