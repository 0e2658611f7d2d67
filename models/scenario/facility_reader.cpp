// FacilityReader: facilities listed one by one and laid out by rule (facility_reader.hpp).
#include "models/scenario/facility_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <optional>
#include <vector>

#include "models/scenario/document_reader.hpp"
#include "models/scenario/red_station_reader.hpp"
#include "sim/capacity_schedule.hpp"
#include "sim/time.hpp"

namespace circlesim::scenario {

namespace {

// Minutes [from, to) of one day.
struct Span {
  double from = 0;
  double to = 0;
};

// Open minutes of a facility by weekday, Monday first.
using WeekHours = std::array<std::vector<Span>, 7>;

// One staffing shift: its minutes on the weekdays (Monday = 0) it applies to.
struct Shift {
  Span span;
  std::array<bool, 7> days{};
  int staff = 0;
};

// The weekdays (Monday = 0) a day type stands for; nothing for `holiday` and named day types,
// which need the calendar.
std::optional<std::vector<int>> weekdays_of(const std::string& day_type) {
  if (day_type == "weekday") return std::vector<int>{0, 1, 2, 3, 4};
  if (day_type == "saturday") return std::vector<int>{5};
  if (day_type == "sunday") return std::vector<int>{6};
  return std::nullopt;
}

std::string needs_calendar(const std::string& day_type) {
  return fmt::format(
      "day type '{}' needs the calendar (holidays, named day types), which is not simulated "
      "yet (expected weekday, saturday or sunday)",
      day_type);
}

// "08:30-12:00" -> its minutes; nothing unless both ends are clock times.
std::optional<Span> parse_span(const std::string& text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  const auto from = parse_clock_time(std::string_view(text).substr(0, dash));
  const auto to = parse_clock_time(std::string_view(text).substr(dash + 1));
  if (!from || !to) return std::nullopt;
  return Span{*from, *to};
}

bool covers(const std::vector<Span>& spans, double minute) {
  return std::any_of(spans.begin(), spans.end(),
                     [&](const Span& s) { return s.from <= minute && minute < s.to; });
}

// Staff on duty over one week from the scenario start (a `start_weekday`, 00:00): `staff`, or
// the shift's, while the facility is open; 0 otherwise. CapacitySchedule repeats a cycle by
// itself, so one week describes a run of any length, and memory does not grow with the horizon.
sim::CapacitySchedule weekly_capacity(const std::optional<WeekHours>& hours,
                                      const std::optional<std::vector<Shift>>& shifts, int staff,
                                      int start_weekday) {
  auto on_duty = [&](int weekday, double minute) {
    const auto day = static_cast<std::size_t>(weekday);
    if (hours && !covers((*hours)[day], minute)) return 0;
    if (!shifts) return staff;
    for (const Shift& shift : *shifts) {
      if (shift.days[day] && shift.span.from <= minute && minute < shift.span.to) {
        return shift.staff;
      }
    }
    return 0;
  };
  // Staff can change only at midnight and at the ends of open intervals and shifts.
  std::vector<double> instants{0.0};
  auto add_ends = [&](const Span& span) {
    instants.push_back(span.from);
    if (span.to < sim::kDay) instants.push_back(span.to);  // 24:00 is the next midnight
  };
  if (hours) {
    for (const std::vector<Span>& day : *hours) {
      for (const Span& span : day) add_ends(span);
    }
  }
  if (shifts) {
    for (const Shift& shift : *shifts) add_ends(shift.span);
  }
  std::sort(instants.begin(), instants.end());
  instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
  std::vector<sim::CapacityChange> changes;
  for (int day = 0; day < 7; ++day) {
    const int weekday = (start_weekday + day) % 7;
    for (const double minute : instants) {
      const int servers = on_duty(weekday, minute);
      if (changes.empty() || changes.back().servers != servers) {
        changes.push_back({day * sim::kDay + minute, servers});
      }
    }
  }
  // Open around the clock: the same constant schedule as a room without opening hours.
  if (changes.size() == 1 && changes.front().servers >= 1) {
    return sim::CapacitySchedule::constant(changes.front().servers);
  }
  if (changes.size() == 1) return sim::CapacitySchedule::piecewise(std::move(changes));
  return sim::CapacitySchedule::cyclic(std::move(changes), sim::kWeek);
}

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
    // Last, so that listing red stations leaves the other facilities' indices as they were.
    {"red_stations", FacilityKind::kRedStation, "street"},
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
    const std::optional<WeekHours> hours = read_opening_hours(spec, base);
    const int start_weekday = scenario.run.start_weekday;
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
      scenario.rooms.push_back(read_room(rooms[r], fmt::format("{}/rooms/{}", base, r),
                                         facility_index, facility.id, hours, start_weekday));
    }
    if (part.kind == FacilityKind::kRedStation) {
      add_station_places(scenario, spec, base, facility, facility_index, hours, start_weekday);
    }
    scenario.facilities.push_back(std::move(facility));
  }

  // A red station's seats, chargers and lockers: a room each, one place per "staff", open with
  // the station. A worker who finds them all taken stands on one of `waiting` places (each
  // room's own) or, with none free, balks and moves on (policies.red_station_overflow).
  void add_station_places(Scenario& scenario, const json& spec, const std::string& base,
                          Facility& facility, std::size_t facility_index,
                          const std::optional<WeekHours>& hours, int start_weekday) {
    std::size_t waiting = 0;
    if (spec.contains("waiting") && spec["waiting"].is_number_integer() &&
        spec["waiting"].get<std::int64_t>() > 0) {
      waiting = spec["waiting"].get<std::size_t>();
    }
    const std::size_t listed = facility.rooms.size();
    for (const StationPlace& place : kStationPlaces) {
      int count = place.default_count;
      if (spec.contains(place.key)) {
        if (!spec[place.key].is_number_integer()) continue;  // reported by the schema check
        count = spec[place.key].get<int>();
      }
      if (count <= 0) continue;  // none: no such room (a service naming it finds no station)
      bool listed_too = false;
      for (std::size_t r = 0; r < listed; ++r) {
        if (scenario.rooms[facility.rooms[r]].type != place.key) continue;
        listed_too = true;
        error(fmt::format("{}/rooms/{}/type", base, r),
              fmt::format("red station '{}' lists a room '{}' and has {} {} of its own (expected "
                          "one of them: remove the room, or set {}: 0)",
                          facility.id, place.key, count, place.key, place.key));
      }
      if (listed_too) continue;
      Room room;
      room.facility = facility_index;
      room.facility_id = facility.id;
      room.type = place.key;
      room.staff = count;
      room.capacity = weekly_capacity(hours, std::nullopt, count, start_weekday);
      room.waiting_room = waiting;
      facility.rooms.push_back(scenario.rooms.size());
      scenario.rooms.push_back(std::move(room));
    }
  }

  // opening_hours: the open intervals of each weekday; nothing when the facility never closes.
  std::optional<WeekHours> read_opening_hours(const json& spec, const std::string& base) {
    if (!spec.contains("opening_hours") || !spec["opening_hours"].is_object()) return std::nullopt;
    WeekHours hours;
    for (const auto& [day_type, intervals] : spec["opening_hours"].items()) {
      const std::string pointer = base + "/opening_hours/" + escape_pointer_token(day_type);
      const std::optional<std::vector<int>> weekdays = weekdays_of(day_type);
      if (!weekdays) {
        error(pointer, needs_calendar(day_type));
        continue;
      }
      if (!intervals.is_array()) continue;  // reported by the schema check
      for (std::size_t i = 0; i < intervals.size(); ++i) {
        if (!intervals[i].is_string()) continue;
        const std::optional<Span> span = parse_span(intervals[i].get<std::string>());
        const std::string item = fmt::format("{}/{}", pointer, i);
        if (!span || span->to <= span->from) {
          if (!reported_under(item)) {
            error(item,
                  "not an interval of one day (expected HH:MM-HH:MM, the end after the "
                  "start)");
          }
          continue;
        }
        // Overlapping intervals (reported by the semantic checks) would simply be open.
        for (const int d : *weekdays) hours[static_cast<std::size_t>(d)].push_back(*span);
      }
    }
    // The engine refuses a room that nobody ever staffs; say so here, where it is written.
    const std::string pointer = base + "/opening_hours";
    if (!open_some_day(hours) && !reported_under(pointer)) {
      error(pointer,
            "the facility is never open: no day has opening hours, so nobody is ever on duty "
            "(expected at least one interval, such as weekday: [\"08:30-17:30\"]; leave "
            "opening_hours out to stay open around the clock)");
    }
    return hours;
  }

  static bool open_some_day(const WeekHours& hours) {
    return std::any_of(hours.begin(), hours.end(),
                       [](const std::vector<Span>& day) { return !day.empty(); });
  }

  // A room whose shifts never put anyone on duty in the facility's opening hours; the engine
  // would refuse it at run time without saying where. A facility that is never open has been
  // reported with its opening hours.
  void check_staffed(const Room& room, const std::optional<WeekHours>& hours,
                     const std::optional<std::vector<Shift>>& shifts, const std::string& pointer) {
    if (!shifts || room.capacity.max_capacity() >= 1) return;
    if (hours && !open_some_day(*hours)) return;
    const bool anyone = std::any_of(shifts->begin(), shifts->end(),
                                    [](const Shift& shift) { return shift.staff >= 1; });
    error(pointer + "/staffing",
          anyone ? "no shift with staff falls within the facility's opening hours, so nobody is "
                   "ever on duty (expected a shift that overlaps the opening hours)"
                 : "every shift has staff 0, so nobody is ever on duty (expected a shift with "
                   "staff 1 or more)");
  }

  // staffing: the room's shifts, each on its weekdays (every day by default).
  std::optional<std::vector<Shift>> read_staffing(const json& spec, const std::string& pointer) {
    if (!spec.contains("staffing") || !spec["staffing"].is_array()) return std::nullopt;
    std::vector<Shift> shifts;
    std::vector<std::string> shift_pointers;
    const json& staffing = spec["staffing"];
    for (std::size_t s = 0; s < staffing.size(); ++s) {
      const std::string base = fmt::format("{}/staffing/{}", pointer, s);
      const json& item = staffing[s];
      if (!item.is_object() || !item.contains("staff") || !item["staff"].is_number_integer()) {
        continue;  // reported by the schema check
      }
      Shift shift;
      shift.staff = item["staff"].get<int>();
      shift.days.fill(!item.contains("days"));
      const json days = item.value("days", json::array());
      for (std::size_t i = 0; i < days.size(); ++i) {
        if (!days[i].is_string()) continue;
        const std::string day_type = days[i].get<std::string>();
        if (const auto weekdays = weekdays_of(day_type)) {
          for (const int d : *weekdays) shift.days[static_cast<std::size_t>(d)] = true;
        } else {
          error(fmt::format("{}/days/{}", base, i), needs_calendar(day_type));
        }
      }
      const auto from = parse_clock_time(item.value("from", ""));
      const auto to = parse_clock_time(item.value("to", ""));
      if (!from || !to || *to <= *from) {
        // Rooms of generated facilities are not seen by the semantic checks: say it here.
        if (!reported_under(base)) {
          error(base + "/to",
                "the shift does not end after it starts (expected from and to as "
                "HH:MM, to after from)");
        }
        continue;
      }
      shift.span = {*from, *to};
      for (std::size_t k = 0; k < shifts.size(); ++k) {
        bool shared_day = false;
        for (std::size_t d = 0; d < 7; ++d) {
          shared_day = shared_day || (shift.days[d] && shifts[k].days[d]);
        }
        const Span& other = shifts[k].span;
        if (shared_day && shift.span.from < other.to && other.from < shift.span.to &&
            !reported_under(base)) {
          error(base, fmt::format("overlapping shifts: this shift overlaps {} on a common day "
                                  "(expected shifts that do not overlap; to have more staff at "
                                  "once, raise staff)",
                                  shift_pointers[k]));
        }
      }
      shifts.push_back(shift);
      shift_pointers.push_back(pointer_to_key_path(base));
    }
    return shifts;
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
      const std::string kind = part.area_key;
      const auto ids_of = [](const auto& areas) {
        std::vector<std::string> ids;
        for (const auto& area : areas) ids.push_back(area.id);
        return ids;
      };
      const std::vector<std::string> ids = kind == "community" ? ids_of(c.communities)
                                           : kind == "street"  ? ids_of(c.streets)
                                                               : ids_of(c.districts);
      // A synthetic city's ids are made up (d1_s1_c1): show one, so the form is plain.
      const std::string such_as = ids.empty() ? "" : fmt::format(", such as '{}'", ids.front());
      error(base + "/" + part.area_key,
            fmt::format("{} '{}' is not in the city (expected the id of one of its {} {}{})", kind,
                        area_id, ids.size(), plural_of(kind), such_as));
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
                 const std::string& facility_id, const std::optional<WeekHours>& hours,
                 int start_weekday) {
    Room room;
    room.facility = facility;
    room.facility_id = facility_id;
    room.type = spec.value("type", "");
    bool runs = true;
    // A staff count of the wrong type has been reported by the schema check.
    if (spec.contains("staff") && spec["staff"].is_number_integer()) {
      room.staff = spec["staff"].get<int>();
      if (room.staff < 1) {
        error(pointer + "/staff", "a room needs at least one staff member to run");
        runs = false;
      }
    }
    const std::optional<std::vector<Shift>> shifts = read_staffing(spec, pointer);
    if (shifts) {
      room.staff = 1;
      for (const Shift& shift : *shifts) room.staff = std::max(room.staff, shift.staff);
    }
    if (runs) {
      room.capacity = weekly_capacity(hours, shifts, room.staff, start_weekday);
      check_staffed(room, hours, shifts, pointer);
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
      // Read once, and reported once, for every facility the rule makes.
      const std::optional<WeekHours> hours = read_opening_hours(rule, base);
      std::vector<city::Index> areas;
      const bool stations = part->kind == FacilityKind::kRedStation;
      if (!stations && !rule.contains("rooms")) {
        error(base, fmt::format("missing required key 'rooms' (expected the rooms of every {} "
                                "the rule makes)",
                                kind_name));
        continue;
      }
      // Red stations by count stand in the most populous communities, run by their street.
      const bool by_community = rule.contains("count") && stations;
      if (rule.contains("count")) {
        if (std::string(part->area_key) != "community" && !stations) {
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
      const json rooms = rule.value("rooms", json::array());
      for (const city::Index area : areas) {
        Facility facility;
        const std::string& area_id =
            std::string(part->area_key) == "community" || by_community ? c.communities[area].id
            : std::string(part->area_key) == "street"                  ? c.streets[area].id
                                                                       : c.districts[area].id;
        facility.id = prefix + "_" + area_id;
        facility.name = facility.id;
        facility.kind = part->kind;
        facility.area = by_community ? c.communities[area].street : area;
        facility.location =
            by_community ? c.communities[area].location : default_location(c, part->kind, area);
        const std::size_t index = scenario.facilities.size();
        for (std::size_t r = 0; r < rooms.size(); ++r) {
          facility.rooms.push_back(scenario.rooms.size());
          scenario.rooms.push_back(read_room(rooms[r], fmt::format("{}/rooms/{}", base, r), index,
                                             facility.id, hours, scenario.run.start_weekday));
        }
        if (stations) {
          add_station_places(scenario, rule, base, facility, index, hours,
                             scenario.run.start_weekday);
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
  read_red_station_overflow(document, diagnostics, scenario);
}

}  // namespace circlesim::scenario
