// Opening hours, staffing shifts and when_closed through the loader: a facility's opening hours
// and a room's shifts become the room's weekly capacity schedule, counted from the scenario
// start's weekday; day types that need the calendar are refused where they are written; and
// when_closed is read, with leave and return refused without a city.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/scenario/loader.hpp"
#include "sim/time.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::scenario {
namespace {

using sim::kDay;
using sim::kHour;
using sim::kWeek;
using ::testing::HasSubstr;

class OpeningHoursTest : public ScratchDirTest {
 protected:
  std::optional<Scenario> load(const std::string& text, Diagnostics& diagnostics) {
    return load_scenario(write("scenario.yaml", text), {}, diagnostics);
  }
  std::string file() const { return (dir_ / "scenario.yaml").string(); }
};

// A centre with opening hours, a room with a constant staff and a room with shifts; `start` is
// the run's start date. Line numbers matter to the tests of error positions below.
std::string centre(const std::string& start, const std::string& hours,
                   const std::string& staffing_days = "[weekday]") {
  return R"(run:
  name: hours
  horizon: 14d
  start: {date: )" +
         start + R"(}
facilities:
  community_centres:
    - id: centre
      opening_hours: )" +
         hours + R"(
      rooms:
        - {type: health, staff: 2}
        - type: convenience_services
          staffing:
            - {days: )" +
         staffing_days + R"(, from: "08:30", to: "12:00", staff: 3}
            - {days: [weekday], from: "12:00", to: "17:30", staff: 2}
            - {days: [saturday], from: "09:00", to: "12:00", staff: 1}
services:
  - id: consultation
    channel: centre_room
    room: health
    demand: [{rate: 4/h}]
    duration: {dist: exponential, mean: 12min}
)";
}

constexpr const char* kOfficeHours =
    R"({weekday: ["08:30-12:00", "14:30-17:30"], saturday: ["09:00-12:00"]})";

TEST_F(OpeningHoursTest, OpeningHoursAndShiftsMakeTheWeeklySchedule) {
  Diagnostics diagnostics;
  const auto s = load(centre("2026-01-05", kOfficeHours), diagnostics);  // a Monday
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->rooms.size(), 2U);
  const sim::CapacitySchedule& health = s->rooms[0].capacity;
  const sim::CapacitySchedule& desk = s->rooms[1].capacity;
  EXPECT_EQ(s->rooms[0].staff, 2);
  EXPECT_EQ(s->rooms[1].staff, 3);  // the most any shift has on duty
  EXPECT_EQ(health.period(), kWeek);
  EXPECT_EQ(desk.period(), kWeek);
  const double monday = 0;
  const double saturday = 5 * kDay;
  const double sunday = 6 * kDay;
  for (const double week : {0.0, kWeek, 51 * kWeek}) {
    EXPECT_EQ(health.capacity_at(week + monday + 8 * kHour + 29), 0) << week;
    EXPECT_EQ(health.capacity_at(week + monday + 8 * kHour + 30), 2) << week;
    EXPECT_EQ(health.capacity_at(week + monday + 9 * kHour), 2) << week;
    EXPECT_EQ(health.capacity_at(week + monday + 12 * kHour + 30), 0) << week;  // lunch
    EXPECT_EQ(health.capacity_at(week + monday + 15 * kHour), 2) << week;
    EXPECT_EQ(health.capacity_at(week + monday + 17 * kHour + 30), 0) << week;
    EXPECT_EQ(health.capacity_at(week + 3 * kDay + 10 * kHour), 2) << week;  // Thursday
    EXPECT_EQ(health.capacity_at(week + saturday + 8 * kHour + 45), 0) << week;
    EXPECT_EQ(health.capacity_at(week + saturday + 10 * kHour), 2) << week;
    EXPECT_EQ(health.capacity_at(week + saturday + 15 * kHour), 0) << week;
    EXPECT_EQ(health.capacity_at(week + sunday + 10 * kHour), 0) << week;
    // The shifts, within the opening hours: 3 in the morning, 2 in the afternoon, 1 on Saturday.
    EXPECT_EQ(desk.capacity_at(week + monday + 9 * kHour), 3) << week;
    EXPECT_EQ(desk.capacity_at(week + monday + 12 * kHour + 30), 0) << week;  // shift, but lunch
    EXPECT_EQ(desk.capacity_at(week + monday + 15 * kHour), 2) << week;
    EXPECT_EQ(desk.capacity_at(week + saturday + 10 * kHour), 1) << week;
    EXPECT_EQ(desk.capacity_at(week + sunday + 10 * kHour), 0) << week;
  }
  EXPECT_EQ(health.next_change_after(monday + 12 * kHour), monday + 14 * kHour + 30);
  EXPECT_EQ(health.next_change_after(4 * kDay + 17 * kHour + 30), saturday + 9 * kHour);
}

