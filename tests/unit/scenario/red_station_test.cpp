// Red stations through the loader: their seats, chargers and lockers become rooms (one place
// per "staff", standing places as the waiting room, open with the station), the overflow policy
// is read with its defaults, and mistakes are reported at their line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "models/scenario/loader.hpp"
#include "tests/unit/scratch_dir.hpp"

namespace circlesim::scenario {
namespace {

using ::testing::HasSubstr;

class RedStationTest : public ScratchDirTest {
 protected:
  std::optional<Scenario> load(const std::string& text, Diagnostics& diagnostics) {
    return load_scenario(write("scenario.yaml", text), {}, diagnostics);
  }
  // Whether a problem at `line` under `key_path` says `message`.
  static bool reports(const Diagnostics& diagnostics, int line, const std::string& key_path,
                      const std::string& message) {
    for (const Diagnostic& d : diagnostics.items()) {
      if (d.where.line == line && d.key_path == key_path &&
          d.message.find(message) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
};

// A city of two communities in one street; the stations and services follow.
constexpr const char* kStationCity = R"(run: {name: stations, horizon: 1d}
city:
  districts:
    - id: d
      streets:
        - id: s
          communities:
            - {id: a, population: 3000, location: {x: 0m, y: 0m}}
            - {id: b, population: 1000, location: {x: 400m, y: 0m}}
)";

constexpr const char* kRest = R"(services:
  - id: rest
    channel: red_station
    demand: [{rate: 2/h}]
    duration: {dist: exponential, mean: 15min}
)";

const Room* room_of(const Scenario& s, const Facility& f, const std::string& type) {
  for (const std::size_t r : f.rooms) {
    if (s.rooms[r].type == type) return &s.rooms[r];
  }
  return nullptr;
}

TEST_F(RedStationTest, SeatsChargersAndLockersBecomeRoomsOpenWithTheStation) {
  Diagnostics diagnostics;
  const auto s = load(std::string(kStationCity) + R"(facilities:
  red_stations:
    - id: square
      street: s
      opening_hours: {weekday: ["07:00-21:00"]}
      seats: 5
      chargers: 2
      lockers: 3
      waiting: 1
      rooms: [{type: reading, staff: 1}]
)" + kRest,
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  ASSERT_EQ(s->facilities.size(), 1U);
  const Facility& f = s->facilities[0];
  EXPECT_EQ(f.kind, FacilityKind::kRedStation);
  EXPECT_EQ(f.area, 0U);
  // The street's population-weighted centre: (3000 * 0 + 1000 * 400) / 4000.
  EXPECT_DOUBLE_EQ(f.location.x, 100.0);
  ASSERT_EQ(f.rooms.size(), 4U);
  EXPECT_EQ(s->rooms[f.rooms[0]].type, "reading");  // listed rooms first
  EXPECT_EQ(s->rooms[f.rooms[0]].waiting_room, sim::ServerPoolConfig::kUnlimited);
  const std::pair<const char*, int> places[] = {{"seats", 5}, {"chargers", 2}, {"lockers", 3}};
  for (const auto& [type, count] : places) {
    const Room* room = room_of(*s, f, type);
    ASSERT_NE(room, nullptr) << type;
    EXPECT_EQ(room->staff, count);
    EXPECT_EQ(room->waiting_room, 1U);
    EXPECT_EQ(room->facility, 0U);
    EXPECT_EQ(room->facility_id, "square");
    // Monday (the default start): closed at 06:00, every place there at 08:00; closed Sunday.
    EXPECT_EQ(room->capacity.capacity_at(6 * 60.0), 0);
    EXPECT_EQ(room->capacity.capacity_at(8 * 60.0), count);
    EXPECT_EQ(room->capacity.capacity_at(6 * 1440.0 + 12 * 60.0), 0);
  }
  EXPECT_EQ(s->services[0].channel, Channel::kRedStation);
  EXPECT_EQ(s->services[0].room_type, "seats");
}

TEST_F(RedStationTest, DefaultsAreSixSeatsFourChargersNoLockersNoStanding) {
  Diagnostics diagnostics;
  const auto s = load(std::string(kStationCity) + R"(facilities:
  red_stations:
    - {id: plain, street: s, location: {x: 50m, y: 20m}}
    - {id: bare, street: s, seats: 1, chargers: 0}
)" + kRest,
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  const Facility& plain = s->facilities[0];
  EXPECT_DOUBLE_EQ(plain.location.x, 50.0);
  EXPECT_DOUBLE_EQ(plain.location.y, 20.0);
  ASSERT_EQ(plain.rooms.size(), 2U);
  EXPECT_EQ(room_of(*s, plain, "seats")->staff, 6);
  EXPECT_EQ(room_of(*s, plain, "seats")->waiting_room, 0U);
  EXPECT_EQ(room_of(*s, plain, "chargers")->staff, 4);
  EXPECT_EQ(room_of(*s, plain, "lockers"), nullptr);
  // Always open: a constant schedule.
  EXPECT_EQ(room_of(*s, plain, "seats")->capacity.capacity_at(3 * 60.0), 6);
  const Facility& bare = s->facilities[1];
  ASSERT_EQ(bare.rooms.size(), 1U);
  EXPECT_EQ(s->rooms[bare.rooms[0]].type, "seats");
  // No policy: the defaults of scenario.hpp and the schema.
  EXPECT_DOUBLE_EQ(s->red_station_overflow.next_within_m, 1000.0);
  EXPECT_EQ(s->red_station_overflow.max_tries, 3);
}

TEST_F(RedStationTest, OverflowPolicyIsRead) {
  Diagnostics diagnostics;
  const auto s = load(std::string(kStationCity) + R"(facilities:
  red_stations: [{id: one, street: s}]
policies:
  red_station_overflow: {next_within: 2.5km, max_tries: 5}
)" + kRest,
                      diagnostics);
  ASSERT_TRUE(s) << diagnostics.to_string();
  EXPECT_DOUBLE_EQ(s->red_station_overflow.next_within_m, 2500.0);
  EXPECT_EQ(s->red_station_overflow.max_tries, 5);
}

TEST_F(RedStationTest, BadValuesAreReportedAtTheirLine) {
  Diagnostics diagnostics;
  const auto s = load(std::string(kStationCity) + R"(facilities:
  red_stations:
    - id: one
      street: s
      seats: -2
      waiting: 1.5
    - id: two
      street: s
      rooms: [{type: seats, staff: 2}]
policies:
  red_station_overflow:
    next_within: 3 miles
    max_tries: 0
)" + kRest,
                      diagnostics);
  EXPECT_FALSE(s);
  EXPECT_TRUE(reports(diagnostics, 14, "facilities.red_stations.0.seats", "got -2"))
      << diagnostics.to_string();
  EXPECT_TRUE(reports(diagnostics, 15, "facilities.red_stations.0.waiting", "expected integer"))
      << diagnostics.to_string();
  EXPECT_TRUE(reports(diagnostics, 18, "facilities.red_stations.1.rooms.0.type",
                      "red station 'two' lists a room 'seats' and has 6 seats of its own "
                      "(expected one of them: remove the room, or set seats: 0)"))
      << diagnostics.to_string();
  EXPECT_TRUE(reports(diagnostics, 21, "policies.red_station_overflow.next_within", ""))
      << diagnostics.to_string();
  EXPECT_TRUE(reports(diagnostics, 22, "policies.red_station_overflow.max_tries", ">= 1"))
      << diagnostics.to_string();
  EXPECT_THAT(diagnostics.to_string(), HasSubstr("scenario.yaml:22:"));
}

TEST_F(RedStationTest, AServiceAtChargersNeedsAStationWithChargers) {
  Diagnostics diagnostics;
  const auto s = load(std::string(kStationCity) + R"(facilities:
  red_stations:
    - {id: one, street: s, chargers: 0}
    - {id: two, street: s, chargers: 0, rooms: [{type: reading}]}
services:
  - id: charge
    channel: red_station
    room: chargers
    demand: [{rate: 2/h}]
    duration: {dist: exponential, mean: 30min}
  - id: store
    channel: red_station
    room: lockers
    demand: [{rate: 2/h}]
    duration: {dist: exponential, mean: 3h}
)",
                      diagnostics);
  EXPECT_FALSE(s);
  EXPECT_TRUE(reports(diagnostics, 17, "services.0.room",
                      "no red station has chargers (every one has chargers: 0; expected a red "
                      "station with chargers > 0, or a room of theirs: seats, reading)"))
      << diagnostics.to_string();
  EXPECT_TRUE(reports(diagnostics, 22, "services.1.room", "no red station has lockers"))
      << diagnostics.to_string();
}

}  // namespace
}  // namespace circlesim::scenario