TEST_F(OpeningHoursTest, TheWeekStartsOnTheStartDatesWeekday) {
  Diagnostics diagnostics;
  const auto s = load(centre("2026-01-07", kOfficeHours), diagnostics);  // a Wednesday
  ASSERT_TRUE(s) << diagnostics.to_string();
  EXPECT_EQ(s->run.start_weekday, 2);
  const sim::CapacitySchedule& health = s->rooms[0].capacity;
  EXPECT_EQ(health.capacity_at(9 * kHour), 2);                      // Wednesday
  EXPECT_EQ(health.capacity_at(3 * kDay + 10 * kHour), 2);          // Saturday morning
  EXPECT_EQ(health.capacity_at(3 * kDay + 15 * kHour), 0);          // Saturday afternoon
  EXPECT_EQ(health.capacity_at(4 * kDay + 10 * kHour), 0);          // Sunday
  EXPECT_EQ(health.capacity_at(5 * kDay + 10 * kHour), 2);          // Monday
  EXPECT_EQ(health.capacity_at(kWeek + 4 * kDay + 10 * kHour), 0);  // the next Sunday
}

TEST_F(OpeningHoursTest, WithoutOpeningHoursARoomIsAlwaysStaffed) {
  Diagnostics diagnostics;
  const auto s = load(R"(run: {name: plain, horizon: 1d}
facilities:
  community_centres:
    - id: centre
      rooms: [{type: health, staff: 2}]
    - id: round_the_clock
      opening_hours: {weekday: ["00:00-24:00"], saturday: ["00:00-12:00", "12:00-24:00"], sunday: ["00:00-24:00"]}
      rooms: [{type: police, staff: 3}]
services:
  - id: consultation
    room: health
    channel: centre_room
    demand: [{rate: 4/h}]
    duration: {dist: exponential, mean: 12min}
)",
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  EXPECT_TRUE(s->rooms[0].capacity.is_constant());
  EXPECT_EQ(s->rooms[0].capacity.capacity_at(0), 2);
  EXPECT_EQ(s->rooms[0].capacity.period(), sim::kNever);
  // Open around the clock is the same constant schedule (the midnights join up).
  EXPECT_TRUE(s->rooms[1].capacity.is_constant());
  EXPECT_EQ(s->rooms[1].capacity.capacity_at(3 * kDay), 3);
}

TEST_F(OpeningHoursTest, DayTypesThatNeedTheCalendarAreRefusedWhereWritten) {
  Diagnostics diagnostics;
  const auto s =
      load(centre("2026-01-05", R"({weekday: ["08:30-12:00"], holiday: []})", "[weekday, holiday]"),
           diagnostics);
  EXPECT_FALSE(s);
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text,
              HasSubstr(file() + ":8:58: facilities.community_centres.0.opening_hours.holiday: day "
                                 "type 'holiday' needs the calendar (holidays, named day types), "
                                 "which is not simulated yet (expected weekday, saturday or "
                                 "sunday)"));
  EXPECT_THAT(
      text, HasSubstr(file() + ":13:32: facilities.community_centres.0.rooms.1.staffing.0.days.1: "
                               "day type 'holiday' needs the calendar"));
}

TEST_F(OpeningHoursTest, ShiftsOfGeneratedFacilitiesAreChecked) {
  Diagnostics diagnostics;
  const auto s = load(R"(run: {name: generated, horizon: 1d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 2}
facilities:
  generate:
    - kind: community_centre
      rooms:
        - type: health
          staffing:
            - {from: "08:00", to: "12:00", staff: 2}
            - {days: [saturday], from: "11:00", to: "13:00", staff: 1}
services:
  - id: consultation
    channel: centre_room
    room: health
    demand: [{rate: 500/year per 1000}]
    duration: {dist: exponential, mean: 12min}
)",
                      diagnostics);
  EXPECT_FALSE(s);
  EXPECT_THAT(diagnostics.to_string(),
              HasSubstr(":11:15: facilities.generate.0.rooms.0.staffing.1: overlapping shifts: "
                        "this shift overlaps facilities.generate.0.rooms.0.staffing.0"));
}

TEST_F(OpeningHoursTest, ShiftsWithoutOpeningHoursAreTheSchedule) {
  Diagnostics diagnostics;
  const auto s = load(R"(run: {name: generated, horizon: 1d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 2}
facilities:
  generate:
    - kind: community_centre
      rooms:
        - type: health
          staffing:
            - {from: "08:00", to: "12:00", staff: 2}
            - {days: [sunday], from: "20:00", to: "24:00", staff: 1}
services:
  - id: consultation
    channel: centre_room
    room: health
    demand: [{rate: 500/year per 1000}]
    duration: {dist: exponential, mean: 12min}
)",
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  const sim::CapacitySchedule& health = s->rooms[0].capacity;
  EXPECT_EQ(health.capacity_at(7 * kHour), 0);
  EXPECT_EQ(health.capacity_at(8 * kHour), 2);
  EXPECT_EQ(health.capacity_at(6 * kDay + 10 * kHour), 2);  // no days: every day
  EXPECT_EQ(health.capacity_at(6 * kDay + 21 * kHour), 1);
  EXPECT_EQ(health.capacity_at(kWeek + 1), 0);  // Sunday's late shift ends at midnight
}

// A rule of facilities.generate with opening hours: every centre it lays out gets them, its
// rooms' shifts within them; a rule without them leaves its facilities always open.
TEST_F(OpeningHoursTest, GeneratedFacilitiesTakeTheRulesOpeningHours) {
  Diagnostics diagnostics;
  const auto s = load(R"(run: {name: generated, horizon: 14d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 3}
facilities:
  generate:
    - kind: community_centre
      opening_hours: {weekday: ["08:30-12:00", "14:30-17:30"], saturday: ["09:00-12:00"]}
      rooms:
        - {type: health, staff: 2}
        - type: convenience_services
          staffing:
            - {days: [weekday], from: "08:30", to: "12:00", staff: 3}
            - {days: [weekday, saturday], from: "12:00", to: "17:30", staff: 1}
    - kind: street_office
      rooms: [{type: governance, staff: 1}]
services:
  - id: consultation
    channel: centre_room
    room: health
    demand: [{rate: 500/year per 1000}]
    duration: {dist: exponential, mean: 12min}
)",
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->facilities.size(), 4U);  // a centre in each of the 3 communities, 1 office
  ASSERT_EQ(s->rooms.size(), 7U);
  const double monday = 0;
  const double saturday = 5 * kDay;
  const double sunday = 6 * kDay;
  int health_rooms = 0;
  int desks = 0;
  for (const Room& room : s->rooms) {
    const Facility& facility = s->facilities[room.facility];
    const sim::CapacitySchedule& c = room.capacity;
    if (facility.kind == FacilityKind::kStreetOffice) {
      EXPECT_TRUE(c.is_constant()) << facility.id;  // the office's rule has no opening hours
      EXPECT_EQ(c.capacity_at(sunday + 3 * kHour), 1) << facility.id;
      continue;
    }
    ASSERT_EQ(facility.kind, FacilityKind::kCommunityCentre);
    EXPECT_EQ(c.period(), kWeek) << facility.id << "/" << room.type;
    ++(room.type == "health" ? health_rooms : desks);
    for (const double week : {0.0, kWeek}) {
      if (room.type == "health") {
        EXPECT_EQ(room.staff, 2);
        EXPECT_EQ(c.capacity_at(week + monday + 8 * kHour + 29), 0) << facility.id;
        EXPECT_EQ(c.capacity_at(week + monday + 8 * kHour + 30), 2) << facility.id;
        EXPECT_EQ(c.capacity_at(week + monday + 12 * kHour + 30), 0) << facility.id;  // lunch
        EXPECT_EQ(c.capacity_at(week + 3 * kDay + 15 * kHour), 2) << facility.id;     // Thursday
        EXPECT_EQ(c.capacity_at(week + monday + 17 * kHour + 30), 0) << facility.id;
        EXPECT_EQ(c.capacity_at(week + saturday + 8 * kHour + 45), 0) << facility.id;
        EXPECT_EQ(c.capacity_at(week + saturday + 10 * kHour), 2) << facility.id;
        EXPECT_EQ(c.capacity_at(week + saturday + 15 * kHour), 0) << facility.id;
        EXPECT_EQ(c.capacity_at(week + sunday + 10 * kHour), 0) << facility.id;
      } else {
        EXPECT_EQ(room.staff, 3);  // the most any shift has on duty
        EXPECT_EQ(c.capacity_at(week + monday + 9 * kHour), 3) << facility.id;
        EXPECT_EQ(c.capacity_at(week + monday + 12 * kHour + 30), 0) << facility.id;  // lunch
        EXPECT_EQ(c.capacity_at(week + monday + 15 * kHour), 1) << facility.id;
        // Saturday's shift starts at 12:00, when the centre closes: nobody on duty.
        EXPECT_EQ(c.capacity_at(week + saturday + 10 * kHour), 0) << facility.id;
        EXPECT_EQ(c.capacity_at(week + saturday + 13 * kHour), 0) << facility.id;
      }
    }
  }
  EXPECT_EQ(health_rooms, 3);
  EXPECT_EQ(desks, 3);
}

// Problems in a rule's opening hours are reported once, at the rule (not once per facility it
// lays out), at the same places and in the same words as a listed facility's.
TEST_F(OpeningHoursTest, AnInvalidIntervalInAGenerateRuleIsReportedAtItsLineAndColumn) {
  Diagnostics diagnostics;
  const auto s = load(R"(run: {name: generated, horizon: 1d}
city:
  synthetic: {districts: 1, streets_per_district: 1, communities_per_street: 2}
facilities:
  generate:
    - kind: community_centre
      opening_hours:
        weekday: ["08:30-12:00", "17:30-14:30"]
        saturday: ["09:00-25:00"]
        holiday: ["09:00-12:00"]
      rooms: [{type: health, staff: 2}]
services:
  - id: consultation
    channel: centre_room
    room: health
    demand: [{rate: 500/year per 1000}]
    duration: {dist: exponential, mean: 12min}
)",
                      diagnostics);
  EXPECT_FALSE(s);
  const std::string text = diagnostics.to_string();
  EXPECT_THAT(text, HasSubstr(file() + ":8:34: facilities.generate.0.opening_hours.weekday.1: the "
                                       "interval 17:30-14:30 ends before it starts"));
  EXPECT_THAT(text, HasSubstr(file() + ":9:20: facilities.generate.0.opening_hours.saturday.0"));
  EXPECT_THAT(text,
              HasSubstr(file() + ":10:18: facilities.generate.0.opening_hours.holiday: day type "
                                 "'holiday' needs the calendar"));
  EXPECT_EQ(diagnostics.size(), 3U) << text;
}

// A city of one community, for the services' when_closed.
constexpr const char* kTinyCity = R"(run: {name: tiny, horizon: 2d}
city:
  districts:
    - id: d
      streets:
        - id: s
          communities:
            - id: c
              population: 1000
              location: {x: 0m, y: 0m}
facilities:
  community_centres:
    - id: centre
      community: c
      opening_hours: {weekday: ["08:30-12:00"]}
      rooms: [{type: health, staff: 1}]
services:
)";

TEST_F(OpeningHoursTest, WhenClosedIsRead) {
  Diagnostics diagnostics;
  const auto s = load(std::string(kTinyCity) + R"(
  - {id: a, channel: centre_room, room: health, demand: [{rate: 1/year per 1000}], duration: {dist: exponential, mean: 5min}}
  - {id: b, channel: centre_room, room: health, demand: [{rate: 1/year per 1000}], duration: {dist: exponential, mean: 5min}, when_closed: wait}
  - {id: c, channel: centre_room, room: health, demand: [{rate: 1/year per 1000}], duration: {dist: exponential, mean: 5min}, when_closed: return}
  - {id: d, channel: centre_room, room: health, demand: [{rate: 1/year per 1000}], duration: {dist: exponential, mean: 5min}, when_closed: leave}
)",
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->services.size(), 4U);
  EXPECT_EQ(s->services[0].when_closed, WhenClosed::kWait);
  EXPECT_EQ(s->services[1].when_closed, WhenClosed::kWait);
  EXPECT_EQ(s->services[2].when_closed, WhenClosed::kReturn);
  EXPECT_EQ(s->services[3].when_closed, WhenClosed::kLeave);
}

TEST_F(OpeningHoursTest, WhenClosedLeaveOrReturnNeedsACity) {
  Diagnostics diagnostics;
  const auto s = load(centre("2026-01-05", kOfficeHours) + "    when_closed: leave\n", diagnostics);
  EXPECT_FALSE(s);
  EXPECT_THAT(diagnostics.to_string(),
              HasSubstr(":22:18: services.0.when_closed: when_closed 'leave' needs the scenario's "
                        "city"));
  Diagnostics waiting;
  EXPECT_TRUE(load(centre("2026-01-05", kOfficeHours) + "    when_closed: wait\n", waiting))
      << waiting.to_string();
}

TEST_F(OpeningHoursTest, AnUnknownWhenClosedIsRefusedByTheSchema) {
  Diagnostics diagnostics;
  const auto s = load(std::string(kTinyCity) + R"(
  - {id: a, channel: centre_room, room: health, demand: [{rate: 1/year per 1000}], duration: {dist: exponential, mean: 5min}, when_closed: complain}
)",
                      diagnostics);
  EXPECT_FALSE(s);
  EXPECT_THAT(diagnostics.to_string(), HasSubstr("services.0.when_closed"));
}

}  // namespace
}  // namespace circlesim::scenario
